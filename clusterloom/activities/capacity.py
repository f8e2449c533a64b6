"""Capacity building of a partnership: participants and hours of its held trainings and
coaching by role, partner cluster and topic, and on-the-job training during its exchanges."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from clusterloom.partnerships.models import Partnership

from .models import Activity, ActivityStatus, Attendance, AttendeeRole
from .on_the_job import ExchangeTraining, exchange_training
from .services import TRAINING_KINDS

#: Roles shown first: the cluster-management staff the trainings are for.
STAFF_ROLES = (AttendeeRole.CLUSTER_MANAGER, AttendeeRole.CLUSTER_STAFF)


@dataclass
class CapacityRow:
    """Participants (attendance records) and the hours they attended."""

    label: str
    participants: int = 0
    hours: Decimal = Decimal("0")


@dataclass
class Capacity:
    """The capacity-building figures of one partnership."""

    trainings: list[Activity]
    total: CapacityRow
    by_role: list[CapacityRow]
    by_cluster: list[CapacityRow]
    by_topic: list[CapacityRow]
    exchanges: list[ExchangeTraining] = field(default_factory=list)

    @property
    def exchange_days(self) -> int:
        """Working days visitors spent at their hosts."""
        return sum(e.working_days for e in self.exchanges)


def attended_hours(row: Attendance, activity: Activity) -> Decimal:
    """The attendee's hours, else the activity's hours per participant, else 0."""
    if row.hours is not None:
        return row.hours
    return activity.hours or Decimal("0")


def _add(rows: dict[str, CapacityRow], key: str, label: str, hours: Decimal) -> None:
    row = rows.setdefault(key, CapacityRow(label))
    row.participants += 1
    row.hours += hours


def capacity_building(partnership: Partnership) -> Capacity:
    """Sum the partnership's held trainings and coaching (all of them, published or not)."""
    trainings = list(
        Activity.objects.filter(
            partnership=partnership, kind__in=TRAINING_KINDS, status=ActivityStatus.HELD
        )
        .prefetch_related("attendance__organisation")
        .order_by("starts_on", "pk")
    )
    partners = {
        m.organisation_id: m.organisation.name
        for m in partnership.members.select_related("organisation")
    }
    total = CapacityRow(_("All participants"))
    by_role: dict[str, CapacityRow] = {
        role.value: CapacityRow(str(role.label)) for role in AttendeeRole
    }
    by_cluster: dict[str, CapacityRow] = {
        str(pk): CapacityRow(name) for pk, name in sorted(partners.items(), key=lambda p: p[1])
    }
    by_topic: dict[str, CapacityRow] = {}
    for activity in trainings:
        topic = activity.topic or _("(no topic)")
        by_topic.setdefault(topic.casefold(), CapacityRow(topic))
        for row in activity.attendance.all():
            hours = attended_hours(row, activity)
            total.participants += 1
            total.hours += hours
            _add(by_role, row.role, "", hours)
            if row.organisation_id in partners:
                _add(by_cluster, str(row.organisation_id), "", hours)
            else:
                _add(by_cluster, "other", _("Other organisations"), hours)
            _add(by_topic, topic.casefold(), topic, hours)
    roles = [by_role[r] for r in STAFF_ROLES] + [
        row for key, row in by_role.items() if key not in STAFF_ROLES and row.participants
    ]
    return Capacity(
        trainings=trainings,
        total=total,
        by_role=roles,
        by_cluster=list(by_cluster.values()),
        by_topic=sorted(by_topic.values(), key=lambda r: (-r.hours, r.label)),
        exchanges=exchange_training(partnership),
    )
