"""Reads of joint activities: who sees which activity and attendance list, the public feed."""

import datetime

from django.db.models import Count, Q, QuerySet

from clusterloom.core.errors import NotFound
from clusterloom.core.permissions import coordinated_partnership_ids, has_rule_perm, is_admin
from clusterloom.partnerships.models import Partnership

from .models import Activity, ActivityStatus, Attendance


def activities_visible_to(user) -> QuerySet[Activity]:
    """Published activities of published partnerships; all of the partnerships one coordinates."""
    rows = Activity.objects.select_related("partnership", "organiser", "country").annotate(
        attendance_count=Count("attendance")
    )
    if is_admin(user):
        return rows
    public = Q(is_published=True, partnership__is_published=True)
    return rows.filter(public | Q(partnership_id__in=coordinated_partnership_ids(user)))


def activity_get_visible(user, pk) -> Activity:
    """The activity if the user may see it; NotFound otherwise."""
    try:
        activity = activities_visible_to(user).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        activity = None
    if activity is None:
        from django.utils.translation import gettext as _

        raise NotFound(_("No such activity."))
    return activity


def activities_filter(
    rows: QuerySet[Activity],
    *,
    partnership: str = "",
    kind: str = "",
    status: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Activity]:
    """Activities of a partnership (slug), of a kind and status, overlapping a period."""
    if partnership:
        rows = rows.filter(partnership__slug=partnership)
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    if date_from:
        rows = rows.filter(ends_on__gte=date_from)
    if date_to:
        rows = rows.filter(starts_on__lte=date_to)
    return rows


def public_activities(partnership: Partnership) -> QuerySet[Activity]:
    """The public feed: published, planned or held activities of a published partnership,
    newest first."""
    if not partnership.is_published:
        return Activity.objects.none()
    return (
        Activity.objects.filter(
            partnership=partnership,
            is_published=True,
            status__in=[ActivityStatus.PLANNED, ActivityStatus.HELD],
        )
        .select_related("organiser", "country")
        .annotate(attendance_count=Count("attendance"))
        .order_by("-starts_on", "-id")
    )


def may_manage(user, activity_or_partnership) -> bool:
    """The user records the partnership's activities and sees their attendance lists."""
    if isinstance(activity_or_partnership, Partnership):
        return has_rule_perm(user, "activities.add_activity", activity_or_partnership)
    return has_rule_perm(user, "activities.change_activity", activity_or_partnership)


def attendance_of(activity: Activity) -> QuerySet[Attendance]:
    """An activity's attendance list (personal data: only for those who may manage it)."""
    return activity.attendance.select_related("person", "organisation").order_by("id")


def attendee_name(row: Attendance) -> str:
    """The attendee's name: the directory person's, else the name recorded (may be erased)."""
    if row.person_id:
        return str(row.person)
    return row.name


def organisation_label(row: Attendance) -> str:
    """The attendee's organisation: the directory's, else the name given."""
    return row.organisation.name if row.organisation_id else row.organisation_name
