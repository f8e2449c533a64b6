"""Partner-matching quality on the real CORDIS export (data/cordis/), leave-one-project-out.

Each project is a real partner need: its title and objective are the query, its programme
(call family and funding scheme) are the query's terms, and the organisations that joined it
are the right answers. For the project held out, every organisation's profile is built only
from its OTHER projects (texts, programme terms, number of projects = activity prior,
co-participants = network partners) plus its name, country and activity type; the term
affinities are learned from the other projects only. All organisations are ranked; we report
Recall@10, Recall@50 and MRR averaged over projects.

Methods, all in the same run: random (mean of 5 seeds), most-active-first, BM25 alone (the
`bm25s` package on the same stemmed words), embeddings alone (with the semantic extra), and the
fused `PartnerIndex` (lexical install, and with embeddings when the extra is installed). The
fusion weights are chosen by leave-one-project-out cross-validation: for each held-out
project, the weight grid is scored on the 25 other projects (objective: mean MRR + R@10 +
R@50) and the best weights rank the held-out project; the reported figures are only those
held-out rankings.

    .venv/bin/python bench/matching_eval.py            # add --no-semantic to skip embeddings
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

#: L2 penalties tried for the learned weights; the one used for a held-out project is chosen
#: by an inner leave-one-project-out on its 25 training projects only
LAMBDAS = (0.001, 0.01, 0.1)

GRID = {
    "lexical": [1.0],
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


def normalised(signals, pool: np.ndarray) -> np.ndarray:
    """Signals x pool matrix of raw scores min-max normalised over the pool, as `fuse` does
    over the candidates that pass the filters."""
    n = len(pool)
    return np.vstack([_minmax(signals.raw.get(name, np.zeros(n)), pool)[pool] for name in SIGNALS])


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


def learn_weights_cv(matrices: list[np.ndarray], relevants: list[np.ndarray], seeds: list[int]):
    """`learn_weights` with its penalty chosen by leave-one-project-out over these projects
    (objective: mean MRR + Recall@10 + Recall@50 of the left-out ones); (weights, penalty)."""
    diffs = [pairs(m, r, s) for m, r, s in zip(matrices, relevants, seeds, strict=True)]
    best, best_lam = -1.0, LAMBDAS[0]
    for lam in LAMBDAS:
        total = 0.0
        for i in range(len(matrices)):
            w = learn_weights(diffs[:i] + diffs[i + 1 :], lam)
            fused = np.round(w @ matrices[i], 9)
            total += sum(metrics(np.argsort(-fused, kind="stable"), relevants[i]))
        if total > best + 1e-12:
            best, best_lam = total, lam
    return learn_weights(diffs, best_lam), best_lam


def run(folder: Path, use_semantic: bool, seeds: int = 5) -> dict:
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
        for name, (combos, emb) in variants.items():
            index = PartnerIndex(profiles, affinity=affinity, embedder=emb)
            signals = index.signals(query, every_signal=True)
            assert signals.ids == ids
            # our BM25 signal is bm25s's Lucene BM25 times (k1 + 1) (float32 there)
            assert np.allclose(signals.raw["lexical"], 2.2 * bm25_scores, rtol=1e-4, atol=1e-3)
            matrix = normalised(signals, pool)
            matrices[name].append(matrix)
            grid_scores[name].append(grid_metrics(matrix, combos, relevant))
            if emb is not None:
                sem = signals.raw["semantic"][pool]
                per_project[pid]["embeddings"] = metrics(np.argsort(-sem, kind="stable"), relevant)
    pids = sorted(projects)
    chosen: dict[str, list[list[float]]] = defaultdict(list)
    penalties: dict[str, list[float]] = defaultdict(list)
    for name, (combos, _emb) in variants.items():
        scores = np.stack(grid_scores[name])  # projects x combos x 3
        objective = scores.sum(axis=2)
        learned = name + ", learned (RankNet)"
        for i, pid in enumerate(pids):
            train = np.delete(objective, i, axis=0).mean(axis=0)
            best = int(np.argmax(train))  # first best: grid order prefers smaller weights
            per_project[pid][name + ", grid"] = tuple(scores[i, best])
            chosen[name + ", grid"].append(combos[best].tolist())
            others = [j for j in range(len(pids)) if j != i]
            w, lam = learn_weights_cv(
                [matrices[name][j] for j in others], [relevants[j] for j in others], others
            )
            penalties[name].append(lam)
            fused = np.round(w @ matrices[name][i], 9)
            per_project[pid][learned] = metrics(np.argsort(-fused, kind="stable"), relevants[i])
            chosen[learned].append(np.round(w, 3).tolist())
        overall, lam = learn_weights_cv(matrices[name], relevants, list(range(len(pids))))
        penalties[name + " on all projects"].append(lam)
        chosen[learned + " on all projects"] = [np.round(overall, 3).tolist()]
    methods = ["random", "most-active", "bm25"]
    methods += ["embeddings"] if use_semantic else []
    for name in variants:
        methods += [name + ", grid", name + ", learned (RankNet)"]
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
    args = parser.parse_args()
    use_semantic = embeddings.available() and not args.no_semantic
    result = run(args.data, use_semantic)
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
