"""Benchmarkings: scores and totals, bad scores, sets, improvement areas, peer comparison."""

import datetime
from decimal import Decimal

import pytest

from clusterloom.core.errors import DomainError
from clusterloom.excellence import indicator_sets as sets
from clusterloom.excellence import selectors
from clusterloom.excellence import services as s
from clusterloom.excellence.models import Benchmarking, BenchmarkScore, ImprovementArea

from .conftest import PDF, TODAY, bench

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def gold(world):
    """An XTEX set: "Strategy" with two indicators (thresholds 70 and none), "Services" scored
    as a whole."""
    found = sets.indicator_set_create(
        actor=world.coordinator,
        partnership=world.partnership,
        data={
            "name": "XTEX quality",
            "level": "gold",
            "areas": [
                {
                    "name": "Strategy",
                    "indicators": [{"name": "Written", "threshold": 70}, {"name": "Reviewed"}],
                },
                {"name": "Services"},
            ],
        },
    )
    world.gold = found
    world.strategy, world.services_area = list(found.areas.all())
    world.written, world.reviewed = list(world.strategy.indicators.all())
    return world


def _record(w, scores, **extra):
    return s.benchmarking_create(
        actor=w.coordinator,
        organisation=w.a,
        data={"indicator_set": w.gold.pk, "held_on": D(2026, 5, 1), "scores": scores, **extra},
    )


def test_total_is_the_mean_of_area_scores(gold):
    w = gold
    found = _record(
        w,
        [
            {"indicator": w.written.pk, "value": "100"},
            {"indicator": w.reviewed.pk, "value": "60,5"},
            {"area": w.services_area.pk, "value": 70},
        ],
    )
    # Strategy: (100 + 60.5) / 2 = 80.25; total (80.25 + 70) / 2 = 75.125 -> 75.13
    assert found.total_score == Decimal("75.13")
    assert selectors.area_scores_of(found)[w.strategy.pk] == Decimal("80.25")


def test_indicators_below_their_threshold_show_in_the_gold_check(gold):
    w = gold
    _record(
        w,
        [
            {"indicator": w.written.pk, "value": 65},
            {"indicator": w.reviewed.pk, "value": 100},
            {"area": w.services_area.pk, "value": 100},
        ],
    )
    results = selectors.label_check(w.a, "gold")
    assert results[0].met  # 91.25 %
    assert results[1].advisory and "Written" in results[1].message()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"area": "strategy", "value": 50}, "has indicators"),
        ({"indicator": "written", "value": "x"}, "is not a number"),
        ({"indicator": "written", "value": "-0.01"}, "from 0 to 100"),
        ({"indicator": "written", "value": "100.01"}, "from 0 to 100"),
        ({"indicator": "written", "value": "NaN"}, "from 0 to 100"),
        ({"indicator": "written", "value": "50.123"}, "Two decimals"),
        ({"indicator": "written"}, "from 0 to 100"),
        ({"value": 50}, "Name the indicator"),
    ],
)
def test_bad_scores_are_refused_naming_the_row(gold, row, message):
    w = gold
    row = {k: getattr(w, v).pk if k in ("area", "indicator") else v for k, v in row.items()}
    with pytest.raises(DomainError) as error:
        _record(w, [row])
    assert error.value.field == "scores[0]" and message in error.value.message
    assert not Benchmarking.objects.exists()


def test_scores_of_another_set_and_duplicates_are_refused(gold):
    w = gold
    with pytest.raises(DomainError) as error:
        _record(w, [{"area": w.areas[0].pk, "value": 50}])
    assert "not part of the set" in error.value.message
    with pytest.raises(DomainError) as error:
        _record(w, [{"area": w.services_area.pk, "value": 5}] * 2)
    assert error.value.field == "scores[1]"


def test_future_date_set_of_another_partnership_and_non_cluster(gold):
    w = gold
    with pytest.raises(DomainError) as error:
        _record(w, [], held_on=TODAY + datetime.timedelta(days=1))
    assert error.value.field == "held_on"
    with pytest.raises(DomainError) as error:
        s.benchmarking_create(
            actor=w.admin, organisation=w.d, data={"indicator_set": w.gold.pk, "held_on": TODAY}
        )
    assert error.value.field == "indicator_set"
    with pytest.raises(DomainError) as error:
        s.benchmarking_create(
            actor=w.admin,
            organisation=w.sme,
            data={"indicator_set": w.bronze.pk, "held_on": TODAY},
        )
    assert error.value.field == "organisation"


def test_update_replaces_scores_and_keeps_the_set(gold):
    w = gold
    found = _record(w, [{"area": w.services_area.pk, "value": 40}])
    found = s.benchmarking_update(
        actor=w.manager_a,
        benchmarking=found,
        data={"scores": [{"area": w.services_area.pk, "value": 90}]},
    )
    assert found.total_score == Decimal("90.00")
    assert BenchmarkScore.objects.count() == 1
    with pytest.raises(DomainError) as error:
        s.benchmarking_update(
            actor=w.admin, benchmarking=found, data={"indicator_set": w.bronze.pk}
        )
    assert error.value.field == "indicator_set"


def test_a_benchmarking_a_label_rests_on_cannot_be_deleted(world):
    found = bench(world, world.a, D(2026, 1, 10))
    s.label_create(
        actor=world.admin,
        organisation=world.a,
        data={"level": "bronze", "awarded_on": D(2026, 2, 1), "benchmarking": found.pk},
    )
    with pytest.raises(DomainError) as error:
        s.benchmarking_delete(actor=world.admin, benchmarking=found)
    assert error.value.field == "benchmarking"
    assert Benchmarking.objects.filter(pk=found.pk).exists()


def test_improvement_goes_identified_in_progress_documented(world):
    found = bench(world, world.a, D(2025, 1, 10))
    improvement = s.improvement_create(
        actor=world.manager_a,
        benchmarking=found,
        data={"title": "Member survey", "area": world.areas[3].pk},
    )
    assert improvement.status == "identified"
    improvement = s.improvement_update(
        actor=world.manager_a, improvement=improvement, data={"status": "in_progress"}
    )
    with pytest.raises(DomainError) as error:
        s.improvement_update(
            actor=world.manager_a, improvement=improvement, data={"status": "documented"}
        )
    assert error.value.field == "evidence"
    assert ImprovementArea.objects.get().status == "in_progress"
    improvement = s.improvement_update(
        actor=world.manager_a,
        improvement=improvement,
        data={"status": "documented"},
        evidence=("survey.pdf", PDF),
    )
    assert improvement.status == "documented" and improvement.documented_on == TODAY
    assert improvement.evidence_kind == "pdf"
    assert selectors.benchmarking_facts(world.a)[0].documented_improvements == 1


def test_improvement_area_of_another_set_is_refused(gold):
    found = bench(gold, gold.a, D(2025, 1, 10))
    with pytest.raises(DomainError) as error:
        s.improvement_create(
            actor=gold.admin, benchmarking=found, data={"title": "x", "area": gold.strategy.pk}
        )
    assert error.value.field == "area"


def test_peer_comparison_is_anonymous_for_managers_and_detailed_for_coordinators(world):
    own = bench(world, world.a, D(2025, 8, 1))
    bench(world, world.b, D(2024, 5, 1), (10, 10, 10, 10, 10, 10))
    bench(world, world.b, D(2025, 5, 1), (40, 40, 40, 40, 40, 40))  # B's latest counts
    bench(world, world.c, D(2025, 6, 1), (80, 80, 80, 80, 80, 80))
    bench(world, world.d, D(2025, 6, 1), (0, 0, 0, 0, 0, 0), partnership=False)
    seen = selectors.comparison(own, world.manager_a)
    assert seen["rows"][0].peer_mean == Decimal("60.00") and seen["rows"][0].peer_count == 2
    assert seen["peers"] == []
    seen = selectors.comparison(own, world.coordinator)
    assert sorted(p.organisation.slug for p, _v, _t in seen["peers"]) == ["beta", "gamma"]
    assert selectors.comparison(own, world.other_coordinator)["peers"] == []


def test_unpublished_peer_results_stay_out_of_public_aggregates(world):
    own = bench(world, world.a, D(2025, 8, 1))
    bench(world, world.b, D(2025, 5, 1), (40,) * 6)
    bench(world, world.c, D(2025, 6, 1), (80,) * 6, published=False)
    from django.contrib.auth.models import AnonymousUser

    assert selectors.comparison(own, AnonymousUser())["rows"][0].peer_count == 0
    assert selectors.comparison(own, world.coordinator)["rows"][0].peer_count == 2


# -- complete or not: only complete benchmarkings count toward the target ----------------------


def test_a_benchmarking_is_complete_when_every_area_is_scored(gold):
    w = gold
    empty = _record(w, [])
    assert empty.is_complete is False and empty.total_score is None
    partial = _record(w, [{"indicator": w.written.pk, "value": 80}])
    assert partial.is_complete is False
    done = _record(
        w,
        [{"indicator": w.written.pk, "value": 80}, {"area": w.services_area.pk, "value": 50}],
    )
    assert done.is_complete is True  # every area: one indicator of "Strategy" is enough


def test_the_sets_rule_every_indicator_is_stricter_and_rechecks_what_is_recorded(gold):
    w = gold
    found = _record(
        w,
        [{"indicator": w.written.pk, "value": 80}, {"area": w.services_area.pk, "value": 50}],
    )
    sets.indicator_set_update(
        actor=w.coordinator, indicator_set=w.gold, data={"complete_when": "every_indicator"}
    )
    found.refresh_from_db()
    assert found.is_complete is False
    s.benchmarking_update(
        actor=w.coordinator,
        benchmarking=found,
        data={
            "scores": [
                {"indicator": w.written.pk, "value": 80},
                {"indicator": w.reviewed.pk, "value": 60},
                {"area": w.services_area.pk, "value": 50},
            ]
        },
    )
    found.refresh_from_db()
    assert found.is_complete is True
    with pytest.raises(DomainError) as caught:
        sets.indicator_set_update(
            actor=w.coordinator, indicator_set=w.gold, data={"complete_when": "most"}
        )
    assert caught.value.field == "complete_when"


def test_the_benchmarking_page_says_why_it_does_not_count(client, gold):
    w = gold
    found = _record(w, [{"indicator": w.written.pk, "value": 80}])
    client.force_login(w.coordinator)
    page = client.get(f"/excellence/benchmarkings/{found.pk}/").content.decode()
    assert "not complete" in page
    assert "1 of 2 areas and 1 of 2 indicators scored" in page
    assert "once every area is scored" in page
