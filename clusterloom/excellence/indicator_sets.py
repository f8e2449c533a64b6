"""Writes of indicator sets (areas and indicators as data); a set in use keeps its structure."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from clusterloom.core.audit import audit
from clusterloom.core.errors import DomainError
from clusterloom.core.inputs import text_value
from clusterloom.core.permissions import require

from .models import BenchmarkArea, CompleteWhen, Indicator, IndicatorSet, LabelLevel
from .scores import total_store

MAX_AREAS = 30
MAX_INDICATORS = 60


def _threshold(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise DomainError(_("Give a threshold from 0 to 100."), field=field) from None
    if not number.is_finite() or not 0 <= number <= 100:
        raise DomainError(_("Give a threshold from 0 to 100."), field=field)
    return number.quantize(Decimal("0.01"))


def areas_parse(areas) -> list[tuple[str, list[tuple[str, str, Decimal | None]]]]:
    """[(area name, [(indicator name, description, threshold)])], checked: names given and
    unique within their set or area."""
    if not isinstance(areas, list | tuple) or not areas:
        raise DomainError(_("Give at least one area."), field="areas")
    if len(areas) > MAX_AREAS:
        raise DomainError(_("%(n)s areas at most.") % {"n": MAX_AREAS}, field="areas")
    out, names = [], set()
    for n, area in enumerate(areas):
        where = f"areas[{n}]"
        area = area if isinstance(area, dict) else {"name": area}
        name = text_value(area, "name", required=False, limit=200)
        if not name:
            raise DomainError(_("Give the area's name."), field=f"{where}.name")
        if name.lower() in names:
            raise DomainError(_("“%(name)s” appears twice.") % {"name": name}, field=where)
        names.add(name.lower())
        indicators, seen = [], set()
        rows = area.get("indicators") or []
        if len(rows) > MAX_INDICATORS:
            raise DomainError(_("Too many indicators."), field=f"{where}.indicators")
        for m, row in enumerate(rows):
            at = f"{where}.indicators[{m}]"
            row = row if isinstance(row, dict) else {"name": row}
            label = text_value(row, "name", limit=300)
            if not label:
                raise DomainError(_("Give the indicator's name."), field=f"{at}.name")
            if label.lower() in seen:
                raise DomainError(_("“%(name)s” appears twice.") % {"name": label}, field=at)
            seen.add(label.lower())
            indicators.append(
                (label, text_value(row, "description"), _threshold(row.get("threshold"), at))
            )
        out.append((name, indicators))
    return out


def _structure_write(indicator_set: IndicatorSet, parsed) -> None:
    indicator_set.areas.all().delete()
    for order, (name, indicators) in enumerate(parsed, start=1):
        area = BenchmarkArea.objects.create(indicator_set=indicator_set, name=name, order=order)
        Indicator.objects.bulk_create(
            Indicator(area=area, name=i, description=d, threshold=t, order=k)
            for k, (i, d, t) in enumerate(indicators, start=1)
        )


def _complete_when(data) -> str:
    rule = str(data.get("complete_when") or CompleteWhen.EVERY_AREA)
    if rule not in CompleteWhen.values:
        raise DomainError(
            _("Choose when a benchmarking is complete: every area or every indicator scored."),
            field="complete_when",
        )
    return rule


def _level(data) -> str:
    level = str(data.get("level") or "")
    if level and level not in LabelLevel.values:
        raise DomainError(_("Choose bronze, silver, gold or none."), field="level")
    return level


@transaction.atomic
def indicator_set_create(*, actor, partnership, data: dict) -> IndicatorSet:
    """A coordinator defines a set for their partnership (admins: a set for everyone)."""
    require(actor, "excellence.add_indicatorset", partnership)
    parsed = areas_parse(data.get("areas"))
    indicator_set = IndicatorSet.objects.create(
        name=text_value(data, "name", required=True, limit=200),
        description=text_value(data, "description"),
        level=_level(data),
        complete_when=_complete_when(data),
        partnership=partnership,
    )
    _structure_write(indicator_set, parsed)
    audit(actor, "excellence.indicator_set_created", indicator_set)
    return indicator_set


@transaction.atomic
def indicator_set_update(*, actor, indicator_set: IndicatorSet, data: dict) -> IndicatorSet:
    """Rename or describe a set; its areas and indicators change only while no benchmarking
    uses it."""
    require(actor, "excellence.change_indicatorset", indicator_set)
    if "name" in data:
        indicator_set.name = text_value(data, "name", required=True, limit=200)
    if "description" in data:
        indicator_set.description = text_value(data, "description")
    if "level" in data:
        indicator_set.level = _level(data)
    rule_changed = False
    if "complete_when" in data:
        rule = _complete_when(data)
        rule_changed, indicator_set.complete_when = rule != indicator_set.complete_when, rule
    if data.get("areas") is not None:
        used = indicator_set.benchmarkings.count()
        if used:
            raise DomainError(
                _(
                    "%(n)s benchmarking(s) use this set: its areas and indicators can no longer "
                    "change. Create a new set instead."
                )
                % {"n": used},
                field="areas",
            )
        _structure_write(indicator_set, areas_parse(data["areas"]))
    indicator_set.save()
    if rule_changed:
        # Which benchmarkings count follows the set's rule.
        for benchmarking in indicator_set.benchmarkings.all():
            total_store(benchmarking)
    audit(actor, "excellence.indicator_set_changed", indicator_set)
    return indicator_set


@transaction.atomic
def indicator_set_delete(*, actor, indicator_set: IndicatorSet) -> None:
    """Delete a set no benchmarking uses."""
    require(actor, "excellence.change_indicatorset", indicator_set)
    if indicator_set.benchmarkings.exists():
        raise DomainError(_("Benchmarkings use this set; it cannot be deleted."), field="areas")
    audit(actor, "excellence.indicator_set_deleted", indicator_set)
    indicator_set.delete()


def bronze_set_ensure() -> IndicatorSet:
    """The preloaded ESCA bronze set: migration 0002 loads it; a database emptied since (a
    flush) gets it back here, from the same definition."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("clusterloom.excellence.migrations.0002_bronze_indicator_set")
    migration.preload(apps, None)
    return IndicatorSet.objects.get(
        name=migration.NAME, partnership__isnull=True, is_preloaded=True
    )
