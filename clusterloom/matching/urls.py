"""Partner-matching pages (mounted at /partners/)."""

from django.urls import path

from clusterloom.core.routes import object_pages

from . import views

REQUEST = "requests/<int:pk>/"

urlpatterns = [
    path("", views.partner_search, name="partner_search"),
    path(
        "organisations/<slug:slug>/suggestions/",
        views.partner_suggestions,
        name="partner_suggestions",
    ),
    path("requests/", views.partner_request_list, name="partner_request_list"),
    path("requests/new/", views.partner_request_create, name="partner_request_create"),
    path(REQUEST, views.partner_request_detail, name="partner_request_detail"),
    *object_pages(REQUEST, views, "partner_request", "edit close follow"),
    path(REQUEST + "interest/", views.partner_interest_express, name="partner_interest_express"),
    path("affinities/", views.affinity_list, name="affinity_list"),
    path("affinities/relearn/", views.affinity_relearn, name="affinity_relearn"),
]
