"""The KPI engine: every target code computed from live data as of a date, for many
partnerships at once, in a fixed number of queries (one per code family, grouped by partnership).

Definitions (the docs repeat them):

- exchanges / exchanges_sme / exchanges_non_member: exchanges of the partnership's calls (an
  exchange counts for the visitor's partnership) in status validated or paid, validated on or
  before as_of; SME = the application's `is_sme`, non-member = its `is_member` is false (the
  same rows as exchanges.selectors.partnership_progress).
- labels_bronze / _silver / _gold: distinct partner clusters (partnership members, or labels
  naming the partnership) holding a label of that level awarded within [start, as_of] and
  still valid on min(as_of, last day of the timeline).
- benchmarkings: complete benchmarkings (scored as the indicator set's rule asks: every area,
  or every indicator) of partner clusters (or naming the partnership) held within
  [start, as_of].
- cluster_strategies: adopted cluster strategies of partner clusters (or naming the
  partnership) adopted within [start, as_of]; joint_strategies: its joint strategy adopted on or
  before as_of.
- learning_events / study_visits / trainings (training + coaching) / dissemination: the
  partnership's activities in status held that ended on or before as_of.
- matchmaking_events: the partnership's events confirmed held whose last session ended on or
  before as_of (events.counting: an event without sessions does not count).

With `since`, only records dated on or after it count (the "in the period" column of a report).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from clusterloom.activities.models import TARGET_OF_KIND, Activity, ActivityStatus
from clusterloom.events.counting import event_counts, midnight
from clusterloom.events.counting import events_counted as events_held
from clusterloom.excellence.models import Benchmarking, ClusterLabel, Strategy, StrategyStatus
from clusterloom.exchanges.models import Exchange, ExchangeStatus
from clusterloom.exchanges.selectors import DONE
from clusterloom.partnerships.models import Partnership, PartnershipMember, Target, TargetCode

from . import rules

EXCHANGE_PARTNERSHIP = "application__call__partnership_id"


def timeline_of(partnership: Partnership) -> rules.Timeline:
    """The partnership's timeline (start + duration)."""
    return rules.Timeline(partnership.start_date, partnership.duration_months)


def windows_for(partnerships) -> dict[int, rules.Window]:
    """Partner organisations and timeline of each partnership (one query)."""
    members = defaultdict(set)
    if len(partnerships) == 1:  # one partnership's page: the partner list it already read
        members[partnerships[0].pk] = {m.organisation_id for m in partnerships[0].partners_listed}
    else:
        ids = [p.pk for p in partnerships]
        for pid, org in PartnershipMember.objects.filter(partnership_id__in=ids).values_list(
            "partnership_id", "organisation_id"
        ):
            members[pid].add(org)
    return {
        p.pk: rules.Window(p.pk, frozenset(members[p.pk]), timeline_of(p)) for p in partnerships
    }


# -- the records each family counts ----------------------------------------------------------


def _done(as_of, since=None) -> Q:
    """An exchange counts: validated or paid, validated by as_of (and from `since`)."""
    done = Q(status__in=DONE, validated_at__lt=midnight(as_of + datetime.timedelta(days=1)))
    return done & Q(validated_at__gte=midnight(since)) if since else done


def _held(as_of, since=None) -> Q:
    """An activity counts: held, ended on or before as_of (and on or after `since`)."""
    held = Q(status=ActivityStatus.HELD, ends_on__lte=as_of)
    return held & Q(ends_on__gte=since) if since else held


def exchanges_done(ids, as_of, since=None) -> QuerySet[Exchange]:
    """Validated or paid exchanges of the partnerships' calls, validated by as_of."""
    return Exchange.objects.filter(_done(as_of, since), **{f"{EXCHANGE_PARTNERSHIP}__in": ids})


def activities_held(ids, as_of, since=None) -> QuerySet[Activity]:
    """The partnerships' held activities that ended on or before as_of."""
    return Activity.objects.filter(_held(as_of, since), partnership_id__in=ids)


def _org_filter(windows) -> Q:
    orgs = set().union(*(w.organisations for w in windows.values())) if windows else set()
    return Q(organisation_id__in=orgs) | Q(partnership_id__in=list(windows))


def label_records(windows, as_of) -> list[rules.OrgRecord]:
    """Labels of the partner clusters (or naming a partnership) awarded by as_of."""
    earliest = min((w.timeline.reference_day(as_of) for w in windows.values()), default=as_of)
    rows = ClusterLabel.objects.filter(
        _org_filter(windows), awarded_on__lte=as_of, valid_until__gte=earliest
    ).values_list("id", "organisation_id", "partnership_id", "awarded_on", "level", "valid_until")
    return [rules.OrgRecord(*row) for row in rows]


def benchmarking_records(windows, as_of) -> list[rules.OrgRecord]:
    """Benchmarkings of the partner clusters (or naming a partnership) held by as_of, of kind
    "complete" when scored as their indicator set's rule asks."""
    rows = Benchmarking.objects.filter(_org_filter(windows), held_on__lte=as_of).values_list(
        "id", "organisation_id", "partnership_id", "held_on", "is_complete"
    )
    return [
        rules.OrgRecord(pk, org, pid, day, rules.COMPLETE if complete else "")
        for pk, org, pid, day, complete in rows
    ]


def strategy_records(windows, as_of) -> list[rules.OrgRecord]:
    """Strategies adopted by as_of: partner clusters', naming a partnership, joint ones."""
    rows = Strategy.objects.filter(
        _org_filter(windows), status=StrategyStatus.ADOPTED, adopted_on__lte=as_of
    ).values_list("id", "organisation_id", "partnership_id", "adopted_on", "scope")
    return [rules.OrgRecord(*row) for row in rows]


# -- values ------------------------------------------------------------------------------------


#: What a count leaves out, per partnership: code -> [(reason, how many)], in the order found.
LeftOut = dict[str, list[tuple[str, int]]]


def _org_families(values, left, windows, as_of, since) -> None:
    labels = label_records(windows, as_of)
    benchmarkings = benchmarking_records(windows, as_of)
    strategies = strategy_records(windows, as_of)
    for pid, window in windows.items():
        for code, orgs in rules.label_counts(window, labels, as_of, since).items():
            values[pid][code] = len(orgs)
        values[pid]["benchmarkings"] = len(
            rules.benchmarking_ids(window, benchmarkings, as_of, since)
        )
        incomplete = len(rules.benchmarking_ids(window, benchmarkings, as_of, complete=False))
        if incomplete:
            left[pid]["benchmarkings"].append(("incomplete", incomplete))
        for code, found in rules.strategy_ids(window, strategies, as_of, since).items():
            values[pid][code] = len(found)


def counts_as_of(
    partnerships, as_of: datetime.date, since=None, windows=None
) -> tuple[dict[int, dict[str, int]], dict[int, LeftOut]]:
    """Partnership id -> code -> value as of the date (records dated from `since` if given),
    and partnership id -> what the counts as of the date leave out (exchanges reported but not
    validated, events not confirmed or not ended, activities still planned after their end,
    incomplete benchmarkings): one query per family of codes, the left-out records counted in
    the same queries. `windows` as windows_for gives them, when the caller already has them."""
    partnerships = list(partnerships)
    ids = [p.pk for p in partnerships]
    values = {pid: dict.fromkeys(rules.CODES, 0) for pid in ids}
    left: dict[int, LeftOut] = {pid: defaultdict(list) for pid in ids}
    if not ids:
        return values, left
    done = _done(as_of, since)
    for row in (
        Exchange.objects.filter(**{f"{EXCHANGE_PARTNERSHIP}__in": ids})
        .values(EXCHANGE_PARTNERSHIP)
        .annotate(
            total=Count("id", filter=done),
            sme=Count("id", filter=done & Q(application__is_sme=True)),
            non_member=Count("id", filter=done & Q(application__is_member=False)),
            reported=Count("id", filter=Q(status=ExchangeStatus.REPORTED)),
        )
        .order_by()
    ):
        pid = row[EXCHANGE_PARTNERSHIP]
        v = values[pid]
        v["exchanges"], v["exchanges_sme"] = row["total"], row["sme"]
        v["exchanges_non_member"] = row["non_member"]
        if row["reported"]:
            left[pid]["exchanges"].append(("reported", row["reported"]))
    held = _held(as_of, since)
    for pid, kind, n, planned in (
        Activity.objects.filter(partnership_id__in=ids)
        .values("partnership_id", "kind")
        .annotate(
            n=Count("id", filter=held),
            planned=Count("id", filter=Q(status=ActivityStatus.PLANNED, ends_on__lt=as_of)),
        )
        .values_list("partnership_id", "kind", "n", "planned")
        .order_by()
    ):
        values[pid][TARGET_OF_KIND[kind]] += n
        if planned:
            left[pid][TARGET_OF_KIND[kind]].append(("planned", planned))
    for pid, counts in event_counts(ids, as_of, since).items():
        values[pid]["matchmaking_events"] = counts["counted"]
        for reason in ("not_confirmed", "not_ended"):
            if counts[reason]:
                left[pid]["matchmaking_events"].append((reason, counts[reason]))
    _org_families(values, left, windows or windows_for(partnerships), as_of, since)
    return values, left


def kpi_values(
    partnerships, as_of: datetime.date, since=None, windows=None
) -> dict[int, dict[str, int]]:
    """Partnership id -> code -> value as of the date (records dated from `since` if given;
    `windows` as windows_for gives them, when the caller already has them)."""
    return counts_as_of(partnerships, as_of, since, windows)[0]


def kpi_series(partnerships, ends: list[datetime.date]) -> dict[int, dict[datetime.date, dict]]:
    """Partnership id -> month end -> code -> value, for many month ends in a fixed number of
    queries (the monthly snapshots). Values equal kpi_values(as_of=month end)."""
    partnerships = list(partnerships)
    ids = [p.pk for p in partnerships]
    out = {pid: {end: dict.fromkeys(rules.CODES, 0) for end in ends} for pid in ids}
    if not ids or not ends:
        return out
    last = max(ends)
    monthly = defaultdict(lambda: defaultdict(int))  # (pid, month) -> code -> n
    for row in (
        exchanges_done(ids, last)
        .annotate(month=TruncMonth("validated_at"))
        .values(EXCHANGE_PARTNERSHIP, "month")
        .annotate(
            total=Count("id"),
            sme=Count("id", filter=Q(application__is_sme=True)),
            non_member=Count("id", filter=Q(application__is_member=False)),
        )
        .order_by()
    ):
        month = row["month"]
        month = month.date() if isinstance(month, datetime.datetime) else month
        bucket = monthly[(row[EXCHANGE_PARTNERSHIP], month)]
        bucket["exchanges"] += row["total"]
        bucket["exchanges_sme"] += row["sme"]
        bucket["exchanges_non_member"] += row["non_member"]
    for pid, kind, month, n in (
        activities_held(ids, last)
        .annotate(month=TruncMonth("ends_on"))
        .values("partnership_id", "kind", "month")
        .annotate(n=Count("id"))
        .values_list("partnership_id", "kind", "month", "n")
        .order_by()
    ):
        monthly[(pid, month)][TARGET_OF_KIND[kind]] += n
    events = list(events_held(ids, last).values_list("partnership_id", "last_end"))
    for (pid, month), counts in monthly.items():
        for end in ends:
            if month <= end:
                for code, n in counts.items():
                    out[pid][end][code] += n
    for pid, last_end in events:
        day = timezone.localtime(last_end).date()
        for end in ends:
            if day <= end:
                out[pid][end]["matchmaking_events"] += 1
    windows = windows_for(partnerships)
    # Labels valid only at earlier month ends count there: fetch from the first month end.
    labels = label_records_until(windows, min(ends), last)
    benchmarkings = benchmarking_records(windows, last)
    strategies = strategy_records(windows, last)
    for pid, window in windows.items():
        for end in ends:
            v = out[pid][end]
            for code, orgs in rules.label_counts(window, labels, end).items():
                v[code] = len(orgs)
            v["benchmarkings"] = len(rules.benchmarking_ids(window, benchmarkings, end))
            for code, found in rules.strategy_ids(window, strategies, end).items():
                v[code] = len(found)
    return out


def label_records_until(windows, first: datetime.date, last: datetime.date):
    """Labels awarded by `last` and valid on some day from `first` (for a series of dates)."""
    earliest = min((w.timeline.reference_day(first) for w in windows.values()), default=first)
    rows = ClusterLabel.objects.filter(
        _org_filter(windows), awarded_on__lte=last, valid_until__gte=earliest
    ).values_list("id", "organisation_id", "partnership_id", "awarded_on", "level", "valid_until")
    return [rules.OrgRecord(*row) for row in rows]


# -- rows with targets and status --------------------------------------------------------------


@dataclass
class Kpi:
    """One target code of a partnership: target, actual, status, expected by then."""

    code: str
    target: int | None
    actual: int
    status: str
    expected: int | None
    period: int | None = None
    label: str = field(default="")
    #: What the count leaves out and why (exclusions.sentences).
    excluded: list[str] = field(default_factory=list)

    @property
    def percent(self) -> int:
        """Actual as a share of the target (0-100) for a progress bar."""
        if not self.target:
            return 100 if self.target == 0 else 0
        return min(100, round(100 * self.actual / self.target))

    @property
    def expected_percent(self) -> int | None:
        if self.expected is None or not self.target:
            return None
        return min(100, round(100 * self.expected / self.target))


def targets_of(partnerships) -> dict[int, dict[str, int]]:
    """Partnership id -> code -> target value (one query)."""
    if len(partnerships) == 1:  # one partnership's page: the targets it already read
        return {partnerships[0].pk: partnerships[0].target_values}
    out = defaultdict(dict)
    for pid, code, value in Target.objects.filter(
        partnership_id__in=[p.pk for p in partnerships]
    ).values_list("partnership_id", "code", "value"):
        out[pid][code] = value
    return out


def kpi_rows(
    partnership,
    as_of,
    values: dict[str, int],
    targets: dict[str, int],
    period=None,
    excluded: dict[str, list[str]] | None = None,
) -> list[Kpi]:
    """Rows for every code with a target, then codes with a value (or records left out) but
    no target."""
    excluded = excluded or {}
    labels = dict(TargetCode.choices)
    share = timeline_of(partnership).elapsed_share(as_of)
    rows = []
    for code in rules.CODES:
        target = targets.get(code)
        actual = values.get(code, 0)
        if target is None and not actual and not excluded.get(code):
            continue
        rows.append(
            Kpi(
                code=code,
                target=target,
                actual=actual,
                status=rules.status_of(actual, target, share),
                expected=rules.expected_by(target, share),
                period=None if period is None else period.get(code, 0),
                label=str(labels.get(code, code)),
                excluded=excluded.get(code, []),
            )
        )
    rows.sort(key=lambda k: k.target is None)
    return rows


def kpi_table(partnerships, as_of, since=None) -> dict[int, list[Kpi]]:
    """Partnership id -> its KPI rows as of the date (with the period column from `since` and
    what each count leaves out)."""
    from .exclusions import sentences

    partnerships = list(partnerships)
    windows = windows_for(partnerships)
    values, left = counts_as_of(partnerships, as_of, windows=windows)
    period = kpi_values(partnerships, as_of, since, windows=windows) if since else {}
    targets = targets_of(partnerships)
    excluded = {pid: sentences(left[pid]) for pid in values}
    return {
        p.pk: kpi_rows(
            p, as_of, values[p.pk], targets.get(p.pk, {}), period.get(p.pk), excluded[p.pk]
        )
        for p in partnerships
    }
