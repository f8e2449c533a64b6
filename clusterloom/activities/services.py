"""Writes of joint activities and their attendance: each checks its input (errors name the
field), requires the permission and is audited. The attendance import is in `attendance_import.py`.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterloom.core.audit import audit
from clusterloom.core.bounds import MAX_HOURS, MAX_REACH
from clusterloom.core.errors import DomainError
from clusterloom.core.inputs import count_value, dates_in_order, parse_date, text_value
from clusterloom.core.permissions import require
from clusterloom.core.text import squash
from clusterloom.directory.models import Organisation, Person
from clusterloom.geo.models import Country
from clusterloom.partnerships.models import Partnership

from .models import Activity, ActivityKind, ActivityStatus, Attendance, AttendeeRole, Channel

#: Kinds whose hours count as capacity building.
TRAINING_KINDS = (ActivityKind.TRAINING, ActivityKind.COACHING)


def choice(value, choices, field: str) -> str:
    """The value if it is one of the choices, else an error naming the field and the choices."""
    value = str(value or "").strip()
    if value not in choices.values:
        raise DomainError(
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": value, "choices": ", ".join(choices.values)},
            field=field,
        )
    return value


def hours_value(value, field: str) -> Decimal | None:
    """Hours (0.5 steps allowed, comma or point), more than 0 and at most MAX_HOURS; empty: None."""
    if value in (None, ""):
        return None
    try:
        hours = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise DomainError(
            _("“%(value)s” is not a number of hours.") % {"value": value}, field=field
        ) from None
    if not hours.is_finite() or hours <= 0 or hours > MAX_HOURS:
        raise DomainError(
            _("Give a number of hours above 0 and at most %(max)s.") % {"max": MAX_HOURS},
            field=field,
        )
    return hours.quantize(Decimal("0.1"))


def link_value(value, field: str = "link") -> str:
    """A web address (http or https), at most 500 characters; empty is allowed."""
    url = str(value or "").strip()
    if not url:
        return ""
    if len(url) > 500:
        raise DomainError(
            _("Too long: %(limit)s characters at most.") % {"limit": 500}, field=field
        )
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise DomainError(
            _("“%(value)s” is not a web address (https://...).") % {"value": url[:100]},
            field=field,
        ) from None
    return url


def _organisation(value, field: str) -> Organisation | None:
    if value in (None, ""):
        return None
    if isinstance(value, Organisation):
        return value
    try:
        return Organisation.objects.get(pk=int(value))
    except (TypeError, ValueError, Organisation.DoesNotExist):
        raise DomainError(_("No such organisation."), field=field) from None


def _country(value) -> Country | None:
    if value in (None, ""):
        return None
    if isinstance(value, Country):
        return value
    found = Country.objects.filter(code=str(value).strip().upper()).first()
    if found is None:
        raise DomainError(
            _("“%(value)s” is not a country code (e.g. IT).") % {"value": value}, field="country"
        )
    return found


def _short(value, field: str, limit: int = 200) -> str:
    return squash(text_value({field: value}, field, limit=limit))


def _flag(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def _activity_values(data: dict[str, Any], current: Activity | None, status: str) -> dict:
    """The checked fields of an activity; a field absent from data keeps its current value."""

    def get(field, default=None):
        if field in data:
            return data[field]
        if current is not None:
            return getattr(current, field)
        return default

    def flag(field, default: bool) -> bool:
        value = get(field, default)  # null in an API change keeps the current value
        if value is None:
            return getattr(current, field) if current is not None else default
        return _flag(value)

    kind = choice(get("kind"), ActivityKind, "kind")
    starts_on = parse_date(get("starts_on"), "starts_on")
    if starts_on is None:
        raise DomainError(_("This date is required."), field="starts_on")
    ends_on = parse_date(get("ends_on"), "ends_on") or starts_on
    dates_in_order(starts_on, ends_on, "starts_on", "ends_on")
    today = timezone.localdate()
    if status == ActivityStatus.HELD and starts_on > today:
        raise DomainError(
            _("An activity starting on %(date)s, in the future, cannot be recorded as held.")
            % {"date": starts_on.isoformat()},
            field="starts_on",
        )
    channel = str(get("channel", "") or "").strip()
    if channel:
        choice(channel, Channel, "channel")
    if kind == ActivityKind.DISSEMINATION and not channel:
        raise DomainError(_("Say where the activity reached its audience."), field="channel")
    if kind != ActivityKind.DISSEMINATION and channel:
        raise DomainError(_("Only a dissemination activity has a channel."), field="channel")
    hours = hours_value(get("hours"), "hours")
    if hours is not None and kind == ActivityKind.DISSEMINATION:
        raise DomainError(
            _("A dissemination activity has no hours per participant."), field="hours"
        )
    reach = get("reach")
    return {
        "kind": kind,
        "title": squash(text_value({"title": get("title")}, "title", required=True, limit=300)),
        "description": text_value({"description": get("description", "")}, "description"),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "organiser": _organisation(get("organiser"), "organiser"),
        "city_name": _short(get("city_name", ""), "city_name"),
        "country": _country(get("country")),
        "is_online": flag("is_online", False),
        "topic": squash(text_value({"topic": get("topic", "")}, "topic", limit=200)),
        "hours": hours,
        "channel": channel,
        "reach": None if reach in (None, "") else count_value(reach, "reach", maximum=MAX_REACH),
        "link": link_value(get("link", "")),
        "is_published": flag("is_published", True),
    }


@transaction.atomic
def activity_create(*, actor, partnership: Partnership, data: dict[str, Any]) -> Activity:
    """A coordinator records a joint activity of their partnership (planned, or held already)."""
    require(actor, "activities.add_activity", partnership)
    status = data.get("status") or ActivityStatus.PLANNED
    status = choice(status, ActivityStatus, "status")
    values = _activity_values(data, None, status)
    activity = Activity.objects.create(
        partnership=partnership,
        status=status,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **values,
    )
    audit(actor, "activities.activity_created", activity, to_state=status)
    return activity


@transaction.atomic
def activity_update(*, actor, activity: Activity, data: dict[str, Any]) -> Activity:
    """Change an activity's fields (its status changes through `activity_status_set`)."""
    require(actor, "activities.change_activity", activity)
    values = _activity_values(data, activity, activity.status)
    changes = {
        field: str(value) if value is not None else None
        for field, value in values.items()
        if getattr(activity, field) != value
    }
    for field, value in values.items():
        setattr(activity, field, value)
    activity.save()
    audit(actor, "activities.activity_updated", activity, changes=changes)
    return activity


@transaction.atomic
def activity_status_set(*, actor, activity: Activity, status: str) -> Activity:
    """Mark an activity held (not before it starts), cancelled, or planned again."""
    require(actor, "activities.change_activity", activity)
    status = choice(status, ActivityStatus, "status")
    if status == ActivityStatus.HELD and activity.starts_on > timezone.localdate():
        raise DomainError(
            _("The activity starts on %(date)s: it cannot be held before then.")
            % {"date": activity.starts_on.isoformat()},
            field="status",
        )
    previous = activity.status
    if previous != status:
        activity.status = status
        activity.save(update_fields=["status", "updated_at"])
        audit(actor, "activities.activity_status", activity, from_state=previous, to_state=status)
    return activity


@transaction.atomic
def activity_delete(*, actor, activity: Activity) -> None:
    """Delete an activity and its attendance list (the audit log keeps its title)."""
    require(actor, "activities.change_activity", activity)
    audit(
        actor,
        "activities.activity_deleted",
        activity,
        from_state=activity.status,
        changes={"attendance": activity.attendance.count(), "kind": activity.kind},
    )
    activity.delete()


# -- attendance ---------------------------------------------------------------------------------


def _person(value) -> Person | None:
    if value in (None, ""):
        return None
    if isinstance(value, Person):
        return value
    try:
        return Person.objects.select_related("organisation").get(pk=int(value))
    except (TypeError, ValueError, Person.DoesNotExist):
        raise DomainError(_("No such person in the directory."), field="person") from None


def attendance_values(data: dict[str, Any]) -> dict[str, Any]:
    """The checked fields of one attendee: a directory person or a name, an organisation or its
    name, a role and hours when they differ from the activity's."""
    person = _person(data.get("person"))
    name = squash(text_value(data, "name", limit=200))
    if person is None and not name:
        raise DomainError(_("Choose a person from the directory or give a name."), field="name")
    organisation = _organisation(data.get("organisation"), "organisation")
    if organisation is None and person is not None:
        organisation = person.organisation
    organisation_name = squash(text_value(data, "organisation_name", limit=255))
    return {
        "person": person,
        "name": "" if person is not None else name,
        "organisation": organisation,
        "organisation_name": "" if organisation is not None else organisation_name,
        "role": choice(data.get("role") or AttendeeRole.OTHER, AttendeeRole, "role"),
        "hours": hours_value(data.get("hours"), "hours"),
    }


def attendance_key(values: dict[str, Any]) -> tuple:
    """What makes two attendance rows the same attendee (to refuse or skip a repeat)."""
    if values.get("person") is not None:
        return ("person", values["person"].pk)
    org = values.get("organisation")
    org_key = org.pk if org is not None else squash(values.get("organisation_name")).casefold()
    return ("name", squash(values.get("name")).casefold(), org_key)


def attendance_keys(activity: Activity) -> set[tuple]:
    """The keys of those already on an activity's attendance list."""
    return {
        attendance_key(
            {
                "person": row.person,
                "name": row.name,
                "organisation": row.organisation,
                "organisation_name": row.organisation_name,
            }
        )
        for row in activity.attendance.select_related("person", "organisation")
    }


def check_attendance_open(activity: Activity) -> None:
    """Nobody attends a cancelled activity."""
    if activity.status == ActivityStatus.CANCELLED:
        raise DomainError(_("The activity is cancelled: nobody attended it."), field="status")


@transaction.atomic
def attendance_add(*, actor, activity: Activity, data: dict[str, Any]) -> Attendance:
    """Add an attendee to an activity (once)."""
    require(actor, "activities.change_activity", activity)
    check_attendance_open(activity)
    values = attendance_values(data)
    if attendance_key(values) in attendance_keys(activity):
        field = "person" if values["person"] is not None else "name"
        raise DomainError(_("This attendee is on the list already."), field=field)
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(activity=activity, **values)
    except IntegrityError:  # the same person added at the same moment by someone else
        raise DomainError(_("This attendee is on the list already."), field="person") from None
    audit(actor, "activities.attendance_added", activity, changes={"attendance": attendance.pk})
    return attendance


@transaction.atomic
def attendance_remove(*, actor, attendance: Attendance) -> None:
    """Remove an attendee from an activity's list."""
    activity = attendance.activity
    require(actor, "activities.change_activity", activity)
    audit(actor, "activities.attendance_removed", activity, changes={"attendance": attendance.pk})
    attendance.delete()
