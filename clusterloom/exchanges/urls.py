"""ClusterXchange pages (mounted at /exchanges/)."""

from django.urls import path

from clusterloom.core.routes import object_pages

from . import exchange_views as ev
from . import views

CALL = "calls/<slug:slug>/"
APPLICATION = "applications/<int:pk>/"
OFFER = "offers/<int:pk>/"
VISIT = "visits/<int:pk>/"

urlpatterns = [
    path("", views.call_list, name="exchange_call_list"),
    path("calls/new/", views.call_create, name="exchange_call_create"),
    path(CALL, views.call_detail, name="exchange_call_detail"),
    *object_pages(CALL, views, "call", "edit status allocation", name="exchange_call"),
    path(CALL + "apply/", views.application_create, name="exchange_application_create"),
    path(APPLICATION, views.application_detail, name="exchange_application_detail"),
    *object_pages(
        APPLICATION, views, "application", "review withdraw", name="exchange_application"
    ),
    path("offers/", views.offer_list, name="hosting_offer_list"),
    path("offers/new/", views.offer_create, name="hosting_offer_create"),
    path(OFFER, views.offer_detail, name="hosting_offer_detail"),
    *object_pages(OFFER, views, "offer", "edit review withdraw propose", name="hosting_offer"),
    path(VISIT, ev.exchange_detail, name="exchange_detail"),
    *object_pages(VISIT, ev, "exchange", "confirm decline cancel report validate paid"),
    path(VISIT + "commitment/", ev.commitment_update, name="exchange_commitment"),
    path(VISIT + "sign/", ev.commitment_sign, name="exchange_sign"),
    path(VISIT + "evidence/", ev.evidence_upload, name="exchange_evidence_upload"),
    path("evidence/<int:pk>/", ev.evidence_download, name="exchange_evidence_download"),
    path("evidence/<int:pk>/delete/", ev.evidence_delete, name="exchange_evidence_delete"),
]
