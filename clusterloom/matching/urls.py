"""Partner-matching pages (mounted at /partners/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.partner_search, name="partner_search"),
    path(
        "organisations/<slug:slug>/suggestions/",
        views.partner_suggestions,
        name="partner_suggestions",
    ),
    path("requests/", views.partner_request_list, name="partner_request_list"),
    path("requests/new/", views.partner_request_create, name="partner_request_create"),
    path("requests/<int:pk>/", views.partner_request_detail, name="partner_request_detail"),
    path("requests/<int:pk>/edit/", views.partner_request_edit, name="partner_request_edit"),
    path("requests/<int:pk>/close/", views.partner_request_close, name="partner_request_close"),
    path("requests/<int:pk>/follow/", views.partner_request_follow, name="partner_request_follow"),
    path(
        "requests/<int:pk>/interest/",
        views.partner_interest_express,
        name="partner_interest_express",
    ),
    path("affinities/", views.affinity_list, name="affinity_list"),
    path("affinities/relearn/", views.affinity_relearn, name="affinity_relearn"),
]
