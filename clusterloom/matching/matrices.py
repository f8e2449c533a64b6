"""Sparse matrices the partner index searches, assembled from tokenised profiles (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    from clusterloom.matching.index import Profile

K1 = 1.2
B = 0.75


@dataclass
class Doc:
    """What the index keeps of one profile (tokenised once, at upsert)."""

    profile: Profile
    tokens: dict[str, int]
    need: dict[str, int]
    offer: dict[str, int]
    length: int
    vectors: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # text, need, offer
    #: word counts of each passage (its past projects or activities), in `profile.passages` order
    passages: tuple[dict[str, int], ...] = ()
    #: unit vectors of the passages (with an embedder), one row each
    passage_vectors: np.ndarray | None = None


def counts(words: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for w in words:
        out[w] = out.get(w, 0) + 1
    return out


@dataclass
class Built:
    """Matrices assembled from the docs (rebuilt lazily after changes)."""

    ids: np.ndarray
    slot: dict[str, int]
    vocab: dict[str, int]
    bm25: sp.csc_matrix  # docs x words, BM25 weight of each word in each doc
    need: sp.csr_matrix  # docs x words, l2-normalised tf-idf of the requests (or text)
    offer: sp.csr_matrix  # same for the offers (or text)
    idf: np.ndarray
    term_vocab: dict[str, int]
    terms: sp.csr_matrix  # docs x terms, 0/1
    term_idf: np.ndarray
    terms_unit: sp.csr_matrix  # idf-weighted, l2-normalised rows
    adjacency: sp.csr_matrix  # docs x docs, symmetric 0/1
    degree: np.ndarray  # number of partners of each doc
    country: np.ndarray
    kind: np.ndarray
    prior: np.ndarray
    kind_prior: np.ndarray | None = None  # log(1 + mean activity of the doc's kind)
    passage_vocab: dict[str, int] | None = None
    passage_texts: list[str] | None = None
    #: passages x words, BM25 weight of each word in each distinct passage (idf over passages)
    passage_bm25: sp.csc_matrix | None = None
    passage_rows: sp.csr_matrix | None = None  # the same by rows (pseudo-relevance feedback)
    #: docs x passages, 1 where the doc holds the passage (a project shared by its participants
    #: is one passage with several owners)
    owners: sp.csr_matrix | None = None
    vectors: np.ndarray | None = None
    need_vectors: np.ndarray | None = None
    offer_vectors: np.ndarray | None = None
    passage_vectors: np.ndarray | None = None
    #: the docs assembled, by id (explanations and reciprocal suggestions read them, so a
    #: search served from an older assembly never meets a doc removed since)
    docs: Mapping[str, Doc] | None = None


def assemble(docs_by_id: Mapping[str, Doc], with_vectors: bool) -> Built:
    """Matrices of all docs, in id order (so float sums do not depend on insertion order)."""
    # Docs in id order and words/terms in sorted order: the matrices, and so every float
    # sum, are the same whatever order profiles were added or replaced in.
    docs = [docs_by_id[i] for i in sorted(docs_by_id)]
    n = len(docs)
    ids = np.array([d.profile.id for d in docs], dtype=object)
    slot = {d.profile.id: i for i, d in enumerate(docs)}
    vocab = {w: i for i, w in enumerate(sorted({w for d in docs for w in d.tokens}))}
    for d in docs:  # requests/offers words absent from every text still need a column
        for w in (*d.need, *d.offer):
            vocab.setdefault(w, len(vocab))
    v = len(vocab)

    def triples(key):
        rows, cols, vals = [], [], []
        for i, d in enumerate(docs):
            counts = getattr(d, key)
            rows.append(np.full(len(counts), i, dtype=np.int64))
            cols.append(np.fromiter((vocab[w] for w in counts), np.int64, len(counts)))
            vals.append(np.fromiter(counts.values(), np.float64, len(counts)))

        def cat(xs, t):
            return np.concatenate(xs) if xs else np.zeros(0, t)

        return cat(rows, np.int64), cat(cols, np.int64), cat(vals, np.float64)

    rows, cols, tf = triples("tokens")
    df = np.bincount(cols, minlength=v).astype(np.float64)
    idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
    lengths = np.array([d.length for d in docs], dtype=np.float64)
    avgdl = (sum(d.length for d in docs) / n) if n else 1.0
    norm = K1 * (1 - B + B * lengths[rows] / max(avgdl, 1e-9))
    weight = idf[cols] * tf * (K1 + 1) / (tf + norm)
    bm25 = sp.csc_matrix((weight, (rows, cols)), shape=(n, v))

    def tfidf(key):
        r, c, t = triples(key)
        m = sp.csr_matrix(((1 + np.log(t)) * idf[c], (r, c)), shape=(n, v))
        return l2_rows(m)

    term_vocab = {t: i for i, t in enumerate(sorted({t for d in docs for t in d.profile.terms}))}
    t_rows = [i for i, d in enumerate(docs) for t in set(d.profile.terms)]
    t_cols = [term_vocab[t] for d in docs for t in set(d.profile.terms)]
    terms = sp.csr_matrix((np.ones(len(t_rows)), (t_rows, t_cols)), shape=(n, len(term_vocab)))
    term_df = np.asarray(terms.sum(axis=0)).ravel()
    term_idf = np.log(1.0 + n / np.maximum(term_df, 1.0))
    terms_unit = l2_rows(terms @ sp.diags(term_idf))

    a_rows, a_cols = [], []
    for i, d in enumerate(docs):
        for partner in d.profile.partners:
            j = slot.get(partner)
            if j is not None and j != i:
                a_rows += [i, j]
                a_cols += [j, i]
    adjacency = sp.csr_matrix((np.ones(len(a_rows)), (a_rows, a_cols)), shape=(n, n))
    adjacency.data[:] = 1.0  # duplicates were summed

    built = Built(
        docs=dict(docs_by_id),
        ids=ids,
        slot=slot,
        vocab=vocab,
        bm25=bm25,
        need=tfidf("need"),
        offer=tfidf("offer"),
        idf=idf,
        term_vocab=term_vocab,
        terms=terms,
        term_idf=term_idf,
        terms_unit=terms_unit,
        adjacency=adjacency,
        degree=np.asarray(adjacency.sum(axis=1)).ravel(),
        country=np.array([d.profile.country.upper() for d in docs], dtype=object),
        kind=np.array([d.profile.kind for d in docs], dtype=object),
        prior=np.log1p(np.maximum([d.profile.activity for d in docs], 0.0)),
    )
    activity = np.maximum([d.profile.activity for d in docs], 0.0) if n else np.zeros(0)
    kinds, slots = np.unique(built.kind, return_inverse=True) if n else ([], np.zeros(0, int))
    per_kind = np.bincount(slots, weights=activity, minlength=len(kinds)) / np.maximum(
        np.bincount(slots, minlength=len(kinds)), 1
    )
    built.kind_prior = np.log1p(per_kind[slots]) if n else np.zeros(0)
    _assemble_passages(built, docs, with_vectors)
    if with_vectors and n:
        built.vectors = np.vstack([d.vectors[0] for d in docs]).astype(np.float32)
        built.need_vectors = np.vstack([d.vectors[1] for d in docs]).astype(np.float32)
        built.offer_vectors = np.vstack([d.vectors[2] for d in docs]).astype(np.float32)
    return built


def _assemble_passages(built: Built, docs: list[Doc], with_vectors: bool) -> None:
    """The passage matrices: each distinct passage text once, BM25-weighted over passages."""
    distinct: dict[str, int] = {}
    passage_counts: list[dict[str, int]] = []
    vectors: list[np.ndarray] = []
    o_rows, o_cols = [], []
    for i, d in enumerate(docs):
        for k, (text, tokens) in enumerate(zip(d.profile.passages, d.passages, strict=True)):
            j = distinct.get(text)
            if j is None:
                j = distinct[text] = len(passage_counts)
                passage_counts.append(tokens)
                if with_vectors and d.passage_vectors is not None:
                    vectors.append(d.passage_vectors[k])
            o_rows.append(i)
            o_cols.append(j)
    m = len(passage_counts)
    if not m:
        return
    vocab = {w: i for i, w in enumerate(sorted({w for c in passage_counts for w in c}))}
    rows = np.repeat(np.arange(m), [len(c) for c in passage_counts])
    cols = np.fromiter((vocab[w] for c in passage_counts for w in c), np.int64, len(rows))
    tf = np.fromiter((k for c in passage_counts for k in c.values()), np.float64, len(rows))
    df = np.bincount(cols, minlength=len(vocab)).astype(np.float64)
    idf = np.log(1.0 + (m - df + 0.5) / (df + 0.5))
    lengths = np.array([sum(c.values()) for c in passage_counts], dtype=np.float64)
    avgdl = max(float(lengths.mean()), 1e-9)
    weight = idf[cols] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * lengths[rows] / avgdl))
    built.passage_vocab = vocab
    built.passage_texts = list(distinct)
    built.passage_bm25 = sp.csc_matrix((weight, (rows, cols)), shape=(m, len(vocab)))
    built.passage_rows = built.passage_bm25.tocsr()
    built.owners = sp.csr_matrix((np.ones(len(o_rows)), (o_rows, o_cols)), shape=(len(docs), m))
    built.owners.data[:] = 1.0
    if with_vectors and len(vectors) == m:
        built.passage_vectors = np.vstack(vectors).astype(np.float32)


# -- searching -----------------------------------------------------------------------


def l2_rows(m: sp.spmatrix) -> sp.csr_matrix:
    m = sp.csr_matrix(m)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ m)
