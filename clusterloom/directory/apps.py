from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    """The directory app."""

    name = "clusterloom.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self):
        from django.db.models.signals import post_migrate

        from clusterloom.core import personal_data

        from . import fts, search_index

        def text_index(sender, using, **kwargs):
            from django.db import connections

            fts.ensure_text_index(connections[using])
            if using == "default":
                search_index.search_index_fill_missing()

        search_index.connect_signals()

        post_migrate.connect(
            text_index, sender=self, weak=False, dispatch_uid="directory_text_index"
        )

        from .services import person_erase, person_export

        def export(user):
            person = getattr(user, "person", None)
            return person_export(person=person) if person is not None else None

        def erase(user):
            person = getattr(user, "person", None)
            if person is not None:
                person_erase(actor=user, person=person)

        personal_data.register(
            "person", export=export, erase=erase, covers=("directory.Person.user",)
        )

        from clusterloom.core import home as core_home

        from . import home

        core_home.register("directory", sections=home.sections, place=20)
