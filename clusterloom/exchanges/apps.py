from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    """ClusterXchange: calls, hosting offers, applications, eligibility, grants, allocation."""

    name = "clusterloom.exchanges"
    label = "exchanges"
    verbose_name = _("ClusterXchange")
