"""Label rules of DOMAIN.md (ESCA/EUCLES), validity, status and benchmarking scores; pure.

No Django here: the service layer turns models into the dataclasses below. Messages are English
templates marked for translation; `RuleResult.message(gettext)` fills them in.

Counting, as the pages and the user guide say it:

- Validity: a label is valid until the last day of the month that lies `months` months after
  the award month (awarded any day of March 2024, 24 months: valid until 31 March 2026), which
  is ESCA's "valid 2 years from the interview month".
- Status on a day: *expired* after `valid_until`; *expiring* when `valid_until` is at most
  `warning_days` days away (the last valid day included); *valid* before that.
- Silver interval: the second benchmarking is held no earlier than the first one's date plus
  18 calendar months and no later than its date plus 24 calendar months, both days included.
  "Plus n months" keeps the day of the month, or takes the month's last day when it has fewer
  days (31 August + 18 months = 28 or 29 February).
- Scores: an area's score is the mean of its indicators' scores, or the score given to the area
  itself when it has no indicators; the total score is the mean of the scored areas' scores
  (every area weighs the same, whatever its number of indicators); two decimals, half up.
"""

from __future__ import annotations

import calendar
import datetime
import statistics
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal


def gettext_noop(s: str) -> str:
    """Mark a message for makemessages without translating it here."""
    return s


BRONZE, SILVER, GOLD = "bronze", "silver", "gold"
LEVELS = (BRONZE, SILVER, GOLD)
VALID, EXPIRING, EXPIRED = "valid", "expiring", "expired"
#: Silver: the second benchmarking 18 to 24 months after the first (DOMAIN.md: 1.5-2 years).
SILVER_MIN_MONTHS, SILVER_MAX_MONTHS = 18, 24
#: Silver: documented improvement areas from the first benchmarking.
SILVER_IMPROVEMENTS = 3
#: Gold: the total score at least this (%).
GOLD_MIN_SCORE = Decimal("80")
#: Peer aggregates are shown only over at least this many other clusters (anonymity).
MIN_PEERS = 2
CENT = Decimal("0.01")

MESSAGES = {
    "benchmarking": gettext_noop("A benchmarking of the cluster, held on or before the award."),
    "benchmarking_missing": gettext_noop(
        "No benchmarking of the cluster held on or before %(day)s."
    ),
    "benchmarking_found": gettext_noop("Benchmarking of %(day)s."),
    "second_benchmarking": gettext_noop(
        "A second benchmarking 18 to 24 months after the first (1.5 to 2 years)."
    ),
    "second_missing": gettext_noop(
        "No two benchmarkings 18 to 24 months apart (benchmarkings held: %(days)s)."
    ),
    "second_found": gettext_noop("%(first)s, then %(second)s (%(months)s months later)."),
    "improvement_areas": gettext_noop(
        "3 documented improvement areas (with evidence) from the first benchmarking."
    ),
    "improvements_missing": gettext_noop(
        "%(count)s documented improvement area(s) with evidence from the benchmarking of "
        "%(day)s; 3 are needed."
    ),
    "improvements_no_first": gettext_noop("No first benchmarking to take them from."),
    "improvements_found": gettext_noop(
        "%(count)s documented improvement areas from the benchmarking of %(day)s."
    ),
    "total_score": gettext_noop("A total score of at least 80 %."),
    "score_missing": gettext_noop("No scored benchmarking of the cluster."),
    "score_low": gettext_noop(
        "Total score %(score)s %% (benchmarking of %(day)s); 80 %% is needed."
    ),
    "score_found": gettext_noop("Total score %(score)s %% (benchmarking of %(day)s)."),
    "thresholds": gettext_noop("Indicators below their threshold (shown, not required)."),
    "thresholds_below": gettext_noop("Below their threshold: %(names)s."),
    "thresholds_none": gettext_noop("Every indicator with a threshold reaches it."),
}


@dataclass(frozen=True)
class BenchmarkingFacts:
    """What the rules need to know of one benchmarking."""

    id: int
    held_on: datetime.date
    total_score: Decimal | None = None
    #: Improvement areas documented with evidence (file or link).
    documented_improvements: int = 0
    #: Names of indicators scored below their threshold.
    below_threshold: tuple[str, ...] = ()
    #: The set has at least one indicator with a threshold.
    has_thresholds: bool = False


@dataclass(frozen=True)
class RuleResult:
    """One rule of a level, met or not, with what was found."""

    code: str
    met: bool
    found: str
    params: dict = field(default_factory=dict)
    #: Shown but not required (indicators below their threshold).
    advisory: bool = False

    def rule(self, gettext=lambda s: s) -> str:
        """What the rule asks."""
        return gettext(MESSAGES[self.code])

    def message(self, gettext=lambda s: s) -> str:
        """What was found, in the language `gettext` translates to."""
        return gettext(MESSAGES[self.found]) % self.params


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months later, or that month's last day if it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def default_valid_until(awarded_on: datetime.date, months: int) -> datetime.date:
    """The last day of the month `months` months after the award month."""
    later = add_months(awarded_on.replace(day=1), months)
    return later.replace(day=calendar.monthrange(later.year, later.month)[1])


def label_status(valid_until: datetime.date, day: datetime.date, warning_days: int) -> str:
    """valid, expiring (at most `warning_days` days left, the last day included) or expired."""
    if day > valid_until:
        return EXPIRED
    if (valid_until - day).days <= warning_days:
        return EXPIRING
    return VALID


def months_between(first: datetime.date, second: datetime.date) -> int:
    """Whole calendar months from `first` to `second` (by add_months)."""
    months = (second.year - first.year) * 12 + second.month - first.month
    while months > 0 and add_months(first, months) > second:
        months -= 1
    return months


def silver_interval_ok(first: datetime.date, second: datetime.date) -> bool:
    """`second` lies from first + 18 months to first + 24 months, both days included."""
    return add_months(first, SILVER_MIN_MONTHS) <= second <= add_months(first, SILVER_MAX_MONTHS)


def _iso(day: datetime.date) -> str:
    return day.isoformat()


def _bronze(history: list[BenchmarkingFacts], on: datetime.date, chosen) -> list[RuleResult]:
    candidates = [chosen] if chosen else [b for b in history if b.held_on <= on]
    if not candidates or candidates[-1].held_on > on:
        return [RuleResult("benchmarking", False, "benchmarking_missing", {"day": _iso(on)})]
    last = max(candidates, key=lambda b: b.held_on)
    return [RuleResult("benchmarking", True, "benchmarking_found", {"day": _iso(last.held_on)})]


def _silver_pair(history, chosen):
    """The best (first, second) pair: in the interval, most documented improvements first."""
    seconds = [chosen] if chosen else history
    pairs = [
        (a, b)
        for b in seconds
        for a in history
        if a.held_on < b.held_on and silver_interval_ok(a.held_on, b.held_on)
    ]
    if not pairs:
        return None
    return max(pairs, key=lambda p: (p[0].documented_improvements, p[1].held_on))


def _silver(history: list[BenchmarkingFacts], on: datetime.date, chosen) -> list[RuleResult]:
    pair = _silver_pair(history, chosen)
    if pair is None:
        days = ", ".join(_iso(b.held_on) for b in history) or "—"
        results = [RuleResult("second_benchmarking", False, "second_missing", {"days": days})]
        earlier = [b for b in history if b.held_on < (chosen.held_on if chosen else on)]
        first = min(earlier, key=lambda b: b.held_on) if earlier else None
    else:
        first, second = pair
        months = months_between(first.held_on, second.held_on)
        params = {"first": _iso(first.held_on), "second": _iso(second.held_on), "months": months}
        results = [RuleResult("second_benchmarking", True, "second_found", params)]
    if first is None:
        results.append(RuleResult("improvement_areas", False, "improvements_no_first"))
        return results
    count = first.documented_improvements
    params = {"count": count, "day": _iso(first.held_on)}
    found = "improvements_found" if count >= SILVER_IMPROVEMENTS else "improvements_missing"
    results.append(RuleResult("improvement_areas", count >= SILVER_IMPROVEMENTS, found, params))
    return results


def _gold(history: list[BenchmarkingFacts], on: datetime.date, chosen) -> list[RuleResult]:
    scored = [chosen] if chosen else [b for b in history if b.held_on <= on]
    scored = [b for b in scored if b.total_score is not None]
    if not scored:
        return [RuleResult("total_score", False, "score_missing")]
    last = max(scored, key=lambda b: b.held_on)
    params = {"score": f"{last.total_score:.2f}", "day": _iso(last.held_on)}
    met = last.total_score >= GOLD_MIN_SCORE
    results = [RuleResult("total_score", met, "score_found" if met else "score_low", params)]
    if last.has_thresholds:
        below = last.below_threshold
        found = "thresholds_below" if below else "thresholds_none"
        results.append(
            RuleResult("thresholds", True, found, {"names": ", ".join(below)}, advisory=True)
        )
    return results


def check_level(
    level: str,
    history: list[BenchmarkingFacts],
    *,
    on: datetime.date,
    chosen_id: int | None = None,
) -> list[RuleResult]:
    """Every rule of `level` for a cluster with this benchmarking history, as of `on` (the
    award date); `chosen_id` is the benchmarking the label rests on, if one was named."""
    history = sorted(history, key=lambda b: (b.held_on, b.id))
    chosen = next((b for b in history if b.id == chosen_id), None) if chosen_id else None
    if level == BRONZE:
        return _bronze(history, on, chosen)
    if level == SILVER:
        return _silver(history, on, chosen)
    if level == GOLD:
        return _gold(history, on, chosen)
    raise ValueError(level)


def unmet(results: list[RuleResult]) -> list[RuleResult]:
    """The rules not met (advisory lines never block)."""
    return [r for r in results if not r.met and not r.advisory]


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def area_scores(
    scores: list[tuple[int, int | None, Decimal]], areas_with_indicators: set[int]
) -> dict[int, Decimal]:
    """Score per area from (area id, indicator id or None, value) rows: the mean of its
    indicators' scores, or its own score when it has no indicators."""
    by_area: dict[int, list[Decimal]] = {}
    for area_id, indicator_id, value in scores:
        if (indicator_id is not None) == (area_id in areas_with_indicators):
            by_area.setdefault(area_id, []).append(Decimal(value))
    return {a: _round(sum(v) / len(v)) for a, v in by_area.items() if v}


@dataclass(frozen=True)
class Completeness:
    """How much of a benchmarking is scored, against its set's rule."""

    complete: bool
    areas_scored: int
    areas: int
    indicators_scored: int
    indicators: int


def completeness(
    scores: list[tuple[int, int | None]], areas: dict[int, set[int]], rule: str
) -> Completeness:
    """Complete by the set's rule: `every_area` (each area has its own score or a score of
    one of its indicators) or `every_indicator` (each indicator, and each area without
    indicators, is scored). `scores` are (area id, indicator id or None); `areas` maps each
    area of the set to its indicator ids. A set without areas is never complete."""
    scored_areas = {a for a, i in scores if a in areas and (i is None) == (not areas[a])}
    scored_indicators = {i for a, i in scores if i is not None and i in areas.get(a, ())}
    indicators = {i for ids in areas.values() for i in ids}
    if rule == "every_indicator":
        bare = {a for a, ids in areas.items() if not ids}
        done = bare <= scored_areas and indicators <= scored_indicators
    else:
        done = set(areas) <= scored_areas
    return Completeness(
        complete=bool(areas) and done,
        areas_scored=len(scored_areas),
        areas=len(areas),
        indicators_scored=len(scored_indicators),
        indicators=len(indicators),
    )


def total_score(per_area: dict[int, Decimal]) -> Decimal | None:
    """The mean of the area scores; None when no area is scored."""
    if not per_area:
        return None
    return _round(sum(per_area.values()) / len(per_area))


@dataclass(frozen=True)
class PeerFigure:
    """Anonymised figures of the other partner clusters for one area."""

    mean: Decimal
    median: Decimal
    count: int


def peer_figures(peers: list[dict[int, Decimal]]) -> dict[int, PeerFigure]:
    """Mean and median per area over the peers' area scores; an area scored by fewer than
    MIN_PEERS peers is left out, so no single cluster's score can be read from it."""
    values: dict[int, list[Decimal]] = {}
    for peer in peers:
        for area_id, value in peer.items():
            values.setdefault(area_id, []).append(Decimal(value))
    return {
        area_id: PeerFigure(_round(sum(v) / len(v)), _round(Decimal(statistics.median(v))), len(v))
        for area_id, v in values.items()
        if len(v) >= MIN_PEERS
    }
