"""Request and response schemas of the activities API."""

from datetime import date
from decimal import Decimal

from ninja import Field, Schema

from clusterloom.core.api_schemas import error_responses


class ActivityErrorOut(Schema):
    """What went wrong, the field it concerns and, for an import, the first row at fault."""

    detail: str
    field: str | None = None
    line: int | None = None


ERRORS = error_responses(ActivityErrorOut)

KIND = "learning_event, study_visit, training, coaching or dissemination."
CHANNEL = "website, newsletter, social_media, press, conference, video, publication or other."


class ActivityOut(Schema):
    """A joint activity; `attendance_count` is public, the list itself is not."""

    id: int
    partnership: str = Field(description="The partnership's slug.")
    kind: str = Field(description=KIND)
    title: str
    description: str
    status: str = Field(description="planned, held or cancelled.")
    starts_on: date
    ends_on: date
    organiser_id: int | None
    organiser: str | None
    city_name: str
    country: str | None = Field(description="ISO code.")
    is_online: bool
    topic: str
    hours: Decimal | None = Field(description="Hours per participant (trainings, coaching).")
    channel: str = Field(description=f"Dissemination only: {CHANNEL}")
    reach: int | None
    link: str
    is_published: bool
    attendance_count: int
    target_code: str = Field(description="The partnership target this activity counts toward.")


class ActivityFields(Schema):
    """Fields shared by creation and change."""

    description: str | None = None
    starts_on: date | None = None
    ends_on: date | None = Field(None, description="Empty: the start date.")
    organiser: int | None = Field(None, description="Organisation id.")
    city_name: str | None = None
    country: str | None = Field(None, description="ISO code, e.g. IT.")
    is_online: bool | None = None
    topic: str | None = None
    hours: Decimal | None = None
    channel: str | None = Field(None, description=CHANNEL)
    reach: int | None = None
    link: str | None = None
    is_published: bool | None = None


class ActivityIn(ActivityFields):
    """A new activity of a partnership (matchmaking events come from the events API)."""

    partnership: str = Field(description="The partnership's slug.")
    kind: str = Field(description=KIND)
    title: str
    starts_on: date
    status: str = Field("planned", description="planned, or held for one that took place.")


class ActivityPatch(ActivityFields):
    """Fields to change (absent ones keep their value; null clears an optional one)."""

    kind: str | None = None
    title: str | None = None


class StatusIn(Schema):
    """The new status."""

    status: str = Field(description="planned, held or cancelled.")


class AttendeeIn(Schema):
    """An attendee: a directory person or a name; an organisation (id) or its name."""

    person: int | None = None
    name: str = ""
    organisation: int | None = None
    organisation_name: str = ""
    role: str = Field(
        "other", description="cluster_manager, cluster_staff, sme, research, public or other."
    )
    hours: Decimal | None = Field(None, description="Only if different from the activity's.")


class AttendanceOut(Schema):
    """One attendee (coordinators of the partnership only)."""

    id: int
    person_id: int | None
    name: str
    organisation_id: int | None
    organisation: str
    role: str
    hours: Decimal | None


class AttendanceImportOut(Schema):
    """What an attendance import did (attendees already on the list are skipped)."""

    rows: int
    added: int
    already: int


class CapacityRowOut(Schema):
    """Participants (attendance records) and hours attended."""

    label: str
    participants: int
    hours: Decimal


class ExchangeTrainingOut(Schema):
    """A validated or paid exchange of the partnership's calls."""

    visitor: str
    host: str
    start: date | None
    end: date | None
    working_days: int
    status: str


class CapacityOut(Schema):
    """Capacity building of a partnership: held trainings and coaching, and exchanges."""

    trainings: int
    total: CapacityRowOut
    by_role: list[CapacityRowOut]
    by_cluster: list[CapacityRowOut]
    by_topic: list[CapacityRowOut]
    exchanges: list[ExchangeTrainingOut]
    exchange_days: int
