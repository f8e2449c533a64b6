from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExcellenceConfig(AppConfig):
    """Cluster-management excellence: labels, benchmarking, service portfolio, strategies."""

    name = "clusterloom.excellence"
    label = "excellence"
    verbose_name = _("Excellence")

    def ready(self) -> None:
        from clusterloom.partnerships.sections import register

        from . import sections, strategy_sections

        register(sections.partnership_section)
        register(strategy_sections.partnership_section)

        from clusterloom.core import personal_data

        from . import label_personal_data, strategy_services

        personal_data.register(
            "labels",
            export=label_personal_data.personal_data_export,
            erase=label_personal_data.personal_data_erase,
            covers=("excellence.ClusterLabel.recorded_by", "excellence.Benchmarking.recorded_by"),
        )
        personal_data.register(
            "strategies",
            export=strategy_services.personal_data_export,
            erase=strategy_services.personal_data_erase,
            covers=("excellence.StrategyVersion.created_by",),
        )

        from clusterloom.core import home as core_home

        from . import home

        core_home.register("excellence", tasks=home.tasks, sections=home.sections, place=30)
