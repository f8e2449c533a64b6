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


def normalised(signals, n) -> np.ndarray:
    """Signals x candidates matrix of normalised raw scores, as `fuse` does (no filters here)."""
    return np.vstack([_minmax(signals.raw.get(name, np.zeros(n)), None) for name in SIGNALS])


def grid_metrics(matrix: np.ndarray, combos: np.ndarray, relevant: np.ndarray) -> np.ndarray:
    """combos x 3 metrics for one project; ties broken by id as the index does."""
    fused = np.round(combos @ matrix, 9)
    orders = np.argsort(-fused, axis=1, kind="stable")
    return np.array([metrics(o, relevant) for o in orders])


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
    started = time.perf_counter()
    for pid in sorted(projects):
        project = projects[pid]
        relevant = np.array(sorted(slot[o] for o in project["members"]))
        profiles = profiles_without(orgs, projects, pid)
        affinity = affinity_without(orgs, projects, pid)
        query = Query(text=project["text"], terms=project["terms"])
        # baselines
        rng_scores = [
            metrics(np.random.default_rng(seed).permutation(n), relevant) for seed in range(seeds)
        ]
        per_project[pid]["random"] = tuple(np.mean(rng_scores, axis=0))
        activity = np.array([p.activity for p in profiles])
        per_project[pid]["most-active"] = metrics(np.argsort(-activity, kind="stable"), relevant)
        retriever = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
        retriever.index([stems(p.text) for p in profiles], show_progress=False)
        qwords = [w for w in sorted(set(stems(query.text))) if w in retriever.vocab_dict]
        bm25_scores = retriever.get_scores(qwords)
        per_project[pid]["bm25"] = metrics(np.argsort(-bm25_scores, kind="stable"), relevant)
        for name, (combos, emb) in variants.items():
            index = PartnerIndex(profiles, affinity=affinity, embedder=emb)
            signals = index.signals(query, every_signal=True)
            assert signals.ids == ids
            # our BM25 signal is bm25s's Lucene BM25 times (k1 + 1) (float32 there)
            assert np.allclose(signals.raw["lexical"], 2.2 * bm25_scores, rtol=1e-4, atol=1e-3)
            grid_scores[name].append(grid_metrics(normalised(signals, n), combos, relevant))
            if emb is not None:
                sem = signals.raw["semantic"]
                per_project[pid]["embeddings"] = metrics(np.argsort(-sem, kind="stable"), relevant)
    pids = sorted(projects)
    chosen: dict[str, list[list[float]]] = defaultdict(list)
    for name, (combos, _emb) in variants.items():
        scores = np.stack(grid_scores[name])  # projects x combos x 3
        objective = scores.sum(axis=2)
        for i, pid in enumerate(pids):
            train = np.delete(objective, i, axis=0).mean(axis=0)
            best = int(np.argmax(train))  # first best: grid order prefers smaller weights
            per_project[pid][name] = tuple(scores[i, best])
            chosen[name].append(combos[best].tolist())
        overall = int(np.argmax(objective.mean(axis=0)))
        chosen[name + " (all projects, for the defaults)"] = [combos[overall].tolist()]
    methods = ["random", "most-active", "bm25"]
    methods += ["embeddings"] if use_semantic else []
    methods += list(variants)
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
        "seconds": round(time.perf_counter() - started, 1),
        "results": table,
        "weights_columns": list(SIGNALS),
        "weights_chosen": {k: v for k, v in chosen.items()},
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
        f"\n{result['projects']} projects, {result['organisations']} organisations, "
        f"leave-one-project-out, {result['seconds']} s\n"
    )
    print("| method | Recall@10 | Recall@50 | MRR |\n|---|---:|---:|---:|")
    for method, m in result["results"].items():
        print(f"| {method} | {m['recall@10']:.3f} | {m['recall@50']:.3f} | {m['mrr']:.3f} |")
    for name, rows in result["weights_chosen"].items():
        counts = defaultdict(int)
        for row in rows:
            counts[tuple(row)] += 1
        common = sorted(counts.items(), key=lambda x: -x[1])[:3]
        print(f"\nweights {name} ({', '.join(SIGNALS)}): {common}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"matching-eval-{result['when'].replace(':', '')}.json"
    path.write_text(json.dumps(result, indent=1))
    print(f"\nwritten {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
