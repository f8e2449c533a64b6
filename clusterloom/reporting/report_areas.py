"""Report sheets of strategies and roadmaps, activities, capacity building and services."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _

from clusterloom.activities.capacity import attended_hours
from clusterloom.activities.models import Activity, ActivityStatus, Attendance
from clusterloom.activities.services import TRAINING_KINDS
from clusterloom.excellence.models import ClusterService, RoadmapAction, Strategy
from clusterloom.partnerships.models import TargetCode

from .report import Sheet, _overlaps, _partners, _yes


def _strategies(p):
    return Strategy.objects.filter(
        Q(scope="joint", partnership=p)
        | Q(scope="cluster", organisation_id__in=p.members.values("organisation_id"))
        | Q(scope="cluster", partnership=p)
    )


def strategies_sheets(p, first, last, today) -> list[Sheet]:
    """Strategies (joint and the partner clusters') and their roadmap actions in the period."""
    strategies = Sheet(
        "strategies",
        _("Strategies"),
        [
            _("Strategy"),
            _("Scope"),
            _("Cluster"),
            _("Status"),
            _("Adopted on"),
            _("From"),
            _("Until"),
        ],
    )
    for s in _strategies(p).select_related("organisation").order_by("scope", "title"):
        strategies.rows.append(
            [
                s.title,
                s.get_scope_display(),
                s.organisation.name if s.organisation else "",
                s.get_status_display(),
                s.adopted_on,
                s.period_start,
                s.period_end,
            ]
        )
    actions = Sheet(
        "actions",
        _("Roadmap actions"),
        [
            _("Strategy"),
            _("Action"),
            _("Owner"),
            _("Start"),
            _("End"),
            _("Status"),
            _("Targets served"),
            _("Milestones"),
            _("Late"),
        ],
    )
    labels = dict(TargetCode.choices)
    rows = (
        RoadmapAction.objects.filter(strategy__in=_strategies(p))
        .filter(_overlaps("starts_on", "ends_on", first, last))
        .select_related("strategy", "owner")
        .prefetch_related("milestones")
        .order_by("strategy__title", "starts_on", "id")
    )
    for a in rows:
        open_ = a.status not in ("done", "cancelled")
        missed = any(m.due_on < today and m.reached_on is None for m in a.milestones.all())
        actions.rows.append(
            [
                a.strategy.title,
                a.title,
                a.owner.name if a.owner else a.owner_name,
                a.starts_on,
                a.ends_on,
                a.get_status_display(),
                ", ".join(str(labels.get(c, c)) for c in a.target_codes or []),
                len(a.milestones.all()),
                _yes(open_ and (a.ends_on < today or missed)),
            ]
        )
    return [strategies, actions]


def activities_sheets(p, first, last, counted: set[int], exchanges: Sheet) -> list[Sheet]:
    """Joint activities in the period (with attendance), and capacity building: trainings and
    coaching, plus on-the-job training during the period's validated exchanges."""
    rows = list(
        Activity.objects.filter(partnership=p)
        .filter(_overlaps("starts_on", "ends_on", first, last))
        .select_related("organiser", "country")
        .annotate(
            attendees=Count("attendance", distinct=True),
            managers=Count(
                "attendance",
                filter=Q(attendance__role__in=["cluster_manager", "cluster_staff"]),
                distinct=True,
            ),
        )
        .prefetch_related(
            Prefetch(
                "attendance",
                queryset=Attendance.objects.filter(activity__kind__in=TRAINING_KINDS),
                to_attr="training_attendance",
            )
        )
        .order_by("starts_on", "id")
    )
    activities = Sheet(
        "activities",
        _("Activities"),
        [
            _("Kind"),
            _("Title"),
            _("Status"),
            _("Start"),
            _("End"),
            _("Organised by"),
            _("City"),
            _("Country"),
            _("Online"),
            _("Attendance"),
            _("Reach"),
            _("Link"),
            _("Counts toward the targets"),
        ],
    )
    capacity = Sheet(
        "capacity",
        _("Capacity building"),
        [
            _("Kind"),
            _("Title"),
            _("Topic"),
            _("Start"),
            _("End"),
            _("Hours per participant"),
            _("Participants"),
            _("Cluster managers and staff"),
            _("Hours in total"),
        ],
        note=_(
            "Held trainings and coaching: each participant's hours attended, else the "
            "activity's hours per participant (as on the capacity-building page)."
        ),
    )
    for a in rows:
        activities.rows.append(
            [
                a.get_kind_display(),
                a.title,
                a.get_status_display(),
                a.starts_on,
                a.ends_on,
                a.organiser.name if a.organiser else "",
                a.city_name,
                a.country_id or "",
                _yes(a.is_online),
                a.attendees,
                a.reach,
                a.link,
                _yes(a.pk in counted),
            ]
        )
        if a.kind in TRAINING_KINDS and a.status == ActivityStatus.HELD:
            # The capacity-building page's own sum (activities.capacity), so both agree.
            hours = sum((attended_hours(row, a) for row in a.training_attendance), Decimal(0))
            capacity.rows.append(
                [
                    a.get_kind_display(),
                    a.title,
                    a.topic,
                    a.starts_on,
                    a.ends_on,
                    float(a.hours) if a.hours is not None else None,
                    a.attendees,
                    a.managers,
                    float(hours),
                ]
            )
    for row in exchanges.rows:
        if row[-1] == _yes(True):
            capacity.rows.append(
                [
                    _("on-the-job training (ClusterXchange)"),
                    f"{row[0]} → {row[2]}",
                    "",
                    row[4],
                    row[5],
                    None,
                    1,
                    None,
                    None,
                ]
            )
    return [activities, capacity]


def services_sheet(p) -> Sheet:
    """Services of the partner clusters (new or improved) and who built them."""
    sheet = Sheet(
        "services",
        _("Services"),
        [
            _("Cluster"),
            _("Service"),
            _("New or improved"),
            _("Launched on"),
            _("For whom"),
            _("Built with"),
        ],
    )
    rows = (
        ClusterService.objects.filter(_partners(p))
        .select_related("organisation")
        .prefetch_related(Prefetch("built_with"))
        .order_by("organisation__name", "name")
    )
    for s in rows:
        sheet.rows.append(
            [
                s.organisation.name,
                s.name,
                s.get_novelty_display(),
                s.launched_on,
                s.target_groups,
                ", ".join(o.name for o in s.built_with.all()),
            ]
        )
    return sheet
