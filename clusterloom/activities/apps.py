from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    """Joint activities: learning events, study visits, trainings, dissemination."""

    name = "clusterloom.activities"
    label = "activities"
    verbose_name = _("Joint activities")

    def ready(self) -> None:
        from clusterloom.core import personal_data
        from clusterloom.partnerships import feed
        from clusterloom.partnerships.sections import register

        from .feeds import activity_entries
        from .personal_data import personal_data_erase, personal_data_export
        from .sections import partnership_section

        register(partnership_section)
        feed.register("activities", activity_entries)
        personal_data.register(
            "activities",
            export=personal_data_export,
            erase=personal_data_erase,
            covers=("activities.Attendance.person", "activities.Activity.created_by"),
        )
