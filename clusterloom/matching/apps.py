from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    """Partner recommendation: text index, complementarity, explanations, partner requests."""

    name = "clusterloom.matching"
    label = "matching"
    verbose_name = _("Partner matching")

    def ready(self) -> None:
        from clusterloom.core import home as core_home
        from clusterloom.core import personal_data
        from clusterloom.core.backup import restored

        from . import home, live_index, signals
        from . import personal_data as matching_personal_data

        signals.connect()
        restored.connect(live_index.restored, dispatch_uid="match_index_restored")
        core_home.register("matching", sections=home.sections, place=60)
        personal_data.register(
            "partner_matching",
            export=matching_personal_data.personal_data_export,
            erase=matching_personal_data.personal_data_erase,
            covers=matching_personal_data.COVERS,
        )
