"""The lump-sum grant: daily rates, travel bands, the cap per organisation, config rows."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterloom.exchanges.grants import (
    DEFAULT_TRAVEL_BANDS,
    LINE_LABELS,
    FundingRules,
    GrantError,
    TravelBand,
    bands_from_rows,
    bands_to_rows,
    lump_sum,
    travel_amount,
    validate_bands,
)

RULES = FundingRules(
    daily_rates={"IT": Decimal("130"), "ES": Decimal("120.50")},
    default_daily_rate=Decimal("100"),
    cap_per_organisation=Decimal("1100"),
)


@pytest.mark.parametrize(
    ("km", "amount"),
    [
        (0, "0"),
        (9.99, "0"),
        (10, "23"),
        (99.99, "23"),
        (100, "180"),
        (499.99, "180"),
        (500, "275"),
        (1999.99, "275"),
        (2000, "360"),
        (2999.99, "360"),
        (3000, "530"),
        (3999.99, "530"),
        (4000, "820"),
        (7999.99, "820"),
        (8000, "1500"),
        (20000, "1500"),
    ],
)
def test_default_travel_bands_at_their_boundaries(km, amount):
    assert travel_amount(km) == Decimal(amount)


@pytest.mark.parametrize("km", [-1, float("nan"), float("inf")])
def test_travel_amount_refuses_impossible_distances(km):
    with pytest.raises(GrantError) as error:
        travel_amount(km)
    assert error.value.field == "distance_km"


def test_grant_uses_the_host_countrys_daily_rate_and_explains_each_step():
    grant = lump_sum(rules=RULES, host_country="IT", days=5, distance_km=1234.5)
    assert (grant.daily_rate, grant.subsistence, grant.travel) == (
        Decimal("130"),
        Decimal("650.00"),
        Decimal("275.00"),
    )
    assert grant.total == grant.uncapped == Decimal("925.00")
    assert [line.code for line in grant.lines] == ["subsistence", "travel"]
    assert grant.lines[0].label == "5 days x EUR 130.00 (daily rate, Italy)"
    assert grant.lines[1].label == (
        "Travel, 1,234.50 km one way (band from 500 km to under 2,000 km): EUR 275.00"
    )
    assert sum(line.amount for line in grant.lines) == grant.total


def test_domain_example_three_days_at_130_is_390():
    # DOMAIN.md's other example, EUR 780 for 5 days, is 6 x 130: not reproducible per day.
    rules = FundingRules(daily_rates={"IT": Decimal("130")}, default_daily_rate=None)
    assert lump_sum(rules=rules, host_country="IT", days=3, distance_km=5).total == 390


def test_host_country_without_its_own_rate_gets_the_default():
    grant = lump_sum(rules=RULES, host_country="FR", days=3, distance_km=50)
    assert grant.daily_rate == Decimal("100")
    assert grant.total == Decimal("323.00")
    assert "France" in grant.lines[0].label


def test_host_country_code_case_does_not_matter():
    assert lump_sum(rules=RULES, host_country="it", days=1, distance_km=0).daily_rate == 130


def test_host_country_without_a_rate_and_no_default_is_not_fundable():
    rules = FundingRules(daily_rates={"IT": Decimal("130")}, default_daily_rate=None)
    with pytest.raises(GrantError) as error:
        lump_sum(rules=rules, host_country="FR", days=3, distance_km=500)
    assert error.value.field == "host"
    assert "France" in str(error.value)


def test_unknown_distance_gives_no_travel_amount_and_says_so():
    grant = lump_sum(rules=RULES, host_country="ES", days=2, distance_km=None)
    assert grant.travel == 0
    assert grant.total == Decimal("241.00")
    assert grant.lines[1].code == "travel_unknown"
    assert "distance is unknown" in grant.lines[1].label


def test_cap_bites_when_earlier_grants_used_part_of_it():
    grant = lump_sum(
        rules=RULES,
        host_country="IT",
        days=5,
        distance_km=1000,
        already_granted=Decimal("800"),
    )
    assert grant.uncapped == Decimal("925.00")
    assert grant.cap_remaining == Decimal("300.00")
    assert grant.total == Decimal("300.00")
    cap = grant.lines[-1]
    assert cap.code == "cap"
    assert cap.amount == Decimal("-625.00")
    assert cap.label == (
        "Cap of EUR 1,100.00 per organisation, EUR 800.00 already granted: EUR 300.00 remaining"
    )
    assert sum(line.amount for line in grant.lines) == grant.total


def test_cap_that_does_not_bite_adds_no_line():
    grant = lump_sum(rules=RULES, host_country="IT", days=3, distance_km=100)
    assert grant.cap_remaining == Decimal("1100.00")
    assert [line.code for line in grant.lines] == ["subsistence", "travel"]


@pytest.mark.parametrize("already", ["1100", "1500"])
def test_cap_already_used_up_pays_nothing(already):
    grant = lump_sum(
        rules=RULES, host_country="IT", days=5, distance_km=900, already_granted=Decimal(already)
    )
    assert grant.cap_remaining == 0
    assert grant.total == Decimal("0.00")


def test_no_cap_means_no_cap_remaining():
    rules = FundingRules(daily_rates={}, default_daily_rate=Decimal("130"))
    grant = lump_sum(rules=rules, host_country="DE", days=20, distance_km=9000)
    assert grant.cap_remaining is None
    assert grant.total == Decimal("4100.00")


def test_amounts_are_rounded_to_cents_half_up():
    rules = FundingRules(daily_rates={"IT": Decimal("130.125")}, default_daily_rate=None)
    grant = lump_sum(rules=rules, host_country="IT", days=3, distance_km=5)
    assert grant.subsistence == Decimal("390.38")  # 390.375 rounds up
    assert grant.total == Decimal("390.38")
    assert grant.total.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"days": -1}, "days"),
        ({"days": 2.5}, "days"),
        ({"already_granted": Decimal("-1")}, "already_granted"),
        ({"already_granted": 10.0}, "already_granted"),
        ({"distance_km": -5}, "distance_km"),
    ],
)
def test_impossible_inputs_are_refused(kwargs, field):
    arguments = {"rules": RULES, "host_country": "IT", "days": 3, "distance_km": 10, **kwargs}
    with pytest.raises(GrantError) as error:
        lump_sum(**arguments)
    assert error.value.field == field


def test_float_money_in_the_rules_is_refused():
    rules = FundingRules(daily_rates={"IT": 130.0}, default_daily_rate=None)
    with pytest.raises(GrantError, match="decimal string"):
        lump_sum(rules=rules, host_country="IT", days=3, distance_km=10)


def test_grant_lines_translate_from_code_and_params():
    grant = lump_sum(rules=RULES, host_country="IT", days=5, distance_km=None)
    german = {LINE_LABELS["subsistence"]: "%(days)s Tage x EUR %(rate)s (%(country_name)s)"}
    assert grant.lines[0].message(lambda s: german.get(s, s)) == "5 Tage x EUR 130.00 (Italy)"
    assert grant.lines[0].message() == grant.lines[0].label


# band validation and config rows


def test_default_bands_are_valid():
    validate_bands(DEFAULT_TRAVEL_BANDS)


@pytest.mark.parametrize(
    ("bands", "words"),
    [
        ((), "no travel bands"),
        (
            (TravelBand(0, 100, Decimal(0)), TravelBand(50, None, Decimal(10))),
            "Bands 1 and 2 overlap",
        ),
        (
            (TravelBand(0, None, Decimal(0)), TravelBand(50, None, Decimal(10))),
            "Bands 1 and 2 overlap",
        ),
        (
            (TravelBand(0, 100, Decimal(0)), TravelBand(150, None, Decimal(10))),
            "Gap between band 1 (ends at 100 km) and band 2 (starts at 150 km)",
        ),
        (
            (TravelBand(0, 100, Decimal(0)), TravelBand(100, None, Decimal(-1))),
            "Band 2: the amount -1 is negative",
        ),
        (
            (TravelBand(0, 100, Decimal(0)), TravelBand(100, 100, Decimal(5))),
            "Band 2: the minimum (100 km) must be below the maximum (100 km)",
        ),
        ((TravelBand(10, None, Decimal(5)),), "must start at 0 km"),
        ((TravelBand(0, 100, Decimal(5)),), "highest band must have no maximum"),
        ((TravelBand(0, None, 5.0),), "Band 1: the amount 5.0 is not a Decimal"),
    ],
)
def test_validate_bands_names_the_faulty_band(bands, words):
    with pytest.raises(GrantError) as error:
        validate_bands(bands)
    assert words in str(error.value)
    assert error.value.field == "travel_bands"


def test_bands_in_any_order_are_valid_and_looked_up():
    shuffled = tuple(reversed(DEFAULT_TRAVEL_BANDS))
    validate_bands(shuffled)
    assert travel_amount(150, shuffled) == Decimal("180")


def test_bands_round_trip_through_config_rows():
    rows = bands_to_rows(DEFAULT_TRAVEL_BANDS)
    assert rows[0] == {"min_km": 0, "max_km": 10, "amount": "0"}
    assert rows[-1] == {"min_km": 8000, "max_km": None, "amount": "1500"}
    assert bands_from_rows(rows) == DEFAULT_TRAVEL_BANDS


def test_bands_from_rows_reads_json_numbers_as_written():
    rows = [{"min_km": 0, "max_km": "", "amount": 23.1}]
    assert bands_from_rows(rows) == (TravelBand(0.0, None, Decimal("23.1")),)


@pytest.mark.parametrize(
    ("rows", "words", "row"),
    [
        ([{"min_km": 0, "max_km": None, "amount": "abc"}], "Row 1, amount: 'abc'", 1),
        (
            [{"min_km": 0, "max_km": 10, "amount": "0"}, {"max_km": None, "amount": "5"}],
            "Row 2, min_km: missing",
            2,
        ),
        ([{"min_km": "far", "max_km": None, "amount": "5"}], "Row 1, min_km: 'far'", 1),
        ([{"min_km": 0, "max_km": None}], "Row 1, amount: missing", 1),
        ([{"min_km": 0, "max_km": None, "amount": "5", "rate": 1}], "unknown field(s) rate", 1),
        ([{"min_km": 0, "max_km": None, "amount": "-5"}], "Row 1, amount: -5 is negative", 1),
        (["0-10"], "Row 1: '0-10' is not a row", 1),
        (
            [{"min_km": 0, "max_km": 10, "amount": "0"}, {"min_km": 20, "amount": "5"}],
            "Gap between band 1",
            2,
        ),
    ],
)
def test_bands_from_rows_errors_name_the_row_and_field(rows, words, row):
    with pytest.raises(GrantError) as error:
        bands_from_rows(rows)
    assert words in str(error.value)
    assert error.value.row == row


# properties

money = st.decimals(min_value=0, max_value=5000, places=2)


@given(
    rate=money,
    days=st.integers(min_value=0, max_value=31),
    distance=st.one_of(st.none(), st.floats(min_value=0, max_value=25000)),
    cap=money,
    already=money,
)
def test_total_never_exceeds_the_cap_remaining_and_is_never_negative(
    rate, days, distance, cap, already
):
    rules = FundingRules(daily_rates={}, default_daily_rate=rate, cap_per_organisation=cap)
    grant = lump_sum(
        rules=rules, host_country="IT", days=days, distance_km=distance, already_granted=already
    )
    assert Decimal(0) <= grant.total <= grant.cap_remaining
    assert grant.total <= grant.uncapped
    assert grant.total == sum(line.amount for line in grant.lines)


@given(st.floats(min_value=0, max_value=30000), st.floats(min_value=0, max_value=30000))
def test_travel_amount_never_falls_as_the_distance_grows(a, b):
    near, far = sorted((a, b))
    assert travel_amount(near) <= travel_amount(far)
