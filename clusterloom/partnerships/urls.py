"""Partnership pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("partnerships/", views.partnership_list, name="partnership_list"),
    path("partnerships/network/", views.network, name="network"),
    path("partnerships/<slug:slug>/", views.partnership_detail, name="partnership_detail"),
    path("partnerships/<slug:slug>/print/", views.partnership_print, name="partnership_print"),
    path("partnerships/<slug:slug>/pdf/", views.partnership_pdf, name="partnership_pdf"),
    path("partnerships/<slug:slug>/edit/", views.partnership_edit, name="partnership_edit"),
    path(
        "partnerships/<slug:slug>/targets/", views.partnership_targets, name="partnership_targets"
    ),
]
