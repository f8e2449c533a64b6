"""Region category pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.region_list, name="region_list"),
    path("<str:code>/category/", views.region_category_update, name="region_category_update"),
]
