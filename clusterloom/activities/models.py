"""Joint activities of a partnership: learning events, study visits, trainings and coaching,
dissemination; with who attended."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clusterloom.core.models import TimeStampedModel, link, not_before, optional_link
from clusterloom.directory.models import Organisation, Person
from clusterloom.geo.models import Country
from clusterloom.partnerships.models import Partnership

User = settings.AUTH_USER_MODEL


class ActivityKind(models.TextChoices):
    """What kind of joint activity; each kind counts toward one target code."""

    LEARNING_EVENT = "learning_event", _("learning event")
    STUDY_VISIT = "study_visit", _("study visit")
    TRAINING = "training", _("training")
    COACHING = "coaching", _("coaching")
    DISSEMINATION = "dissemination", _("dissemination activity")


#: Activity kind -> the partnerships.TargetCode it counts toward.
TARGET_OF_KIND = {
    ActivityKind.LEARNING_EVENT: "learning_events",
    ActivityKind.STUDY_VISIT: "study_visits",
    ActivityKind.TRAINING: "trainings",
    ActivityKind.COACHING: "trainings",
    ActivityKind.DISSEMINATION: "dissemination",
}


class ActivityStatus(models.TextChoices):
    """An activity is planned, then held (or cancelled)."""

    PLANNED = "planned", pgettext_lazy("activity status", "planned")
    HELD = "held", pgettext_lazy("activity status", "held")
    CANCELLED = "cancelled", pgettext_lazy("activity status", "cancelled")


class Channel(models.TextChoices):
    """Where a dissemination activity reached its audience."""

    WEBSITE = "website", _("website")
    NEWSLETTER = "newsletter", _("newsletter")
    SOCIAL_MEDIA = "social_media", _("social media")
    PRESS = "press", _("press")
    CONFERENCE = "conference", _("conference or fair")
    VIDEO = "video", _("video or webinar")
    PUBLICATION = "publication", _("publication")
    OTHER = "other", _("other")


class Activity(TimeStampedModel):
    """One joint activity of a partnership."""

    partnership = link(Partnership, _("partnership"), "activities")
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    #: The partner (or other organisation) that organised or hosted it.
    organiser = optional_link(Organisation, _("organised by"), "organised_activities")
    city_name = models.CharField(_("city"), max_length=200, blank=True)
    country = optional_link(Country, _("country"), "+")
    is_online = models.BooleanField(_("online"), default=False)
    #: Topic of a training or coaching (cluster management, internationalisation, ...).
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    #: Hours of a training or coaching per participant (attendance may say otherwise).
    hours = models.DecimalField(
        _("hours per participant"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    #: People reached (dissemination: readers, viewers, visitors), as the organiser reports.
    reach = models.PositiveIntegerField(_("reach"), null=True, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    created_by = optional_link(User, _("recorded by"), "+")

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [not_before("ends_on", "starts_on", "activity_ends_after_start")]

    def __str__(self) -> str:
        return self.title

    @property
    def target_code(self) -> str:
        """The target code this activity counts toward."""
        return TARGET_OF_KIND[self.kind]


class AttendeeRole(models.TextChoices):
    """Who an attendee is, for capacity-building counts."""

    CLUSTER_MANAGER = "cluster_manager", _("cluster manager")
    CLUSTER_STAFF = "cluster_staff", _("cluster staff")
    SME = "sme", _("SME staff")
    RESEARCH = "research", _("research or education")
    PUBLIC = "public", _("public body")
    OTHER = "other", _("other")


class Attendance(TimeStampedModel):
    """One person who attended an activity (a directory person, or a name)."""

    activity = link(Activity, _("activity"), "attendance")
    person = optional_link(Person, _("person"), "attendance")
    #: The attendee's name when not in the directory (erased on request, as a person is).
    name = models.CharField(_("name"), max_length=200, blank=True)
    organisation = optional_link(Organisation, _("organisation"), "attendance")
    organisation_name = models.CharField(_("organisation (name)"), max_length=255, blank=True)
    role = models.CharField(
        _("role"), max_length=20, choices=AttendeeRole.choices, default=AttendeeRole.OTHER
    )
    #: Hours attended, when different from the activity's hours per participant.
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["activity", "id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "person"],
                condition=models.Q(person__isnull=False),
                name="attend_once_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person or self.name} @ {self.activity}"
