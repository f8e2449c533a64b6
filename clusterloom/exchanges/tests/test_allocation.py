"""ClusterXchange allocation: every result keeps the call's rules, reaches the minimums where the
applicants allow and, among those, the best total fit (checked against brute force)."""

import itertools
import math
import random
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusterloom.exchanges import allocation
from clusterloom.exchanges.allocation import (
    Allocation,
    AllocationInputError,
    Fit,
    Host,
    Targets,
    Visitor,
    allocate,
    allocate_greedy,
)

SMALL = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
COUNTRIES = ["DE", "FR", "IT", "ES"]
ORGS = [f"o{i}" for i in range(8)]


@st.composite
def calls(draw, max_visitors=7, max_hosts=4, min_visitors=0):
    """A small call: organisations shared between applications and with hosts, same countries.

    Hypothesis draws the sizes and a seed; the seed draws the rest, so calls are dense enough
    for the minimums and capacities to compete.
    """
    n_visitors = draw(st.integers(min_visitors, max_visitors))
    n_hosts = draw(st.integers(1, max_hosts))
    rng = random.Random(draw(st.integers(0, 2**32)))
    density = draw(st.sampled_from([0.3, 0.6, 0.9]))
    hosts = [
        Host(f"h{i}", rng.choice(ORGS), rng.choice(COUNTRIES), rng.choice([0, 1, 1, 2, 2, 3]))
        for i in range(n_hosts)
    ]
    visitors = [
        Visitor(
            f"v{i}", rng.choice(ORGS), rng.choice(COUNTRIES), rng.random() < 0.5, rng.random() < 0.5
        )
        for i in range(n_visitors)
    ]
    pairs = [(v.id, h.id) for v in visitors for h in hosts if rng.random() < density]
    fit = [Fit(v, h, rng.randint(0, 100) / 100) for v, h in pairs]
    targets = Targets(rng.choice([0, 1, 2, 3, 3, 4, 5, 6]), rng.randint(0, 4), rng.randint(0, 4))
    fixed = (
        rng.sample(pairs, min(len(pairs), rng.choice([1, 1, 2])))
        if draw(st.integers(0, 3)) == 0
        else []
    )
    return hosts, visitors, fit, targets, fixed


def breaks_rule(pairs, hosts, visitors, targets) -> bool:
    """True when the pairs together break one of the call's rules (fit aside)."""
    h, v = {x.id: x for x in hosts}, {x.id: x for x in visitors}
    orgs = [v[a].organisation for a, _b in pairs]
    loads = {b: sum(1 for _a, c in pairs if c == b) for _a, b in pairs}
    return (
        len(pairs) > targets.exchanges
        or len(set(orgs)) < len(orgs)
        or any(loads[b] > h[b].capacity for b in loads)
        or any(v[a].country == h[b].country for a, b in pairs)
        or any(v[a].organisation == h[b].organisation for a, b in pairs)
    )


def coverage(totals: dict, targets: Targets) -> int:
    return min(totals["exchanges_sme"], targets.exchanges_sme) + min(
        totals["exchanges_non_member"], targets.exchanges_non_member
    )


def assert_keeps_the_rules(result: Allocation, hosts, visitors, fit, targets, fixed=()):
    """Every promise of an Allocation, checked from scratch."""
    scores = {(f.visitor, f.host): f.score for f in fit}
    v = {x.id: x for x in visitors}
    if result.status == "infeasible":
        assert breaks_rule(fixed, hosts, visitors, targets)
        assert result.assignments == [] and result.messages
        return
    pairs = result.assignments
    assert pairs == sorted(pairs)
    assert all(p in scores for p in pairs), "only fit pairs"
    assert len({a for a, _b in pairs}) == len(pairs), "one exchange per visitor"
    assert not breaks_rule(pairs, hosts, visitors, targets)
    assert set(map(tuple, fixed)) <= set(pairs), "fixed pairs kept"
    totals = {
        "exchanges": len(pairs),
        "exchanges_sme": sum(v[a].sme for a, _b in pairs),
        "exchanges_non_member": sum(not v[a].member for a, _b in pairs),
    }
    assert result.totals == totals
    assert result.shortfall == {k: max(0, getattr(targets, k) - totals[k]) for k in totals}
    assert result.score == pytest.approx(math.fsum(scores[p] for p in pairs), abs=1e-9)
    assert result.score <= result.bound + 1e-9
    assert result.gap == pytest.approx(
        (result.bound - result.score) / result.bound if result.bound else 0.0, abs=1e-12
    )
    assert result.status in ("optimal", "feasible")


def valid_allocations(hosts, visitors, fit, targets, fixed=()):
    """Every allocation that keeps the rules and the fixed pairs, as lists of pairs."""
    options = {x.id: [None] for x in visitors}
    for f in fit:
        options[f.visitor].append(f.host)
    for choice in itertools.product(*(options[x.id] for x in visitors)):
        pairs = [(x.id, h) for x, h in zip(visitors, choice, strict=True) if h is not None]
        if set(map(tuple, fixed)) <= set(pairs) and not breaks_rule(
            pairs, hosts, visitors, targets
        ):
            yield pairs


def brute_force(hosts, visitors, fit, targets, fixed=()):
    """Lexicographic optimum (coverage, fit) over every valid allocation, or None."""
    scores = {(f.visitor, f.host): f.score for f in fit}
    v = {x.id: x for x in visitors}
    best = None
    for pairs in valid_allocations(hosts, visitors, fit, targets, fixed):
        totals = {
            "exchanges_sme": sum(v[a].sme for a, _b in pairs),
            "exchanges_non_member": sum(not v[a].member for a, _b in pairs),
        }
        value = (coverage(totals, targets), round(math.fsum(scores[p] for p in pairs), 9))
        best = value if best is None or value > best else best
    return best


@SMALL
@given(calls())
def test_allocate_keeps_every_rule(call):
    hosts, visitors, fit, targets, fixed = call
    result = allocate(hosts, visitors, fit, targets, fixed=fixed, time_limit=5)
    assert_keeps_the_rules(result, hosts, visitors, fit, targets, fixed)


@SMALL
@given(calls())
def test_greedy_keeps_every_rule(call):
    hosts, visitors, fit, targets, fixed = call
    result = allocate_greedy(hosts, visitors, fit, targets, fixed=fixed)
    assert_keeps_the_rules(result, hosts, visitors, fit, targets, fixed)


@SMALL
@given(calls(max_visitors=6, max_hosts=3, min_visitors=3))
def test_allocate_reaches_the_lexicographic_optimum(call):
    hosts, visitors, fit, targets, fixed = call
    result = allocate(hosts, visitors, fit, targets, fixed=fixed, time_limit=5)
    best = brute_force(hosts, visitors, fit, targets, fixed)
    if best is None:
        assert result.status == "infeasible"
        return
    assert result.status == "optimal"
    assert coverage(result.totals, targets) == best[0]
    assert result.score == pytest.approx(best[1], abs=1e-6)
    assert result.bound == pytest.approx(result.score) and result.gap == 0


@SMALL
@given(calls(max_visitors=6, max_hosts=3, min_visitors=3))
def test_cp_sat_alone_reaches_the_optimum_when_the_lp_is_not_available(call):
    """Without the LP (failed or out of time) CP-SAT solves the whole model."""
    hosts, visitors, fit, targets, fixed = call
    with mock.patch.object(allocation, "_relaxation", return_value=None):
        result = allocate(hosts, visitors, fit, targets, fixed=fixed, time_limit=5, workers=1)
    best = brute_force(hosts, visitors, fit, targets, fixed)
    if best is None:
        assert result.status == "infeasible"
        return
    assert_keeps_the_rules(result, hosts, visitors, fit, targets, fixed)
    assert (coverage(result.totals, targets), result.score) == (best[0], pytest.approx(best[1]))


@SMALL
@given(calls(max_visitors=6, max_hosts=3, min_visitors=3))
def test_lp_bounds_hold_for_every_allocation(call):
    """The proof behind leaving pairs out of CP-SAT: no allocation beats the LP's bounds."""
    hosts, visitors, fit, targets, _fixed = call
    checked = allocation._check(hosts, visitors, fit, targets, ())
    if not checked.open_pairs:
        return
    o = allocation._open(checked, 100.0)  # scores are hundredths: exact integer weights
    index = {p: j for j, p in enumerate(o.pairs)}
    _x, with_pair, ceiling = allocation._relaxation(o, 5.0)
    for pairs in valid_allocations(hosts, visitors, fit, targets):
        chosen = np.zeros(len(o.pairs), dtype=np.int64)
        chosen[[index[p] for p in pairs if p in index]] = 1
        value = o.value(chosen)
        assert value <= ceiling + 1e-6
        assert all(value <= with_pair[index[p]] + 1e-6 for p in pairs if p in index)


_greedy = allocation._greedy


def _greedy_one_short(call, order, minimums_first=False):
    """The greedy hint less its last open pair: below the optimum, so CP-SAT has work to do."""
    chosen = _greedy(call, order, minimums_first)
    return chosen[:-1] if len(chosen) > len(call.fixed) else chosen


@SMALL
@given(calls(max_visitors=6, max_hosts=3, min_visitors=3))
def test_pairs_left_out_by_the_lp_bounds_never_hold_the_optimum(call):
    """CP-SAT sees only the pairs whose LP bound can beat the hint; the optimum is among them."""
    hosts, visitors, fit, targets, fixed = call
    with mock.patch.object(allocation, "_greedy", _greedy_one_short):
        result = allocate(hosts, visitors, fit, targets, fixed=fixed, time_limit=5, workers=1)
    best = brute_force(hosts, visitors, fit, targets, fixed)
    if best is None:
        assert result.status == "infeasible"
        return
    assert_keeps_the_rules(result, hosts, visitors, fit, targets, fixed)
    assert (coverage(result.totals, targets), result.score) == (best[0], pytest.approx(best[1]))
    assert result.status == "optimal"


def test_when_no_solver_finishes_the_hint_comes_back_as_feasible():
    hosts, visitors, fit, targets = random_call(60, seed=9)
    with (
        mock.patch.object(allocation, "_relaxation", return_value=None),
        mock.patch.object(allocation, "_cp_sat", return_value=(None, math.inf)),
    ):
        result = allocate(hosts, visitors, fit, targets, time_limit=0.5)
    assert_keeps_the_rules(result, hosts, visitors, fit, targets)
    assert result.status == "feasible" and 0 < result.gap < 1
    assert result.messages[-1] == "time limit of 0.5 s reached"
    assert result.score <= allocate(hosts, visitors, fit, targets).score


def test_greedy_misses_the_sme_minimum_that_allocate_reaches():
    # Two German hosts with one place each; the large firms fit best, the SMEs a little less.
    hosts = [Host("h1", "host1", "DE", 1), Host("h2", "host2", "DE", 1)]
    visitors = [
        Visitor("big1", "org1", "IT", sme=False, member=True),
        Visitor("big2", "org2", "FR", sme=False, member=True),
        Visitor("sme1", "org3", "ES", sme=True, member=True),
        Visitor("sme2", "org4", "PL", sme=True, member=True),
    ]
    fit = [
        Fit("big1", "h1", 0.9),
        Fit("big2", "h2", 0.9),
        Fit("sme1", "h1", 0.6),
        Fit("sme2", "h2", 0.5),
    ]
    targets = Targets(exchanges=2, exchanges_sme=1)
    greedy = allocate_greedy(hosts, visitors, fit, targets)
    assert greedy.assignments == [("big1", "h1"), ("big2", "h2")]
    assert greedy.shortfall["exchanges_sme"] == 1
    assert "SME minimum 1: 0 reached; more may be possible" in greedy.messages
    best = allocate(hosts, visitors, fit, targets)
    assert best.shortfall == {"exchanges": 0, "exchanges_sme": 0, "exchanges_non_member": 0}
    assert best.assignments == [("big2", "h2"), ("sme1", "h1")]
    assert best.score == pytest.approx(1.5) and best.status == "optimal"


def test_one_exchange_per_organisation_and_never_in_the_own_country():
    hosts = [Host("h1", "uni", "IT", 3), Host("h2", "lab", "ES", 3)]
    visitors = [
        Visitor("a", "acme", "IT", sme=True, member=True),  # only fit with the Italian host
        Visitor("b1", "beta", "FR", sme=True, member=True),
        Visitor("b2", "beta", "FR", sme=False, member=False),
        Visitor("c", "lab", "PT", sme=False, member=True),  # the host's own organisation
    ]
    fit = [Fit("a", "h1", 1.0), Fit("b1", "h1", 0.4), Fit("b2", "h2", 0.5), Fit("c", "h2", 0.9)]
    result = allocate(hosts, visitors, fit, Targets(exchanges=5))
    assert result.assignments == [("b2", "h2")]
    assert "1 fit pairs left out: visitor and host in the same country" in result.messages
    assert "1 fit pairs left out: visitor and host in the same organisation" in result.messages


def test_minimum_out_of_reach_is_explained():
    hosts = [Host("h", "host", "DE", 5)]
    visitors = [Visitor(f"v{i}", f"o{i}", "IT", sme=i < 2, member=True) for i in range(5)]
    fit = [Fit(v.id, "h", 0.5) for v in visitors]
    result = allocate(hosts, visitors, fit, Targets(exchanges=5, exchanges_sme=3))
    assert result.totals["exchanges_sme"] == 2 and result.shortfall["exchanges_sme"] == 1
    assert "2 SME applicants only: SME minimum 3 cannot be reached" in result.messages


def test_exchanges_target_is_a_maximum_and_a_shortfall_is_explained():
    hosts = [Host("h", "host", "DE", 2)]
    visitors = [Visitor(f"v{i}", f"o{i}", "IT", sme=False, member=True) for i in range(4)]
    fit = [Fit(v.id, "h", 0.1 * (i + 1)) for i, v in enumerate(visitors)]
    result = allocate(hosts, visitors, fit, Targets(exchanges=1))
    assert result.assignments == [("v3", "h")]
    result = allocate(hosts, visitors, fit, Targets(exchanges=3))
    assert result.assignments == [("v2", "h"), ("v3", "h")]
    assert result.shortfall["exchanges"] == 1
    assert "exchanges target 3: 2 assigned" in result.messages[0]


def test_fixed_pairs_stay_even_when_a_better_one_exists():
    hosts = [Host("h", "host", "DE", 1)]
    visitors = [Visitor("a", "o1", "IT", True, True), Visitor("b", "o2", "IT", True, True)]
    fit = [Fit("a", "h", 0.1), Fit("b", "h", 0.9)]
    result = allocate(hosts, visitors, fit, Targets(1), fixed=[("a", "h")])
    assert result.assignments == [("a", "h")] and result.status == "optimal"


def test_a_fixed_pair_without_fit_score_is_kept_and_counts_as_zero():
    hosts = [Host("h", "host", "DE", 2)]
    visitors = [Visitor("a", "o1", "IT", True, True), Visitor("b", "o2", "IT", True, True)]
    result = allocate(hosts, visitors, [Fit("b", "h", 0.5)], Targets(2), fixed=[("a", "h")])
    assert result.assignments == [("a", "h"), ("b", "h")] and result.score == 0.5
    assert "fixed[0] (a, h) has no fit score: counted as 0" in result.messages


@pytest.mark.parametrize(
    ("fixed", "message"),
    [
        ([("a", "h2")], r"fixed\[0\] \(a, h2\): visitor and host in the same country"),
        ([("a", "h1"), ("a2", "h1")], r"fixed\[1\] \(a2, h1\): organisation o1 already takes"),
        ([("a", "h1"), ("b", "h1"), ("c", "h1")], r"fixed\[2\] \(c, h1\): host h1 takes at most 2"),
        ([("a", "h1"), ("b", "h1"), ("c", "h3")], r"fixed\[2\].*more fixed pairs than the 2"),
    ],
)
@pytest.mark.parametrize("method", [allocate, allocate_greedy])
def test_fixed_pairs_that_break_a_rule_make_the_call_infeasible(method, fixed, message):
    hosts = [Host("h1", "x", "DE", 2), Host("h2", "y", "IT", 1), Host("h3", "z", "FR", 1)]
    visitors = [
        Visitor("a", "o1", "IT", True, True),
        Visitor("a2", "o1", "IT", True, True),
        Visitor("b", "o2", "ES", True, True),
        Visitor("c", "o3", "ES", True, True),
    ]
    fit = [Fit(v.id, h.id, 0.5) for v in visitors for h in hosts]
    result = method(hosts, visitors, fit, Targets(2), fixed=fixed)
    assert result.status == "infeasible" and result.assignments == []
    assert result.shortfall == {"exchanges": 2, "exchanges_sme": 0, "exchanges_non_member": 0}
    assert any(__import__("re").search(message, m) for m in result.messages), result.messages


H, V = Host("h", "host", "DE", 1), Visitor("v", "org", "IT", True, False)


@pytest.mark.parametrize(
    ("hosts", "visitors", "fit", "targets", "fixed", "message"),
    [
        ([H, H], [V], [], Targets(1), (), r"hosts\[1\]\.id: 'h' appears twice"),
        ([Host("h", "o", "DE", -1)], [V], [], Targets(1), (), r"hosts\[0\]\.capacity: must be"),
        ([Host("h", "o", "DE", True)], [V], [], Targets(1), (), r"hosts\[0\]\.capacity"),
        ([Host("h", "o", "DEU", 1)], [V], [], Targets(1), (), r"hosts\[0\]\.country"),
        ([Host("", "o", "DE", 1)], [V], [], Targets(1), (), r"hosts\[0\]\.id: must be a non-empty"),
        ([H], [V, V], [], Targets(1), (), r"visitors\[1\]\.id: 'v' appears twice"),
        ([H], [Visitor("v", "", "IT", True, True)], [], Targets(1), (), r"visitors\[0\]\.organ"),
        ([H], [Visitor("v", "o", "IT", 1, True)], [], Targets(1), (), r"visitors\[0\]\.sme: must"),
        ([H], [Visitor("v", "o", "IT", True, None)], [], Targets(1), (), r"visitors\[0\]\.member"),
        ([H], [{"id": "v"}], [], Targets(1), (), r"visitors\[0\]: must be a Visitor, not dict"),
        ([H], [V], [Fit("x", "h", 1)], Targets(1), (), r"fit\[0\]\.visitor: unknown visitor 'x'"),
        ([H], [V], [Fit("v", "x", 1)], Targets(1), (), r"fit\[0\]\.host: unknown host 'x'"),
        ([H], [V], [Fit("v", "h", math.nan)], Targets(1), (), r"fit\[0\]\.score: must be a fin"),
        ([H], [V], [Fit("v", "h", math.inf)], Targets(1), (), r"fit\[0\]\.score"),
        ([H], [V], [Fit("v", "h", -0.5)], Targets(1), (), r"fit\[0\]\.score"),
        ([H], [V], [Fit("v", "h", "high")], Targets(1), (), r"fit\[0\]\.score"),
        ([H], [V], [Fit("v", "h", 1), Fit("v", "h", 2)], Targets(1), (), r"fit\[1\]: pair .*twi"),
        ([H], [V], [], Targets(-1), (), r"targets\.exchanges: must be an integer >= 0"),
        ([H], [V], [], Targets(1, 0.5), (), r"targets\.exchanges_sme"),
        ([H], [V], [], Targets(1, 0, None), (), r"targets\.exchanges_non_member"),
        ([H], [V], [], (1, 0, 0), (), r"targets: must be a Targets"),
        ([H], [V], [], Targets(1), [("x", "h")], r"fixed\[0\]\.visitor: unknown visitor"),
        ([H], [V], [Fit("v", "h", 1)], Targets(1), [("v", "h")] * 2, r"fixed\[1\]: .* twice"),
        ([H], [V], [], Targets(1), ["vh"], r"fixed\[0\]: must be a \(visitor id, host id\)"),
    ],
)
@pytest.mark.parametrize("method", [allocate, allocate_greedy])
def test_bad_input_names_the_field(method, hosts, visitors, fit, targets, fixed, message):
    with pytest.raises(AllocationInputError, match=message):
        method(hosts, visitors, fit, targets, fixed=fixed)


@pytest.mark.parametrize(
    ("options", "message"),
    [({"time_limit": 0}, "time_limit: must be"), ({"workers": 0}, "workers: must be")],
)
def test_bad_solver_options_name_the_option(options, message):
    with pytest.raises(AllocationInputError, match=message):
        allocate([H], [V], [], Targets(1), **options)


def random_call(visitors: int, seed: int):
    """A seeded call of `visitors` applications, 5 per host, 10 fit pairs each."""
    rng = random.Random(seed)
    hosts = [
        Host(f"h{i}", f"ho{i}", rng.choice(COUNTRIES + ["ES", "PL"]), rng.randint(1, 4))
        for i in range(visitors // 5)
    ]
    people = [
        Visitor(f"v{i}", f"o{i // 2 if i % 7 == 0 else i}", rng.choice(COUNTRIES + ["PT"]),
                rng.random() < 0.4, rng.random() < 0.7)
        for i in range(visitors)
    ]  # fmt: skip
    fit = [
        Fit(v.id, h.id, round(rng.random() * (0.7 if v.sme else 1.0), 3))
        for v in people
        for h in rng.sample(hosts, 10)
    ]
    return hosts, people, fit, Targets(visitors // 3, visitors // 6, visitors // 10)


def test_a_hundred_visitors_optimal_and_at_least_as_good_as_greedy():
    hosts, visitors, fit, targets = random_call(100, seed=3)
    best = allocate(hosts, visitors, fit, targets)
    greedy = allocate_greedy(hosts, visitors, fit, targets)
    assert_keeps_the_rules(best, hosts, visitors, fit, targets)
    assert best.status == "optimal" and best.gap == 0
    assert coverage(best.totals, targets) >= coverage(greedy.totals, targets)
    assert sum(best.shortfall.values()) <= sum(greedy.shortfall.values())
    assert greedy.score <= greedy.bound


def test_same_call_same_allocation():
    call = random_call(60, seed=5)
    first, second = allocate(*call), allocate(*call)
    assert first == second
    assert allocate(*call, workers=1).score == pytest.approx(first.score)
