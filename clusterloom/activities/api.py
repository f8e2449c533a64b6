"""Joint-activities API, mounted at /api/activities.

Published activities of published partnerships are public; the partnership's coordinators see
and change all of theirs. Attendance lists are personal data: the coordinators only (others who
see the activity get a 403; an activity they may not see is a 404). A rule the input breaks is
a 400 naming the field. Writes take a session with its CSRF token or an API token.
"""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from clusterloom.core.api_auth import READ_AUTH, WRITE_AUTH
from clusterloom.core.errors import DomainError, NotFound
from clusterloom.core.inputs import dates_in_order, parse_date
from clusterloom.core.permissions import require
from clusterloom.core.uploads import upload_check_size
from clusterloom.partnerships.selectors import partnership_get_visible

from . import selectors, services
from .api_schemas import (
    ERRORS,
    ActivityIn,
    ActivityOut,
    ActivityPatch,
    AttendanceImportOut,
    AttendanceOut,
    AttendeeIn,
    CapacityOut,
    StatusIn,
)
from .attendance_import import attendance_import
from .capacity import capacity_building
from .models import Activity, ActivityKind, ActivityStatus, Attendance

router = Router(tags=["joint activities"])


#: Lists stop at this many rows.
MAX_ROWS = 1000


def activity_out(a: Activity) -> dict:
    """An activity as the API shows it."""
    count = getattr(a, "attendance_count", None)
    return {
        "id": a.pk,
        "partnership": a.partnership.slug,
        "kind": a.kind,
        "title": a.title,
        "description": a.description,
        "status": a.status,
        "starts_on": a.starts_on,
        "ends_on": a.ends_on,
        "organiser_id": a.organiser_id,
        "organiser": a.organiser.name if a.organiser_id else None,
        "city_name": a.city_name,
        "country": a.country_id,
        "is_online": a.is_online,
        "topic": a.topic,
        "hours": a.hours,
        "channel": a.channel,
        "reach": a.reach,
        "link": a.link,
        "is_published": a.is_published,
        "attendance_count": a.attendance.count() if count is None else count,
        "target_code": a.target_code,
    }


def attendance_out(row: Attendance) -> dict:
    """An attendee as the API shows it."""
    return {
        "id": row.pk,
        "person_id": row.person_id,
        "name": selectors.attendee_name(row),
        "organisation_id": row.organisation_id,
        "organisation": selectors.organisation_label(row),
        "role": row.role,
        "hours": row.hours,
    }


def _fresh(request, activity: Activity) -> dict:
    return activity_out(selectors.activity_get_visible(request.user, activity.pk))


def _choice_filter(value: str, choices, field: str) -> str:
    value = value.strip()
    if value:
        services.choice(value, choices, field)
    return value


@router.get("", response={200: list[ActivityOut], **ERRORS}, auth=READ_AUTH)
def activity_list(
    request: HttpRequest,
    partnership: str = "",
    kind: str = "",
    status: str = "",
    date_from: str = "",
    date_to: str = "",
):
    """Activities the caller may see, newest first; filters: partnership (slug), kind, status,
    date_from and date_to (YYYY-MM-DD; activities overlapping the period)."""
    start = parse_date(date_from, "date_from")
    end = parse_date(date_to, "date_to")
    dates_in_order(start, end, "date_from", "date_to")
    rows = selectors.activities_filter(
        selectors.activities_visible_to(request.user),
        partnership=partnership.strip(),
        kind=_choice_filter(kind, ActivityKind, "kind"),
        status=_choice_filter(status, ActivityStatus, "status"),
        date_from=start,
        date_to=end,
    ).order_by("-starts_on", "-id")
    return [activity_out(a) for a in rows[:MAX_ROWS]]


@router.get("/capacity/{slug}", response={200: CapacityOut, **ERRORS}, auth=WRITE_AUTH)
def capacity(request: HttpRequest, slug: str):
    """Capacity building of a partnership (its coordinators, admins): held trainings and
    coaching by role, partner cluster and topic; validated exchanges and their working days."""
    partnership = partnership_get_visible(request.user, slug)
    require(request.user, "activities.add_activity", partnership)
    figures = capacity_building(partnership)
    return {
        "trainings": len(figures.trainings),
        "total": figures.total,
        "by_role": figures.by_role,
        "by_cluster": figures.by_cluster,
        "by_topic": figures.by_topic,
        "exchanges": figures.exchanges,
        "exchange_days": figures.exchange_days,
    }


@router.get("/{activity_id}", response={200: ActivityOut, **ERRORS}, auth=READ_AUTH)
def activity_detail(request: HttpRequest, activity_id: int):
    """One activity."""
    return activity_out(selectors.activity_get_visible(request.user, activity_id))


@router.post("", response={201: ActivityOut, **ERRORS}, auth=WRITE_AUTH)
def activity_create(request: HttpRequest, payload: ActivityIn):
    """Record an activity of a partnership (its coordinators, admins)."""
    partnership = partnership_get_visible(request.user, payload.partnership)
    data = payload.model_dump(exclude={"partnership"}, exclude_none=True)
    activity = services.activity_create(actor=request.user, partnership=partnership, data=data)
    return Status(201, _fresh(request, activity))


@router.patch("/{activity_id}", response={200: ActivityOut, **ERRORS}, auth=WRITE_AUTH)
def activity_patch(request: HttpRequest, activity_id: int, payload: ActivityPatch):
    """Change an activity's fields (absent ones are kept)."""
    activity = selectors.activity_get_visible(request.user, activity_id)
    data = payload.model_dump(exclude_unset=True)
    for required in ("kind", "title", "starts_on"):
        if required in data and data[required] is None:
            raise DomainError(_("This field is required."), field=required)
    activity = services.activity_update(actor=request.user, activity=activity, data=data)
    return _fresh(request, activity)


@router.delete("/{activity_id}", response={204: None, **ERRORS}, auth=WRITE_AUTH)
def activity_delete(request: HttpRequest, activity_id: int):
    """Delete an activity and its attendance list."""
    activity = selectors.activity_get_visible(request.user, activity_id)
    services.activity_delete(actor=request.user, activity=activity)
    return Status(204, None)


@router.post("/{activity_id}/status", response={200: ActivityOut, **ERRORS}, auth=WRITE_AUTH)
def activity_status(request: HttpRequest, activity_id: int, payload: StatusIn):
    """Mark an activity held (not before its start), cancelled or planned again."""
    activity = selectors.activity_get_visible(request.user, activity_id)
    services.activity_status_set(actor=request.user, activity=activity, status=payload.status)
    return _fresh(request, activity)


@router.post("/{activity_id}/held", response={200: ActivityOut, **ERRORS}, auth=WRITE_AUTH)
def activity_held(request: HttpRequest, activity_id: int):
    """Mark an activity held (the same as status "held")."""
    activity = selectors.activity_get_visible(request.user, activity_id)
    services.activity_status_set(actor=request.user, activity=activity, status="held")
    return _fresh(request, activity)


# -- attendance (personal data: the partnership's coordinators) ----------------------------------


def _managed(request, activity_id: int) -> Activity:
    activity = selectors.activity_get_visible(request.user, activity_id)
    require(request.user, "activities.change_activity", activity)
    return activity


@router.get(
    "/{activity_id}/attendance", response={200: list[AttendanceOut], **ERRORS}, auth=WRITE_AUTH
)
def attendance_list(request: HttpRequest, activity_id: int):
    """Who attended (coordinators of the partnership, admins)."""
    activity = _managed(request, activity_id)
    return [attendance_out(row) for row in selectors.attendance_of(activity)]


@router.post("/{activity_id}/attendance", response={201: AttendanceOut, **ERRORS}, auth=WRITE_AUTH)
def attendance_add(request: HttpRequest, activity_id: int, payload: AttendeeIn):
    """Add an attendee."""
    activity = _managed(request, activity_id)
    row = services.attendance_add(actor=request.user, activity=activity, data=payload.dict())
    return Status(201, attendance_out(row))


@router.post(
    "/{activity_id}/attendance/import",
    response={201: AttendanceImportOut, **ERRORS},
    auth=WRITE_AUTH,
)
def attendance_upload(
    request: HttpRequest,
    activity_id: int,
    file: UploadedFile = File(...),  # noqa: B008
):
    """Import attendees from CSV or XLSX (multipart field `file`; columns name, organisation,
    role, optional email and hours): all or nothing, problems named by row and column;
    attendees already on the list are skipped."""
    activity = _managed(request, activity_id)
    upload_check_size(file.size or 0)
    result = attendance_import(
        actor=request.user,
        activity=activity,
        file_name=file.name or "",
        content=file.read(settings.UPLOAD_MAX_BYTES + 1),
    )
    return Status(201, {"rows": result.rows, "added": result.added, "already": result.already})


@router.delete(
    "/{activity_id}/attendance/{attendance_id}", response={204: None, **ERRORS}, auth=WRITE_AUTH
)
def attendance_remove(request: HttpRequest, activity_id: int, attendance_id: int):
    """Remove an attendee."""
    activity = _managed(request, activity_id)
    row = activity.attendance.filter(pk=attendance_id).first()
    if row is None:
        raise NotFound(_("No such attendee."))
    services.attendance_remove(actor=request.user, attendance=row)
    return Status(204, None)
