"""Excellence pages (mounted at /excellence/): labels, benchmarkings, services, indicator sets."""

from django.urls import path

from . import benchmarking_views as bv
from . import views

ORG = "organisations/<slug:slug>/"

urlpatterns = [
    path("", views.label_list, name="excellence_labels"),
    path(ORG, views.organisation_page, name="excellence_organisation"),
    path(ORG + "labels/new/", views.label_create, name="excellence_label_create"),
    path(ORG + "benchmarkings/new/", bv.benchmarking_create, name="excellence_benchmarking_create"),
    path(ORG + "services/new/", views.service_create, name="excellence_service_create"),
    path("labels/<int:pk>/edit/", views.label_edit, name="excellence_label_edit"),
    path("labels/<int:pk>/delete/", views.label_delete, name="excellence_label_delete"),
    path("labels/<int:pk>/certificate/", views.label_certificate, name="excellence_certificate"),
    path("benchmarkings/<int:pk>/", bv.benchmarking_detail, name="excellence_benchmarking"),
    path("benchmarkings/<int:pk>/edit/", bv.benchmarking_edit, name="excellence_benchmarking_edit"),
    path(
        "benchmarkings/<int:pk>/delete/",
        bv.benchmarking_delete,
        name="excellence_benchmarking_delete",
    ),
    path(
        "benchmarkings/<int:pk>/improvements/new/",
        bv.improvement_create,
        name="excellence_improvement_create",
    ),
    path("improvements/<int:pk>/edit/", bv.improvement_edit, name="excellence_improvement_edit"),
    path(
        "improvements/<int:pk>/delete/", bv.improvement_delete, name="excellence_improvement_delete"
    ),
    path(
        "improvements/<int:pk>/evidence/",
        bv.improvement_evidence,
        name="excellence_improvement_evidence",
    ),
    path("services/<int:pk>/edit/", views.service_edit, name="excellence_service_edit"),
    path("services/<int:pk>/delete/", views.service_delete, name="excellence_service_delete"),
    path("sets/", bv.indicator_set_list, name="excellence_indicator_sets"),
    path("sets/new/", bv.indicator_set_create, name="excellence_indicator_set_create"),
    path("sets/<int:pk>/", bv.indicator_set_detail, name="excellence_indicator_set"),
    path("sets/<int:pk>/edit/", bv.indicator_set_edit, name="excellence_indicator_set_edit"),
]
