"""What each KPI leaves out, and why: the records a coordinator might expect to count but that
do not (yet). Shown beside the numbers on the dashboard, the partnership page, the report and
the API, so a count says what it excludes."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count
from django.utils.translation import ngettext

from clusterloom.activities.models import TARGET_OF_KIND, Activity, ActivityStatus
from clusterloom.events.counting import events_not_counted
from clusterloom.exchanges.models import Exchange, ExchangeStatus

from . import kpis, rules


def _exchanges(n: int) -> str:
    return ngettext(
        "%(n)s exchange reported and awaiting validation",
        "%(n)s exchanges reported and awaiting validation",
        n,
    ) % {"n": n}


def _benchmarkings(n: int) -> str:
    return ngettext(
        "%(n)s benchmarking not complete (not scored as its indicator set requires)",
        "%(n)s benchmarkings not complete (not scored as their indicator set requires)",
        n,
    ) % {"n": n}


def _not_confirmed(n: int) -> str:
    return ngettext(
        "%(n)s past event not confirmed as held by its organiser",
        "%(n)s past events not confirmed as held by their organisers",
        n,
    ) % {"n": n}


def _not_ended(n: int) -> str:
    return ngettext(
        "%(n)s event marked held that has not ended or has no session",
        "%(n)s events marked held that have not ended or have no session",
        n,
    ) % {"n": n}


def _planned(n: int) -> str:
    return ngettext(
        "%(n)s activity still planned after its end date (record it as held)",
        "%(n)s activities still planned after their end date (record them as held)",
        n,
    ) % {"n": n}


def kpi_exclusions(
    partnerships, as_of: datetime.date, windows=None
) -> dict[int, dict[str, list[str]]]:
    """Partnership id -> code -> sentences saying what the count leaves out as of the date
    (a fixed number of queries for any number of partnerships)."""
    partnerships = list(partnerships)
    ids = [p.pk for p in partnerships]
    out: dict[int, dict[str, list[str]]] = {pid: defaultdict(list) for pid in ids}
    if not ids:
        return out
    for pid, n in (
        Exchange.objects.filter(
            application__call__partnership_id__in=ids, status=ExchangeStatus.REPORTED
        )
        .values_list(kpis.EXCHANGE_PARTNERSHIP)
        .annotate(n=Count("id"))
        .values_list(kpis.EXCHANGE_PARTNERSHIP, "n")
        .order_by()
    ):
        out[pid]["exchanges"].append(_exchanges(n))
    for reason, text in (("not_confirmed", _not_confirmed), ("not_ended", _not_ended)):
        rows = events_not_counted(ids, as_of)[reason]
        for pid, n in (
            rows.values("partnership_id")
            .annotate(n=Count("id"))
            .values_list("partnership_id", "n")
            .order_by()
        ):
            out[pid]["matchmaking_events"].append(text(n))
    for pid, kind, n in (
        Activity.objects.filter(
            partnership_id__in=ids, status=ActivityStatus.PLANNED, ends_on__lt=as_of
        )
        .values("partnership_id", "kind")
        .annotate(n=Count("id"))
        .values_list("partnership_id", "kind", "n")
        .order_by()
    ):
        out[pid][TARGET_OF_KIND[kind]].append(_planned(n))
    windows = windows or kpis.windows_for(partnerships)
    records = kpis.benchmarking_records(windows, as_of)
    for pid, window in windows.items():
        n = len(rules.benchmarking_ids(window, records, as_of, complete=False))
        if n:
            out[pid]["benchmarkings"].append(_benchmarkings(n))
    return {pid: dict(codes) for pid, codes in out.items()}


def not_counted_text(excluded: list[str]) -> str:
    """The sentences as one line for a table cell ("" when nothing is left out)."""
    return "; ".join(excluded)
