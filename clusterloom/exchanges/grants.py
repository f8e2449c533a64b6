"""The ClusterXchange lump-sum grant: daily rate per host country, travel bands, a cap; pure."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .eligibility import country_name


def gettext_noop(s: str) -> str:
    """Mark a message for makemessages without translating it here."""
    return s


CENT = Decimal("0.01")

#: English text per grant line code; the page translates them with the line's params.
LINE_LABELS = {
    "subsistence": gettext_noop("%(days)s days x EUR %(rate)s (daily rate, %(country_name)s)"),
    "travel": gettext_noop("Travel, %(distance_km)s km one way (%(band)s): EUR %(amount)s"),
    "travel_unknown": gettext_noop("Travel: the distance is unknown, so no travel amount"),
    "cap": gettext_noop(
        "Cap of EUR %(cap)s per organisation, EUR %(already_granted)s already granted: "
        "EUR %(remaining)s remaining"
    ),
}
BAND_LABELS = {
    "closed": gettext_noop("band from %(min_km)s km to under %(max_km)s km"),
    "open": gettext_noop("band from %(min_km)s km"),
}


class GrantError(ValueError):
    """A grant that cannot be computed, or funding configuration that is wrong."""

    def __init__(self, message: str, *, field: str, row: int | None = None):
        super().__init__(message)
        self.field = field
        self.row = row


@dataclass(frozen=True)
class TravelBand:
    """Travel amount for a one-way distance in [min_km, max_km)."""

    min_km: float
    max_km: float | None
    amount: Decimal


DEFAULT_TRAVEL_BANDS: tuple[TravelBand, ...] = (
    TravelBand(0, 10, Decimal("0")),
    TravelBand(10, 100, Decimal("23")),
    TravelBand(100, 500, Decimal("180")),
    TravelBand(500, 2000, Decimal("275")),
    TravelBand(2000, 3000, Decimal("360")),
    TravelBand(3000, 4000, Decimal("530")),
    TravelBand(4000, 8000, Decimal("820")),
    TravelBand(8000, None, Decimal("1500")),
)


@dataclass(frozen=True)
class FundingRules:
    """A call's funding configuration: daily rates per host country, travel bands, cap."""

    daily_rates: Mapping[str, Decimal]
    default_daily_rate: Decimal | None
    travel_bands: tuple[TravelBand, ...] = DEFAULT_TRAVEL_BANDS
    cap_per_organisation: Decimal | None = None


@dataclass(frozen=True)
class GrantLine:
    """One step towards the total, in English and as code + params for translation."""

    label: str
    code: str
    params: dict
    amount: Decimal

    def message(self, gettext=lambda s: s) -> str:
        """The label in the language `gettext` translates to (English by default)."""
        params = dict(self.params)
        if "band_kind" in params:
            params["band"] = gettext(BAND_LABELS[params["band_kind"]]) % params
        return gettext(LINE_LABELS[self.code]) % params


@dataclass(frozen=True)
class Grant:
    """The lump sum for one exchange and how it was reached."""

    days: int
    daily_rate: Decimal
    subsistence: Decimal
    distance_km: float | None
    travel: Decimal
    uncapped: Decimal
    cap_remaining: Decimal | None
    total: Decimal
    lines: tuple[GrantLine, ...]


def _cents(value: Decimal) -> Decimal:
    """Round to cents, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _eur(value: Decimal) -> str:
    """An amount as shown in labels: 1,100.00."""
    return f"{_cents(value):,.2f}"


def _km(value: float) -> str:
    """A distance as shown in labels: 1,234 or 99.99 (cut, not rounded, to stay in its band)."""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{math.floor(value * 100) / 100:,.2f}"


def _money(value, what: str, *, field: str, row: int | None = None) -> Decimal:
    """A finite, non-negative Decimal from a Decimal, int or numeric string; never a float."""
    where = f"Row {row}, {what}" if row is not None else what.capitalize()
    if isinstance(value, bool | float):
        raise GrantError(
            f"{where}: give money as a decimal string, not {value!r}.", field=field, row=row
        )
    try:
        amount = Decimal(value.strip()) if isinstance(value, str) else value
        amount = Decimal(amount) if isinstance(amount, int) else amount
    except InvalidOperation:
        amount = None
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise GrantError(f"{where}: {value!r} is not an amount.", field=field, row=row)
    if amount < 0:
        raise GrantError(f"{where}: {value} is negative.", field=field, row=row)
    return amount


def _line(code: str, params: dict, amount: Decimal) -> GrantLine:
    """A grant line whose English label is its message."""
    line = GrantLine("", code, params, amount)
    return replace(line, label=line.message())


def _bands_error(message: str, row: int | None = None) -> GrantError:
    """A GrantError about the travel bands, naming the band (= config row) when known."""
    return GrantError(message, field="travel_bands", row=row)


def validate_bands(bands) -> None:
    """Raise GrantError unless the bands cover 0 km upwards without gaps or overlaps."""
    if not bands:
        raise _bands_error("There are no travel bands.")
    for n, band in enumerate(bands, start=1):
        if not isinstance(band.amount, Decimal) or not band.amount.is_finite():
            raise _bands_error(f"Band {n}: the amount {band.amount!r} is not a Decimal.", n)
        if band.amount < 0:
            raise _bands_error(f"Band {n}: the amount {band.amount} is negative.", n)
        if band.min_km < 0:
            raise _bands_error(f"Band {n}: the minimum {_km(band.min_km)} km is negative.", n)
        if band.max_km is not None and band.min_km >= band.max_km:
            raise _bands_error(
                f"Band {n}: the minimum ({_km(band.min_km)} km) must be below the maximum "
                f"({_km(band.max_km)} km).",
                n,
            )
    ordered = sorted(enumerate(bands, start=1), key=lambda item: item[1].min_km)
    n, first = ordered[0]
    if first.min_km != 0:
        raise _bands_error(
            f"Band {n}: the lowest band must start at 0 km, not {_km(first.min_km)} km.", n
        )
    for (n, band), (m, following) in zip(ordered, ordered[1:], strict=False):
        if band.max_km is None or following.min_km < band.max_km:
            raise _bands_error(f"Bands {n} and {m} overlap.", m)
        if following.min_km > band.max_km:
            raise _bands_error(
                f"Gap between band {n} (ends at {_km(band.max_km)} km) and band {m} "
                f"(starts at {_km(following.min_km)} km).",
                m,
            )
    n, last = ordered[-1]
    if last.max_km is not None:
        raise _bands_error(
            f"Band {n}: the highest band must have no maximum, so that every distance has an "
            "amount.",
            n,
        )


def _band_for(distance_km: float, bands) -> TravelBand:
    """The band a one-way distance falls in."""
    if isinstance(distance_km, bool) or not math.isfinite(distance_km) or distance_km < 0:
        raise GrantError(f"{distance_km!r} is not a distance in km.", field="distance_km")
    for band in bands:
        if band.min_km <= distance_km and (band.max_km is None or distance_km < band.max_km):
            return band
    raise GrantError(f"No travel band covers {_km(distance_km)} km.", field="travel_bands")


def travel_amount(distance_km: float, bands=DEFAULT_TRAVEL_BANDS) -> Decimal:
    """The travel amount (return trip) for a one-way great-circle distance."""
    return _band_for(distance_km, bands).amount


def _travel_line(distance_km: float | None, bands) -> GrantLine:
    """The travel line: the band the distance falls in, or that the distance is unknown."""
    if distance_km is None:
        return _line("travel_unknown", {}, Decimal("0.00"))
    band = _band_for(distance_km, bands)
    amount = _cents(band.amount)
    params = {"distance_km": _km(distance_km), "amount": _eur(amount), "min_km": _km(band.min_km)}
    if band.max_km is None:
        params["band_kind"] = "open"
    else:
        params.update(band_kind="closed", max_km=_km(band.max_km))
    return _line("travel", params, amount)


def lump_sum(
    *,
    rules: FundingRules,
    host_country: str,
    days: int,
    distance_km: float | None,
    already_granted: Decimal = Decimal(0),
) -> Grant:
    """The grant for `days` working days at a host in `host_country`, after the cap."""
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise GrantError(f"{days!r} is not a number of days.", field="days")
    already_granted = _money(already_granted, "already granted", field="already_granted")
    rates = {code.upper(): rate for code, rate in rules.daily_rates.items()}
    country = (host_country or "").upper()
    rate = rates.get(country, rules.default_daily_rate)
    if rate is None:
        raise GrantError(
            f"This call has no daily rate for {country_name(country) or 'an unknown country'}, "
            "so an exchange hosted there cannot be funded.",
            field="host",
        )
    rate = _money(rate, f"daily rate for {country or 'other countries'}", field="daily_rates")
    validate_bands(rules.travel_bands)

    subsistence = _cents(rate * days)
    params = {"days": days, "rate": _eur(rate), "country": country}
    params["country_name"] = country_name(country)
    lines = [
        _line("subsistence", params, subsistence),
        _travel_line(distance_km, rules.travel_bands),
    ]
    travel = lines[-1].amount
    uncapped = subsistence + travel
    total = uncapped
    cap_remaining = None
    if rules.cap_per_organisation is not None:
        cap = _money(rules.cap_per_organisation, "cap per organisation", field="cap")
        cap_remaining = _cents(max(cap - already_granted, Decimal(0)))
        if uncapped > cap_remaining:
            total = cap_remaining
            cap_params = {
                "cap": _eur(cap),
                "already_granted": _eur(already_granted),
                "remaining": _eur(cap_remaining),
            }
            lines.append(_line("cap", cap_params, total - uncapped))
    return Grant(
        days=days,
        daily_rate=rate,
        subsistence=subsistence,
        distance_km=distance_km,
        travel=travel,
        uncapped=uncapped,
        cap_remaining=cap_remaining,
        total=_cents(max(total, Decimal(0))),
        lines=tuple(lines),
    )


_ROW_KEYS = frozenset({"min_km", "max_km", "amount"})


def _row_km(row: dict, key: str, n: int, *, optional: bool) -> float | None:
    """One distance of a band row: a non-negative number, or None for an open maximum."""
    value = row.get(key)
    if value is None or value == "":
        if optional:
            return None
        raise _bands_error(f"Row {n}, {key}: missing.", n)
    try:
        km = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        km = math.nan
    if not math.isfinite(km) or km < 0:
        raise _bands_error(f"Row {n}, {key}: {value!r} is not a distance in km.", n)
    return km


def bands_from_rows(rows: list[dict]) -> tuple[TravelBand, ...]:
    """Travel bands from JSON config rows; errors name the row (1-based) and the field."""
    if not isinstance(rows, list):
        raise _bands_error("Travel bands must be a list of rows.")
    bands = []
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise _bands_error(f"Row {n}: {row!r} is not a row.", n)
        unknown = sorted(map(str, set(row) - _ROW_KEYS))
        if unknown:
            raise _bands_error(f"Row {n}: unknown field(s) {', '.join(unknown)}.", n)
        if "amount" not in row:
            raise _bands_error(f"Row {n}, amount: missing.", n)
        min_km = _row_km(row, "min_km", n, optional=False)
        max_km = _row_km(row, "max_km", n, optional=True)
        amount = row["amount"]
        if isinstance(amount, float):  # a JSON number: read it as written, never as binary
            amount = repr(amount)
        bands.append(
            TravelBand(min_km, max_km, _money(amount, "amount", field="travel_bands", row=n))
        )
    validate_bands(bands)
    return tuple(bands)


def bands_to_rows(bands) -> list[dict]:
    """Travel bands as JSON config rows, the inverse of bands_from_rows."""

    def number(km: float | None) -> float | int | None:
        return int(km) if km is not None and float(km).is_integer() else km

    return [
        {"min_km": number(b.min_km), "max_km": number(b.max_km), "amount": str(b.amount)}
        for b in bands
    ]
