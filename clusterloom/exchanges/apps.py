from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    """ClusterXchange: calls, hosting offers, applications, eligibility, grants, allocation."""

    name = "clusterloom.exchanges"
    label = "exchanges"
    verbose_name = _("ClusterXchange")

    def ready(self) -> None:
        from clusterloom.partnerships.sections import register

        from .sections import partnership_section

        register(partnership_section)

        from clusterloom.core import personal_data

        from .personal_data import personal_data_erase, personal_data_export

        personal_data.register(
            "clusterxchange",
            export=personal_data_export,
            erase=personal_data_erase,
            covers=tuple(
                f"exchanges.{field}"
                for field in (
                    "HostingOffer.person",
                    "HostingOffer.submitted_by",
                    "HostingOffer.reviewed_by",
                    "ExchangeApplication.person",
                    "ExchangeApplication.submitted_by",
                    "ExchangeApplication.reviewed_by",
                    "Exchange.validated_by",
                    "ExchangeEvidence.uploaded_by",
                )
            ),
        )

        from clusterloom.core import home as core_home

        from . import home

        core_home.register("exchanges", tasks=home.tasks, sections=home.sections, place=50)
