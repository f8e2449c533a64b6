from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    """ClusterXchange: calls, hosting offers, applications, eligibility, grants, allocation."""

    name = "clusterloom.exchanges"
    label = "exchanges"
    verbose_name = _("ClusterXchange")

    def ready(self) -> None:
        from clusterloom.partnerships.sections import register

        from .sections import partnership_section

        register(partnership_section)
