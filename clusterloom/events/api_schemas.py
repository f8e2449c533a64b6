"""Request and response schemas of the matchmaking-events API. Times are ISO 8601 with the
offset of the event's time zone; a time sent without an offset is read in that time zone."""

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from clusterloom.core.api_schemas import changes_of, error_responses
from clusterloom.matching.api import ExplanationOut, OrganisationRefOut

__all__ = ["ExplanationOut", "OrganisationRefOut"]


class EventErrorOut(Schema):
    """What went wrong, the field it concerns and, for an import, the first row at fault."""

    detail: str
    field: str | None = None
    line: int | None = None


ERRORS = error_responses(EventErrorOut)


# -- events -----------------------------------------------------------------------------------


class PartnershipRefOut(Schema):
    """The partnership that holds the event."""

    slug: str
    acronym: str


class EventSummaryOut(Schema):
    """An event in the list."""

    slug: str
    title: str
    kind: str = Field(description="b2b, c2c or mixed.")
    format: str = Field(description="onsite, virtual or hybrid.")
    status: str = Field(description="draft, open (for registration) or closed.")
    partnership: PartnershipRefOut
    venue: str
    time_zone: str
    registration_opens: date
    registration_closes: date
    starts_at: datetime | None = Field(description="Start of the first session.")
    held: bool


class SlotOut(Schema):
    """A meeting slot."""

    id: int
    starts_at: datetime
    ends_at: datetime


class SessionOut(Schema):
    """A block of meeting time cut into slots."""

    id: int
    name: str
    starts_at: datetime
    ends_at: datetime
    slot_minutes: int
    break_minutes: int
    slots: list[SlotOut]


class GroupOut(Schema):
    """A participant group (buyers, suppliers, clusters, ...)."""

    id: int
    name: str


class RuleOut(Schema):
    """Members of the two groups may meet (with no rule at all, everyone may meet everyone)."""

    group_a: GroupOut
    group_b: GroupOut


class ScheduleStateOut(Schema):
    """Whether the schedule is published; for organisers, the figures of the last run."""

    published: bool
    max_breaks: int | None = Field(
        None, description="The cap on anyone's breaks in the schedule (null: none)."
    )
    state: dict[str, Any] | None = Field(
        description="The last scheduling run (status, objective, upper_bound, breaks, "
        "idle_gaps, scheduled, unscheduled, at); organisers only, else null."
    )


class RegistrationRefOut(Schema):
    """The caller's own registration for the event."""

    id: int
    status: str


class EventOut(EventSummaryOut):
    """An event with its sessions and slots, tables, groups, rules and schedule."""

    description: str
    max_meetings: int
    request_mode: str = Field(description="approval (the invitee answers) or automatic.")
    request_expiry_hours: int
    mutual_weight: float
    sessions: list[SessionOut]
    tables: int = Field(description="Number of tables (or virtual rooms).")
    groups: list[GroupOut]
    default_group: GroupOut | None = Field(
        description="The group of participants who register (or are imported) without "
        "choosing one; null: no group (with rules, they meet nobody)."
    )
    rules: list[RuleOut]
    participants: int = Field(description="Approved participants.")
    schedule: ScheduleStateOut
    registration: RegistrationRefOut | None = Field(description="The caller's registration.")


class EventIn(Schema):
    """A new event (a draft until its status is set to open)."""

    partnership: str = Field(description="Slug of the partnership that holds the event.")
    title: str
    description: str = ""
    kind: str = "b2b"
    format: str = "onsite"
    venue: str = ""
    time_zone: str = Field("Europe/Brussels", description="IANA name, e.g. Europe/Rome.")
    registration_opens: date
    registration_closes: date
    max_meetings: int = 12
    request_mode: str = "approval"
    request_expiry_hours: int = Field(72, description="0: requests never expire.")


class EventPatch(changes_of(EventIn, without=("partnership",))):
    """Event fields to change; fields left out stay as they are."""


class EventStatusIn(Schema):
    """draft, open or closed."""

    status: str


class HeldIn(Schema):
    """Whether the event took place (held events count toward the partnership's target)."""

    held: bool = True


class SessionIn(Schema):
    """A session; without an offset, times are in the event's time zone."""

    name: str
    starts_at: datetime
    ends_at: datetime
    slot_minutes: int = 20
    break_minutes: int = 5


class TablesIn(Schema):
    """How many tables or virtual rooms; `{n}` in the link template is the table number."""

    count: int
    link_template: str = Field("", description='e.g. "https://meet.example.org/xtex-{n}".')


class TableOut(Schema):
    """A table or virtual room."""

    number: int
    name: str
    link: str


class TablesOut(Schema):
    """The event's tables."""

    count: int
    tables: list[TableOut]


class GroupIn(Schema):
    """A participant group to add."""

    name: str


class DefaultGroupIn(Schema):
    """The group of participants who choose none."""

    group: int | str | None = Field(description="Id or name of a group; null: no group.")


class RuleIn(Schema):
    """Let two groups meet (or, with `allowed` false, stop letting them)."""

    group_a: int | str = Field(description="Id or name of a group.")
    group_b: int | str = Field(description="Id or name of a group.")
    allowed: bool = True


# -- participants ----------------------------------------------------------------------------------


class ItemIn(Schema):
    """A marketplace item: an offer, a request or a cooperation."""

    kind: str = Field(description="offer, request or cooperation.")
    title: str
    description: str = ""
    cooperation_types: list[str] = Field(default_factory=list)


class ItemOut(Schema):
    """A marketplace item."""

    id: int
    kind: str
    title: str
    description: str
    cooperation_types: list[str]


class ParticipantIn(Schema):
    """A registration for the event."""

    organisation: int | None = Field(
        None, description="Id of an organisation you act for (optional if you act for one)."
    )
    group: int | str | None = Field(None, description="Id or name of a participant group.")
    profile: str = ""
    consent_public: bool = Field(False, description="Show the profile to the other participants.")
    meeting_link: str = ""
    items: list[ItemIn] = Field(default_factory=list)
    available: list[int] | None = Field(
        None, description="Ids of the slots you can attend; left out: every slot."
    )
    terms: list[str] = Field(default_factory=list, description='Terms as "vocabulary:slug".')


class ParticipantPatch(changes_of(ParticipantIn, without=("organisation", "terms"))):
    """Registration fields to change; `group` is for organisers."""


class ParticipantRefOut(Schema):
    """A participant as a meeting or a suggestion names them."""

    id: int
    name: str
    organisation: OrganisationRefOut
    group: str | None


class ParticipantOut(ParticipantRefOut):
    """A registration (e-mail: to the organisers and the participant only)."""

    status: str
    email: str | None
    profile: str
    consent_public: bool
    meeting_link: str
    items: list[ItemOut]
    available: list[int]
    terms: list[str]
    fixed_table: int | None
    checked_in_at: datetime | None
    registered_at: datetime


class ReviewIn(Schema):
    """The organisers' decision: approve or reject (with a note)."""

    decision: str
    note: str = ""


class RegistrationImportOut(Schema):
    """Participants an import registered (rows imported before are skipped)."""

    created: int


class MeetingSuggestionOut(Schema):
    """A participant worth meeting, and why."""

    participant: ParticipantRefOut
    score: float = Field(description="Reciprocal fit, 0 to 1.")
    strength: str = Field(
        description="strong, good or possible: the fit on the scale of "
        "clusterloom/matching/strength.py, where the thresholds are defined."
    )
    strength_label: str = Field(description="The strength in the caller's language.")
    explanation: ExplanationOut


class HiddenOut(Schema):
    """How many participants are not suggested, and why (counts only, never who)."""

    unpublished: int = Field(description="Participants who keep their profile unpublished.")
    by_rules: int = Field(description="Participants the group rules do not let the caller meet.")


class MeetingSuggestionsOut(Schema):
    """Suggestions, best first, and why others are not among them."""

    results: list[MeetingSuggestionOut]
    hidden: HiddenOut
    you_are_unpublished: bool = Field(
        description="The caller's profile is unpublished: nobody sees or is suggested them."
    )
    you_meet_nobody: bool = Field(
        description="The rules let the caller meet nobody (no group, or one no rule names)."
    )


class FindabilityOut(Schema):
    """Approved participants nobody can find (organisers only)."""

    approved: int
    unfindable: int = Field(description="Unpublished or meeting nobody (each counted once).")
    unpublished: list[int] = Field(description="Ids of participants with unpublished profiles.")
    meets_nobody: list[int] = Field(
        description="Ids of published participants in no group that the rules let meet anyone."
    )


class RemindedOut(Schema):
    """What a reminder run did."""

    sent: int
    recently_reminded: int = Field(description="Skipped: reminded within the last days.")
    no_address: int = Field(description="Skipped: no e-mail address.")


# -- meetings ------------------------------------------------------------------------------------


class FeedbackOut(Schema):
    """One side's feedback at one stage."""

    participant: int
    stage: str
    outcome: str
    comment: str


class MeetingOut(Schema):
    """A meeting request and, once accepted, the meeting."""

    id: int
    status: str = Field(
        description="requested, accepted, declined, cancelled, expired, unscheduled, scheduled."
    )
    requester: ParticipantRefOut
    invitee: ParticipantRefOut
    message: str
    decline_reason: str
    mutual: bool
    priority: int
    weight: float
    slot: SlotOut | None
    table: TableOut | None
    slots: list[int] = Field(
        description="Ids of the only slots the scheduler may give it (a time of day); empty: any."
    )
    locked: bool
    published: bool
    attendance: str
    requested_at: datetime
    answered_at: datetime | None
    expires_at: datetime | None
    feedback: list[FeedbackOut] = Field(
        description="The caller's own feedback (organisers: both sides')."
    )


class MeetingIn(Schema):
    """A meeting request to another participant, optionally in a given slot."""

    invitee: int = Field(description="Id of the participant to meet.")
    message: str = ""
    slot: int | None = Field(None, description="Id of a slot to propose.")


class ReasonIn(Schema):
    """Why (shown to the other side)."""

    reason: str = ""


class RescheduleIn(Schema):
    """Where the meeting moves; only organisers choose the table."""

    slot: int
    table: int | None = None


class TimesIn(Schema):
    """A time of day for a meeting: any, morning, afternoon, session (with `session`), or
    window (with `start` and `end`, slot ids, both included)."""

    when: str = Field(description="any, morning, afternoon, session or window.")
    session: int | None = None
    start: int | None = None
    end: int | None = None


class ScheduleCapIn(Schema):
    """The most breaks anyone may have in the schedule (null: no cap)."""

    max_breaks: int | None = Field(None, description="0 to 20, or null for no cap.")


class LockIn(Schema):
    """Lock a scheduled meeting where it is (or unlock it)."""

    locked: bool = True


class PriorityIn(Schema):
    """Extra weight in the schedule, 0 to 10."""

    priority: int


class MeetingAttendanceIn(Schema):
    """held, no_show, or "" for not recorded."""

    attendance: str


class FeedbackIn(Schema):
    """after_event (not_held, insufficient_interest, informative, cooperation_possible) or
    six_months (no_further_contact, negotiation, agreement)."""

    stage: str
    outcome: str
    comment: str = ""


# -- schedule and figures ------------------------------------------------------------------------


class ScheduleIn(Schema):
    """How long the scheduler may run."""

    time_limit: float = Field(10.0, gt=0, le=120, description="Seconds (at most 120).")


class ScheduleOut(Schema):
    """The run: total weight scheduled, the bound on the best possible, and their ratio."""

    status: str
    objective: float
    upper_bound: float
    share: float | None = Field(description="objective / upper_bound (1.0: provably best).")
    breaks: int = Field(
        description="Waits in participants' days: a gap of any length between two consecutive "
        "meetings of a participant in a session counts once."
    )
    idle_gaps: int = Field(description="Idle slots: free available slots inside those gaps.")
    scheduled: int
    unscheduled: int
    messages: list[str]


class PublishOut(Schema):
    """Meetings published by this call."""

    published: int


class CountOut(Schema):
    """A label and how many."""

    label: str
    count: int


class OutcomeCountOut(Schema):
    """Feedback answers of one outcome at one stage."""

    stage: str
    outcome: str
    count: int


class StatisticsOut(Schema):
    """The event's figures for its organisers."""

    registrations: int
    approved: int
    by_country: list[CountOut]
    by_kind: list[CountOut]
    requests: int
    accepted: int
    declined: int
    expired: int
    acceptance_rate: float | None
    scheduled: int
    unscheduled: int
    held: int
    no_show: int
    outcomes: list[OutcomeCountOut]
