"""Passages, the learned ranking and `learn-ranking`."""

import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterloom.matching.index import (
    LONG_NEED,
    SHIPPED_WEIGHTS,
    SHORT_NEED,
    SHORT_NEED_WORDS,
    SIGNALS,
    EmptyQuery,
    PartnerIndex,
    Profile,
    Query,
    Weights,
    default_weights,
    fuse,
    is_short,
    weights_read,
)
from clusterloom.matching.learning import Example, Need, examples, learn_weights, measure
from clusterloom.matching.text import stems

PROFILES = [
    Profile(
        "yarn",
        "Tessitura Pratese",
        country="IT",
        passages=(
            "LOOPTEX. Recycled polyester yarn for car seat covers from post-consumer bottles.",
            "Wool finishing for fashion.",
        ),
        activity=2,
    ),
    Profile("chips", "Radar chip maker", country="DE", activity=9),
    Profile("idle", "Tourism board", country="PT", activity=30),
]


def test_a_need_is_met_by_what_an_organisation_did_not_only_by_how_it_describes_itself():
    index = PartnerIndex(PROFILES)
    results = index.search(Query("recycled polyester yarn for car seat covers"))
    assert [m.id for m in results] == ["yarn"]  # activity alone is no match at all
    best = results[0].explanation
    assert best.components["passages"] > 0
    assert "polyester" in best.matched_words and "Recycled polyester yarn" in best.snippet


def test_activity_counts_only_as_far_as_an_organisation_fits():
    index = PartnerIndex(
        [
            Profile("fits", "Polyester yarn spinning", activity=1),
            Profile("hub", "Research on yarn and many other things", activity=500),
        ],
        weights=Weights(lexical=1.0, prior=10.0, network=0, kind=0),
    )
    found = index.signals(Query("polyester yarn spinning"))
    from clusterloom.matching.index import normalised

    scaled = normalised(found.raw, found.eligible)
    hub = found.ids.index("hub")
    # the hub's activity counts only in proportion to its (weaker) fit
    assert scaled["prior"][hub] == pytest.approx(scaled["lexical"][hub])
    assert index.search(Query("polyester yarn spinning"))[0].id == "fits"


def test_function_words_of_other_languages_never_match():
    assert stems("Asociación de Empresas del Metal de Madrid") == stems(
        "Asociación Empresas Metal Madrid"
    )
    index = PartnerIndex(
        [Profile("a", "Clúster de automoción"), Profile("b", "Istituto di ricerca")]
    )
    with pytest.raises(EmptyQuery):
        index.search(Query("de di del"))
    assert index.search(Query("de di del istituto"))[0].explanation.matched_words == ["istituto"]


def test_shipped_weights_are_learned_and_read_from_the_file():
    data = json.loads(SHIPPED_WEIGHTS.read_text())
    assert set(data["weights"]) <= set(SIGNALS) and "learned_from" in data
    assert default_weights() == weights_read(SHIPPED_WEIGHTS)
    assert default_weights().passages > 0  # the product ranks on passages


def test_the_semantic_extra_has_its_own_learned_weights():
    """With the extra installed the product ranks with the weights learned with embeddings
    (bench/matching_time_split.py --semantic --write-weights), not the lexical ones with a
    hand-set semantic share."""
    data = json.loads(SHIPPED_WEIGHTS.read_text())
    for short in (False, True):
        key = "weights_semantic" + ("_short" if short else "")
        assert set(data[key]) <= set(SIGNALS)
        assert default_weights(semantic=True, short=short) == weights_read(
            SHIPPED_WEIGHTS, semantic=True, short=short
        )
    assert default_weights(semantic=True).semantic > 0


class _WordEmbedder:
    """A stand-in for the semantic extra: each text's vector is its hashed words'."""

    def encode(self, texts):
        out = np.zeros((len(texts), 16), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in stems(text):
                out[i, sum(map(ord, word)) % 16] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)


def test_with_an_embedder_the_product_ranks_on_the_signals_its_weights_were_learned_on():
    """A semantic weight of 0 (the learned one of short needs) drops the signal from the sum,
    not from the candidate's fit: the activity gate and the network read it as learning did."""
    profiles = [
        *PROFILES,
        Profile("partner", "Yarn dyeing works", partners=("yarn",), activity=4, kind="PRC"),
    ]
    weights = Weights(lexical=0.25, passages=1, network=0.17, prior=0.17, kind=0.08, semantic=0)
    index = PartnerIndex(profiles, embedder=_WordEmbedder(), weights=weights, short_weights=weights)
    need = Need("n", "polyester yarn for seat covers", frozenset({"yarn"}))
    found = index.signals(Query(need.text))
    assert "semantic" in found.raw
    fused, _ = fuse(found.raw, found.eligible, weights)
    (learned_on,) = examples(index, [need])
    assert np.allclose(fused, weights.as_array() @ learned_on.matrix, atol=1e-6)


def test_short_needs_have_their_own_shipped_weights_and_passage_settings():
    data = json.loads(SHIPPED_WEIGHTS.read_text())
    assert set(data["weights_short"]) <= set(SIGNALS)
    assert default_weights(short=True) == weights_read(SHIPPED_WEIGHTS, short=True)
    assert default_weights(short=True) != default_weights()
    assert SHORT_NEED != LONG_NEED
    index = PartnerIndex(PROFILES)
    assert index.short_weights == default_weights(short=True)
    assert index.weights_for(Query("recycled polyester yarn")) is index.short_weights
    paragraph = " ".join(f"polyester{i} yarn{i}" for i in range(SHORT_NEED_WORDS))
    assert index.weights_for(Query(paragraph)) is index.weights


def test_a_short_need_is_ranked_with_the_short_needs_weights():
    """The same index ranks a title with one set of weights and a paragraph with the other."""
    index = PartnerIndex(
        PROFILES,
        weights=Weights(lexical=0, passages=1, terms=0, complementarity=0, network=0, prior=0),
        short_weights=Weights(lexical=1, terms=0, complementarity=0, network=0, prior=0),
    )
    short = index.search(Query("Tessitura Pratese polyester"))
    assert set(short[0].explanation.components) == {"lexical"}
    long_text = "Tessitura Pratese polyester yarn " + " ".join(
        f"word{i}" for i in range(SHORT_NEED_WORDS)
    )
    assert set(index.search(Query(long_text))[0].explanation.components) == {"passages"}
    # given only the long needs' weights, an index ranks every need with them
    assert PartnerIndex(PROFILES, weights=Weights()).short_weights == Weights()


def test_a_weights_file_without_short_needs_weights_ranks_them_with_the_long_ones(tmp_path):
    path = tmp_path / "ranking.json"
    path.write_text(json.dumps({"weights": {"lexical": 0.3, "prior": 1.0}}))
    assert weights_read(path, short=True) is None
    assert default_weights(path=path, short=True) == default_weights(path=path)
    assert default_weights(path=path, short=True).lexical == 0.3


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from(["yarn", "polyester", "chip", "radar", "wool", "the"]), max_size=40),
    st.lists(st.sampled_from(["yarn", "radar", "of"]), max_size=10),
)
def test_a_need_only_grows_longer_with_more_words(words, more):
    text = " ".join(words)
    if is_short(stems(f"{text} {' '.join(more)}")):
        assert is_short(stems(text))


def test_a_title_is_short_and_a_paragraph_is_not():
    words = [f"topic{i}" for i in range(SHORT_NEED_WORDS)]
    assert is_short(stems(" ".join(words)))
    assert is_short(stems("Recycled polyester yarn for the seat covers of cars"))
    assert not is_short(stems(" ".join([*words, "one", "more"])))


def test_a_weights_file_that_is_not_one_is_named(tmp_path):
    bad = tmp_path / "ranking.json"
    bad.write_text('{"weights": {"luck": 1}}')
    with pytest.raises(ValueError, match="ranking.json: not a ranking file: unknown signal 'luck'"):
        weights_read(bad)


def _synthetic(n_needs=12, n=40, seed=0):
    """Needs whose answers are exactly the candidates strong in signal 'passages'."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n_needs):
        m = rng.random((len(SIGNALS), n)).astype(np.float32)
        relevant = np.sort(rng.choice(n, size=3, replace=False))
        m[SIGNALS.index("passages"), relevant] += 2.0
        out.append(Example(str(i), m, relevant))
    return out


def test_learning_finds_the_signal_that_answers():
    data = _synthetic()
    start = Weights(passages=0.0)
    before = measure(data, np.array([getattr(start, s) for s in SIGNALS]))
    weights, fit = learn_weights(data, start, signals=SIGNALS)
    assert weights.passages == 1.0  # the largest learned weight
    assert fit.recall_10 == 1.0 and fit.mrr == 1.0 > before.mrr


def test_learning_again_from_the_weights_in_use_gives_them_back():
    data = _synthetic(seed=3)
    first, fit = learn_weights(data, Weights(), signals=SIGNALS)
    assert learn_weights(data, first, signals=SIGNALS, warm=True) == (first, fit)
    # weights in use that rank worse never hold learning back: it ends as high as from 0.5
    poor = Weights(**{s: float(s == "kind") for s in SIGNALS})
    assert measure(data, poor.as_array()).recall_10 < 0.5
    learned, better = learn_weights(data, poor, signals=SIGNALS, warm=True)
    assert learned.passages > 0 and better.recall_10 == better.mrr == fit.mrr == 1.0


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0, 5, allow_nan=False), min_size=len(SIGNALS), max_size=len(SIGNALS)))
def test_figures_are_rates(weights):
    f = measure(_synthetic(4, 25, 1), np.array(weights))
    assert 0 <= f.recall_10 <= f.recall_50 <= 1 and 0 < f.mrr <= 1 and f.needs == 4


def test_examples_skip_needs_nobody_answered_and_needs_without_words():
    index = PartnerIndex(PROFILES)
    data = examples(
        index,
        [
            Need("a", "polyester yarn", frozenset({"yarn"})),
            Need("b", "polyester yarn", frozenset({"unknown"})),
            Need("c", "the and of", frozenset({"yarn"})),
        ],
    )
    assert [e.need for e in data] == ["a"]


@pytest.mark.django_db
def test_learn_ranking_refuses_when_records_are_too_few(tmp_path):
    with pytest.raises(CommandError, match="Not enough records to learn from"):
        call_command("learn_ranking", "--out", str(tmp_path / "w.json"))
    assert not (tmp_path / "w.json").exists()


@pytest.mark.django_db
def test_learn_ranking_learns_from_the_platforms_projects_and_the_platform_uses_it(
    tmp_path, settings, capsys
):
    import datetime as dt

    from clusterloom.directory.tests.factories import OrganisationFactory, country
    from clusterloom.matching.models import CordisProject
    from clusterloom.matching.profiles import ranking_weights

    topics = ["polyester yarn recycling", "radar chips", "olive oil presses", "wind blades"]
    orgs = [
        OrganisationFactory(name=f"Org {i}", country=country("IT" if i % 2 else "DE"))
        for i in range(16)
    ]
    day = dt.date(2023, 1, 1)
    for k in range(90):
        topic = topics[k % 4]
        acronym = f"P{k:03d}"
        CordisProject.objects.create(
            acronym=acronym,
            title=f"{topic} project {k}",
            objective=f"Work on {topic} with partners.",
            start_date=day + dt.timedelta(days=7 * k),
        )
        for o in orgs[(k % 4) * 4 : (k % 4) * 4 + 3]:
            o.cordis_projects = [*o.cordis_projects, acronym]
    for o in orgs:
        o.save()
    out = tmp_path / "ranking.json"
    settings.MATCHING_RANKING_FILE = out
    call_command("learn_ranking")
    text = capsys.readouterr().out
    assert "Learned from" in text and str(out) in text
    data = json.loads(out.read_text())
    assert data["held_out_check"]["learned"]["recall@10"] > 0.9
    assert ranking_weights() == weights_read(out)
    # the titles (short needs) teach the short needs' own weights, which the platform uses
    assert data["weights_short"] is not None
    assert ranking_weights(short=True) == weights_read(out, short=True)
    # the semantic extra's weights (learned with embeddings, which this command does not
    # compute) are those in use, kept, not dropped
    shipped = json.loads(SHIPPED_WEIGHTS.read_text())
    assert data["weights_semantic"] == shipped["weights_semantic"] is not None
    assert data["weights_semantic_short"] == shipped["weights_semantic_short"] is not None


def _partnership_world():
    """40 partnerships on four topics, each of two organisations that work on its topic."""
    from clusterloom.directory.tests.factories import OrganisationFactory, country
    from clusterloom.partnerships.models import Partnership, PartnershipMember

    topics = ["polyester yarn recycling", "radar chips", "olive oil presses", "wind blades"]
    orgs = [
        OrganisationFactory(
            name=f"Org {i}",
            description=f"We work on {topics[i % 4]}.",
            country=country("IT" if i % 2 else "DE"),
        )
        for i in range(24)
    ]
    for k in range(40):
        topic = topics[k % 4]
        p = Partnership.objects.create(
            acronym=f"P{k}", slug=f"p{k}", title=f"{topic} alliance {k}", objectives=f"{topic}."
        )
        same = [o for i, o in enumerate(orgs) if i % 4 == k % 4]
        for order, o in enumerate(same[k % 3 : k % 3 + 2]):
            PartnershipMember.objects.create(partnership=p, organisation=o, order=order)


@pytest.mark.django_db
def test_learn_ranking_learns_from_partnership_compositions_without_cordis(
    tmp_path, settings, capsys
):
    """With no CORDIS record at all, the platform's partnerships (title and objectives,
    answered by their partners) are needs enough; a partnership never gives its own members
    away through the profiles (no co-membership partners, no partnership activity)."""
    from clusterloom.matching.ranking_services import _profiles, partnership_needs

    _partnership_world()
    needs = partnership_needs()
    assert len(needs) == 40 and all(len(n.need.answers) == 2 for n in needs)
    assert all(p.activity == 0 and not p.partners for p in _profiles(set()))
    out = tmp_path / "ranking.json"
    settings.MATCHING_RANKING_FILE = out
    call_command("learn_ranking")
    text = capsys.readouterr().out
    assert "Learned from" in text and "partnerships 40" in text
    data = json.loads(out.read_text())
    assert data["sources"] == {"partnership": 40}
    assert "partnership 40" in data["learned_from"]
    assert data["held_out_check"]["learned"]["recall@10"] > 0.9


@pytest.mark.django_db
def test_weights_that_do_worse_than_those_in_use_are_not_written(tmp_path, monkeypatch):
    """learn-ranking keeps the weights in use when what it learned ranks the latest needs
    worse; --force writes them anyway."""
    from clusterloom.matching import ranking_services

    _partnership_world()
    real = ranking_services.learn_weights

    def poor_trial(data, start, signals):
        weights, fit = real(data, start, signals=signals)
        return Weights(**{s: float(s == "kind") for s in SIGNALS}), fit  # ranks by kind alone

    monkeypatch.setattr(ranking_services, "learn_weights", poor_trial)
    out = tmp_path / "w.json"
    with pytest.raises(CommandError, match="do worse on the latest needs"):
        call_command("learn_ranking", "--out", str(out))
    assert not out.exists()
    call_command("learn_ranking", "--out", str(out), "--force")
    assert out.exists()
