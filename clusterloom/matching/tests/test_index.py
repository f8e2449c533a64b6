"""The pure ranking core: filters, fusion, reciprocity, explanations, incremental changes."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterloom.matching.index import (
    EmptyQuery,
    PartnerIndex,
    Profile,
    Query,
    Weights,
    _minmax,
    best_per_owner,
    default_weights,
    fuse,
)

TEXTILE = Profile(
    "tex",
    "Czech maker of technical textiles for car seats and interiors",
    ("sectoral:textiles",),
    "CZ",
    "sme",
    offers="technical textiles, seat covers, coated fabrics",
    requests="automotive customers in Spain",
)
AUTO = Profile(
    "auto",
    "Spanish automotive supplier of interior parts and seats",
    ("sectoral:automotive",),
    "ES",
    "sme",
    offers="automotive interior parts",
    requests="technical textiles for seat covers",
)
PLASTIC = Profile(
    "plast",
    "Slovak plastics recycler turning car parts into granulate",
    ("sectoral:plastics",),
    "SK",
    "sme",
    offers="recycled plastics granulate",
    requests="automotive scrap",
)
UNI = Profile(
    "uni",
    "Czech university, textile research laboratory",
    ("sectoral:textiles", "ket:advanced-materials"),
    "CZ",
    "university",
)
FOOD = Profile("food", "Greek olive oil cooperative", ("sectoral:agri-food",), "GR", "sme")
AFFINITY = {
    ("sectoral:textiles", "sectoral:automotive"): 0.6,
    ("sectoral:plastics", "sectoral:automotive"): 0.4,
}


def index(**kwargs):
    return PartnerIndex([TEXTILE, AUTO, PLASTIC, UNI, FOOD], affinity=AFFINITY, **kwargs)


def test_text_match_ranks_first_and_explains_itself():
    found = index().search(Query("recycled plastics from car parts"), k=5)
    assert found[0].id == "plast"
    why = found[0].explanation
    assert {"plastics", "car", "parts"} <= set(why.matched_words)
    assert "plastics" in why.snippet
    assert why.components["lexical"] > 0
    assert math.isclose(sum(why.components.values()), found[0].score, abs_tol=1e-5)


def test_candidate_with_nothing_in_common_is_not_suggested():
    found = index().search(Query("recycled plastics from car parts"), k=5)
    assert "food" not in [m.id for m in found]
    everyone = index().search(Query("recycled plastics"), k=5, include_unmatched=True)
    assert len(everyone) == 5


def test_complementary_sector_is_found_without_a_shared_word():
    found = index().search(Query("partner for our sector", terms=("sectoral:automotive",)), k=5)
    ids = [m.id for m in found]
    assert ids.index("auto") == 0  # shared term first
    assert "tex" in ids and "plast" in ids and "food" not in ids
    tex = next(m for m in found if m.id == "tex")
    assert ("sectoral:automotive", "sectoral:textiles", 0.6) in tex.explanation.complementary
    assert tex.explanation.shared_terms == []
    auto = found[0]
    assert auto.explanation.shared_terms == ["sectoral:automotive"]


def test_rare_shared_term_counts_more_than_a_common_one():
    profiles = [Profile(f"c{i}", "cluster", ("sectoral:digital",), "DE") for i in range(5)] + [
        Profile("rare", "cluster", ("ket:photonics",), "DE")
    ]
    ix = PartnerIndex(profiles, weights=Weights(prior=0, network=0))
    found = ix.search(Query("cluster", terms=("sectoral:digital", "ket:photonics")), k=3)
    assert found[0].id == "rare"


def test_filters_country_kind_exclusions():
    ix = index()
    found = ix.search(
        Query("technical textiles", country="CZ", other_country_only=True, kinds=("sme",)), k=10
    )
    assert {m.id for m in found} <= {"auto", "plast", "food"}
    found = ix.search(Query("textiles", exclude_ids=frozenset({"tex"})), k=10)
    assert "tex" not in [m.id for m in found] and "uni" in [m.id for m in found]


def test_unknown_country_is_left_out_of_a_cross_border_search():
    ix = PartnerIndex([Profile("x", "textiles"), Profile("y", "textiles", country="FR")])
    found = ix.search(Query("textiles", country="DE", other_country_only=True))
    assert [m.id for m in found] == ["y"]


def test_empty_query_is_refused():
    with pytest.raises(EmptyQuery):
        index().search(Query("   the and of "))
    assert index().search(Query("", terms=("sectoral:textiles",)))


def test_prior_breaks_text_ties_towards_the_active():
    ix = PartnerIndex(
        [Profile("a", "photonics lab"), Profile("b", "photonics lab", activity=12.0)],
        weights=Weights(prior=0.1),
    )
    assert [m.id for m in ix.search(Query("photonics"))] == ["b", "a"]


def test_network_brings_partners_of_matching_organisations():
    profiles = [
        Profile("match", "laser welding of battery cells"),
        Profile("partner", "regional development agency", partners=("match",)),
        Profile("stranger", "regional development agency"),
    ]
    # the long needs' shipped weights, for every need (the short needs' learned the network
    # at 0: for a title, who did similar work counts and their partners do not)
    index = PartnerIndex(profiles, weights=default_weights())
    found = index.search(Query("laser welding battery"), k=3)
    ids = [m.id for m in found]
    assert ids[0] == "match" and "partner" in ids and "stranger" not in ids
    assert found[1].explanation.components["network"] > 0


def test_fuse_is_a_weighted_sum_of_min_max_scores_over_eligible_candidates():
    raw = {"lexical": np.array([10.0, 5.0, 0.0, 100.0]), "prior": np.array([0.0, 1.0, 2.0, 3.0])}
    eligible = np.array([True, True, True, False])
    fused, parts = fuse(raw, eligible, Weights(lexical=1.0, prior=0.5))
    assert parts["lexical"][:3].tolist() == [1.0, 0.5, 0.0]
    # activity counts in proportion to the fit: min-max prior (0, 0.5, 1) times the best fit
    # signal (1, 0.5, 0), weighted 0.5
    assert parts["prior"][:3].tolist() == [0.0, 0.125, 0.0]
    assert fused[:3].tolist() == [1.0, 0.625, 0.0]


def test_minmax_keeps_weak_matches_and_zero_signals():
    assert _minmax(np.array([3.0, 3.0]), None).tolist() == [1.0, 1.0]
    assert _minmax(np.array([0.0, 0.0]), None).tolist() == [0.0, 0.0]
    assert _minmax(np.array([4.0, 2.0]), None).tolist() == [1.0, 0.5]
    assert _minmax(np.array([-1.0, 1.0, 0.0]), None).tolist() == [0.0, 1.0, 0.5]


def test_weights_must_be_non_negative():
    with pytest.raises(ValueError, match="lexical"):
        Weights(lexical=-1)
    with pytest.raises(ValueError, match="prior"):
        Weights(prior=float("nan"))


def test_reciprocal_needs_both_sides_to_fit():
    ix = index()
    found = ix.reciprocal("tex", k=5)
    assert found[0].id == "auto"
    why = found[0].explanation
    assert why.components["their_offers_fit_your_requests"] > 0
    assert why.components["your_offers_fit_their_requests"] > 0
    assert ("sectoral:textiles", "sectoral:automotive", 0.6) in why.complementary
    assert "textiles" in why.matched_words or "technical" in why.matched_words
    assert "tex" not in [m.id for m in found]


def test_reciprocal_of_unknown_profile():
    with pytest.raises(KeyError, match="nobody"):
        index().reciprocal("nobody")


def test_upsert_replaces_and_remove_forgets():
    ix = index()
    ix.upsert(Profile("food", "olive oil and recycled plastics packaging", (), "GR", "sme"))
    assert len(ix) == 5
    assert "food" in [m.id for m in ix.search(Query("plastics packaging"))]
    ix.remove("food")
    ix.remove("food")  # twice is fine
    assert len(ix) == 4 and "food" not in ix
    assert "food" not in [m.id for m in ix.search(Query("plastics packaging"))]


def test_above_the_sync_size_a_change_is_assembled_apart_and_searches_go_on(monkeypatch):
    """A search right after a change is answered from the last assembly (no wait for the new
    one), never meets a profile removed since, and the change shows once it is assembled."""
    import clusterloom.matching.index as index_module

    monkeypatch.setattr(index_module, "SYNC_ASSEMBLY", 2)
    ix = index()
    assert [m.id for m in ix.search(Query("olive oil"))] == ["food"]
    ix.upsert(Profile("oil", "olive oil mill and olive oil press", (), "IT", "sme"))
    ix.remove("food")
    during = ix.search(Query("olive oil"))
    assert [m.id for m in during] in (["food"], ["oil"])  # the last assembly, or the new one
    ix.wait_assembled()
    assert [m.id for m in ix.search(Query("olive oil"))] == ["oil"]
    ix.upsert(Profile("oil2", "olive oil exporter, olive oil tins", (), "ES", "sme"))
    # a reciprocal suggestion for a profile added since the last assembly waits for the next
    assert isinstance(ix.reciprocal("oil2"), list)
    ix.wait_assembled()
    assert {m.id for m in ix.search(Query("olive oil"))} == {"oil", "oil2"}


# -- properties ------------------------------------------------------------------------------
WORDS = "textile automotive plastic recycling laser sensor battery food photonics seat".split()
TERMS = [f"sectoral:{w}" for w in WORDS[:6]]
COUNTRIES = ["CZ", "ES", "SK", ""]
KINDS = ["sme", "university", "cluster"]

profile_st = st.builds(
    Profile,
    id=st.sampled_from([f"p{i}" for i in range(12)]),
    text=st.lists(st.sampled_from(WORDS), min_size=0, max_size=8).map(" ".join),
    terms=st.lists(st.sampled_from(TERMS), max_size=3, unique=True).map(tuple),
    country=st.sampled_from(COUNTRIES),
    kind=st.sampled_from(KINDS),
    offers=st.lists(st.sampled_from(WORDS), max_size=4).map(" ".join),
    requests=st.lists(st.sampled_from(WORDS), max_size=4).map(" ".join),
    activity=st.floats(0, 20),
    partners=st.lists(st.sampled_from([f"p{i}" for i in range(12)]), max_size=3).map(tuple),
)
affinity_st = st.dictionaries(
    st.tuples(st.sampled_from(TERMS), st.sampled_from(TERMS)).filter(lambda p: p[0] != p[1]),
    st.floats(0.05, 1.0),
    max_size=6,
)
query_st = st.builds(
    Query,
    text=st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join),
    terms=st.lists(st.sampled_from(TERMS), max_size=2, unique=True).map(tuple),
    country=st.sampled_from(COUNTRIES),
    other_country_only=st.booleans(),
    kinds=st.lists(st.sampled_from(KINDS), max_size=2, unique=True).map(tuple),
    exclude_ids=st.frozensets(st.sampled_from([f"p{i}" for i in range(12)]), max_size=3),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(profile_st, max_size=12), affinity_st, query_st, st.integers(1, 15))
def test_search_respects_filters_and_is_sorted_and_explained(profiles, affinity, query, k):
    ix = PartnerIndex(profiles, affinity=affinity)
    stored = {p.id: p for p in profiles}  # the last of a repeated id wins, as in upsert
    found = ix.search(query, k=k)
    assert len(found) <= k
    assert len({m.id for m in found}) == len(found)
    keys = [(-m.score, m.id) for m in found]
    assert keys == sorted(keys)
    for m in found:
        p = stored[m.id]
        assert m.id not in query.exclude_ids
        if query.other_country_only and query.country:
            assert p.country and p.country != query.country
        if query.kinds:
            assert p.kind in query.kinds
        e = m.explanation
        assert set(e.shared_terms) <= set(p.terms) & set(query.terms)
        assert set(e.shared_terms) == set(p.terms) & set(query.terms)
        for q, c, value in e.complementary:
            assert q in query.terms and c in p.terms and q != c and 0 < value <= 1
        assert set(e.matched_words) <= set(query.text.split())
        assert m.score > 0
        assert math.isclose(sum(e.components.values()), m.score, abs_tol=1e-4)
    assert ix.search(query, k=k) == found  # deterministic


@settings(max_examples=40, deadline=None)
@given(st.lists(profile_st, min_size=2, max_size=12), affinity_st, st.data())
def test_reciprocal_is_symmetric_and_filtered(profiles, affinity, data):
    ix = PartnerIndex(profiles, affinity=affinity)
    ids = sorted({p.id for p in profiles})
    a = data.draw(st.sampled_from(ids))
    kinds = tuple(data.draw(st.lists(st.sampled_from(KINDS), max_size=2, unique=True)))
    found = ix.reciprocal(a, k=20, kinds=kinds, other_country_only=True)
    me = ix.get(a)
    for m in found:
        other = ix.get(m.id)
        assert m.id != a
        if me.country:
            assert other.country and other.country != me.country
        if kinds:
            assert other.kind in kinds
        back = {x.id: x.score for x in ix.reciprocal(m.id, k=50)}
        assert math.isclose(back[a], m.score, abs_tol=1e-7)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(profile_st, max_size=10),
    st.lists(profile_st, max_size=6),
    st.lists(st.sampled_from([f"p{i}" for i in range(12)]), max_size=4),
    affinity_st,
    query_st,
)
def test_incremental_changes_equal_a_rebuild(first, later, removed, affinity, query):
    ix = PartnerIndex(first, affinity=affinity)
    ix.search(query)  # assembled once before the changes
    for p in later:
        ix.upsert(p)
    for pid in removed:
        ix.remove(pid)
    final = {p.id: p for p in [*first, *later]}
    for pid in removed:
        final.pop(pid, None)
    rebuilt = PartnerIndex(sorted(final.values(), key=lambda p: p.id), affinity=affinity)
    assert len(ix) == len(rebuilt)
    assert ix.search(query, k=12) == rebuilt.search(query, k=12)
    for pid in list(final)[:3]:
        assert ix.reciprocal(pid) == rebuilt.reciprocal(pid)


def test_legal_forms_in_names_are_no_match():
    """Two companies whose profiles share only their legal forms (and the Greek "and" of a
    transliterated name) are no partners: CORDIS-only profiles were suggested to each other as
    a 'good match' on "plc" or "kai"."""
    ix = PartnerIndex(
        [
            Profile("a", "SPINNOVA PLC Ltd GmbH", (), "FI", "company"),
            Profile("b", "VRS PLC Ltd GmbH", (), "IT", "company"),
            Profile("c", "IDRYMA TECHNOLOGIAS KAI EREVNAS", (), "GR", "research"),
            Profile("d", "SINGULARLOGIC ANONYMI ETAIREIA KAI AE", (), "GR", "company"),
        ],
        weights=Weights(),
    )
    assert ix.reciprocal("a", k=5) == []
    assert ix.reciprocal("c", k=5) == []


@settings(max_examples=60, deadline=None)
@given(
    links=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 9)), max_size=40),
    seed=st.integers(0, 1000),
)
def test_a_profiles_best_passage_is_the_max_over_its_passages_never_below_zero(links, seed):
    """What the sparse product computed before (`owners.multiply(v).max(axis=1)`, whose
    implicit zeros floor it at 0), row by row."""
    import scipy.sparse as sp

    rows = [r for r, _ in links]
    cols = [c for _, c in links]
    owners = sp.csr_matrix((np.ones(len(links)), (rows, cols)), shape=(7, 10))
    owners.data[:] = 1.0
    values = np.random.default_rng(seed).normal(size=10)
    expected = [max([0.0, *(values[c] for r, c in links if r == row)]) for row in range(7)]
    assert np.allclose(best_per_owner(owners, values), expected)
