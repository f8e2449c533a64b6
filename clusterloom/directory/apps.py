from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    """The directory app."""

    name = "clusterloom.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self):
        from clusterloom.core import personal_data

        from .services import person_erase, person_export

        def export(user):
            person = getattr(user, "person", None)
            return person_export(person=person) if person is not None else None

        def erase(user):
            person = getattr(user, "person", None)
            if person is not None:
                person_erase(actor=user, person=person)

        personal_data.register("person", export=export, erase=erase)
