from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    """Joint activities: learning events, study visits, trainings, dissemination."""

    name = "clusterloom.activities"
    label = "activities"
    verbose_name = _("Joint activities")
