"""Learning the ranking's weights from who actually worked together (pure: no Django).

A *need* is a real partner search whose answer is known: a project's title (and objective) and
the organisations that joined it, a partnership's description and its partners. The learner
ranks every candidate for every need with the index's own signals, normalised as `fuse` does,
and looks for the non-negative weights that put the real partners highest: coordinate ascent
(Metzler and Croft, 2007) directly on the measure we report, mean Recall@10 + MRR, because the
smooth pairwise and listwise losses tried first (RankNet, ListNet) optimised something else and
ranked worse than the naive sum on held-out needs (docs/PERFORMANCE.md). A change of one weight
is kept only when it raises the measure by at least `min_gain`, so the noise of a few needs
does not move the weights.

Validated by time: learn on needs that came before a date with profiles known before those
needs, report on needs that came later (bench/matching_eval.py); never on the figures reported.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .index import SIGNALS, EmptyQuery, PartnerIndex, Query, Weights, normalised

#: the values a weight may take relative to its current value, tried in this order
STEPS = (0.0, 0.25, 0.5, 0.75, 1.5, 2.0, 4.0)
#: absolute values tried for a weight that is zero
FROM_ZERO = (0.05, 0.1, 0.25, 0.5, 1.0)


@dataclass(frozen=True)
class Need:
    """A real partner need and the ids of those who answered it."""

    id: str
    text: str
    answers: frozenset[str]
    terms: tuple[str, ...] = ()


@dataclass
class Example:
    """One need as the learner sees it: normalised signals over the candidates and the
    positions of the right answers among them."""

    need: str
    matrix: np.ndarray  # signals (SIGNALS order) x candidates, float32
    relevant: np.ndarray  # candidate positions of the answers


@dataclass(frozen=True)
class Figures:
    """Mean Recall@10, Recall@50 and MRR over needs."""

    recall_10: float
    recall_50: float
    mrr: float
    needs: int

    def as_dict(self) -> dict[str, float]:
        """The figures, rounded, by name."""
        return {
            "recall@10": round(self.recall_10, 4),
            "recall@50": round(self.recall_50, 4),
            "mrr": round(self.mrr, 4),
            "needs": self.needs,
        }


def examples(
    index: PartnerIndex, needs: Iterable[Need], *, short: bool | None = None
) -> list[Example]:
    """The needs with at least one answer among the index's profiles, as learning examples
    (every signal computed, whatever the index's own weights; passages read as the need's form
    says unless `short` forces one, see `PartnerIndex.signals`)."""
    out = []
    for need in needs:
        try:
            query = Query(text=need.text, terms=need.terms)
            found = index.signals(query, every_signal=True, short=short)
        except EmptyQuery:
            continue
        slot = {pid: j for j, pid in enumerate(found.ids)}
        relevant = sorted(slot[a] for a in need.answers if a in slot)
        if not relevant:
            continue
        eligible = found.eligible
        scaled = normalised(found.raw, eligible)
        rows = [scaled.get(name, np.zeros(len(eligible))) for name in SIGNALS]
        out.append(Example(need.id, np.vstack(rows).astype(np.float32), np.array(relevant)))
    return out


def rank_of_first(scores: np.ndarray, relevant: np.ndarray) -> np.ndarray:
    """Each answer's rank (0 = first) among all candidates; ties count against the answer, as
    a stable sort by id would in the worst case."""
    mine = scores[relevant]
    return (scores[None, :] >= mine[:, None]).sum(axis=1) - 1


def measure(data: Sequence[Example], weights: np.ndarray) -> Figures:
    """Mean Recall@10, Recall@50 and MRR of `weights` (SIGNALS order) over `data`."""
    if not data:
        return Figures(0.0, 0.0, 0.0, 0)
    r10 = r50 = mrr = 0.0
    for ex in data:
        scores = np.round(weights.astype(np.float32) @ ex.matrix, 6)
        ranks = rank_of_first(scores, ex.relevant)
        r10 += float((ranks < 10).mean())
        r50 += float((ranks < 50).mean())
        mrr += 1.0 / (float(ranks.min()) + 1.0)
    n = len(data)
    return Figures(r10 / n, r50 / n, mrr / n, n)


def objective(f: Figures) -> float:
    """What learning maximises: Recall@10 + MRR."""
    return f.recall_10 + f.mrr


def _ascend(
    data: Sequence[Example], w: np.ndarray, free: list[int], rounds: int, min_gain: float
) -> tuple[np.ndarray, float]:
    """Coordinate ascent from `w` over the `free` weights: (weights, objective reached)."""
    best = objective(measure(data, w))
    for _ in range(rounds):
        improved = False
        for j in free:
            current = w[j]
            tries = [current * s for s in STEPS] if current > 0 else list(FROM_ZERO)
            for value in tries:
                if math.isclose(value, current):
                    continue
                trial = w.copy()
                trial[j] = value
                if not trial.any():
                    continue
                score = objective(measure(data, trial))
                if score > best + min_gain:
                    best, w, improved = score, trial, True
        if not improved:
            break
    return w, best


def learn_weights(
    data: Sequence[Example],
    start: Weights,
    *,
    signals: Iterable[str] = SIGNALS,
    rounds: int = 10,
    min_gain: float = 0.0005,
    warm: bool = False,
) -> tuple[Weights, Figures]:
    """Weights for `signals` by coordinate ascent on mean Recall@10 + MRR over `data`, from
    0.5 each; returns them scaled so the largest learned one is 1, with their figures on `data`
    (training figures: not for reporting). Signals the data cannot teach (not in `signals`:
    taxonomy terms where the records carry none) keep `start`'s ratio to the lexical weight.

    With `warm`, the ascent also starts from `start`'s own weights (those in use), and those
    stay unless the ascent from 0.5 each ends higher by more than `min_gain`: learning again
    on the same data gives the same weights, however many local optima the measure has."""
    free = [SIGNALS.index(s) for s in signals]
    fixed = start.as_array()
    w = fixed.copy()
    w[free] = 0.5
    w, best = _ascend(data, w, free, rounds, min_gain)
    if warm and fixed[free].any():
        kept, reached = _ascend(data, fixed.copy(), free, rounds, min_gain)
        if reached >= best - min_gain:
            w = kept
    top = w[free].max() if free else 0.0
    if top > 0:
        w = w / top
    lexical = SIGNALS.index("lexical")
    if lexical in free and fixed[lexical] > 0:
        for j in set(range(len(SIGNALS))) - set(free):
            w[j] = fixed[j] * w[lexical] / fixed[lexical]
    weights = Weights(**{s: round(float(v), 4) for s, v in zip(SIGNALS, w, strict=True)})
    return weights, measure(data, w)
