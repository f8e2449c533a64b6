"""Directory pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("<slug:slug>/", views.organisation_detail, name="organisation_detail"),
]
