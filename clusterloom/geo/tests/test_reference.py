"""Reference data: countries and their flags, NUTS regions, cities, lookups, distance."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterloom.core.errors import DomainError
from clusterloom.geo.distance import great_circle_km
from clusterloom.geo.models import Country, Region, RegionCategory
from clusterloom.geo.selectors import city_lookup, country_lookup, region_lookup
from clusterloom.geo.services import countries_load, region_category_set, regions_load

pytestmark = pytest.mark.django_db


def test_eu_and_cosme_flags_follow_domain_list():
    assert Country.objects.filter(is_eu=True).count() == 27
    # EU-27 plus the 11 associated COSME countries of 2018.
    assert Country.objects.filter(is_cosme=True).count() == 38
    turkey = Country.objects.get(code="TR")
    assert turkey.is_cosme and not turkey.is_eu
    assert not Country.objects.get(code="CH").is_cosme
    assert Country.objects.get(code="XK").name == "Kosovo"


def test_reload_is_idempotent_and_keeps_user_set_category(admin_user):
    region = Region.objects.get(code="CZ05")
    region_category_set(actor=admin_user, region=region, category=RegionCategory.LESS_DEVELOPED)
    before = (Country.objects.count(), Region.objects.count())
    countries_load()
    regions_load()
    assert (Country.objects.count(), Region.objects.count()) == before
    assert Region.objects.get(code="CZ05").category == RegionCategory.LESS_DEVELOPED
    assert Region.objects.get(code="CZ051").effective_category() == RegionCategory.LESS_DEVELOPED


def test_greece_and_uk_regions_use_iso_country_codes():
    assert Region.objects.filter(code__startswith="EL", country_id="GR").exists()
    assert Region.objects.filter(code__startswith="UK", country_id="GB").exists()


def test_category_only_on_nuts2(admin_user):
    with pytest.raises(DomainError, match="NUTS 2"):
        region_category_set(
            actor=admin_user,
            region=Region.objects.get(code="CZ0"),
            category=RegionCategory.TRANSITION,
        )
    with pytest.raises(DomainError):
        region_category_set(
            actor=admin_user, region=Region.objects.get(code="CZ05"), category="rich"
        )


@pytest.mark.parametrize(
    "text,code",
    [
        ("Czech Republic", "CZ"),
        ("Czechia", "CZ"),
        ("Turkey", "TR"),
        ("Slovakia", "SK"),
        ("cz", "CZ"),
        ("EL", "GR"),
        ("Spain", "ES"),
        ("Italy", "IT"),
        ("Kosovo", "XK"),
    ],
)
def test_country_lookup_by_names_profiles_use(text, code):
    assert country_lookup(text).code == code


def test_country_lookup_unknown_is_none():
    assert country_lookup("Atlantis") is None
    assert country_lookup("") is None


@pytest.mark.parametrize(
    "text,country,code",
    [
        ("Comunidad de Madrid", "ES", "ES30"),
        ("Bratislavský kraj", "SK", "SK01"),
        ("Severovýchod", "CZ", "CZ05"),
        ("Toscana", "IT", "ITI1"),
        ("Tuscany", None, "ITI1"),
        ("Catalonia", "ES", "ES51"),
        ("Valencia", "ES", "ES52"),
        ("Aegean", "TR", "TR3"),
        ("Norte", "PT", "PT11"),
        ("severovychod", "CZ", "CZ05"),
        ("CZ05", None, "CZ05"),
    ],
)
def test_region_lookup_prefers_nuts2_and_knows_aliases(text, country, code):
    assert region_lookup(text, country=country).code == code


def test_city_lookup():
    prato = city_lookup("Prato", country="IT")
    assert prato is not None and abs(prato.latitude - 43.88) < 0.1
    assert city_lookup("liberec", country="CZ").name == "Liberec"
    assert city_lookup("Nowhere-on-Sea", country="IT") is None


def test_great_circle_prato_to_liberec():
    # Prato (43.88, 11.10) to Liberec (50.77, 15.06): about 820 km.
    assert great_circle_km(43.88, 11.10, 50.77, 15.06) == pytest.approx(820, abs=15)


lat = st.floats(min_value=-90, max_value=90)
lon = st.floats(min_value=-180, max_value=180)


@given(lat, lon, lat, lon)
def test_distance_is_symmetric_and_bounded(a, b, c, d):
    one, other = great_circle_km(a, b, c, d), great_circle_km(c, d, a, b)
    assert one == pytest.approx(other, abs=1e-6)
    assert 0 <= one <= 20016  # half the Earth's circumference
    assert great_circle_km(a, b, a, b) == pytest.approx(0, abs=1e-6)
