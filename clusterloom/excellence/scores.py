"""A benchmarking's scores: checked (0-100, indicators of its own set), stored, totalled."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from clusterloom.core.errors import DomainError

from . import label_rules
from .models import Benchmarking, BenchmarkScore


def score_value(value, field: str) -> Decimal:
    """A score from 0 to 100 (comma or point, two decimals at most)."""
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise DomainError(
            _("“%(value)s” is not a number; give a score from 0 to 100.") % {"value": value},
            field=field,
        ) from None
    if not number.is_finite() or number < 0 or number > 100:
        raise DomainError(_("Give a score from 0 to 100."), field=field)
    if number != number.quantize(label_rules.CENT):
        raise DomainError(_("Two decimals at most."), field=field)
    return number.quantize(label_rules.CENT)


def _pk(value, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(getattr(value, "pk", value))
    except (TypeError, ValueError):
        raise DomainError(_("Give the id of an indicator or area."), field=field) from None


def scores_parse(indicator_set, rows) -> list[BenchmarkScore]:
    """Score rows {indicator | area, value, comment[, field]} checked against the set: an
    indicator of this set, or an area of it that has no indicators; each scored once."""
    areas = {a.pk: a for a in indicator_set.areas.prefetch_related("indicators")}
    indicators = {i.pk: i for a in areas.values() for i in a.indicators.all()}
    seen, out = set(), []
    if not isinstance(rows, list | tuple):
        raise DomainError(_("Give a list of scores."), field="scores")
    for n, row in enumerate(rows):
        if not isinstance(row, dict):
            raise DomainError(_("Give a list of scores."), field="scores")
        field = str(row.get("field") or f"scores[{n}]")
        if row.get("value") in (None, ""):
            if row.get("field"):
                continue  # an empty box on the page: not scored
            raise DomainError(_("Give a score from 0 to 100."), field=field)
        indicator_id = _pk(row.get("indicator"), field)
        area_id = _pk(row.get("area"), field)
        if indicator_id is not None:
            indicator = indicators.get(indicator_id)
            if indicator is None:
                raise DomainError(
                    _("Indicator %(id)s is not part of the set “%(set)s”.")
                    % {"id": indicator_id, "set": indicator_set.name},
                    field=field,
                )
            area, key = areas[indicator.area_id], ("i", indicator_id)
        elif area_id is not None:
            area = areas.get(area_id)
            if area is None:
                raise DomainError(
                    _("Area %(id)s is not part of the set “%(set)s”.")
                    % {"id": area_id, "set": indicator_set.name},
                    field=field,
                )
            if area.indicators.all():
                raise DomainError(
                    _("“%(area)s” has indicators: score each of them, not the area.")
                    % {"area": area.name},
                    field=field,
                )
            indicator, key = None, ("a", area_id)
        else:
            raise DomainError(_("Name the indicator or the area scored."), field=field)
        if key in seen:
            raise DomainError(_("Scored twice."), field=field)
        seen.add(key)
        out.append(
            BenchmarkScore(
                area=area,
                indicator=indicator,
                value=score_value(row.get("value"), field),
                comment=str(row.get("comment") or "").strip()[:500],
            )
        )
    return out


def scores_replace(benchmarking: Benchmarking, rows) -> None:
    """Replace the benchmarking's scores and store its total score."""
    scores = scores_parse(benchmarking.indicator_set, rows)
    benchmarking.scores.all().delete()
    for score in scores:
        score.benchmarking = benchmarking
    BenchmarkScore.objects.bulk_create(scores)
    total_store(benchmarking)


def total_store(benchmarking: Benchmarking) -> None:
    """Recompute the total score (mean of the area scores) from the stored scores."""
    with_indicators = set(
        benchmarking.indicator_set.areas.filter(indicators__isnull=False).values_list(
            "pk", flat=True
        )
    )
    rows = list(benchmarking.scores.values_list("area_id", "indicator_id", "value"))
    per_area = label_rules.area_scores(rows, with_indicators)
    benchmarking.total_score = label_rules.total_score(per_area)
    benchmarking.is_complete = completeness_of(benchmarking, rows).complete
    Benchmarking.objects.filter(pk=benchmarking.pk).update(
        total_score=benchmarking.total_score, is_complete=benchmarking.is_complete
    )


def completeness_of(benchmarking: Benchmarking, rows=None) -> label_rules.Completeness:
    """How much of the benchmarking is scored against its set's rule."""
    areas: dict[int, set[int]] = {}
    for area_id, indicator_id in benchmarking.indicator_set.areas.values_list(
        "pk", "indicators__pk"
    ):
        areas.setdefault(area_id, set())
        if indicator_id is not None:
            areas[area_id].add(indicator_id)
    if rows is None:
        rows = benchmarking.scores.values_list("area_id", "indicator_id", "value")
    return label_rules.completeness(
        [(a, i) for a, i, _v in rows], areas, benchmarking.indicator_set.complete_when
    )
