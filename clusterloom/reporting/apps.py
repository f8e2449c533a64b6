from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """KPIs computed from live data, dashboards, funder reports."""

    name = "clusterloom.reporting"
    label = "reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        from clusterloom.partnerships.sections import register

        from .sections import partnership_section

        register(partnership_section)

        from clusterloom.core import home as core_home

        from . import home

        core_home.register("reporting", tasks=home.tasks, sections=home.sections, place=10)
