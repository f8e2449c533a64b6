from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    """The directory app."""

    name = "clusterloom.directory"
    label = "directory"
    verbose_name = _("Directory")
