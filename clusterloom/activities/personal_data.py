"""What the activities app holds about a person (GDPR): their attendance of activities.

Erasure unlinks the directory person and blanks the name; the attendance record stays (with
its organisation, role and hours) so the partnership's counts of participants do not change.
"""

from .models import Activity, Attendance


def _rows(user):
    person = getattr(user, "person", None)
    if person is None:
        return Attendance.objects.none()
    return Attendance.objects.filter(person=person).select_related("activity__partnership")


def personal_data_export(user) -> dict | None:
    """The activities the user attended, with role and hours, and those they recorded."""
    rows = list(_rows(user).order_by("activity__starts_on", "pk"))
    created = list(
        Activity.objects.filter(created_by=user).values_list("title", "starts_on").order_by("pk")
    )
    if not rows and not created:
        return None
    recorded = [{"activity": title, "starts_on": day.isoformat()} for title, day in created]
    return {
        **({"recorded": recorded} if recorded else {}),
        "attended": [
            {
                "activity": row.activity.title,
                "kind": row.activity.kind,
                "partnership": row.activity.partnership.acronym,
                "starts_on": row.activity.starts_on.isoformat(),
                "ends_on": row.activity.ends_on.isoformat(),
                "role": row.role,
                "hours": str(row.hours) if row.hours is not None else None,
                "organisation": row.organisation_name
                or (row.organisation.name if row.organisation_id else ""),
            }
            for row in rows
        ],
    }


def personal_data_erase(user) -> None:
    """Unlink the user's person from their attendance and blank the name; keep the count."""
    _rows(user).update(person=None, name="")
    Activity.objects.filter(created_by=user).update(created_by=None)
