"""ClusterXchange pages (mounted at /exchanges/)."""

from django.urls import path

from . import exchange_views as ev
from . import views

urlpatterns = [
    path("", views.call_list, name="exchange_call_list"),
    path("calls/new/", views.call_create, name="exchange_call_create"),
    path("calls/<slug:slug>/", views.call_detail, name="exchange_call_detail"),
    path("calls/<slug:slug>/edit/", views.call_edit, name="exchange_call_edit"),
    path("calls/<slug:slug>/status/", views.call_status, name="exchange_call_status"),
    path("calls/<slug:slug>/apply/", views.application_create, name="exchange_application_create"),
    path("calls/<slug:slug>/allocation/", views.call_allocation, name="exchange_call_allocation"),
    path("applications/<int:pk>/", views.application_detail, name="exchange_application_detail"),
    path(
        "applications/<int:pk>/review/",
        views.application_review,
        name="exchange_application_review",
    ),
    path(
        "applications/<int:pk>/withdraw/",
        views.application_withdraw,
        name="exchange_application_withdraw",
    ),
    path("offers/", views.offer_list, name="hosting_offer_list"),
    path("offers/new/", views.offer_create, name="hosting_offer_create"),
    path("offers/<int:pk>/", views.offer_detail, name="hosting_offer_detail"),
    path("offers/<int:pk>/edit/", views.offer_edit, name="hosting_offer_edit"),
    path("offers/<int:pk>/review/", views.offer_review, name="hosting_offer_review"),
    path("offers/<int:pk>/withdraw/", views.offer_withdraw, name="hosting_offer_withdraw"),
    path("offers/<int:pk>/propose/", views.offer_propose, name="hosting_offer_propose"),
    path("visits/<int:pk>/", ev.exchange_detail, name="exchange_detail"),
    path("visits/<int:pk>/confirm/", ev.exchange_confirm, name="exchange_confirm"),
    path("visits/<int:pk>/decline/", ev.exchange_decline, name="exchange_decline"),
    path("visits/<int:pk>/cancel/", ev.exchange_cancel, name="exchange_cancel"),
    path("visits/<int:pk>/commitment/", ev.commitment_update, name="exchange_commitment"),
    path("visits/<int:pk>/sign/", ev.commitment_sign, name="exchange_sign"),
    path("visits/<int:pk>/evidence/", ev.evidence_upload, name="exchange_evidence_upload"),
    path("visits/<int:pk>/report/", ev.exchange_report, name="exchange_report"),
    path("visits/<int:pk>/validate/", ev.exchange_validate, name="exchange_validate"),
    path("visits/<int:pk>/paid/", ev.exchange_paid, name="exchange_paid"),
    path("evidence/<int:pk>/", ev.evidence_download, name="exchange_evidence_download"),
    path("evidence/<int:pk>/delete/", ev.evidence_delete, name="exchange_evidence_delete"),
]
