from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Base models, audit log, permissions, domain errors."""

    name = "clusterloom.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import checks  # noqa: F401 - registers the deployment checks
        from .page_cache import connect_signals

        connect_signals()
