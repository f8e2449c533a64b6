"""Affinities learned from who works with whom, and a coordinator's adjustments."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterloom.matching.complementarity import learn_affinities, merge_adjustments

TEX, AUTO, PLAST, FOOD = "sectoral:textiles", "sectoral:automotive", "sectoral:plastics", "x:food"


def test_sectors_that_work_together_get_an_affinity():
    groups = [
        [(TEX,), (AUTO,)],
        [(TEX,), (AUTO,), (PLAST,)],
        [(AUTO,), (PLAST,)],
        [(FOOD,), (FOOD,)],
        [(FOOD,), (PLAST,)],
    ]
    aff = learn_affinities(groups, min_support=2)
    assert aff[(TEX, AUTO)] == aff[(AUTO, TEX)] > 0
    assert aff[(AUTO, PLAST)] > 0
    assert (TEX, PLAST) not in aff  # together once only: below min_support
    assert (FOOD, FOOD) not in aff  # a term is never complementary to itself
    assert all(0 < v <= 1 for v in aff.values())
    # NPMI by hand: 5 groups, TEX in 2, AUTO in 3, together in 2
    p_ab, p_a, p_b = 2 / 5, 2 / 5, 3 / 5
    expected = math.log(p_ab / (p_a * p_b)) / -math.log(p_ab)
    assert math.isclose(aff[(TEX, AUTO)], expected)


def test_terms_of_one_member_do_not_count_as_working_together():
    groups = [[(TEX, AUTO), (FOOD,)], [(TEX, AUTO), (FOOD,)], [("ket:x",), (PLAST,)]]
    aff = learn_affinities(groups, min_support=1)
    assert (TEX, AUTO) not in aff
    assert (TEX, FOOD) in aff


def test_pairs_that_avoid_each_other_are_clipped_to_zero():
    groups = [[(TEX,), (AUTO,)]] * 2 + [[(TEX,), (FOOD,)]] * 8 + [[(AUTO,), (PLAST,)]] * 8
    aff = learn_affinities(groups, min_support=2)
    assert (TEX, AUTO) not in aff or aff[(TEX, AUTO)] < aff[(TEX, FOOD)]


def test_min_support_must_be_positive():
    with pytest.raises(ValueError):
        learn_affinities([], min_support=0)


def test_adjustments_override_learned_values_both_ways():
    learned = {(TEX, AUTO): 0.3, (AUTO, TEX): 0.3, (AUTO, PLAST): 0.5, (PLAST, AUTO): 0.5}
    merged = merge_adjustments(learned, {(AUTO, TEX): 0.9, (PLAST, AUTO): 0, (FOOD, TEX): 0.2})
    assert merged[(TEX, AUTO)] == merged[(AUTO, TEX)] == 0.9
    assert (AUTO, PLAST) not in merged and (PLAST, AUTO) not in merged
    assert merged[(TEX, FOOD)] == 0.2
    assert learned[(TEX, AUTO)] == 0.3  # not modified in place


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan")])
def test_adjustment_out_of_range_is_refused(bad):
    with pytest.raises(ValueError, match="between 0 and 1"):
        merge_adjustments({}, {(TEX, AUTO): bad})


def test_adjustment_of_a_term_with_itself_is_refused():
    with pytest.raises(ValueError, match="itself"):
        merge_adjustments({}, {(TEX, TEX): 0.5})


terms = st.sampled_from([TEX, AUTO, PLAST, FOOD, "ket:photonics"])


@given(st.lists(st.lists(st.lists(terms, max_size=3).map(tuple), max_size=5), max_size=12))
def test_learned_affinities_are_symmetric_and_bounded(groups):
    aff = learn_affinities(groups, min_support=1)
    for (a, b), value in aff.items():
        assert a != b and 0 < value <= 1 and aff[(b, a)] == value
