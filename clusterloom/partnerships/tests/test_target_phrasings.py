"""Targets proposed from profile text follow meaning, not EXTRATEX's wording: each target kind
in the phrasings ECCP profiles use (digits and words), sentences that must not be read as
targets, and sentences that look like commitments but match no kind, listed for a coordinator
instead of dropped."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterloom.partnerships.eccp_targets import (
    find_commitments,
    find_targets,
    number_value,
)
from clusterloom.partnerships.eccp_text import parse_profile

from .test_import_profile import SEED


def _read(sentence: str) -> dict[str, int]:
    return {t.code: t.value for t in find_targets([sentence])}


def _commitments(sentence: str) -> list[tuple[str, int]]:
    return [(c.phrase, c.value) for c in find_commitments([sentence])]


VISITS = {"exchanges": 59, "exchanges_sme": 30, "exchanges_non_member": 17}

PHRASINGS = [
    # ClusterXchange visits and their shares.
    (
        "where 59 visits are planned, of which 30 are SMEs, and 17 are non-ESCP-4x members",
        VISITS,
    ),
    ("59 visits, 30 of them by SMEs, 17 by organisations outside the partnership.", VISITS),
    (
        "Fifty-nine ClusterXchange mobilities: thirty by SMEs and seventeen by external "
        "organisations.",
        VISITS,
    ),
    ("59 exchanges (30 by SMEs, 17 by non-partner organisations) across Europe", VISITS),
    (
        "Implementing the ClusterXchange pilot with 40 short-term exchanges, including 20 SMEs.",
        {"exchanges": 40, "exchanges_sme": 20},
    ),
    (
        "The ClusterXchange scheme will fund 45 participants, of which 25 are SMEs.",
        {"exchanges": 45, "exchanges_sme": 25},
    ),
    ("Around 60 exchange visits of cluster staff and SMEs", {"exchanges": 60}),
    # Labels.
    ("3 bronze labels and 3 silver labels", {"labels_bronze": 3, "labels_silver": 3}),
    (
        "Three ECEI Bronze Labels and two Silver Labels of cluster management excellence",
        {"labels_bronze": 3, "labels_silver": 2},
    ),
    ("The Silver Label for 4 partner clusters", {"labels_silver": 4}),
    ("Six partners will achieve the Gold Label of cluster excellence", {"labels_gold": 6}),
    ("2 clusters obtaining the ESCA bronze label", {"labels_bronze": 2}),
    (
        "three clusters will obtain the ECEI Silver Label and the Bronze Label for 2 partner "
        "clusters",
        {"labels_silver": 3, "labels_bronze": 2},
    ),
    # Benchmarkings.
    ("a benchmarking exercises", {"benchmarkings": 1}),
    ("6 ESCA benchmarking interviews", {"benchmarkings": 6}),
    ("Benchmarking of the six partner clusters", {"benchmarkings": 6}),
    ("5 clusters will be benchmarked by ESCA", {"benchmarkings": 5}),
    # Strategies of each cluster.
    ("Developing 6 individual clusters strategies and its roadmaps", {"cluster_strategies": 6}),
    ("six cluster development strategies with roadmaps", {"cluster_strategies": 6}),
    ("A strategy and roadmap for each of the 5 partner clusters", {"cluster_strategies": 5}),
    ("5 strategies, one for each partner cluster", {"cluster_strategies": 5}),
    # The joint strategy.
    ("Developing a comprehensive strategy for the cluster partnership", {"joint_strategies": 1}),
    ("the definition of a joint strategy and roadmap", {"joint_strategies": 1}),
    ("one common strategy for the partnership", {"joint_strategies": 1}),
    ("A partnership strategy with its roadmap", {"joint_strategies": 1}),
    ("Co-designing the joint partnership strategy with its roadmap", {"joint_strategies": 1}),
    ("Joint strategy and roadmap for the partnership.", {"joint_strategies": 1}),
    ("a shared internationalisation strategy", {"joint_strategies": 1}),
    # Events.
    ("two learning events and study-visits", {"learning_events": 2}),
    ("4 peer-learning workshops", {"learning_events": 4}),
    ("three mutual learning sessions", {"learning_events": 3}),
    ("2 study tours", {"study_visits": 2}),
    ("four study-visits to technology centres", {"study_visits": 4}),
    ("3 learning journeys", {"study_visits": 3}),
    ("3 interregional matchmaking events (C2C and B2B)", {"matchmaking_events": 3}),
    ("three B2B and C2C events", {"matchmaking_events": 3}),
    ("three B2B and C2C matchmaking events", {"matchmaking_events": 3}),
    ("2 international brokerage events", {"matchmaking_events": 2}),
    ("4 match-making sessions", {"matchmaking_events": 4}),
    # Capacity building and dissemination.
    ("6 training sessions for cluster managers", {"trainings": 6}),
    ("8 coaching sessions", {"trainings": 8}),
    ("twelve trainings", {"trainings": 12}),
    ("10 dissemination activities", {"dissemination": 10}),
    ("3 awareness-raising campaigns", {"dissemination": 3}),
]


@pytest.mark.parametrize(("sentence", "expected"), PHRASINGS)
def test_each_kind_in_many_phrasings(sentence, expected):
    assert _read(sentence) == expected
    assert find_commitments([sentence]) == []  # what is read is not listed again


NOT_TARGETS = [
    "EXTRATEX partnership is composed of 6 clusters across 5 different regions.",
    "The partnership lasts 24 months from 3 February 2020.",
    "AECIM has 190 members of which 170 SMEs.",
    "The call COS-CLUSTER-2018-03-02 funded 13 partnerships.",
    "The project builds on the 2019 ESCP-4x strategy.",
    "Study visits and learning events are open to all members.",
    "Cluster excellence is a goal of every partner.",
    "The label is valid for 2 years.",
    "The silver label was awarded in 2019 to CLUTEX.",
    "Hosts may receive up to 3 visitors at a time.",
    "The learning events gathered 120 participants.",
    "Each exchange lasts at least 3 working days.",
    "The 5 partner clusters have 750 SMEs.",
    "300 B2B meetings were held.",
    "Implementing the joint strategy is the partners' task.",
    "2 regional strategies for smart specialisation inspire the work.",
    "3 clusters organise learning events.",
    "The 6 partners will co-organise matchmaking events.",
    "5 SMEs attend study visits.",
    "4 partners run trainings.",
]


@pytest.mark.parametrize("sentence", NOT_TARGETS)
def test_sentences_that_are_not_targets(sentence):
    assert _read(sentence) == {}


COMMITMENTS = [
    ("The partnership will organise 12 webinars.", [("12 webinars", 12)]),
    ("At least 40 cluster managers will be trained.", [("40 cluster managers", 40)]),
    ("300 B2B meetings are the target.", [("300 B2B meetings", 300)]),
    ("6 ECEI labels", [("6 ECEI labels", 6)]),
    ("Publishing four newsletters a year", [("four newsletters", 4)]),
    ("two learning events and 4 info days", [("4 info days", 4)]),
]


@pytest.mark.parametrize(("sentence", "expected"), COMMITMENTS)
def test_commitments_that_match_no_kind_are_listed(sentence, expected):
    assert _commitments(sentence) == expected


NOT_COMMITMENTS = [
    "The consortium will gather 6 clusters from 5 countries.",
    "Exchanges will last at least 3 working days.",
    "The budget will be EUR 360,000 in total.",
    "The project will start in 2020.",
    "By 2025 the partnership will reach 20% more SMEs.",
    "One of the partners will host the kick-off.",
    "The Hi-Tech-TEX will be carried out several activities for a duration of 24 months.",
    "This set of goals will be achieved through the implementation of the following actions:",
    "Hi-Tech-TEX partnership brings together 4 EU countries and 1 Non-EU Participant in the "
    "COSME Programme and representing 6 regions.",
]


@pytest.mark.parametrize("sentence", NOT_COMMITMENTS)
def test_sentences_that_are_not_commitments(sentence):
    assert find_commitments([sentence]) == []
    assert _read(sentence) == {}


def test_extratex_proposals_are_unchanged_and_nothing_is_left_over():
    profile = parse_profile(SEED)
    assert {t.code: t.value for t in profile.targets} == {
        **VISITS,
        "labels_bronze": 3,
        "labels_silver": 3,
        "benchmarkings": 1,
        "cluster_strategies": 6,
        "joint_strategies": 1,
        "learning_events": 2,
        "matchmaking_events": 3,
    }
    assert profile.commitments == []


def test_hi_tech_tex_proposal_is_unchanged():
    """Hi-Tech-TEX's narrative (its seed's actions and objective): one joint strategy, read
    from the sentence its seed records, and nothing else."""
    import yaml

    from .test_import_profile import SEEDS

    seed = yaml.safe_load((SEEDS / "hi-tech-tex.yaml").read_text(encoding="utf-8"))
    sources = [*seed["actions"], seed["objectives"]]
    targets = find_targets(sources)
    assert [(t.code, t.value) for t in targets] == [("joint_strategies", 1)]
    assert seed["targets"][0]["source_text"] in targets[0].source_text
    assert find_commitments(sources) == []


# -- properties ------------------------------------------------------------------------------

_ONES = "one two three four five six seven eight nine".split()
_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def _words(n: int) -> str:
    if n < 10:
        return _ONES[n - 1]
    if n < 20:
        return _TEENS[n - 10]
    tens, ones = divmod(n, 10)
    return _TENS[tens - 2] + (f"-{_ONES[ones - 1]}" if ones else "")


TEMPLATES = [
    ("exchanges", "ClusterXchange: {n} mobilities across the partnership."),
    ("exchanges", "where {n} visits are planned"),
    ("labels_silver", "{n} clusters will obtain the ECEI silver label"),
    ("labels_bronze", "the Bronze Label for {n} partner clusters"),
    ("benchmarkings", "{n} benchmarking interviews"),
    ("cluster_strategies", "{n} individual cluster strategies and roadmaps"),
    ("learning_events", "{n} peer-learning events"),
    ("study_visits", "{n} study visits"),
    ("matchmaking_events", "{n} B2B matchmaking events"),
    ("trainings", "{n} training courses"),
    ("dissemination", "{n} dissemination events"),
]


@given(n=st.integers(1, 99))
def test_number_words_read_back(n):
    assert number_value(_words(n)) == n
    assert number_value(_words(n).replace("-", " ")) == n
    assert number_value(str(n)) == n


@given(
    template=st.sampled_from(TEMPLATES),
    n=st.integers(1, 99),
    as_words=st.booleans(),
    before=st.sampled_from(NOT_TARGETS),
)
def test_any_number_in_any_phrasing_is_read(template, n, as_words, before):
    code, text = template
    sentence = text.format(n=_words(n) if as_words else n)
    found = {t.code: t for t in find_targets([before, sentence])}
    assert found[code].value == n
    assert found[code].source_text == sentence
    assert find_commitments([sentence]) == []
