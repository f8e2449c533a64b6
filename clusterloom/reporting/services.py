"""Writes of reporting: the monthly KPI snapshots (derived values, recomputed, never typed)."""

import datetime

from django.db import transaction
from django.utils import timezone

from clusterloom.partnerships.models import Partnership

from . import kpis, rules
from .models import KpiSnapshot


def snapshot_months(partnership: Partnership, today: datetime.date) -> list[datetime.date]:
    """Month ends from the partnership's start to the last full month before today."""
    if partnership.start_date is None:
        return []
    return rules.month_ends(partnership.start_date, rules.last_full_month_end(today))


@transaction.atomic
def kpi_snapshots_take(*, partnerships=None, today: datetime.date | None = None) -> int:
    """Store every partnership's KPI values as of the last day of each month since its start
    up to the last full month (an upsert: running it twice changes nothing). Returns rows."""
    today = today or timezone.localdate()
    partnerships = list(partnerships if partnerships is not None else Partnership.objects.all())
    partnerships = [p for p in partnerships if p.start_date is not None]
    months = {p.pk: snapshot_months(p, today) for p in partnerships}
    ends = sorted({end for values in months.values() for end in values})
    if not ends:
        return 0
    series = kpis.kpi_series(partnerships, ends)
    targets = kpis.targets_of(partnerships)
    rows = []
    for p in partnerships:
        mine = targets.get(p.pk, {})
        for end in months[p.pk]:
            values = series[p.pk][end]
            for code in rules.CODES:
                if code not in mine and not values[code]:
                    continue
                rows.append(
                    KpiSnapshot(
                        partnership=p,
                        month=end.replace(day=1),
                        code=code,
                        target=mine.get(code),
                        actual=values[code],
                    )
                )
    KpiSnapshot.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["partnership", "month", "code"],
        update_fields=["target", "actual", "taken_at"],
    )
    return len(rows)
