from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    """The partnerships app."""

    name = "clusterloom.partnerships"
    label = "partnerships"
    verbose_name = _("Partnerships")

    def ready(self):
        from clusterloom.core import personal_data

        from .contact import contact_erase, contact_export

        personal_data.register(
            "partnership_contact",
            export=contact_export,
            erase=contact_erase,
            covers=("partnerships.Partnership.contact_person",),
        )
