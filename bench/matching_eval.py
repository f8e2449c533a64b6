"""Partner-matching quality on the real CORDIS export (data/cordis/), leave-one-project-out.

Each project is a real partner need: its title and objective are the query, its programme
(call family and funding scheme) are the query's terms, and the organisations that joined it
are the right answers. For the project held out, every organisation's profile is built only
from its OTHER projects (texts, programme terms, number of projects = activity prior,
co-participants = network partners) plus its name, country and activity type; the term
affinities are learned from the other projects only. All organisations are ranked; we report
Recall@10, Recall@50 and MRR averaged over projects.

Methods, all in the same run: random (mean of 5 seeds), most-active-first, BM25 alone (the
`bm25s` package on the same stemmed words), passage BM25 alone (each organisation's name and
each of its other projects one passage: its best passage, and the sum over its passages),
embeddings alone (with the semantic extra), and the fused `PartnerIndex` (lexical install, and
with embeddings when the extra is installed). The fusion weights are chosen by
leave-one-project-out cross-validation, two ways: a grid scored on the 25 other projects
(objective: mean MRR + R@10 + R@50), and RankNet weights (`learn_weights`) whose penalty is
chosen by a leave-one-project-out inside those 25; the reported figures are only the held-out
rankings. `--compare-ranks` also fuses rank-scaled signals instead of min-max ones.

    .venv/bin/python bench/matching_eval.py            # add --no-semantic to skip embeddings
    .venv/bin/python bench/matching_eval.py --compare-ranks

Then it runs the Horizon Europe evaluation split by time (bench/matching_time_split.py, on
../shared/data/cordis-he), unless --no-time-split.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import bm25s
import numpy as np
from scipy.optimize import minimize

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clusterloom.matching import embeddings  # noqa: E402
from clusterloom.matching.complementarity import learn_affinities  # noqa: E402
from clusterloom.matching.index import (  # noqa: E402
    SIGNALS,
    PartnerIndex,
    Profile,
    Query,
    _minmax,
)
from clusterloom.matching.text import stems  # noqa: E402


def ranks(values: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """Rank scaling, the alternative to `fuse`'s min-max tried here (`--compare-ranks`): a
    positive score becomes its rank among the pool's positive scores divided by their number
    (the best 1, the weakest 1/n, equal scores share their mean rank); a score <= 0 stays 0."""
    pool = values if mask is None else values[mask]
    positive = np.sort(pool[pool > 0])
    if not len(positive):
        return np.zeros_like(values, dtype=np.float64)
    below = np.searchsorted(positive, values, side="left")
    up_to = np.searchsorted(positive, values, side="right")
    out = (below + up_to + 1) / (2.0 * len(positive))
    return np.where(values > 0, np.minimum(out, 1.0), 0.0)


#: L2 penalties tried for the learned weights; the one used for a held-out project is chosen
#: by an inner leave-one-project-out on its 25 training projects only
LAMBDAS = (0.001, 0.01, 0.1)

GRID = {
    "lexical": [1.0],
    # this export's profiles hold their other projects in their text: no separate passages
    "passages": [0.0],
    "best_passage": [0.0],
    "kind": [0.0],
    "terms": [0.0, 0.25, 0.5, 1.0],
    "complementarity": [0.0, 0.25, 0.5],
    "network": [0.0, 0.25, 0.5, 1.0, 2.0, 4.0],
    "prior": [0.0, 0.25, 0.5, 1.0, 2.0, 4.0],
    "semantic": [0.0, 0.5, 1.0, 2.0],
}


def load(folder: Path):
    """Organisations (id -> name, country, kind, projects) and projects (id -> text, terms)."""
    rows = json.loads((folder / "organization.json").read_text())
    projects = {}
    for p in json.loads((folder / "project.json").read_text()):
        topic = p["topics"].split(";")[0].upper().replace("SGA-", "").replace("SP1-JTI-", "")
        terms = (f"programme:{topic.split('-')[0].lower()}", f"scheme:{p['fundingScheme'].lower()}")
        projects[str(p["id"])] = {
            "text": f"{p['title']}\n{p['objective']}",
            "profile_text": f"{p['title']}. {p['objective']}",
            "terms": terms,
            "members": set(),
        }
    orgs = {}
    for r in rows:
        oid, pid = str(r["organisationID"]), str(r["projectID"])
        if pid not in projects:
            continue
        org = orgs.setdefault(
            oid,
            {
                "name": r["name"],
                "country": r["country"],
                "kind": r["activityType"].split(";")[0],
                "projects": set(),
            },
        )
        org["projects"].add(pid)
        projects[pid]["members"].add(oid)
    return orgs, projects


def profiles_without(orgs, projects, held_out: str) -> list[Profile]:
    """Every organisation as known without the held-out project."""
    out = []
    for oid in sorted(orgs):
        org = orgs[oid]
        others = sorted(org["projects"] - {held_out})
        partners = set().union(*(projects[p]["members"] for p in others)) - {oid} if others else ()
        out.append(
            Profile(
                id=oid,
                text=" ".join([org["name"], *(projects[p]["profile_text"] for p in others)]),
                terms=tuple(sorted({t for p in others for t in projects[p]["terms"]})),
                country=org["country"],
                kind=org["kind"],
                activity=float(len(others)),
                partners=tuple(sorted(partners)),
            )
        )
    return out


def affinity_without(orgs, projects, held_out: str):
    """Affinities learned from every other project: members' terms from their other projects."""
    groups = []
    for pid, project in projects.items():
        if pid == held_out:
            continue
        groups.append(
            [
                tuple(
                    {t for q in orgs[o]["projects"] - {held_out, pid} for t in projects[q]["terms"]}
                )
                for o in project["members"]
            ]
        )
    return learn_affinities(groups, min_support=2)


class CachedEmbedder:
    """The real embedder, remembering each text (profiles repeat across held-out projects)."""

    def __init__(self, inner):
        self.inner, self.cache = inner, {}

    def encode(self, texts):
        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if todo:
            self.cache.update(zip(todo, self.inner.encode(todo), strict=True))
        return np.vstack([self.cache[t] for t in texts]) if texts else np.zeros((0, 384))


def metrics(order: np.ndarray, relevant: np.ndarray) -> tuple[float, float, float]:
    """Recall@10, Recall@50 and reciprocal rank of the first right answer."""
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    ranks = position[relevant]
    return float((ranks < 10).mean()), float((ranks < 50).mean()), float(1.0 / (ranks.min() + 1))


def grid(with_semantic: bool) -> np.ndarray:
    """All weight combinations, one row per combination, columns in SIGNALS order."""
    axes = [GRID[s] if (s != "semantic" or with_semantic) else [0.0] for s in SIGNALS]
    return np.array(list(itertools.product(*axes)))


def normalised(signals, pool: np.ndarray, scale) -> np.ndarray:
    """Signals x pool matrix of raw scores scaled over the pool: `scale` is `_minmax`, what
    `fuse` does over the candidates that pass the filters, or `ranks`."""
    n = len(pool)
    return np.vstack([scale(signals.raw.get(name, np.zeros(n)), pool)[pool] for name in SIGNALS])


def passage_scores(orgs, projects, held_out: str, ids: list[str], query_text: str):
    """BM25 (bm25s, Lucene) of the query against each passage of each organisation (its name,
    each of its other projects' title and objective: one document each, not one concatenated
    text), then per organisation the best passage and the sum over its passages."""
    others = sorted(p for p in projects if p != held_out)
    corpus = [stems(orgs[o]["name"]) for o in ids] + [
        stems(projects[p]["profile_text"]) for p in others
    ]
    retriever = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
    retriever.index(corpus, show_progress=False)
    qwords = [w for w in sorted(set(stems(query_text))) if w in retriever.vocab_dict]
    scores = retriever.get_scores(qwords) if qwords else np.zeros(len(corpus))
    name_score, project_score = (
        scores[: len(ids)],
        dict(zip(others, scores[len(ids) :], strict=True)),
    )
    best, total = np.array(name_score, dtype=np.float64), np.array(name_score, dtype=np.float64)
    for i, o in enumerate(ids):
        for p in orgs[o]["projects"] - {held_out}:
            best[i] = max(best[i], project_score[p])
            total[i] += project_score[p]
    return best, total


def grid_metrics(matrix: np.ndarray, combos: np.ndarray, relevant: np.ndarray) -> np.ndarray:
    """combos x 3 metrics for one project; ties broken by id as the index does."""
    fused = np.round(combos @ matrix, 9)
    orders = np.argsort(-fused, axis=1, kind="stable")
    return np.array([metrics(o, relevant) for o in orders])


def pairs(matrix: np.ndarray, relevant: np.ndarray, seed: int) -> np.ndarray:
    """One project's training pairs: x_right - x_wrong for each right answer against up to 300
    wrong ones drawn at random (seeded); matrix is signals x candidates."""
    x = matrix.T
    wrong = np.setdiff1d(np.arange(len(x)), relevant)
    wrong = np.random.default_rng(seed).choice(wrong, size=min(len(wrong), 300), replace=False)
    return (x[relevant][:, None, :] - x[wrong][None, :, :]).reshape(-1, x.shape[1])


def learn_weights(projects_pairs: list[np.ndarray], lam: float) -> np.ndarray:
    """Fusion weights (one per signal, >= 0) learned with a pairwise logistic loss (RankNet):
    log(1 + exp(-(w . (x_right - x_wrong)))) averaged within each training project (so a big
    consortium does not outweigh a small one) then over projects, plus lam/2 |w|^2; minimised
    by L-BFGS-B with w >= 0. The x are the signals normalised as `fuse` does, so the learned
    w are `Weights` for the index's own weighted sum."""
    d = np.vstack(projects_pairs)
    pair_weight = np.concatenate([np.full(len(x), 1.0 / len(x)) for x in projects_pairs])
    pair_weight /= len(projects_pairs)

    def loss(w):
        z = d @ w
        value = (pair_weight * np.logaddexp(0.0, -z)).sum() + 0.5 * lam * (w @ w)
        grad = -(d.T @ (pair_weight / (1.0 + np.exp(z)))) + lam * w
        return value, grad

    k = d.shape[1]
    fit = minimize(loss, np.ones(k), jac=True, method="L-BFGS-B", bounds=[(0.0, None)] * k)
    return fit.x


class WeightLearner:
    """`learn_weights` over subsets of the projects, each fit remembered: the nested
    leave-one-project-out refits the same training sets (leaving out i then j, or j then i)."""

    def __init__(self, matrices: list[np.ndarray], relevants: list[np.ndarray]):
        self.matrices, self.relevants = matrices, relevants
        # seeded by the project's position, so a project's pairs are the same in every fit
        self.diffs = [
            pairs(m, r, s) for s, (m, r) in enumerate(zip(matrices, relevants, strict=True))
        ]
        self.fits: dict[tuple[tuple[int, ...], float], np.ndarray] = {}

    def fit(self, train: tuple[int, ...], lam: float) -> np.ndarray:
        key = (train, lam)
        if key not in self.fits:
            self.fits[key] = learn_weights([self.diffs[j] for j in train], lam)
        return self.fits[key]

    def fit_cv(self, train: tuple[int, ...]) -> tuple[np.ndarray, float]:
        """Weights learned on `train`, the penalty chosen by leave-one-project-out within
        `train` (objective: mean MRR + Recall@10 + Recall@50 of the left-out ones)."""
        best, best_lam = -1.0, LAMBDAS[0]
        for lam in LAMBDAS:
            total = 0.0
            for i in train:
                w = self.fit(tuple(j for j in train if j != i), lam)
                fused = np.round(w @ self.matrices[i], 9)
                total += sum(metrics(np.argsort(-fused, kind="stable"), self.relevants[i]))
            if total > best + 1e-12:
                best, best_lam = total, lam
        return self.fit(train, best_lam), best_lam


def run(folder: Path, use_semantic: bool, compare_ranks: bool = False, seeds: int = 5) -> dict:
    scales = {"min-max": _minmax} | ({"ranks": ranks} if compare_ranks else {})
    orgs, projects = load(folder)
    ids = sorted(orgs)
    n = len(ids)
    slot = {o: i for i, o in enumerate(ids)}
    embedder = CachedEmbedder(embeddings.SentenceTransformerEmbedder()) if use_semantic else None
    variants = {"fused": (grid(False), None)}
    if embedder:
        variants["fused+semantic"] = (grid(True), embedder)
    per_project: dict[str, dict[str, tuple]] = defaultdict(dict)
    grid_scores: dict[str, list[np.ndarray]] = defaultdict(list)
    matrices: dict[str, list[np.ndarray]] = defaultdict(list)
    relevants: list[np.ndarray] = []
    pool_sizes = []
    started = time.perf_counter()
    for pid in sorted(projects):
        project = projects[pid]
        profiles = profiles_without(orgs, projects, pid)
        # The pool: organisations known without the held-out project. One known ONLY through
        # it would have no project, text or partner at all, and in this export that alone
        # says "answer" (every organisation took part in some project): left out.
        pool = np.array([p.activity > 0 for p in profiles])
        members = np.zeros(n, dtype=bool)
        members[[slot[o] for o in project["members"]]] = True
        relevant = np.flatnonzero(members[pool])
        relevants.append(relevant)
        pool_sizes.append((int(pool.sum()), len(relevant), len(project["members"])))
        affinity = affinity_without(orgs, projects, pid)
        query = Query(text=project["text"], terms=project["terms"])
        m = int(pool.sum())
        # baselines
        rng_scores = [
            metrics(np.random.default_rng(seed).permutation(m), relevant) for seed in range(seeds)
        ]
        per_project[pid]["random"] = tuple(np.mean(rng_scores, axis=0))
        activity = np.array([p.activity for p in profiles])[pool]
        per_project[pid]["most-active"] = metrics(np.argsort(-activity, kind="stable"), relevant)
        retriever = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
        retriever.index([stems(p.text) for p in profiles], show_progress=False)
        qwords = [w for w in sorted(set(stems(query.text))) if w in retriever.vocab_dict]
        bm25_scores = retriever.get_scores(qwords)
        per_project[pid]["bm25"] = metrics(np.argsort(-bm25_scores[pool], kind="stable"), relevant)
        best, total = passage_scores(orgs, projects, pid, ids, query.text)
        per_project[pid]["passages, best"] = metrics(
            np.argsort(-best[pool], kind="stable"), relevant
        )
        per_project[pid]["passages, sum"] = metrics(
            np.argsort(-total[pool], kind="stable"), relevant
        )
        for name, (combos, emb) in variants.items():
            index = PartnerIndex(profiles, affinity=affinity, embedder=emb)
            signals = index.signals(query, every_signal=True)
            assert signals.ids == ids
            # our BM25 signal is bm25s's Lucene BM25 times (k1 + 1) (float32 there)
            assert np.allclose(signals.raw["lexical"], 2.2 * bm25_scores, rtol=1e-4, atol=1e-3)
            for scale_name, scale in scales.items():
                matrix = normalised(signals, pool, scale)
                matrices[f"{name}, {scale_name}"].append(matrix)
                grid_scores[f"{name}, {scale_name}"].append(grid_metrics(matrix, combos, relevant))
            if emb is not None:
                sem = signals.raw["semantic"][pool]
                per_project[pid]["embeddings"] = metrics(np.argsort(-sem, kind="stable"), relevant)
    pids = sorted(projects)
    everyone = tuple(range(len(pids)))
    chosen: dict[str, list[list[float]]] = defaultdict(list)
    penalties: dict[str, list[float]] = defaultdict(list)
    labels = [f"{v}, {s}" for v in variants for s in scales]
    for label in labels:
        combos = variants[label.split(",")[0]][0]
        scores = np.stack(grid_scores[label])  # projects x combos x 3
        objective = scores.sum(axis=2)
        learned = label + ", learned (RankNet)"
        learner = WeightLearner(matrices[label], relevants)
        for i, pid in enumerate(pids):
            train = np.delete(objective, i, axis=0).mean(axis=0)
            best_combo = int(np.argmax(train))  # first best: grid order prefers smaller weights
            per_project[pid][label + ", grid"] = tuple(scores[i, best_combo])
            chosen[label + ", grid"].append(combos[best_combo].tolist())
            w, lam = learner.fit_cv(tuple(j for j in everyone if j != i))
            penalties[label].append(lam)
            fused = np.round(w @ matrices[label][i], 9)
            per_project[pid][learned] = metrics(np.argsort(-fused, kind="stable"), relevants[i])
            chosen[learned].append(np.round(w, 3).tolist())
        overall, lam = learner.fit_cv(everyone)
        penalties[label + " on all projects"].append(lam)
        chosen[learned + " on all projects"] = [np.round(overall, 3).tolist()]
    methods = ["random", "most-active", "bm25", "passages, best", "passages, sum"]
    methods += ["embeddings"] if use_semantic else []
    for label in labels:
        methods += [label + ", grid", label + ", learned (RankNet)"]
    table = {
        m: dict(
            zip(
                ("recall@10", "recall@50", "mrr"),
                np.mean([per_project[p][m] for p in pids], axis=0).round(4).tolist(),
                strict=True,
            )
        )
        for m in methods
    }
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"python {platform.python_version()}",
        "projects": len(pids),
        "organisations": n,
        "pool_min_max": [min(s[0] for s in pool_sizes), max(s[0] for s in pool_sizes)],
        "answers_in_pool": sum(s[1] for s in pool_sizes),
        "answers_all": sum(s[2] for s in pool_sizes),
        "seconds": round(time.perf_counter() - started, 1),
        "results": table,
        "weights_columns": list(SIGNALS),
        "weights_chosen": {k: v for k, v in chosen.items()},
        "penalties_chosen": {k: v for k, v in penalties.items()},
        "per_project": {p: per_project[p] for p in pids},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "cordis")
    parser.add_argument("--no-semantic", action="store_true", help="skip the embedding methods")
    parser.add_argument(
        "--compare-ranks",
        action="store_true",
        help="also fuse rank-scaled signals instead of min-max ones (doubles the learning time)",
    )
    parser.add_argument(
        "--no-time-split",
        action="store_true",
        help="skip the Horizon Europe time-split evaluation (bench/matching_time_split.py)",
    )
    args = parser.parse_args()
    use_semantic = embeddings.available() and not args.no_semantic
    result = run(args.data, use_semantic, args.compare_ranks)
    print(
        f"\n{result['projects']} projects, {result['organisations']} organisations "
        f"(pool of {result['pool_min_max'][0]} to {result['pool_min_max'][1]} known without "
        f"the held-out project; {result['answers_in_pool']} of {result['answers_all']} answers "
        f"in it), leave-one-project-out, {result['seconds']} s\n"
    )
    print("| method | Recall@10 | Recall@50 | MRR |\n|---|---:|---:|---:|")
    for method, m in result["results"].items():
        print(f"| {method} | {m['recall@10']:.3f} | {m['recall@50']:.3f} | {m['mrr']:.3f} |")
    for name, rows in result["weights_chosen"].items():
        counts = defaultdict(int)
        for row in rows:
            counts[tuple(row)] += 1
        if "learned" in name and len(rows) > 1:
            mean = np.mean(rows, axis=0).round(2).tolist()
            spread = np.std(rows, axis=0).round(2).tolist()
            print(f"\nweights {name} ({', '.join(SIGNALS)}): mean {mean}, sd {spread}")
            continue
        common = sorted(counts.items(), key=lambda x: -x[1])[:3]
        print(f"\nweights {name} ({', '.join(SIGNALS)}): {common}")
    for name, lams in result["penalties_chosen"].items():
        print(f"penalty of the learned weights, {name}: {sorted(set(lams))} ({len(lams)} folds)")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"matching-eval-{result['when'].replace(':', '')}.json"
    path.write_text(json.dumps(result, indent=1))
    print(f"\nwritten {path.relative_to(ROOT)}")
    if not args.no_time_split:
        # the Horizon Europe evaluation, split by time (bench/matching_time_split.py)
        import matching_time_split

        print("\n" + "=" * 78)
        return matching_time_split.main(["--semantic"] if use_semantic else [])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
