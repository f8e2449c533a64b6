"""Each KPI equals a count made here, independently, from the underlying records; records that
must not count (other partnership, wrong status, after as_of, before the start, expired) don't."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusterloom.exchanges.models import Exchange
from clusterloom.exchanges.selectors import partnership_progress
from clusterloom.partnerships.models import Partnership
from clusterloom.partnerships.tests.factories import PartnershipFactory
from clusterloom.reporting import kpis, rules

from .conftest import activity, benchmarking, d, event, exchange, label, strategy

AS_OF = d("2026-11-22")


@pytest.fixture
def filled(world):
    w = world
    # Exchanges: 3 count (one SME, one non-member SME), the others must not.
    exchange(w.call, w.offer, validated="2026-03-10")
    exchange(w.call, w.offer, status="paid", validated="2026-05-01", sme=True)
    exchange(w.call, w.offer, validated="2026-11-22", sme=True, member=False)
    exchange(w.call, w.offer, validated="2026-11-23")  # after as_of
    exchange(w.call, w.offer, status="reported")  # not validated
    exchange(w.call, w.offer, status="cancelled", validated="2026-02-01")
    exchange(w.other_call, w.offer, validated="2026-03-10")  # other partnership
    # Labels: A bronze (valid), B bronze (expired before as_of), A silver awarded before start,
    # C (not a partner) silver naming XTEX counts; C gold of OTHER doesn't; A bronze twice = 1.
    label(w.a, "bronze", "2026-02-01", "2028-01-31")
    label(w.a, "bronze", "2026-03-01", "2028-02-29")
    label(w.b, "bronze", "2024-06-01", "2026-06-30")
    label(w.b, "bronze", "2026-06-01", "2026-10-31")  # expired on 2026-11-22
    label(w.a, "silver", "2025-06-01", "2027-06-30")  # before start
    label(w.c, "silver", "2026-04-01", "2028-03-31", partnership=w.p)
    label(w.c, "gold", "2026-04-01", "2028-03-31")
    label(w.b, "gold", "2026-12-01", "2028-11-30")  # after as_of
    # Benchmarkings: A and B in the period, A before start, C for OTHER.
    benchmarking(w.a, "2026-02-10", w.iset)
    benchmarking(w.b, "2026-11-22", w.iset)
    benchmarking(w.a, "2025-12-31", w.iset)
    benchmarking(w.c, "2026-05-05", w.iset)
    benchmarking(w.c, "2026-05-06", w.iset, partnership=w.p)
    benchmarking(w.b, "2026-06-01", w.iset, complete=False)  # not every area scored
    # Strategies: A adopted, B draft, C adopted naming XTEX, joint adopted, OTHER's joint.
    strategy(org=w.a, adopted="2026-06-01")
    strategy(org=w.b)
    strategy(org=w.c, partnership=w.p, adopted="2026-07-01")
    strategy(scope="joint", partnership=w.p, adopted="2026-09-01")
    strategy(scope="joint", partnership=w.other, adopted="2026-09-01")
    # Activities.
    activity(w.p, "learning_event", "2026-04-01")
    activity(w.p, "learning_event", "2026-12-01")  # after as_of
    activity(w.p, "learning_event", "2026-04-01", status="planned")
    activity(w.p, "training", "2026-05-01")
    activity(w.p, "coaching", "2026-05-02")
    activity(w.p, "study_visit", "2026-11-22")
    activity(w.p, "dissemination", "2026-06-01", status="cancelled")
    activity(w.other, "learning_event", "2026-04-01")
    # Events: held with a session, held without sessions (no date: never counts), held
    # later, not held, OTHER's.
    event(w.p, day="2026-03-10")
    event(w.p)
    event(w.p, day="2026-12-10")
    event(w.p, held=False, day="2026-03-10")
    event(w.other, day="2026-03-10")
    return w


def independent_counts(w, as_of):
    """The KPIs counted the long way, from every record, with the definitions."""
    from clusterloom.activities.models import TARGET_OF_KIND, Activity
    from clusterloom.events.models import MatchmakingEvent
    from clusterloom.excellence.models import Benchmarking, ClusterLabel, Strategy

    p = w.p
    start, end = p.start_date, datetime.date(2027, 12, 31)
    partners = set(p.members.values_list("organisation_id", flat=True))
    done = [
        x
        for x in Exchange.objects.all()
        if x.application.call.partnership_id == p.pk
        and x.status in ("validated", "paid")
        and x.validated_at
        and x.validated_at.date() <= as_of
    ]
    out = dict.fromkeys(rules.CODES, 0)
    out["exchanges"] = len(done)
    out["exchanges_sme"] = sum(x.application.is_sme for x in done)
    out["exchanges_non_member"] = sum(not x.application.is_member for x in done)
    for level in ("bronze", "silver", "gold"):
        out[f"labels_{level}"] = len(
            {
                lab.organisation_id
                for lab in ClusterLabel.objects.all()
                if (lab.organisation_id in partners or lab.partnership_id == p.pk)
                and lab.level == level
                and start <= lab.awarded_on <= as_of
                and lab.valid_until >= min(as_of, end)
            }
        )
    out["benchmarkings"] = sum(
        1
        for b in Benchmarking.objects.all()
        if (b.organisation_id in partners or b.partnership_id == p.pk)
        and start <= b.held_on <= as_of
        and b.is_complete
    )
    for s in Strategy.objects.all():
        if s.status != "adopted" or s.adopted_on > as_of:
            continue
        if s.scope == "joint" and s.partnership_id == p.pk:
            out["joint_strategies"] += 1
        elif s.scope == "cluster" and s.adopted_on >= start:
            if s.organisation_id in partners or s.partnership_id == p.pk:
                out["cluster_strategies"] += 1
    for act in Activity.objects.filter(partnership=p):
        if act.status == "held" and act.ends_on <= as_of:
            out[TARGET_OF_KIND[act.kind]] += 1
    for e in MatchmakingEvent.objects.filter(partnership=p, held=True):
        ends = [s.ends_at.date() for s in e.sessions.all()]
        if ends and max(ends) <= as_of:
            out["matchmaking_events"] += 1
    return out


@pytest.mark.parametrize(
    "as_of", ["2026-11-22", "2026-03-09", "2026-03-10", "2026-06-30", "2027-06-01", "2028-06-01"]
)
def test_every_kpi_equals_an_independent_count(filled, as_of):
    as_of = d(as_of)
    got = kpis.kpi_values([filled.p], as_of)[filled.p.pk]
    assert got == independent_counts(filled, as_of)


def test_expected_values_today(filled):
    got = kpis.kpi_values([filled.p], AS_OF)[filled.p.pk]
    assert got["exchanges"] == 3
    assert got["exchanges_sme"] == 2
    assert got["exchanges_non_member"] == 1
    assert got["labels_bronze"] == 1  # A (twice); B's expired
    assert got["labels_silver"] == 1  # C naming XTEX; A's was before the start
    assert got["labels_gold"] == 0
    assert got["benchmarkings"] == 3
    assert got["cluster_strategies"] == 2
    assert got["joint_strategies"] == 1
    assert got["learning_events"] == 1
    assert got["trainings"] == 2
    assert got["study_visits"] == 1
    assert got["dissemination"] == 0
    assert got["matchmaking_events"] == 1
    other = kpis.kpi_values([filled.other], AS_OF)[filled.other.pk]
    assert other["exchanges"] == 1 and other["joint_strategies"] == 1
    assert other["labels_gold"] == 1 and other["learning_events"] == 1


def test_labels_count_on_the_last_day_of_the_timeline_after_it_ends(filled):
    # After the end (2027-12-31) a label counts if it was valid on the last day.
    got = kpis.kpi_values([filled.p], d("2028-06-01"))[filled.p.pk]
    assert got["labels_bronze"] == 1  # A's valid until 2028-02-29


def test_exchange_kpis_agree_with_the_partnership_page(filled):
    page = {row.code: row.done for row in partnership_progress(filled.p)}
    today = kpis.kpi_values([filled.p], d("2030-01-01"))[filled.p.pk]
    for code in ("exchanges", "exchanges_sme", "exchanges_non_member"):
        assert today[code] == page[code], code


def test_period_counts_only_records_dated_in_it(filled):
    got = kpis.kpi_values([filled.p], AS_OF, since=d("2026-04-01"))[filled.p.pk]
    assert got["exchanges"] == 2
    assert got["learning_events"] == 1
    assert got["benchmarkings"] == 2  # B 2026-11-22 and C naming XTEX 2026-05-06
    assert got["matchmaking_events"] == 0  # March event before; the dateless one never
    assert got["joint_strategies"] == 1


def test_series_equals_values_at_each_month_end(filled):
    ends = rules.month_ends(d("2026-01-01"), d("2027-02-28"))
    series = kpis.kpi_series([filled.p, filled.other], ends)
    for end in ends:
        direct = kpis.kpi_values([filled.p, filled.other], end)
        for p in (filled.p, filled.other):
            assert series[p.pk][end] == direct[p.pk], end


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_records(world):
    w = world
    exchange(w.call, w.offer, validated="2026-03-10")
    activity(w.p, "training", "2026-05-01")
    label(w.a, "bronze", "2026-02-01", "2028-01-31")
    event(w.p, day="2026-03-10")
    # A fresh instance each time, as each request reads it (the instance keeps its partner list).
    one = _queries(lambda: kpis.kpi_table([Partnership.objects.get(pk=w.p.pk)], AS_OF))
    for i in range(49):
        exchange(w.call, w.offer, validated="2026-03-10", sme=i % 2 == 0)
        activity(w.p, "training", "2026-05-01")
        label(w.b, "bronze", "2026-02-01", "2028-01-31")
        event(w.p, day="2026-03-10")
        benchmarking(w.a, "2026-03-01", w.iset)
    fifty = _queries(lambda: kpis.kpi_table([Partnership.objects.get(pk=w.p.pk)], AS_OF))
    assert fifty == one
    assert kpis.kpi_values([w.p], AS_OF)[w.p.pk]["exchanges"] == 50


def test_query_count_does_not_grow_with_partnerships(world):
    one = _queries(lambda: kpis.kpi_table([world.p], AS_OF))
    many = [world.p] + [PartnershipFactory(start_date=d("2026-01-01")) for _ in range(19)]
    assert _queries(lambda: kpis.kpi_table(many, AS_OF)) == one
    ends = rules.month_ends(d("2026-01-01"), d("2026-10-31"))
    fresh = Partnership.objects.get(pk=world.p.pk)  # as a request reads it: no partner list yet
    assert _queries(lambda: kpis.kpi_series([fresh], ends)) == _queries(
        lambda: kpis.kpi_series(many, ends)
    )


def test_rows_carry_status_and_expected(filled):
    rows = {k.code: k for k in kpis.kpi_table([filled.p], AS_OF)[filled.p.pk]}
    # 2026-11-22 is day 326 of 730: 44.7 % of the timeline.
    assert rows["exchanges"].target == 20
    assert rows["exchanges"].expected == 9
    assert rows["exchanges"].status == rules.BEHIND
    assert rows["joint_strategies"].status == rules.REACHED
    assert rows["matchmaking_events"].expected == 2
    assert rows["matchmaking_events"].status == rules.BEHIND
    # Each count says what it leaves out.
    assert rows["matchmaking_events"].excluded == [
        "1 past event not confirmed as held by its organiser",
        "2 events marked held that have not ended or have no session",
    ]
    assert rows["benchmarkings"].excluded == [
        "1 benchmarking not complete (not scored as its indicator set requires)"
    ]
    assert rows["exchanges"].excluded == ["1 exchange reported and awaiting validation"]
    assert rows["learning_events"].excluded == [
        "1 activity still planned after its end date (record it as held)"
    ]
    # Codes with a value but no target follow, with "no target".
    assert rows["trainings"].target is None and rows["trainings"].status == rules.NO_TARGET
    assert "dissemination" not in rows
