from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """KPIs computed from live data, dashboards, funder reports."""

    name = "clusterloom.reporting"
    label = "reporting"
    verbose_name = _("Reporting")
