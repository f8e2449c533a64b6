"""On-the-job training during ClusterXchange exchanges, read for the capacity-building page.

The one place this app reads the exchanges app (read-only: activities and exchanges stand at
the same level of DESIGN.md's dependency order, so the read is kept behind this selector; it
belongs in exchanges/selectors.py, where it can move without changing its callers).
"""

import datetime
from dataclasses import dataclass

from clusterloom.partnerships.models import Partnership

#: Exchange statuses that count: the partnership validated the visit (or paid it).
COUNTED = ("validated", "paid")


@dataclass(frozen=True)
class ExchangeTraining:
    """One validated exchange: who visited whom, when, for how many working days."""

    visitor: str
    host: str
    start: datetime.date | None
    end: datetime.date | None
    working_days: int
    status: str


def exchange_training(partnership: Partnership) -> list[ExchangeTraining]:
    """Validated and paid exchanges of the partnership's calls, oldest first."""
    from clusterloom.exchanges.models import Exchange

    rows = (
        Exchange.objects.filter(application__call__partnership=partnership, status__in=COUNTED)
        .select_related("application__organisation", "offer__organisation")
        .order_by("start", "pk")
    )
    return [
        ExchangeTraining(
            visitor=e.application.organisation.name,
            host=e.offer.organisation.name,
            start=e.start,
            end=e.end,
            working_days=e.working_days or 0,
            status=e.status,
        )
        for e in rows
    ]
