from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    """Partner recommendation: text index, complementarity, explanations, partner requests."""

    name = "clusterloom.matching"
    label = "matching"
    verbose_name = _("Partner matching")

    def ready(self) -> None:
        from . import signals

        signals.connect()

        from clusterloom.core import home as core_home

        from . import home

        core_home.register("matching", sections=home.sections, place=60)
