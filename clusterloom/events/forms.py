"""Forms of the matchmaking-event pages: thin; the services check every rule and name the field
at fault."""

import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from clusterloom.directory.forms import BootstrapForm

from .models import (
    STAGE_OUTCOMES,
    EventFormat,
    EventKind,
    FeedbackStage,
    ItemKind,
    RequestMode,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
#: A date-time picker in steps of 5 minutes (browsers fall back to text as YYYY-MM-DDTHH:MM).
DATETIME = forms.TextInput(attrs={"type": "datetime-local", "step": "300"})
#: Marketplace item rows on the registration form (empty rows are left out).
ITEM_ROWS = 3


def slot_label(slot, zone: str) -> str:
    """A slot as the event's time zone shows it: "Wed 10 Mar 09:25–09:45"."""
    tz = zoneinfo.ZoneInfo(zone)
    start = timezone.localtime(slot.starts_at, tz)
    end = timezone.localtime(slot.ends_at, tz)
    return f"{date_format(start, 'WEEKDAY_DATETIME_FORMAT')}–{date_format(end, 'TIME_FORMAT')}"


class EventForm(BootstrapForm):
    """An event's settings."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    format = forms.ChoiceField(label=_("Format"), choices=EventFormat.choices)
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=60,
        initial="Europe/Brussels",
        help_text=_("The time zone of the venue, e.g. Europe/Rome; all times are shown in it."),
    )
    registration_opens = forms.DateField(label=_("Registration opens"), widget=DATE)
    registration_closes = forms.DateField(label=_("Registration closes"), widget=DATE)
    max_meetings = forms.IntegerField(
        label=_("Maximum meetings per participant"), min_value=1, max_value=100, initial=12
    )
    request_mode = forms.ChoiceField(label=_("Meeting requests"), choices=RequestMode.choices)
    request_expiry_hours = forms.IntegerField(
        label=_("Unanswered requests expire after (hours)"),
        min_value=0,
        initial=72,
        help_text=_("0: never."),
    )

    @staticmethod
    def initial_for(event) -> dict:
        """The form's values for an existing event."""
        return {name: getattr(event, name) for name in EventForm.base_fields}


class SessionForm(BootstrapForm):
    """A session, cut into meeting slots."""

    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("e.g. Morning"))
    starts_at = forms.CharField(label=_("Starts"), widget=DATETIME)
    ends_at = forms.CharField(label=_("Ends"), widget=DATETIME)
    slot_minutes = forms.IntegerField(
        label=_("Meeting length (minutes)"), min_value=5, max_value=240, initial=20
    )
    break_minutes = forms.IntegerField(
        label=_("Break between meetings (minutes)"), min_value=0, max_value=120, initial=5
    )

    def __init__(self, *args, zone: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if zone:
            hint = _("Date and time in %(zone)s, the event's time zone.") % {"zone": zone}
            for name in ("starts_at", "ends_at"):
                self.fields[name].help_text = hint


class TablesForm(BootstrapForm):
    """How many tables (or virtual rooms) the event has."""

    tables = forms.IntegerField(label=_("Number of tables"), min_value=1, max_value=3000)
    link_template = forms.CharField(
        label=_("Virtual room link"),
        required=False,
        max_length=400,
        help_text=_(
            "For virtual or hybrid events: {n} is replaced by the table number, "
            "e.g. https://meet.example.org/xtex-{n}."
        ),
    )

    def clean_link_template(self):
        value = self.cleaned_data["link_template"].strip()
        if value and not value.lower().startswith(("https://", "http://")):
            raise forms.ValidationError(_("Give a web address starting with https://."))
        return value


class GroupForm(BootstrapForm):
    """A participant group."""

    name = forms.CharField(label=_("New group"), max_length=100, help_text=_("e.g. Buyers"))


class GroupRuleForm(BootstrapForm):
    """Members of one group may meet members of another."""

    group_a = forms.TypedChoiceField(label=_("Members of"), coerce=int)
    group_b = forms.TypedChoiceField(label=_("may meet members of"), coerce=int)

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(g.pk, g.name) for g in groups]
        self.fields["group_a"].choices = choices
        self.fields["group_b"].choices = choices


class RegistrationForm(BootstrapForm):
    """A participant's registration: profile, marketplace items, availability, consent."""

    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    group = forms.TypedChoiceField(label=_("Group"), coerce=int, required=False, empty_value=None)
    profile = forms.CharField(
        label=_("Profile"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who you are and whom you want to meet; shown to the other participants."),
    )
    available = forms.TypedMultipleChoiceField(
        label=_("I am available in these slots"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent_public = forms.BooleanField(
        label=_("Publish my profile to the other participants"),
        required=False,
        help_text=_(
            "Published, your name, organisation, profile, offers and requests are shown to the "
            "other approved participants of this event, and you are suggested to those who fit. "
            "Not published, only the organisers see them: nobody can find you or ask you for a "
            "meeting, though you can still ask others. Your choice (your consent under the "
            "GDPR): you can withdraw it at any time on this form."
        ),
    )
    meeting_link = forms.URLField(
        label=_("Video link for virtual meetings"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Used when the organisers give no virtual room."),
    )

    def __init__(self, *args, event, organisations=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["organisation"].choices = [(o.pk, str(o)) for o in organisations]
        groups = list(event.groups.all())
        self.fields["group"].choices = [("", "—")] + [(g.pk, g.name) for g in groups]
        self.slots = list(event.slots.select_related("session").order_by("starts_at"))
        self.fields["available"].choices = [
            (s.pk, slot_label(s, event.time_zone)) for s in self.slots
        ]
        if editing:
            del self.fields["organisation"]
            del self.fields["group"]
        elif not groups:
            del self.fields["group"]
        elif event.default_group_id:
            self.fields["group"].help_text = _("Choose none to join “%(group)s”.") % {
                "group": event.default_group.name
            }
        if event.format == EventFormat.ONSITE:
            del self.fields["meeting_link"]
        for n in range(1, ITEM_ROWS + 1):
            self.fields[f"item_{n}_kind"] = forms.ChoiceField(
                label=_("Kind"), choices=ItemKind.choices, required=False
            )
            self.fields[f"item_{n}_title"] = forms.CharField(
                label=_("Title"), max_length=200, required=False
            )
            self.fields[f"item_{n}_description"] = forms.CharField(
                label=_("Description"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            for part in ("kind", "title", "description"):
                field = self.fields[f"item_{n}_{part}"]
                css = "form-select" if part == "kind" else "form-control"
                field.widget.attrs["class"] = css

    def item_rows(self) -> list[tuple]:
        """The bound fields of each item row, for the template."""
        return [
            (n, self[f"item_{n}_kind"], self[f"item_{n}_title"], self[f"item_{n}_description"])
            for n in range(1, ITEM_ROWS + 1)
        ]

    def sessions(self) -> list[tuple]:
        """The availability checkboxes grouped by session: (session, [(slot, checkbox)])."""
        boxes = {int(box.data["value"]): box for box in self["available"]}
        groups: dict[int, tuple] = {}
        for slot in self.slots:
            session = groups.setdefault(slot.session_id, (slot.session, []))
            session[1].append((slot, boxes[slot.pk]))
        return list(groups.values())

    def clean(self):
        data = super().clean()
        items = []
        for n in range(1, ITEM_ROWS + 1):
            title = (data.get(f"item_{n}_title") or "").strip()
            description = (data.get(f"item_{n}_description") or "").strip()
            if title or description:
                items.append(
                    {
                        "kind": data.get(f"item_{n}_kind") or ItemKind.OFFER,
                        "title": title,
                        "description": description,
                    }
                )
        if not items:
            self.add_error(
                "item_1_title", _("Add at least one offer, request or cooperation you propose.")
            )
        data["items"] = items
        return data

    def service_data(self) -> dict:
        """What the registration services take."""
        data = self.cleaned_data
        out = {
            "profile": data["profile"],
            "consent_public": data["consent_public"],
            "available": data["available"],
            "items": data["items"],
        }
        for name in ("organisation", "group", "meeting_link"):
            if name in self.fields:
                out[name] = data.get(name) or ""
        return out

    @staticmethod
    def initial_for(participant) -> dict:
        """The form's values for an existing registration."""
        data = {
            "profile": participant.profile,
            "consent_public": participant.consent_public,
            "meeting_link": participant.meeting_link,
            "available": [s.pk for s in participant.available_slots.all()],
        }
        for n, item in enumerate(participant.items.all()[:ITEM_ROWS], start=1):
            data.update(
                {
                    f"item_{n}_kind": item.kind,
                    f"item_{n}_title": item.title,
                    f"item_{n}_description": item.description,
                }
            )
        return data


class ImportForm(BootstrapForm):
    """A CSV/XLSX file of registrations."""

    file = forms.FileField(label=_("File (.csv or .xlsx)"))
    approve = forms.BooleanField(label=_("Approve the imported registrations"), required=False)


class ParticipantGroupForm(BootstrapForm):
    """The organiser puts a participant in a group."""

    group = forms.TypedChoiceField(label=_("Group"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "—")] + [(g.pk, g.name) for g in groups]


class DefaultGroupForm(BootstrapForm):
    """The group participants land in when they register without choosing one."""

    default_group = forms.TypedChoiceField(
        label=_("Participants who choose no group join"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_(
            "Applies to registrations and imported rows without a group from now on. With rules, "
            "a participant in no group may meet nobody."
        ),
    )

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_group"].choices = [("", _("no group"))] + [
            (g.pk, g.name) for g in groups
        ]


class MeetingRequestForm(BootstrapForm):
    """Ask a participant for a meeting."""

    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why you want to meet."),
    )
    slot = forms.TypedChoiceField(
        label=_("Proposed time (optional)"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, slots=(), zone="Europe/Brussels", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [("", _("any time the organisers choose"))] + [
            (s.pk, slot_label(s, zone)) for s in slots
        ]


class ReasonForm(BootstrapForm):
    """Why a request is declined or a meeting cancelled."""

    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RescheduleForm(BootstrapForm):
    """Move a meeting to another slot (and, for organisers, another table)."""

    slot = forms.TypedChoiceField(label=_("Time"), coerce=int)
    table = forms.TypedChoiceField(label=_("Table"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, slots=(), tables=None, zone="Europe/Brussels", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [(s.pk, slot_label(s, zone)) for s in slots]
        if tables is None:
            del self.fields["table"]
        else:
            self.fields["table"].choices = [("", _("first free table"))] + [
                (t.number, str(t)) for t in tables
            ]


class TimesForm(BootstrapForm):
    """A time of day for a meeting: the scheduler then places it only there."""

    when = forms.ChoiceField(
        label=_("Time of day"),
        choices=[
            ("any", _("any time")),
            ("morning", _("the morning")),
            ("afternoon", _("the afternoon")),
            ("session", _("one session")),
            ("window", _("from … to …")),
        ],
    )
    session = forms.TypedChoiceField(
        label=_("Session"), coerce=int, required=False, empty_value=None
    )
    start = forms.TypedChoiceField(label=_("From"), coerce=int, required=False, empty_value=None)
    end = forms.TypedChoiceField(label=_("To"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, sessions=(), slots=(), zone="Europe/Brussels", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].choices = [("", "—")] + [(s.pk, str(s)) for s in sessions]
        times = [("", "—")] + [(s.pk, slot_label(s, zone)) for s in slots]
        self.fields["start"].choices = self.fields["end"].choices = times


class ScheduleCapForm(BootstrapForm):
    """The organiser's cap on anyone's breaks (empty: none)."""

    max_breaks = forms.IntegerField(
        label=_("Most breaks per participant"),
        min_value=0,
        max_value=20,
        required=False,
        help_text=_("A break is a wait of any length between two meetings. Empty: no cap."),
    )


class PriorityForm(BootstrapForm):
    """The organiser's extra weight for a meeting."""

    priority = forms.IntegerField(label=_("Priority"), min_value=0, max_value=10)


class FeedbackForm(BootstrapForm):
    """One side's feedback at one stage."""

    stage = forms.ChoiceField(choices=FeedbackStage.choices, widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("How did it go?"), widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, stage: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.feedback_stage = stage  # not `stage`: templates would find the field first
        self.fields["stage"].initial = stage
        self.fields["outcome"].choices = [(o.value, o.label) for o in STAGE_OUTCOMES[stage]]
        self.fields["outcome"].widget.attrs["class"] = "form-check-input"

    @property
    def stage_label(self) -> str:
        """The stage's name."""
        return FeedbackStage(self.feedback_stage).label
