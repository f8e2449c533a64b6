from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    """The geo app."""

    name = "clusterloom.geo"
    label = "geo"
    verbose_name = _("Geography")
