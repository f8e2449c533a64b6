from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    """The partnerships app."""

    name = "clusterloom.partnerships"
    label = "partnerships"
    verbose_name = _("Partnerships")
