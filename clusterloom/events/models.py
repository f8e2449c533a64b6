"""Matchmaking events: sessions and time slots, tables, participant groups and who may meet
whom, registrations with marketplace items, meeting requests and meetings, feedback."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clusterloom.core.models import TimeStampedModel, link, optional_link
from clusterloom.directory.models import Organisation, Person
from clusterloom.partnerships.models import Partnership
from clusterloom.taxonomy.models import Term

User = settings.AUTH_USER_MODEL


class EventKind(models.TextChoices):
    """Who meets whom."""

    B2B = "b2b", _("B2B (companies)")
    C2C = "c2c", _("C2C (cluster organisations)")
    MIXED = "mixed", _("mixed")


class EventFormat(models.TextChoices):
    """Where the meetings take place."""

    ONSITE = "onsite", _("on site")
    VIRTUAL = "virtual", _("virtual")
    HYBRID = "hybrid", _("hybrid")


class RequestMode(models.TextChoices):
    """Whether a meeting request needs the invitee's answer."""

    APPROVAL = "approval", _("the invitee accepts or declines")
    AUTOMATIC = "automatic", _("accepted automatically")


class EventStatus(models.TextChoices):
    """An event is prepared, open for registration, then closed; it is held on its dates."""

    DRAFT = "draft", pgettext_lazy("event status", "draft")
    OPEN = "open", pgettext_lazy("event status", "open for registration")
    CLOSED = "closed", pgettext_lazy("event status", "registration closed")


def _token() -> str:
    return secrets.token_urlsafe(24)


class MatchmakingEvent(TimeStampedModel):
    """A partnership's B2B/C2C matchmaking event."""

    partnership = link(Partnership, _("partnership"), "matchmaking_events")
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=EventKind.choices, default="b2b")
    format = models.CharField(
        _("format"), max_length=8, choices=EventFormat.choices, default="onsite"
    )
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=60, default="Europe/Brussels")
    status = models.CharField(
        _("status"), max_length=8, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    registration_opens = models.DateField(_("registration opens"))
    registration_closes = models.DateField(_("registration closes"))
    max_meetings = models.PositiveSmallIntegerField(
        _("maximum meetings per participant"), default=12
    )
    request_mode = models.CharField(
        _("meeting requests"),
        max_length=10,
        choices=RequestMode.choices,
        default=RequestMode.APPROVAL,
    )
    #: Unanswered requests expire after this many hours (0: never).
    request_expiry_hours = models.PositiveIntegerField(
        _("requests expire after (hours)"), default=72
    )
    #: Weight of a meeting both sides asked for, relative to 1 for a one-sided request.
    mutual_weight = models.FloatField(_("weight of mutual requests"), default=2.0)
    #: Fairness rule of the schedule: nobody has more breaks (waits between two meetings of a
    #: session) than this; empty: no cap. Scheduling is refused when it cannot hold.
    max_breaks = models.PositiveSmallIntegerField(
        _("maximum breaks per participant"), null=True, blank=True
    )
    schedule_published = models.BooleanField(_("schedule published"), default=False)
    #: The last scheduling run: status, objective, bound, progress (for the page).
    schedule_state = models.JSONField(_("scheduling"), default=dict, blank=True)
    #: Held events count toward the partnership's `matchmaking_events` target.
    held = models.BooleanField(_("held"), default=False)
    #: Where a participant who registers (or is imported) without a group lands; with rules,
    #: a participant in no group may meet nobody.
    default_group = optional_link(
        "ParticipantGroup", _("group of participants who choose none"), "+"
    )

    class Meta:
        ordering = ["-registration_opens", "title"]
        verbose_name = _("matchmaking event")
        verbose_name_plural = _("matchmaking events")

    def __str__(self) -> str:
        return self.title


class EventSession(models.Model):
    """A block of meeting time on one day, cut into slots of equal length."""

    event = link(MatchmakingEvent, _("event"), "sessions")
    name = models.CharField(_("name"), max_length=100)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    slot_minutes = models.PositiveSmallIntegerField(_("meeting length (minutes)"), default=20)
    break_minutes = models.PositiveSmallIntegerField(
        _("break between meetings (minutes)"), default=5
    )

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return self.name


class TimeSlot(models.Model):
    """One meeting slot of a session."""

    event = link(MatchmakingEvent, _("event"), "slots")
    session = link(EventSession, _("session"), "slots")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("time slot")
        verbose_name_plural = _("time slots")

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}"


class MeetingTable(models.Model):
    """A table at the venue or a virtual room; one meeting per slot."""

    event = link(MatchmakingEvent, _("event"), "tables")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    seats = models.PositiveSmallIntegerField(_("seats"), default=2)
    #: For virtual rooms: the link the meeting takes place at.
    link = models.URLField(_("virtual room link"), max_length=500, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["event", "number"], name="unique_table_number")
        ]
        verbose_name = _("table")
        verbose_name_plural = _("tables")

    def __str__(self) -> str:
        return self.name or str(_("Table %(n)s") % {"n": self.number})


class ParticipantGroup(models.Model):
    """A group of participants (buyers, suppliers, clusters) for who-may-meet-whom rules."""

    event = link(MatchmakingEvent, _("event"), "groups")
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["event", "name"], name="unique_group_name")]
        verbose_name = _("participant group")
        verbose_name_plural = _("participant groups")

    def __str__(self) -> str:
        return self.name


class GroupRule(models.Model):
    """Members of group A may meet members of group B (both ways). With no rule at all in an
    event, everyone may meet everyone."""

    event = link(MatchmakingEvent, _("event"), "group_rules")
    group_a = link(ParticipantGroup, _("group"), "+")
    group_b = link(ParticipantGroup, _("may meet"), "+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group_a", "group_b"], name="unique_group_rule")
        ]
        verbose_name = _("who may meet whom")
        verbose_name_plural = _("who may meet whom")

    def __str__(self) -> str:
        return f"{self.group_a} ↔ {self.group_b}"


class RegistrationStatus(models.TextChoices):
    """Organisers approve registrations."""

    SUBMITTED = "submitted", _("awaiting approval")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    CANCELLED = "cancelled", _("cancelled")


class Participant(TimeStampedModel):
    """A person registered for an event on behalf of an organisation."""

    event = link(MatchmakingEvent, _("event"), "participants")
    organisation = link(Organisation, _("organisation"), "+", on_delete=models.PROTECT)
    person = optional_link(Person, _("person"), "+")
    user = optional_link(User, _("login"), "event_registrations")
    #: Shown on the participant list (a person without a login is registered by import).
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    group = optional_link(ParticipantGroup, _("group"), "participants")
    profile = models.TextField(_("profile"), blank=True)
    terms = models.ManyToManyField(Term, blank=True, related_name="+", verbose_name=_("industries"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.SUBMITTED,
        db_index=True,
    )
    #: Opt-in (GDPR consent): unpublished profiles are shown and suggested to nobody but the
    #: organisers.
    consent_public = models.BooleanField(
        _("publish my profile to the other participants"), default=False
    )
    #: When the organisers last reminded this participant that nobody can find them.
    findability_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    available_slots = models.ManyToManyField(
        TimeSlot,
        blank=True,
        related_name="available_participants",
        verbose_name=_("available in"),
    )
    #: An exhibitor at a booth: all their meetings take place at this table.
    fixed_table = optional_link(MeetingTable, _("fixed table"), "+")
    meeting_link = models.URLField(_("video link for virtual meetings"), max_length=500, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    #: Secret part of the participant's calendar feed URL.
    calendar_token = models.CharField(max_length=64, default=_token, editable=False, unique=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(user__isnull=False),
                name="one_registration_per_user",
            )
        ]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class ItemKind(models.TextChoices):
    """What a marketplace item is."""

    OFFER = "offer", _("offer")
    REQUEST = "request", _("request")
    COOPERATION = "cooperation", _("cooperation")


class MarketplaceItem(TimeStampedModel):
    """An offer, a request or a cooperation a participant proposes."""

    participant = link(Participant, _("participant"), "items")
    kind = models.CharField(_("kind"), max_length=12, choices=ItemKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    #: e.g. "joint venture", "commercial agreement", "research cooperation".
    cooperation_types = models.JSONField(_("cooperation types"), default=list, blank=True)

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("marketplace item")
        verbose_name_plural = _("marketplace items")

    def __str__(self) -> str:
        return self.title


class MeetingStatus(models.TextChoices):
    """A meeting from the request to its place in the schedule."""

    REQUESTED = "requested", _("requested")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    CANCELLED = "cancelled", _("cancelled")
    EXPIRED = "expired", _("expired")
    UNSCHEDULED = "unscheduled", _("not scheduled")
    SCHEDULED = "scheduled", _("scheduled")


class Attendance(models.TextChoices):
    """What happened on the day."""

    UNKNOWN = "", _("not recorded")
    HELD = "held", _("held")
    NO_SHOW = "no_show", _("no-show")


class Meeting(TimeStampedModel):
    """A meeting request between two participants, and, once accepted, the meeting."""

    event = link(MatchmakingEvent, _("event"), "meetings")
    requester = link(Participant, _("requested by"), "requests_sent")
    invitee = link(Participant, _("invitee"), "requests_received")
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=MeetingStatus.choices,
        default=MeetingStatus.REQUESTED,
        db_index=True,
    )
    decline_reason = models.TextField(_("reason"), blank=True)
    #: Both sides asked for this meeting (their requests were merged): it weighs more.
    mutual = models.BooleanField(_("mutual"), default=False)
    #: Extra weight the organiser gives this meeting in the schedule (0: none).
    priority = models.PositiveSmallIntegerField(_("organiser priority"), default=0)
    slot = optional_link(TimeSlot, _("slot"), "meetings")
    table = optional_link(MeetingTable, _("table"), "meetings")
    #: The only slots the meeting may take (a time of day both sides chose); none: any.
    allowed_slots = models.ManyToManyField(
        TimeSlot, blank=True, related_name="restricted_meetings", verbose_name=_("time of day")
    )
    #: Locked by the organiser, or published: the scheduler does not move it (a locked
    #: meeting without a table keeps its slot and gets a table).
    locked = models.BooleanField(_("locked"), default=False)
    published = models.BooleanField(_("published"), default=False)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    attendance = models.CharField(
        _("attendance"), max_length=8, choices=Attendance.choices, default="", blank=True
    )
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    #: Feedback stages both sides were reminded of ("after_event", "six_months").
    feedback_reminded = models.JSONField(default=list, blank=True, editable=False)
    #: The calendar SEQUENCE (RFC 5545): one more with every change of status, slot or table,
    #: so two changes in the same second still reach the participants' calendars in order.
    sequence = models.PositiveBigIntegerField(_("calendar sequence"), default=0, editable=False)
    #: When the meeting was last booked: a cancelled meeting loses its slot but keeps its time
    #: in the calendar feed, as calendar apps ignore a cancelled event without a start.
    booked_starts_at = models.DateTimeField(null=True, blank=True, editable=False)
    booked_ends_at = models.DateTimeField(null=True, blank=True, editable=False)

    #: The fields whose change a participant's calendar must see.
    CALENDAR_FIELDS = ("status", "slot_id", "table_id")

    class Meta:
        ordering = ["slot__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "table"],
                condition=Q(slot__isnull=False, table__isnull=False),
                name="one_meeting_per_table_and_slot",
            ),
            models.CheckConstraint(
                condition=~Q(requester=models.F("invitee")), name="meeting_needs_two_people"
            ),
        ]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.requester.name} ↔ {self.invitee.name}"

    @classmethod
    def from_db(cls, db, field_names, values):
        """Remember the calendar fields as loaded, so save() knows whether they changed."""
        instance = super().from_db(db, field_names, values)
        instance._calendar_state = instance._calendar_now()
        return instance

    def _calendar_now(self) -> tuple:
        return tuple(self.__dict__.get(name) for name in self.CALENDAR_FIELDS)

    def save(self, *args, **kwargs):
        """Count a change of status, slot or table in `sequence`; remember the booked time."""
        loaded = getattr(self, "_calendar_state", None)
        changed = loaded is not None and loaded != self._calendar_now()
        fields = kwargs.get("update_fields")
        if changed:
            self.sequence += 1
        if self.slot_id is not None:
            self.booked_starts_at, self.booked_ends_at = self.slot.starts_at, self.slot.ends_at
        if fields is not None:
            kwargs["update_fields"] = {*fields, "sequence", "booked_starts_at", "booked_ends_at"}
        super().save(*args, **kwargs)
        self._calendar_state = self._calendar_now()

    @property
    def weight(self) -> float:
        """The meeting's weight in the schedule."""
        return (self.event.mutual_weight if self.mutual else 1.0) + self.priority


class Booking(models.Model):
    """A participant's place in a slot: one row per participant of a meeting with a slot, so
    that the database itself refuses two meetings of one person at the same time."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="bookings")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="bookings")
    slot = models.ForeignKey(TimeSlot, on_delete=models.CASCADE, related_name="bookings")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "slot"], name="one_meeting_per_person_and_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} @ {self.slot_id}"


class FeedbackStage(models.TextChoices):
    """Right after the event, and about six months later."""

    AFTER_EVENT = "after_event", _("right after the event")
    SIX_MONTHS = "six_months", _("six months later")


class Outcome(models.TextChoices):
    """The answers of both feedback stages."""

    NOT_HELD = "not_held", _("did not take place")
    INSUFFICIENT_INTEREST = "insufficient_interest", _("insufficient interest")
    INFORMATIVE = "informative", _("informative, no cooperation planned")
    COOPERATION_POSSIBLE = "cooperation_possible", _("cooperation possible")
    NO_FURTHER_CONTACT = "no_further_contact", _("no further contact")
    NEGOTIATION = "negotiation", _("negotiation started")
    AGREEMENT = "agreement", _("cooperation agreement reached")


#: Which outcomes each stage offers.
STAGE_OUTCOMES = {
    FeedbackStage.AFTER_EVENT: (
        Outcome.NOT_HELD,
        Outcome.INSUFFICIENT_INTEREST,
        Outcome.INFORMATIVE,
        Outcome.COOPERATION_POSSIBLE,
    ),
    FeedbackStage.SIX_MONTHS: (
        Outcome.NO_FURTHER_CONTACT,
        Outcome.NEGOTIATION,
        Outcome.AGREEMENT,
    ),
}


class MeetingFeedback(TimeStampedModel):
    """One participant's feedback on one meeting at one stage."""

    meeting = link(Meeting, _("meeting"), "feedback")
    participant = link(Participant, _("participant"), "feedback")
    stage = models.CharField(_("stage"), max_length=12, choices=FeedbackStage.choices)
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "participant", "stage"], name="one_feedback_per_stage"
            )
        ]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self) -> str:
        return f"{self.meeting}: {self.get_outcome_display()}"
