from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaxonomyConfig(AppConfig):
    """The taxonomy app."""

    name = "clusterloom.taxonomy"
    label = "taxonomy"
    verbose_name = _("Taxonomy")
