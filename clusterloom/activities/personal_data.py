"""What the activities app holds about a person (GDPR): their attendance of activities.

Erasure unlinks the directory person and blanks the name; the attendance record stays (with
its organisation, role and hours) so the partnership's counts of participants do not change.
"""

from .models import Attendance


def _rows(user):
    person = getattr(user, "person", None)
    if person is None:
        return Attendance.objects.none()
    return Attendance.objects.filter(person=person).select_related("activity__partnership")


def personal_data_export(user) -> dict | None:
    """The activities the user attended, with role and hours."""
    rows = list(_rows(user).order_by("activity__starts_on", "pk"))
    if not rows:
        return None
    return {
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
        ]
    }


def personal_data_erase(user) -> None:
    """Unlink the user's person from their attendance and blank the name; keep the count."""
    _rows(user).update(person=None, name="")
