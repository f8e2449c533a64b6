"""Excellence pages (mounted at /excellence/): labels, benchmarkings, services, indicator sets."""

from django.urls import path

from clusterloom.core.routes import object_pages

from . import benchmarking_views as bv
from . import views

ORG = "organisations/<slug:slug>/"
LABEL = "labels/<int:pk>/"
BENCHMARKING = "benchmarkings/<int:pk>/"
IMPROVEMENT = "improvements/<int:pk>/"
SERVICE = "services/<int:pk>/"
SET = "sets/<int:pk>/"

urlpatterns = [
    path("", views.label_list, name="excellence_labels"),
    path(ORG, views.organisation_page, name="excellence_organisation"),
    path(ORG + "labels/new/", views.label_create, name="excellence_label_create"),
    path(ORG + "benchmarkings/new/", bv.benchmarking_create, name="excellence_benchmarking_create"),
    path(ORG + "services/new/", views.service_create, name="excellence_service_create"),
    *object_pages(LABEL, views, "label", "edit delete", name="excellence_label"),
    path(LABEL + "certificate/", views.label_certificate, name="excellence_certificate"),
    path(BENCHMARKING, bv.benchmarking_detail, name="excellence_benchmarking"),
    *object_pages(BENCHMARKING, bv, "benchmarking", "edit delete", name="excellence_benchmarking"),
    path(
        BENCHMARKING + "improvements/new/",
        bv.improvement_create,
        name="excellence_improvement_create",
    ),
    *object_pages(
        IMPROVEMENT, bv, "improvement", "edit delete evidence", name="excellence_improvement"
    ),
    *object_pages(SERVICE, views, "service", "edit delete", name="excellence_service"),
    path("sets/", bv.indicator_set_list, name="excellence_indicator_sets"),
    path("sets/new/", bv.indicator_set_create, name="excellence_indicator_set_create"),
    path(SET, bv.indicator_set_detail, name="excellence_indicator_set"),
    path(SET + "edit/", bv.indicator_set_edit, name="excellence_indicator_set_edit"),
]
