"""Finding countries, regions and cities by the names profiles use."""

import unicodedata
from functools import lru_cache

import pycountry

from .models import City, Country, Region
from .reference import COUNTRY_ALIASES, EXTRA_COUNTRIES, NUTS_TO_ISO


def fold(text: str) -> str:
    """Lower-case, accents and extra spaces removed: for matching names as people write them."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.replace("ı", "i").casefold().split())


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                names[fold(value)] = c.alpha_2
        names[fold(c.alpha_3)] = c.alpha_2
    for code, (alpha3, name) in EXTRA_COUNTRIES.items():
        names[fold(name)] = code
        names[fold(alpha3)] = code
    for alias, code in COUNTRY_ALIASES.items():
        names[fold(alias)] = code
    return names


def country_code_for(text: str) -> str | None:
    """ISO alpha-2 code for a country code or name ("CZ", "Czech Republic", "EL"), or None."""
    raw = (text or "").strip()
    if len(raw) == 2 and raw.isalpha():
        code = NUTS_TO_ISO.get(raw.upper(), raw.upper())
        if code in EXTRA_COUNTRIES or pycountry.countries.get(alpha_2=code):
            return code
    return _country_names().get(fold(raw))


def country_lookup(text: str) -> Country | None:
    """The Country for a code or name, or None."""
    code = country_code_for(text)
    return Country.objects.filter(code=code).first() if code else None


def country_names_folded() -> dict[str, str]:
    """Every known country name (folded) -> alpha-2: for splitting text like 'Spain Madrid'."""
    return dict(_country_names())


def region_lookup(text: str, *, country: Country | str | None = None) -> Region | None:
    """The NUTS region for a code, a name or an alias; NUTS 2 preferred over other levels."""
    raw = (text or "").strip()
    if not raw:
        return None
    qs = Region.objects.all()
    if country is not None:
        qs = qs.filter(country_id=getattr(country, "code", country))
    by_code = qs.filter(code=raw.upper()).first()
    if by_code:
        return by_code
    wanted = fold(raw)
    candidates = [
        r
        for r in qs
        if fold(r.name) == wanted
        or any(fold(a) == wanted for a in r.aliases)
        or wanted in [fold(part) for part in r.name.split("/")]
    ]
    if not candidates:
        return None
    return sorted(candidates, key=lambda r: (r.level != 2, r.level, r.code))[0]


def city_lookup(name: str, *, country: Country | str) -> City | None:
    """The most populous known city of that name in the country, or None."""
    code = getattr(country, "code", country)
    raw = (name or "").strip()
    if not raw:
        return None
    found = City.objects.filter(country_id=code, name__iexact=raw).order_by("-population").first()
    if found:
        return found
    wanted = fold(raw)
    for city in City.objects.filter(country_id=code, name__icontains=raw[:3]).order_by(
        "-population"
    ):
        if fold(city.name) == wanted:
            return city
    return None


def largest_cities(codes) -> dict[str, City]:
    """Each country's most populous city (of the countries that have cities), in two queries
    however many countries: the place a map or a distance falls back on."""
    from django.db.models import Max

    codes = {c for c in codes if c}
    if not codes:
        return {}
    top = dict(
        City.objects.filter(country_id__in=codes)
        .values("country_id")
        .annotate(top=Max("population"))
        .values_list("country_id", "top")
    )
    found: dict[str, City] = {}
    for city in City.objects.filter(country_id__in=list(top), population__in=set(top.values())):
        if city.population == top[city.country_id] and city.country_id not in found:
            found[city.country_id] = city
    return found
