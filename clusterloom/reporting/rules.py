"""KPI rules without Django: the partnership's timeline, a target's status, month ends, and
which partnership a label, benchmarking or strategy counts for.

Pure module: plain dates and dataclasses, so the rules are tested and benchmarked alone.
"""

from __future__ import annotations

import calendar
import datetime
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

REACHED = "reached"
ON_TRACK = "on_track"
BEHIND = "behind"
NO_TIMELINE = "no_timeline"
NO_TARGET = "no_target"

#: The codes computed, in the order pages and reports list them (partnerships.TargetCode).
CODES = (
    "exchanges",
    "exchanges_sme",
    "exchanges_non_member",
    "labels_bronze",
    "labels_silver",
    "labels_gold",
    "benchmarkings",
    "cluster_strategies",
    "joint_strategies",
    "learning_events",
    "study_visits",
    "matchmaking_events",
    "trainings",
    "dissemination",
)
LABEL_CODES = {"bronze": "labels_bronze", "silver": "labels_silver", "gold": "labels_gold"}


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def month_end(day: datetime.date) -> datetime.date:
    """The last day of the day's month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_ends(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The last day of every month from `first`'s month to `last`'s month (inclusive)."""
    out, day = [], first.replace(day=1)
    while day <= last:
        out.append(month_end(day))
        day = add_months(day, 1)
    return out


def last_full_month_end(today: datetime.date) -> datetime.date:
    """The last day of the month before today's."""
    return today.replace(day=1) - datetime.timedelta(days=1)


@dataclass(frozen=True)
class Timeline:
    """A partnership's period: `start` plus `months` (either may be unknown)."""

    start: datetime.date | None
    months: int | None

    @property
    def known(self) -> bool:
        return self.start is not None and bool(self.months)

    @property
    def end(self) -> datetime.date | None:
        """The last day of the timeline (the day before start + months)."""
        if not self.known:
            return None
        return add_months(self.start, self.months) - datetime.timedelta(days=1)

    def elapsed_share(self, as_of: datetime.date) -> float | None:
        """Share (0..1) of the timeline passed by the end of `as_of`; None when unknown."""
        if not self.known:
            return None
        total = (add_months(self.start, self.months) - self.start).days
        passed = (as_of - self.start).days + 1
        return min(1.0, max(0.0, passed / total))

    def reference_day(self, as_of: datetime.date) -> datetime.date:
        """The day a label must still be valid on to count: as_of, or the end if earlier."""
        end = self.end
        return min(as_of, end) if end else as_of


def expected_by(target: int | None, share: float | None) -> int | None:
    """The whole number the target asks for by now (target x elapsed share, rounded up)."""
    if target is None or share is None:
        return None
    return math.ceil(target * share - 1e-9)


def status_of(actual: int, target: int | None, share: float | None) -> str:
    """reached (actual >= target), on track (actual >= expected by now), behind; without a
    target "no target"; without a timeline "no timeline" unless the target is reached."""
    if target is None:
        return NO_TARGET
    if actual >= target:
        return REACHED
    if share is None:
        return NO_TIMELINE
    return ON_TRACK if actual >= expected_by(target, share) else BEHIND


# -- records that count through the partner clusters -------------------------------------------


@dataclass(frozen=True)
class Window:
    """What a partnership counts: its partner organisations and its timeline."""

    partnership: int
    organisations: frozenset[int]
    timeline: Timeline


@dataclass(frozen=True)
class OrgRecord:
    """A label, benchmarking or strategy: its organisation, its partnership field, its date."""

    id: int
    organisation: int | None
    partnership: int | None
    day: datetime.date
    kind: str = ""  # label level, strategy scope
    valid_until: datetime.date | None = None


def belongs(record: OrgRecord, window: Window) -> bool:
    """The record is a partner cluster's, or names the partnership."""
    return record.partnership == window.partnership or (
        record.organisation is not None and record.organisation in window.organisations
    )


def _in_period(day, window: Window, as_of, since, *, from_start: bool = True) -> bool:
    start = window.timeline.start
    if day > as_of or (since is not None and day < since):
        return False
    return not (from_start and start is not None and day < start)


def label_counts(
    window: Window, labels: Iterable[OrgRecord], as_of, since=None
) -> dict[str, set[int]]:
    """Label code -> partner organisations holding a label of that level awarded within
    [start, as_of] (and on or after `since`) and valid on min(as_of, end of the timeline)."""
    out: dict[str, set[int]] = {code: set() for code in LABEL_CODES.values()}
    reference = window.timeline.reference_day(as_of)
    for label in labels:
        if label.kind not in LABEL_CODES or not belongs(label, window):
            continue
        if not _in_period(label.day, window, as_of, since):
            continue
        if label.valid_until is None or label.valid_until < reference:
            continue
        out[LABEL_CODES[label.kind]].add(label.organisation)
    return out


#: The kind of a benchmarking record scored as its indicator set's rule asks.
COMPLETE = "complete"


def benchmarking_ids(
    window: Window, rows: Iterable[OrgRecord], as_of, since=None, *, complete: bool = True
) -> set[int]:
    """Complete benchmarkings of partner clusters (or naming the partnership) held within
    [start, as_of]; with complete=False the incomplete ones (which do not count)."""
    return {
        r.id
        for r in rows
        if (r.kind == COMPLETE) == complete
        and belongs(r, window)
        and _in_period(r.day, window, as_of, since)
    }


def strategy_ids(
    window: Window, rows: Iterable[OrgRecord], as_of, since=None
) -> dict[str, set[int]]:
    """Adopted strategies: cluster ones of partner clusters (or naming the partnership) adopted
    within [start, as_of]; the partnership's joint one adopted on or before as_of."""
    out = {"cluster_strategies": set(), "joint_strategies": set()}
    for r in rows:
        if r.kind == "joint":
            if r.partnership == window.partnership and _in_period(
                r.day, window, as_of, since, from_start=False
            ):
                out["joint_strategies"].add(r.id)
        elif belongs(r, window) and _in_period(r.day, window, as_of, since):
            out["cluster_strategies"].add(r.id)
    return out


# -- results expected and the codes they speak of ----------------------------------------------

#: Word stems (lower case) that tie an expected result's text to target codes.
KEYWORDS = (
    (
        r"\blabel|\bbronze|\bsilver|\bgold\b|excellence",
        ("labels_bronze", "labels_silver", "labels_gold"),
    ),
    (r"benchmark", ("benchmarkings",)),
    (r"strateg|roadmap", ("cluster_strategies", "joint_strategies")),
    (
        r"exchange|visit|mobility|clusterxchange",
        ("exchanges", "exchanges_sme", "exchanges_non_member"),
    ),
    (r"learning", ("learning_events",)),
    (r"study visit", ("study_visits",)),
    (r"matchmaking|\bb2b\b|\bc2c\b|brokerage", ("matchmaking_events",)),
    (r"train|coach|capacit|skill", ("trainings",)),
    (r"dissemin|awareness|communicat|visibility", ("dissemination",)),
)


def codes_for_text(text: str) -> list[str]:
    """Target codes an expected result's text speaks of, in CODES order (may be empty)."""
    lowered = text.lower()
    found = set()
    for pattern, codes in KEYWORDS:
        if re.search(pattern, lowered):
            found.update(codes)
    return [code for code in CODES if code in found]
