"""Reads of the dashboard: KPI rows, progress charts from the snapshots, and what is late."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils.translation import gettext as _

from clusterloom.activities.models import Activity, ActivityStatus
from clusterloom.excellence.models import ActionStatus, ClusterLabel, RoadmapAction
from clusterloom.exchanges.models import Exchange, ExchangeStatus
from clusterloom.partnerships.models import Partnership

from . import charts, kpis, rules
from .models import KpiSnapshot

#: Status -> (label, Bootstrap badge class); the word is always shown, not the colour alone.
STATUS_BADGES = {
    rules.REACHED: ("reached", "text-bg-success"),
    rules.ON_TRACK: ("on track", "text-bg-primary"),
    rules.BEHIND: ("behind", "text-bg-danger"),
    rules.NO_TIMELINE: ("no timeline", "text-bg-secondary"),
    rules.NO_TARGET: ("no target", "text-bg-light border"),
}


def status_label(status: str) -> str:
    """The status in the reader's language."""
    words = {
        rules.REACHED: _("reached"),
        rules.ON_TRACK: _("on track"),
        rules.BEHIND: _("behind"),
        rules.NO_TIMELINE: _("no timeline"),
        rules.NO_TARGET: _("no target"),
    }
    return words.get(status, status)


def kpis_of(partnership: Partnership, as_of: datetime.date) -> list[kpis.Kpi]:
    """The partnership's KPI rows as of the date."""
    return kpis.kpi_table([partnership], as_of)[partnership.pk]


def progress_charts(partnership, rows: list[kpis.Kpi], today: datetime.date) -> dict[str, str]:
    """Code -> SVG of its monthly snapshots plus today's value (one query)."""
    history = defaultdict(list)
    for code, month, actual in KpiSnapshot.objects.filter(partnership=partnership).values_list(
        "code", "month", "actual"
    ):
        history[code].append((rules.month_end(month), actual))
    timeline = kpis.timeline_of(partnership)
    plan = (timeline.start, timeline.end) if timeline.known else None
    out = {}
    for row in rows:
        points = [(day, v) for day, v in history.get(row.code, []) if day < today]
        points.append((today, row.actual))
        out[row.code] = charts.progress_chart(
            points,
            title=_("%(target)s over time") % {"target": row.label},
            ident=f"chart-{row.code}",
            target=row.target,
            plan=plan,
        )
    return out


#: Longest list of exchanges or activities the dashboard shows (the count says how many).
SHOWN = 10


@dataclass
class Late:
    """What is late on a partnership, for its coordinators."""

    behind: list
    actions: list
    labels: list
    exchanges_reported: int
    oldest_reports: list
    activities: list
    activities_late: int = 0

    @property
    def count(self) -> int:
        return (
            len(self.behind)
            + len(self.actions)
            + len(self.labels)
            + self.exchanges_reported
            + self.activities_late
        )


def _partner_filter(partnership, prefix: str = "") -> Q:
    partners = partnership.members.values("organisation_id")
    return Q(**{f"{prefix}organisation_id__in": partners}) | Q(
        **{f"{prefix}partnership_id": partnership.pk}
    )


def late_actions(partnership, today: datetime.date) -> list[RoadmapAction]:
    """Roadmap actions of the joint strategy and the partner clusters' strategies that ended
    before today and are not done or cancelled, or have a milestone due and not reached."""
    open_ = ~Q(status__in=[ActionStatus.DONE, ActionStatus.CANCELLED])
    rows = (
        RoadmapAction.objects.filter(_partner_filter(partnership, "strategy__"))
        .filter(open_)
        .annotate(
            missed=Count(
                "milestones",
                filter=Q(milestones__due_on__lt=today, milestones__reached_on__isnull=True),
            ),
            first_missed=Min(
                "milestones__due_on",
                filter=Q(milestones__due_on__lt=today, milestones__reached_on__isnull=True),
            ),
        )
        .filter(Q(ends_on__lt=today) | Q(missed__gt=0))
        .select_related("strategy__organisation", "owner")
        .order_by("ends_on", "id")
    )
    return list(rows)


def labels_to_renew(partnership, today: datetime.date) -> list[ClusterLabel]:
    """Partner clusters' labels that expire within LABEL_EXPIRY_WARNING_DAYS or expired during
    the partnership, unless a later label of the same level replaces them."""
    horizon = today + datetime.timedelta(days=settings.LABEL_EXPIRY_WARNING_DAYS)
    since = partnership.start_date or today - datetime.timedelta(days=365)
    rows = list(
        ClusterLabel.objects.filter(_partner_filter(partnership))
        .filter(valid_until__gte=since)
        .select_related("organisation")
        .order_by("valid_until")
    )
    latest = {}
    for label in rows:
        key = (label.organisation_id, label.level)
        latest[key] = max(latest.get(key, label.valid_until), label.valid_until)
    return [
        label
        for label in rows
        if label.valid_until <= horizon
        and latest[(label.organisation_id, label.level)] == label.valid_until
    ]


def late_items(partnership, rows: list[kpis.Kpi], today: datetime.date) -> Late:
    """Behind targets, late roadmap actions, labels to renew, reports awaiting validation and
    planned activities past their end."""
    reported = Exchange.objects.filter(
        application__call__partnership=partnership, status=ExchangeStatus.REPORTED
    ).select_related("application__organisation", "offer__organisation")
    activities = Activity.objects.filter(
        partnership=partnership, status=ActivityStatus.PLANNED, ends_on__lt=today
    ).order_by("ends_on")
    return Late(
        behind=[row for row in rows if row.status == rules.BEHIND],
        actions=late_actions(partnership, today),
        labels=labels_to_renew(partnership, today),
        exchanges_reported=reported.count(),
        oldest_reports=list(reported.order_by("reported_at", "id")[:SHOWN]),
        activities=list(activities[:SHOWN]),
        activities_late=activities.count(),
    )
