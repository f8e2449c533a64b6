"""Pages of reporting, mounted at /reporting/."""

from django.urls import path

from . import views

urlpatterns = [
    path("partnerships/<slug:slug>/", views.dashboard, name="reporting_dashboard"),
    path("partnerships/<slug:slug>/report/", views.report, name="reporting_report"),
    path(
        "partnerships/<slug:slug>/report/print/",
        views.report_print,
        name="reporting_report_print",
    ),
]
