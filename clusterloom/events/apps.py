from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """Matchmaking events: sessions, slots, tables, registrations, meetings, scheduling."""

    name = "clusterloom.events"
    label = "events"
    verbose_name = _("Matchmaking events")

    def ready(self) -> None:
        from clusterloom.partnerships import feed
        from clusterloom.partnerships.sections import register

        from .feed import feed_entries
        from .sections import partnership_section

        register(partnership_section)
        feed.register("events", feed_entries)

        from clusterloom.core import personal_data

        from . import personal_data as events_personal_data

        personal_data.register(
            "events",
            export=events_personal_data.personal_data_export,
            erase=events_personal_data.personal_data_erase,
            covers=events_personal_data.COVERS,
        )

        from clusterloom.core import home as core_home

        from . import home

        core_home.register("events", tasks=home.tasks, sections=home.sections, place=40)
