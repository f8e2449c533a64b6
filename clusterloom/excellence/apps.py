from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExcellenceConfig(AppConfig):
    """Cluster-management excellence: labels, benchmarking, service portfolio, strategies."""

    name = "clusterloom.excellence"
    label = "excellence"
    verbose_name = _("Excellence")
