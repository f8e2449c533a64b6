"""The partner-ranking core: BM25, taxonomy overlap, complementarity, network, prior, embeddings.

Pure: imports nothing from Django and works on the dataclasses below; the services build
`Profile`s from the directory and keep one `PartnerIndex` up to date.

How a search is scored (one method, documented once):

* Each signal gives every candidate a raw score:
  ``lexical``  BM25 (Lucene variant, k1=1.2, b=0.75) of the query words in the candidate's own
               text (name, description, offers, seeks, place, term names), on stemmed words
               without stopwords;
  ``passages`` the candidate's past projects or activities, each its own passage (BM25 over
               passages): the passages are ranked for the query and the candidate gets the sum,
               over its passages among the best few (`PassageSettings`), of each one's score
               divided by the best passage's: who did the most work like this need;
  ``best_passage``  the BM25 score of the candidate's single best passage;
  ``terms``    share of the query's taxonomy terms the candidate carries, each weighted by its
               rarity (idf), so "ket:photonics" counts more than "sectoral:digital";
  ``complementarity``  noisy-or of the affinities between the query's terms and the candidate's
               *different* terms: 1 - prod(1 - affinity(q, c));
  ``network``  sum over the candidate's known partners (`Profile.partners`) of their text
               relevance (the better of lexical and passages, averaged with semantic): who
               worked with organisations that fit the need;
  ``prior``    log(1 + activity);
  ``kind``     log(1 + the mean activity of the candidate's kind): universities and research
               organisations take part in more projects than most companies, which a young
               profile's own activity does not show yet;
  ``semantic`` cosine of sentence embeddings (only with an `Embedder`): the best of the
               candidate's text and its passages.
* Each raw score is min-max normalised over the candidates that pass the filters, for this
  query, with the min taken as 0 for signals that are never negative (so each lies in [0, 1],
  no signal wins by its scale, and a weak but real match keeps a share).
* The fused score is the weighted sum of the normalised scores, with `Weights`; each term of
  that sum is reported in `Explanation.components`. The product's weights are *learned* from
  who actually worked together (`learning.py`, `clusterloom learn-ranking`) and shipped in
  `ranking.json` beside this module; `default_weights()` reads them. A short need (a title:
  `is_short`) has weights of its own and its passages read with `SHORT_NEED` (a wider
  feedback expansion): learned on titles, where who did similar work counts most.
* Ordering: fused score descending, then id ascending (scores are rounded to 1e-9 first so the
  order does not depend on the order profiles were added). Candidates with a fused score of 0
  (nothing at all in common) are left out unless `include_unmatched=True`.

Reciprocal suggestions (`reciprocal`) need a score that does not depend on which side asks, so
they use absolute similarities in [0, 1] instead of per-query normalisation: for profiles A and B,
``fit(A -> B)`` is the weighted mean (same `Weights`) of the tf-idf cosine between A's requests
and B's offers, the idf-weighted cosine of their terms, the complementarity of their terms and
(with an embedder) the clipped embedding cosine; an empty requests or offers text falls back to
the whole profile text. The pair's score is the geometric mean sqrt(fit(A -> B) * fit(B -> A)):
high only when each side fits the other's needs, and the same whichever side asks.

Changes (`upsert`, `remove`) are tokenised at once; the matrices are assembled again before the
next search. Up to `SYNC_ASSEMBLY` profiles that is done in the search that needs it (a
fraction of a second); above it, in a thread of its own, while searches keep using the last
assembly (a change shows a few seconds later: 6.6 s at 100,000 profiles, which a search
would otherwise wait for). `wait_assembled()` waits for it (tests, commands).
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from clusterloom.matching.embeddings import Embedder
from clusterloom.matching.matrices import Built, Doc, assemble, counts
from clusterloom.matching.text import snippet, stem_to_words, stems

SIGNALS = (
    "lexical",
    "passages",
    "best_passage",
    "terms",
    "complementarity",
    "network",
    "prior",
    "kind",
    "semantic",
)


@dataclass(frozen=True)
class PassageSettings:
    """How the ``passages`` signal reads a need of one form (see `_passage_scores` and
    `_passages`).

    ``neighbours`` best passages count in the signal, each only when its score reaches ``floor``
    times the best passage's; pseudo-relevance feedback adds the ``expansion_words`` heaviest
    words of the ``expansion_passages`` best passages, with a total weight of
    ``expansion_weight`` times the query's own."""

    neighbours: int
    floor: float
    expansion_passages: int
    expansion_words: int
    expansion_weight: float


#: a need of at most this many words (stems, without stopwords) is *short*: a title, what
#: people type (Horizon Europe titles have 1-21, a title with its objective 30 or more)
SHORT_NEED_WORDS = 25

#: passages for a long need (a paragraph: a project's title and objective)
LONG_NEED = PassageSettings(
    neighbours=50, floor=0.25, expansion_passages=10, expansion_words=20, expansion_weight=0.5
)
#: passages for a short need: its few words widened with the words of its 40 best passages
#: instead of 10 (chosen on the learning window's titles only, by cross-validation inside it:
#: docs/PERFORMANCE.md, bench/matching_time_split.py)
SHORT_NEED = PassageSettings(
    neighbours=50, floor=0.25, expansion_passages=40, expansion_words=20, expansion_weight=0.5
)


def is_short(words: list[str]) -> bool:
    """Whether a need of these words (`stems`) is short (see `SHORT_NEED_WORDS`)."""
    return len(words) <= SHORT_NEED_WORDS


#: the learned weights shipped with the product (written by `clusterloom learn-ranking`)
SHIPPED_WEIGHTS = Path(__file__).with_name("ranking.json")


@dataclass(frozen=True)
class Profile:
    """One candidate organisation (or person) as the ranking sees it."""

    id: str
    text: str
    terms: tuple[str, ...] = ()
    country: str = ""
    kind: str = ""
    offers: str = ""
    requests: str = ""
    activity: float = 0.0
    #: ids of profiles this one has worked with (co-members, co-participants): the network signal
    partners: tuple[str, ...] = ()
    #: texts of its past projects or activities (title and objective each): one passage each
    passages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Query:
    """A partner need: words, taxonomy terms and filters."""

    text: str
    terms: tuple[str, ...] = ()
    country: str = ""
    other_country_only: bool = False
    kinds: tuple[str, ...] = ()
    exclude_ids: frozenset[str] = frozenset()


@dataclass
class Explanation:
    """Why a candidate was suggested."""

    shared_terms: list[str]
    complementary: list[tuple[str, str, float]]
    matched_words: list[str]
    snippet: str
    components: dict[str, float]


@dataclass
class Match:
    """One ranked candidate with its fused score and explanation."""

    id: str
    score: float
    explanation: Explanation


@dataclass(frozen=True)
class Weights:
    """Weight of each normalised signal in the fused score.

    Product defaults: text first, then terms, complementary sectors and partners' fit, with a
    small pull towards active organisations. The CORDIS evaluation (docs/PERFORMANCE.md) picks
    its own weights by cross-validation; it favours the prior much more, because a few
    research hubs join most of its projects.
    """

    lexical: float = 1.0
    passages: float = 0.0
    best_passage: float = 0.0
    terms: float = 0.5
    complementarity: float = 0.3
    network: float = 0.25
    prior: float = 0.2
    kind: float = 0.0
    semantic: float = 1.0

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                raise ValueError(f"weight {f.name!r} must be a finite number >= 0, not {value!r}")

    def as_dict(self) -> dict[str, float]:
        """The weights by signal name."""
        return {k: float(v) for k, v in asdict(self).items()}

    def as_array(self) -> np.ndarray:
        """The weights in SIGNALS order (what multiplies a signals x candidates matrix)."""
        return np.array([getattr(self, s) for s in SIGNALS], dtype=np.float64)


def weights_read(path: Path, *, semantic: bool = False, short: bool = False) -> Weights | None:
    """Weights from a ranking file written by `learn-ranking` ({"weights": {signal: w},
    "weights_semantic": {...} or null, "weights_short": ..., "weights_semantic_short": ...}):
    the lexical install's, or with `semantic` those learned with embeddings, of long needs or
    with `short` of short ones (None if the file has none); ValueError naming the file when it
    is not a ranking file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        key = "weights" + ("_semantic" if semantic else "") + ("_short" if short else "")
        if short and key not in data:  # a file from before short needs had their own
            return None
        values = data[key]
        if values is None:
            return None
        unknown = set(values) - set(SIGNALS)
        if unknown:
            raise ValueError(f"unknown signal {sorted(unknown)[0]!r}")
        return Weights(**{k: float(v) for k, v in values.items()})
    except (OSError, KeyError, TypeError, json.JSONDecodeError, ValueError) as exc:
        raise ValueError(f"{path}: not a ranking file: {exc}") from None


def weights_file_in_use(path: Path | None) -> Path:
    """The ranking file the product reads: `path` (what `learn-ranking` wrote) when it exists,
    else the shipped `ranking.json`."""
    return Path(path) if path is not None and Path(path).exists() else SHIPPED_WEIGHTS


_default_weights: dict[tuple[Path, int, bool, bool], Weights | None] = {}


def default_weights(
    *, semantic: bool = False, path: Path | None = None, short: bool = False
) -> Weights:
    """The product's weights: learned from real collaboration, read from `path` (a file that
    `clusterloom learn-ranking` wrote) or else the shipped `ranking.json` (the hand-set
    `Weights()` if neither exists). With `semantic`, those learned with embeddings (or, when
    the file has none, the learned ones with the semantic signal at its hand-set ratio). With
    `short`, those of short needs (`is_short`), or the long needs' when the file has none."""
    path = weights_file_in_use(path)
    try:
        changed = path.stat().st_mtime_ns  # a file learned again is read again
    except OSError:
        changed = 0
    key = (path, changed, semantic, short)
    if key not in _default_weights:
        found = weights_read(path, semantic=semantic, short=short) if path.exists() else None
        if found is None and short:
            found = default_weights(semantic=semantic, path=path)
        if found is None and semantic:
            # no weights learned with embeddings: the learned ones, and semantic similarity
            # at its hand-set ratio to the lexical signal
            lexical = default_weights(path=path)
            found = Weights(
                **{**lexical.as_dict(), "semantic": lexical.lexical * Weights().semantic}
            )
        _default_weights[key] = found or Weights()
    return _default_weights[key]


@dataclass
class Signals:
    """Raw scores of one query: one array per signal over `ids` (the index's sorted ids)."""

    ids: list[str]
    eligible: np.ndarray  # bool: candidate passes the query's filters
    raw: dict[str, np.ndarray]
    #: each distinct passage's score for the query (None when no passage matches)
    passage_scores: np.ndarray | None = None


#: Signals that say how active an organisation is, not how it fits the need: they count only
#: in proportion to how well it fits (see `normalised`).
ACTIVITY_SIGNALS = ("prior", "kind")


def normalised(raw: Mapping[str, np.ndarray], eligible: np.ndarray) -> dict[str, np.ndarray]:
    """Each signal scaled to [0, 1] (min-max over the eligible candidates); the activity
    signals then multiplied by the candidate's fit (its best scaled fit signal), so activity
    orders the organisations that fit and never lifts one that does not ("Fraunhofer for
    every need")."""
    out = {name: _minmax(values, eligible) for name, values in raw.items()}
    # the gate is the candidate's own fit: its partners' fit (network) is relational, like
    # activity, and would let every member of a fitting partnership through
    fit = [v for name, v in out.items() if name not in (*ACTIVITY_SIGNALS, "network")]
    gate = np.max(fit, axis=0) if fit else np.zeros(len(eligible))
    for name in ACTIVITY_SIGNALS:
        if name in out:
            out[name] = out[name] * gate
    return out


def fuse(
    raw: Mapping[str, np.ndarray], eligible: np.ndarray, weights: Weights
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Fused score (weighted sum of the `normalised` signals) and each signal's weighted part
    of it."""
    parts: dict[str, np.ndarray] = {}
    fused = np.zeros(len(eligible))
    scaled = normalised(raw, eligible)
    for name in SIGNALS:
        weight = getattr(weights, name)
        if name in scaled and weight:
            parts[name] = weight * scaled[name]
            fused += parts[name]
    return np.round(fused, 9), parts


class EmptyQuery(ValueError):
    """A query with neither words nor terms to match."""


#: profiles up to which a change is assembled in the next search rather than in a thread
SYNC_ASSEMBLY = 10_000


class PartnerIndex:
    """Ranks profiles for a partner need; upsert/remove are incremental (see module doc)."""

    def __init__(
        self,
        profiles: Iterable[Profile] = (),
        *,
        affinity: Mapping[tuple[str, str], float] | None = None,
        weights: Weights | None = None,
        short_weights: Weights | None = None,
        embedder: Embedder | None = None,
    ):
        semantic = embedder is not None
        if weights is None:
            weights = default_weights(semantic=semantic)
            if short_weights is None:
                short_weights = default_weights(semantic=semantic, short=True)
        #: the weights of long needs, and of short ones (`is_short`; the same unless given)
        self.weights = weights
        self.short_weights = short_weights or weights
        self.embedder = embedder
        self._affinity: dict[str, dict[str, float]] = {}
        for (a, b), value in (affinity or {}).items():
            if a != b and value > 0:
                self._affinity.setdefault(a, {})[b] = min(float(value), 1.0)
                self._affinity.setdefault(b, {})[a] = min(float(value), 1.0)
        self._docs: dict[str, Doc] = {}
        self._built: Built | None = None
        self._stale: Built | None = None  # the last assembly, while the next one is made
        self._changes = 0  # counts upserts and removals, so an assembly knows if it is current
        self._assembling: threading.Thread | None = None
        self._lock = threading.Lock()
        self.upsert_many(profiles)

    # -- changes -------------------------------------------------------------------------
    def upsert(self, profile: Profile) -> None:
        """Add a profile or replace the one with the same id."""
        self.upsert_many([profile])

    def upsert_many(self, profiles: Iterable[Profile]) -> None:
        """Add or replace several profiles (embeddings are computed in one batch)."""
        docs = []
        seen: dict[str, dict[str, int]] = {}
        for p in profiles:
            words = stems(p.text)
            need = counts(stems(p.requests)) if p.requests.strip() else None
            offer = counts(stems(p.offers)) if p.offers.strip() else None
            tokens = counts(words)
            # a project is a passage of each of its participants: tokenised once per batch
            passages = tuple(
                seen[t] if t in seen else seen.setdefault(t, counts(stems(t))) for t in p.passages
            )
            docs.append(
                Doc(p, tokens, need or tokens, offer or tokens, len(words), passages=passages)
            )
        if self.embedder is not None and docs:
            texts = [d.profile.text for d in docs]
            extra = [d.profile.requests for d in docs if d.profile.requests.strip()]
            extra += [d.profile.offers for d in docs if d.profile.offers.strip()]
            extra += [t for d in docs for t in d.profile.passages]
            encoded = self.embedder.encode(texts + extra)
            main, rest = encoded[: len(docs)], iter(encoded[len(docs) :])
            needs = [next(rest) if d.profile.requests.strip() else None for d in docs]
            offers = [next(rest) if d.profile.offers.strip() else None for d in docs]
            for d, v, n, o in zip(docs, main, needs, offers, strict=True):
                d.vectors = (v, v if n is None else n, v if o is None else o)
            for d in docs:
                if d.profile.passages:
                    d.passage_vectors = np.vstack([next(rest) for _ in d.profile.passages])
        with self._lock:
            for d in docs:
                self._docs[d.profile.id] = d
            if docs:
                self._changed()

    def remove(self, profile_id: str) -> None:
        """Forget a profile (nothing happens if it is not there)."""
        with self._lock:
            if self._docs.pop(profile_id, None) is not None:
                self._changed()

    def _changed(self) -> None:
        """(Under the lock.) The assembly no longer matches the profiles."""
        self._changes += 1
        if self._built is not None:
            self._stale, self._built = self._built, None

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, profile_id: object) -> bool:
        return profile_id in self._docs

    def ids(self) -> list[str]:
        """The ids of the indexed profiles, sorted."""
        return sorted(self._docs)

    def get(self, profile_id: str) -> Profile | None:
        """The stored profile with this id, if any."""
        doc = self._docs.get(profile_id)
        return doc.profile if doc else None

    # -- assembly ------------------------------------------------------------------------
    def _ready(self, wait: bool = False) -> Built:
        """The current assembly; or, above SYNC_ASSEMBLY profiles and unless `wait`, the last
        one while the current is made in a thread."""
        built = self._built
        if built is not None:
            return built
        with self._lock:
            if self._built is not None:
                return self._built
            if self._stale is None or len(self._docs) <= SYNC_ASSEMBLY or wait:
                self._built, self._stale = assemble(self._docs, self.embedder is not None), None
                return self._built
            if self._assembling is None or not self._assembling.is_alive():
                docs, seen = dict(self._docs), self._changes
                self._assembling = threading.Thread(
                    target=self._assemble_apart, args=(docs, seen), daemon=True
                )
                self._assembling.start()
            return self._stale

    def _assemble_apart(self, docs: dict, seen: int) -> None:
        built = assemble(docs, self.embedder is not None)
        with self._lock:
            if self._changes == seen:
                self._built, self._stale = built, None
            else:  # changed meanwhile: serve this one until the next assembly
                self._stale = built

    def wait_assembled(self, timeout: float | None = None) -> None:
        """Wait until no assembly is under way in a thread (tests, commands, benchmarks)."""
        thread = self._assembling
        if thread is not None:
            thread.join(timeout)

    def _mask(self, b: Built, country, other_country_only, kinds, exclude_ids) -> np.ndarray:
        mask = np.ones(len(b.ids), dtype=bool)
        if other_country_only and country:
            # A candidate of unknown country cannot be shown to be abroad: left out.
            mask &= (b.country != country.upper()) & (b.country != "")
        if kinds:
            mask &= np.isin(b.kind, list(kinds))
        for pid in exclude_ids:
            j = b.slot.get(pid)
            if j is not None:
                mask[j] = False
        return mask

    def _complementarity(self, b: Built, terms: Iterable[str]) -> np.ndarray:
        """Noisy-or of affinities between `terms` and each candidate's other terms."""
        log_miss = np.zeros(len(b.term_vocab))
        for q in sorted(set(terms)):
            for other, value in self._affinity.get(q, {}).items():
                j = b.term_vocab.get(other)
                if j is not None:
                    log_miss[j] += math.log1p(-min(value, 0.999999))
        if not log_miss.any():
            return np.zeros(len(b.ids))
        return 1.0 - np.exp(b.terms @ log_miss)

    def _lexical(self, b: Built, words: Iterable[str]) -> np.ndarray:
        cols = [b.vocab[w] for w in sorted(set(words)) if w in b.vocab]
        if not cols:
            return np.zeros(len(b.ids))
        return np.asarray(b.bm25[:, cols].sum(axis=1)).ravel()

    def _passage_scores(
        self, b: Built, words: Iterable[str], how: PassageSettings
    ) -> np.ndarray | None:
        """BM25 of the query words in each distinct passage, the query first expanded with the
        words of its best passages (None when no passage matches).

        Expansion (pseudo-relevance feedback, after RM3): the `how.expansion_passages` best
        passages' BM25 word weights, each scaled by its score over the best one's, are summed;
        the `how.expansion_words` heaviest words not in the query join it with weights that add
        up to `how.expansion_weight` times the query's own. A title of eight words then also finds
        projects that said the same thing in other words."""
        if b.passage_bm25 is None:
            return None
        cols = [b.passage_vocab[w] for w in sorted(set(words)) if w in b.passage_vocab]
        if not cols:
            return None
        scores = np.asarray(b.passage_bm25[:, cols].sum(axis=1)).ravel()
        if not how.expansion_weight or scores.max() <= 0:
            return scores
        k = min(how.expansion_passages, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[scores[top] > 0]
        feedback = np.asarray(
            (sp.diags(scores[top] / scores[top].max()) @ b.passage_rows[top]).sum(axis=0)
        ).ravel()
        feedback[cols] = 0.0
        k = min(how.expansion_words, int((feedback > 0).sum()))
        if not k:
            return scores
        extra = np.argpartition(-feedback, k - 1)[:k]
        weights = feedback[extra] / feedback[extra].sum() * how.expansion_weight * len(cols)
        return scores + np.asarray(b.passage_bm25[:, extra] @ weights).ravel()

    def _passages(
        self, b: Built, scores: np.ndarray, how: PassageSettings
    ) -> tuple[np.ndarray, np.ndarray]:
        """(sum over each doc's passages among the best `how.neighbours` of score / best
        score, each doc's best passage score)."""
        k = min(how.neighbours, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        best = float(scores[top].max())
        near = np.zeros(len(scores))
        if best > 0:
            share = np.maximum(scores[top], 0.0) / best
            # only passages near the best count: in a small index the 50 best are all that
            # match at all, and many weak matches of one common word ("car") must not add up
            near[top] = np.where(share >= how.floor, share, 0.0)
        summed = b.owners @ near
        return summed, best_per_owner(b.owners, scores)

    def weights_for(self, query: Query) -> Weights:
        """The weights `search` fuses `query`'s signals with: the short needs' own when the
        need is short (`is_short`), else the index's `weights`."""
        return self.short_weights if is_short(stems(query.text)) else self.weights

    def signals(
        self, query: Query, *, every_signal: bool = False, short: bool | None = None
    ) -> Signals:
        """Raw per-candidate scores of each signal for `query` (zero-weight ones skipped unless
        `every_signal`), with the filter mask: what `search` fuses, exposed for tuning. A short
        need's passages are read with `SHORT_NEED`, a long one's with `LONG_NEED`; `short`
        overrides which (learning the long needs' weights on titles as well)."""
        words = stems(query.text)
        if not words and not query.terms:
            raise EmptyQuery("the query has no words to match and no terms")
        if short is None:
            short = is_short(words)
        b = self._ready()
        mask = self._mask(
            b, query.country, query.other_country_only, query.kinds, query.exclude_ids
        )
        raw: dict[str, np.ndarray] = {}
        if every_signal:
            w = Weights(**dict.fromkeys(SIGNALS, 1.0))
        else:
            w = self.short_weights if short else self.weights
        how = SHORT_NEED if short else LONG_NEED
        raw["lexical"] = self._lexical(b, words)
        scores = None
        if w.passages or w.best_passage or w.network:
            scores = self._passage_scores(b, words, how)
            if scores is not None:
                raw["passages"], raw["best_passage"] = self._passages(b, scores, how)
        qterms = [b.term_vocab[t] for t in sorted(set(query.terms)) if t in b.term_vocab]
        if w.terms and qterms:
            weights = np.zeros(len(b.term_vocab))
            weights[qterms] = b.term_idf[qterms]
            raw["terms"] = b.terms @ weights
        if w.complementarity and query.terms:
            raw["complementarity"] = self._complementarity(b, query.terms)
        # with an embedder the semantic signal is read whatever its weight: it is part of the
        # candidate's fit (the activity gate, `normalised`) and of its partners' (network),
        # as the weights were learned (`learning.examples` reads every signal); a learned
        # weight of 0 (short needs) drops it from the sum only
        if b.vectors is not None and query.text.strip():
            qv = self.embedder.encode([query.text])[0]
            raw["semantic"] = b.vectors @ qv
            if b.passage_vectors is not None:
                best = best_per_owner(b.owners, b.passage_vectors @ qv)
                raw["semantic"] = np.maximum(raw["semantic"], best)
        if w.network and b.adjacency.nnz:
            base = _minmax(raw["lexical"], None)
            if "passages" in raw:
                base = np.maximum(base, _minmax(raw["passages"], None))
            if "semantic" in raw:
                base = (base + _minmax(raw["semantic"], None)) / 2
            raw["network"] = (b.adjacency @ base) / np.sqrt(np.maximum(b.degree, 1.0))
        if w.prior:
            raw["prior"] = b.prior
        if w.kind:
            raw["kind"] = b.kind_prior
        return Signals(ids=list(b.ids), eligible=mask, raw=raw, passage_scores=scores)

    def search(self, query: Query, k: int = 20, *, include_unmatched: bool = False) -> list[Match]:
        """The `k` best candidates for `query`, best first, each with its explanation."""
        found = self.signals(query)
        if k <= 0 or not found.ids:
            return []
        fused, parts = fuse(found.raw, found.eligible, self.weights_for(query))
        b = self._ready()
        explain = self._explain_search(b, query, found.passage_scores)
        return self._top(b, fused, found.eligible, k, include_unmatched, parts, explain)

    def _top(self, b, fused, mask, k, include_unmatched, parts, explain) -> list[Match]:
        fused = np.round(fused, 9)  # order independent of summation noise (see module doc)
        keep = mask if include_unmatched else mask & (fused > 0)
        candidates = np.flatnonzero(keep)
        if len(candidates) > k:
            kth = np.partition(fused[candidates], len(candidates) - k)[len(candidates) - k]
            candidates = candidates[fused[candidates] >= kth]
        order = sorted(candidates.tolist(), key=lambda j: (-fused[j], b.ids[j]))[:k]
        return [
            Match(
                id=b.ids[j],
                score=float(fused[j]),
                explanation=explain(j, {n: round(float(p[j]), 6) for n, p in parts.items()}),
            )
            for j in order
        ]

    def _explain_search(self, b: Built, query: Query, scores: np.ndarray | None):
        """The explanation maker of a search; `scores` are the passages' scores for the query
        (from `signals`), so they are not computed twice."""
        qwords = stem_to_words(query.text)

        def explain(j: int, components: dict[str, float]) -> Explanation:
            doc = b.docs[b.ids[j]]
            words = dict(doc.tokens)
            for tokens in doc.passages:
                words.update(tokens)
            passage = None
            if scores is not None and b.owners is not None:
                mine = b.owners.indices[b.owners.indptr[j] : b.owners.indptr[j + 1]]
                if len(mine):
                    best = int(mine[np.argmax(scores[mine])])
                    text_hits = sum(1 for s in qwords if s in doc.tokens)
                    if scores[best] > 0 and text_hits < 2:
                        # the need is met by what it did, not by how it describes itself
                        passage = b.passage_texts[best]
            return self._explanation(
                b, doc, query.terms, qwords, words, components, snippet_text=passage
            )

        return explain

    def _explanation(
        self, b, doc, qterms, qwords, cand_words, components, *, snippet_text=None
    ) -> Explanation:
        p = doc.profile

        def rarity(t):
            return (-b.term_idf[b.term_vocab[t]], t) if t in b.term_vocab else (0.0, t)

        shared = sorted(set(qterms) & set(p.terms), key=rarity)
        pairs = sorted(
            {
                (q, c, round(self._affinity[q][c], 4))
                for q in set(qterms)
                for c in set(p.terms)
                if q != c and c in self._affinity.get(q, {})
            },
            key=lambda x: (-x[2], x[0], x[1]),
        )[:8]
        hit = [s for s in qwords if s in cand_words]
        hit.sort(key=lambda s: (-b.idf[b.vocab[s]] if s in b.vocab else 0.0, s))
        return Explanation(
            shared_terms=shared,
            complementary=pairs,
            matched_words=[qwords[s] for s in hit[:12]],
            snippet=snippet(p.text if snippet_text is None else snippet_text, set(hit)),
            components=components,
        )

    # -- reciprocal ----------------------------------------------------------------------
    def reciprocal(
        self,
        profile_id: str,
        k: int = 20,
        *,
        other_country_only: bool = False,
        kinds: Iterable[str] = (),
        exclude_ids: Iterable[str] = frozenset(),
    ) -> list[Match]:
        """Profiles that fit `profile_id`'s requests AND whose requests it fits, best first."""
        if profile_id not in self._docs:
            raise KeyError(f"no profile with id {profile_id!r} in the index")
        if k <= 0:
            return []
        b = self._ready()
        if profile_id not in b.slot:  # added since the assembly being served
            b = self._ready(wait=True)
        i = b.slot[profile_id]
        me = b.docs[profile_id]
        mask = self._mask(
            b, me.profile.country, other_country_only, tuple(kinds), {*exclude_ids, profile_id}
        )
        forward = self._fit(b, b.need[i], b.offer, i, "need_vectors", "offer_vectors")
        backward = self._fit(b, b.offer[i], b.need, i, "offer_vectors", "need_vectors")
        score = np.sqrt(np.maximum(forward * backward, 0.0))
        parts = {
            "their_offers_fit_your_requests": forward,
            "your_offers_fit_their_requests": backward,
        }

        def explain(j: int, components: dict[str, float]) -> Explanation:
            other = b.docs[b.ids[j]]
            mine = set(me.need) & set(other.offer)
            theirs = set(other.need) & set(me.offer)
            words = {
                **stem_to_words(me.profile.text),
                **stem_to_words(me.profile.requests),
                **stem_to_words(other.profile.text),
                **stem_to_words(other.profile.requests),
            }
            e = self._explanation(b, other, me.profile.terms, {}, {}, components)
            hit = sorted(mine | theirs, key=lambda s: (-b.idf[b.vocab[s]], s))
            e.matched_words = [words.get(s, s) for s in hit[:12]]
            e.snippet = snippet(other.profile.offers or other.profile.text, mine or set(hit))
            return e

        return self._top(b, score, mask, k, False, parts, explain)

    def _fit(self, b, mine, theirs, i, my_vectors, their_vectors) -> np.ndarray:
        """fit(A -> every B) in [0, 1]: see the module docstring."""
        w = self.weights
        total = np.zeros(len(b.ids))
        weight_sum = 0.0
        if w.lexical:
            total += w.lexical * np.asarray((theirs @ mine.T).todense()).ravel()
            weight_sum += w.lexical
        if w.terms and b.terms_unit.shape[1]:
            total += w.terms * np.asarray((b.terms_unit @ b.terms_unit[i].T).todense()).ravel()
            weight_sum += w.terms
        if w.complementarity and self._affinity:
            total += w.complementarity * self._complementarity(b, b.docs[b.ids[i]].profile.terms)
            weight_sum += w.complementarity
        if w.semantic and b.vectors is not None:
            sims = getattr(b, their_vectors) @ getattr(b, my_vectors)[i]
            total += w.semantic * np.clip(sims, 0.0, 1.0)
            weight_sum += w.semantic
        return np.clip(total / weight_sum, 0.0, 1.0) if weight_sum else total


def best_per_owner(owners: sp.csr_matrix, values: np.ndarray) -> np.ndarray:
    """Each row's largest of `values` over its columns (a profile's best passage), never
    below 0 (0 for a profile without passages). One `maximum.reduceat` over the rows' runs
    of the CSR matrix: at 100,000 profiles half the processor time of
    `owners.multiply(...).max(axis=1)`, which built a whole sparse product for it
    (docs/PERFORMANCE.md)."""
    out = np.zeros(owners.shape[0])
    if owners.nnz:
        starts = owners.indptr[:-1]
        filled = np.diff(owners.indptr) > 0
        # the runs of empty rows have length 0, so the filled rows' starts delimit the rest
        best = np.maximum.reduceat(
            np.asarray(values, dtype=np.float64)[owners.indices], starts[filled]
        )
        out[filled] = np.maximum(best, 0.0)
    return out


def _minmax(values: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """`values` scaled to [0, 1] over `mask` (all when None): (v - lo) / (hi - lo) with hi the
    max and lo the min, or 0 when no value is negative, so a weak but real match keeps a share
    and a single matching candidate scores 1; a signal that is 0 everywhere stays 0."""
    pool = values if mask is None else values[mask]
    if not len(pool):
        return np.zeros_like(values, dtype=np.float64)
    lo, hi = min(0.0, float(pool.min())), float(pool.max())
    if hi - lo <= 1e-12:
        return np.zeros_like(values, dtype=np.float64)
    return np.clip((values - lo) / (hi - lo), 0.0, 1.0)
