"""Partnership pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("partnerships/", views.partnership_list, name="partnership_list"),
    path("partnerships/network/", views.network, name="network"),
    path("partnerships/<slug:slug>/", views.partnership_detail, name="partnership_detail"),
]
