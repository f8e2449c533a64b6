"""The label rules, validity and status at their boundaries (pure, no database)."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterloom.excellence import label_rules as r

D = datetime.date


def facts(n, day, score=None, documented=0, below=(), thresholds=False):
    return r.BenchmarkingFacts(n, day, score, documented, tuple(below), thresholds)


@pytest.mark.parametrize(
    ("awarded", "expected"),
    [
        (D(2024, 3, 1), D(2026, 3, 31)),
        (D(2024, 3, 31), D(2026, 3, 31)),
        (D(2024, 2, 29), D(2026, 2, 28)),
        (D(2023, 12, 15), D(2025, 12, 31)),
    ],
)
def test_validity_ends_with_the_month_24_months_after_the_award_month(awarded, expected):
    assert r.default_valid_until(awarded, 24) == expected


def test_status_at_the_day_boundaries():
    until = D(2026, 3, 31)
    assert r.label_status(until, D(2025, 12, 30), 90) == r.VALID  # 91 days left
    assert r.label_status(until, D(2025, 12, 31), 90) == r.EXPIRING  # 90 days left
    assert r.label_status(until, until, 90) == r.EXPIRING  # the last valid day
    assert r.label_status(until, D(2026, 4, 1), 90) == r.EXPIRED


def test_add_months_clamps_to_the_shorter_month():
    assert r.add_months(D(2024, 8, 31), 18) == D(2026, 2, 28)
    assert r.add_months(D(2022, 8, 31), 18) == D(2024, 2, 29)
    assert r.months_between(D(2024, 1, 15), D(2025, 7, 14)) == 17
    assert r.months_between(D(2024, 1, 15), D(2025, 7, 15)) == 18


def test_bronze_needs_a_benchmarking_held_by_the_award():
    on = D(2025, 5, 1)
    assert r.unmet(r.check_level("bronze", [], on=on))
    assert r.unmet(r.check_level("bronze", [facts(1, D(2025, 5, 2))], on=on))
    assert not r.unmet(r.check_level("bronze", [facts(1, D(2025, 5, 1))], on=on))


FIRST = D(2024, 1, 15)


@pytest.mark.parametrize(
    ("second", "met"),
    [
        (D(2025, 7, 14), False),  # 17 months and 30 days: under 18 months
        (D(2025, 7, 15), True),  # exactly 18 months
        (D(2026, 1, 15), True),  # exactly 24 months
        (D(2026, 1, 16), False),  # 24 months and a day
    ],
)
def test_silver_second_benchmarking_18_to_24_months_later(second, met):
    history = [facts(1, FIRST, documented=3), facts(2, second)]
    results = {x.code: x for x in r.check_level("silver", history, on=D(2026, 6, 1))}
    assert results["second_benchmarking"].met is met
    assert (not r.unmet(list(results.values()))) is met


@pytest.mark.parametrize(("documented", "met"), [(2, False), (3, True), (4, True)])
def test_silver_needs_3_documented_improvement_areas_from_the_first(documented, met):
    history = [facts(1, FIRST, documented=documented), facts(2, D(2025, 9, 1))]
    results = {x.code: x for x in r.check_level("silver", history, on=D(2026, 1, 1))}
    assert results["second_benchmarking"].met
    assert results["improvement_areas"].met is met
    if not met:
        assert "2 documented" in results["improvement_areas"].message()


def test_silver_improvements_of_the_second_benchmarking_do_not_count():
    history = [facts(1, FIRST, documented=0), facts(2, D(2025, 9, 1), documented=5)]
    unmet = r.unmet(r.check_level("silver", history, on=D(2026, 1, 1)))
    assert [x.code for x in unmet] == ["improvement_areas"]


def test_silver_lists_every_unmet_rule():
    unmet = r.unmet(r.check_level("silver", [facts(1, FIRST)], on=D(2026, 1, 1)))
    assert [x.code for x in unmet] == ["second_benchmarking", "improvement_areas"]


@pytest.mark.parametrize(
    ("score", "met"), [("79.99", False), ("80.00", True), ("80", True), ("100", True)]
)
def test_gold_total_score_at_least_80(score, met):
    history = [facts(1, D(2025, 1, 1), score=Decimal(score))]
    assert (not r.unmet(r.check_level("gold", history, on=D(2025, 6, 1)))) is met


def test_gold_shows_indicators_below_their_threshold_without_blocking():
    history = [facts(1, D(2025, 1, 1), Decimal(85), below=["Staff"], thresholds=True)]
    results = r.check_level("gold", history, on=D(2025, 6, 1))
    assert not r.unmet(results)
    assert results[1].advisory and "Staff" in results[1].message()


def test_gold_without_score_is_unmet():
    assert r.unmet(r.check_level("gold", [facts(1, D(2025, 1, 1))], on=D(2025, 6, 1)))


def test_scores_mean_of_indicators_then_mean_of_areas():
    rows = [(1, 10, Decimal(100)), (1, 11, Decimal(50)), (2, None, Decimal(60))]
    per_area = r.area_scores(rows, areas_with_indicators={1})
    assert per_area == {1: Decimal("75.00"), 2: Decimal("60.00")}
    assert r.total_score(per_area) == Decimal("67.50")
    assert r.total_score({}) is None


def test_peer_figures_hide_areas_with_a_single_peer():
    figures = r.peer_figures([{1: Decimal(50), 2: Decimal(70)}, {1: Decimal(70)}, {1: Decimal(90)}])
    assert figures[1] == r.PeerFigure(Decimal("70.00"), Decimal("70.00"), 3)
    assert 2 not in figures


def test_every_message_fills_in():
    for level in r.LEVELS:
        for history in ([], [facts(1, FIRST, Decimal(90), 3, ["X"], True)]):
            for result in r.check_level(level, history, on=D(2026, 1, 1)):
                assert "%(" not in result.message() and result.rule()


def test_area_chart_draws_bars_and_skips_missing_values():
    from clusterloom.excellence.charts import area_chart

    assert area_chart(["A"], [("Own", [None])], title="t", ident="c") == ""
    svg = area_chart(
        ["Structure <b>", "Financing"],
        [("Own", [Decimal("75.5"), None]), ("Peers", [60, 40])],
        title="Scores",
        ident="c1",
    )
    assert svg.count('class="bar"') == 3
    assert "Structure &lt;b&gt;" in svg and "<b>" not in svg
    assert 'data-value="75.5"' in svg and "Financing: Own —, Peers 40.0" in svg


DAYS = st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31))


@given(DAYS, st.integers(min_value=0, max_value=120))
def test_add_months_keeps_the_day_or_takes_the_month_end(day, months):
    later = r.add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    month_end = (later + datetime.timedelta(days=1)).day == 1
    assert later.day == day.day or (later.day < day.day and month_end)
    assert r.months_between(day, later) == months


@given(DAYS, DAYS)
def test_silver_interval_agrees_with_whole_months(first, second):
    if second >= first and r.silver_interval_ok(first, second):
        assert 18 <= r.months_between(first, second) <= 24


@given(DAYS, st.integers(min_value=1, max_value=60), st.integers(min_value=-400, max_value=400))
def test_status_follows_the_days_left(awarded, months, offset):
    until = r.default_valid_until(awarded, months)
    assert until >= awarded and (until + datetime.timedelta(days=1)).day == 1
    day = until + datetime.timedelta(days=offset)
    status = r.label_status(until, day, 90)
    assert status == (r.EXPIRED if offset > 0 else r.EXPIRING if offset >= -90 else r.VALID)
