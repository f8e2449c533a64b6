"""Short needs (titles) learned from more needs, all inside the learning period (issue 11).

The product's short weights are learned (`matching_time_split.py --write-weights`) on the 204
titles of the learning window alone: profiles from projects that started before LEARN_FROM,
needs from [LEARN_FROM, SPLIT). This bench pools far more title needs from the same period
(projects that started before SPLIT; nothing of the test window) and checks, per need and
paired, whether learning on them beats the product:

Sources of title needs (every one a title read as the product reads a short need):
  * rolling origins: for each month start from LEARN_FROM to SPLIT, profiles from the projects
    that started before it, needs the titles of those that started from it to SPLIT (204 +
    180 + 142 + 115 + 67 = 708 examples of 216 projects);
  * cross-fitted groups: the learning period's projects in FOLDS groups (by crc32 of the id);
    each group's titles ranked against profiles built from the other groups' projects (every
    project once: 561 examples, among them the 332 of January 2024 that no origin can use).

Learners: coordinate ascent (`learn_weights`, from 0.5 each) on the learning window's titles
(the product's procedure), on the pooled origins, on everything pooled; with `--lambdamart`
also LambdaMART (lightgbm, not a dependency of the project: `pip install lightgbm`) over the
normalised signals, the fit gate and the ungated activity, reranking the best RERANK of the
shipped short score.

Checks (paired per need; 95 % intervals from BOOTSTRAP resamples of the needs):
  * A: repeated 5-fold cross-validation over the learning window's titles: every learner is
    trained without the fold's projects (as needs) and measured on the fold; the difference is
    against the product's procedure on the same folds (each need's difference averaged over
    the repeats, then resampled);
  * B: the cross-fitted titles of the projects that started before LEARN_FROM, which the
    shipped weights never saw as needs; learners trained on the later needs only; the
    difference is against the shipped short weights (ranking.json).

    nice -n 19 .venv/bin/python bench/matching_more_needs.py [--repeats 3] [--lambdamart]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import zlib
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matching_time_split import (  # noqa: E402
    DATA,
    LEARN_FROM,
    SPLIT,
    load,
    metrics,
    needs_between,
    profiles_of,
)

from clusterloom.matching.index import SIGNALS, PartnerIndex, default_weights  # noqa: E402
from clusterloom.matching.learning import Example, examples, learn_weights  # noqa: E402

#: what the titles can teach (CORDIS records carry no taxonomy terms; lexical install)
FREE = ["lexical", "passages", "best_passage", "network", "prior", "kind"]
FOLDS = 8
BOOTSTRAP = 5000
RERANK = 300


def month_starts(start: str, end: str) -> list[str]:
    """The first days of the months from `start` (a first day) up to, not including, `end`."""
    year, month = int(start[:4]), int(start[5:7])
    out = []
    while f"{year:04d}-{month:02d}-01" < end:
        out.append(f"{year:04d}-{month:02d}-01")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def group_of(pid: str, folds: int = FOLDS) -> int:
    """A project's cross-fitting group: stable across runs and machines."""
    return zlib.crc32(pid.encode()) % folds


def pooled_examples(projects, members) -> list[tuple[str, Example]]:
    """(source, example) of every title need of the learning period (see the module doc)."""
    learning = [p for p in projects if projects[p]["startDate"] < SPLIT]
    out: list[tuple[str, Example]] = []
    for origin in month_starts(LEARN_FROM, SPLIT):
        index = PartnerIndex(
            profiles_of(
                projects, members, [p for p in learning if projects[p]["startDate"] < origin]
            )
        )
        needs = needs_between(projects, members, origin, SPLIT, "title")
        out += [(f"origin {origin}", ex) for ex in examples(index, needs)]
    for g in range(FOLDS):
        rest = [p for p in learning if group_of(p) != g]
        held = {p for p in learning if group_of(p) == g}
        index = PartnerIndex(profiles_of(projects, members, rest))
        needs = [n for n in needs_between(projects, members, "", SPLIT, "title") if n.id in held]
        out += [(f"cross-fitted {g}", ex) for ex in examples(index, needs)]
    return out


def per_need(data: list[Example], weights: np.ndarray) -> np.ndarray:
    """Recall@10 and reciprocal rank of each example (ties by position, as the time split)."""
    w = weights.astype(np.float32)
    rows = []
    for ex in data:
        r10, _, rr = metrics(np.round((w @ ex.matrix).astype(np.float64), 9), ex.relevant)
        rows.append((r10, rr))
    return np.array(rows).reshape(-1, 2)


def ascent(data: list[Example]) -> np.ndarray:
    """The product's learner: coordinate ascent from 0.5 each (no warm start: the shipped
    weights were learned on every learning-window title)."""
    weights, _ = learn_weights(data, default_weights(short=True), signals=FREE)
    return weights.as_array()


class LambdaMart:
    """LambdaMART (lightgbm) reranking the best RERANK candidates of the shipped short score."""

    rows = [SIGNALS.index(s) for s in FREE]

    def __init__(self, data: list[Example], rounds: int = 100, seed: int = 0):
        import lightgbm

        self.shipped = default_weights(short=True).as_array().astype(np.float32)
        features, labels, groups = [], [], []
        for ex in data:
            x, top, _ = self.features(ex)
            features.append(x)
            labels.append(np.isin(top, ex.relevant).astype(int))
            groups.append(len(top))
        params = {
            "objective": "lambdarank",
            "learning_rate": 0.05,
            "num_leaves": 7,
            "min_data_in_leaf": 100,
            "feature_fraction": 0.8,
            "bagging_fraction": 0.8,
            "bagging_freq": 1,
            "lambdarank_truncation_level": 20,
            "deterministic": True,
            "num_threads": 1,
            "seed": seed,
            "verbose": -1,
        }
        train = lightgbm.Dataset(np.vstack(features), np.concatenate(labels), group=groups)
        self.model = lightgbm.train(params, train, num_boost_round=rounds)

    def features(self, ex: Example) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        base = np.round((self.shipped @ ex.matrix).astype(np.float64), 9)
        top = np.argsort(-base, kind="stable")[:RERANK]
        f = ex.matrix[self.rows][:, top]
        lexical, passages, best, network, prior, kind = f
        gate = np.maximum(np.maximum(lexical, passages), best)
        safe = np.where(gate > 0, gate, 1.0)
        x = np.vstack(
            [*f, gate, prior / safe, kind / safe, base[top], np.arange(len(top)) / RERANK]
        ).T
        return x, top, base

    def per_need(self, data: list[Example]) -> np.ndarray:
        rows = []
        for ex in data:
            x, top, base = self.features(ex)
            scores = base - 1000.0
            scores[top] = self.model.predict(x)
            r10, _, rr = metrics(scores, ex.relevant)
            rows.append((r10, rr))
        return np.array(rows).reshape(-1, 2)


def interval(delta: np.ndarray, seed: int = 1) -> tuple[float, float, float]:
    """Mean of the per-need differences and its bootstrap 95 % interval."""
    rng = np.random.default_rng(seed)
    means = delta[rng.integers(0, len(delta), size=(BOOTSTRAP, len(delta)))].mean(axis=1)
    return float(delta.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def learners(lambdamart: bool) -> dict:
    """name -> (which pooled examples it learns from, how)."""
    out = {
        "ascent, pooled origins": (lambda s: s.startswith("origin"), ascent),
        "ascent, everything pooled": (lambda s: True, ascent),
    }
    if lambdamart:
        out["LambdaMART, everything pooled"] = (lambda s: True, LambdaMart)
    return out


def measure(model, data: list[Example]) -> np.ndarray:
    return model.per_need(data) if isinstance(model, LambdaMart) else per_need(data, model)


def run(folder: Path, repeats: int, lambdamart: bool) -> dict:
    started = time.perf_counter()
    projects, members = load(folder)
    pool = pooled_examples(projects, members)
    window = [ex for s, ex in pool if s == f"origin {LEARN_FROM}"]
    early = {p for p in projects if projects[p]["startDate"] < LEARN_FROM}
    chosen = learners(lambdamart)
    report: dict = {"examples": {}, "A": {}, "B": {}}
    for s, _ in pool:
        report["examples"][s] = report["examples"].get(s, 0) + 1

    # A: repeated 5-fold cross-validation over the learning window's titles
    diffs: dict[str, dict[str, list]] = {name: {} for name in chosen}
    means: dict[str, list] = {"product's procedure": [], **{name: [] for name in chosen}}
    for repeat in range(repeats):
        order = np.random.default_rng(repeat).permutation(len(window))
        for k in range(5):
            fold = {window[i].need for i in order[k::5]}
            test = [ex for ex in window if ex.need in fold]
            product = per_need(test, ascent([ex for ex in window if ex.need not in fold]))
            means["product's procedure"].append(product)
            for name, (source, learn) in chosen.items():
                model = learn([ex for s, ex in pool if source(s) and ex.need not in fold])
                mine = measure(model, test)
                means[name].append(mine)
                for ex, d in zip(test, mine - product, strict=True):
                    diffs[name].setdefault(ex.need, []).append(d)
        print(f"A: repeat {repeat + 1} of {repeats}, {time.perf_counter() - started:.0f} s")
    for name, rows in means.items():
        m = np.vstack(rows).mean(axis=0)
        entry = {"recall@10": round(m[0], 4), "mrr": round(m[1], 4)}
        if name in diffs:
            d = np.array([np.mean(v, axis=0) for v in diffs[name].values()])
            entry["gain recall@10"] = [round(x, 4) for x in interval(d[:, 0])]
            entry["gain mrr"] = [round(x, 4) for x in interval(d[:, 1])]
        report["A"][name] = entry

    # B: cross-fitted titles of the projects before LEARN_FROM, against the shipped weights
    held = [ex for s, ex in pool if s.startswith("cross-fitted") and ex.need in early]
    shipped = per_need(held, default_weights(short=True).as_array())
    m = shipped.mean(axis=0)
    report["B"]["shipped short weights"] = {"recall@10": round(m[0], 4), "mrr": round(m[1], 4)}
    for name, (source, learn) in chosen.items():
        model = learn([ex for s, ex in pool if source(s) and ex.need not in early])
        mine = measure(model, held)
        m, d = mine.mean(axis=0), mine - shipped
        report["B"][name] = {
            "recall@10": round(m[0], 4),
            "mrr": round(m[1], 4),
            "gain recall@10": [round(x, 4) for x in interval(d[:, 0])],
            "gain mrr": [round(x, 4) for x in interval(d[:, 1])],
        }
        if not isinstance(model, LambdaMart):
            report["B"][name]["weights"] = dict(
                zip(SIGNALS, np.round(model, 3).tolist(), strict=True)
            )
    report["needs"] = {"A": len(window), "B": len(held)}
    report["seconds"] = round(time.perf_counter() - started, 1)
    report["when"] = datetime.now(UTC).isoformat(timespec="seconds")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--repeats", type=int, default=3, help="repeats of the 5-fold CV (A)")
    parser.add_argument("--lambdamart", action="store_true", help="also LambdaMART (lightgbm)")
    args = parser.parse_args(argv)
    if not (args.data / "projects.csv").exists():
        print(f"skipped: {args.data} not found (the shared data sets are not in this clone)")
        return 0
    report = run(args.data, args.repeats, args.lambdamart)
    print(f"\nexamples by source: {report['examples']}")
    for check, title in (
        (
            "A",
            f"A: {report['needs']['A']} learning-window titles, 5-fold CV x {args.repeats}, "
            "gain against the product's procedure on the same folds",
        ),
        (
            "B",
            f"B: {report['needs']['B']} cross-fitted titles before {LEARN_FROM}, gain "
            "against the shipped short weights",
        ),
    ):
        print(
            f"\n{title}\n\n| learner | Recall@10 | MRR | gain Recall@10 (95 %) | gain MRR (95 %) |"
        )
        print("|---|---:|---:|---:|---:|")
        for name, e in report[check].items():
            gains = [
                f"{e[k][0]:+.4f} ({e[k][1]:+.4f} to {e[k][2]:+.4f})" if k in e else ""
                for k in ("gain recall@10", "gain mrr")
            ]
            print(f"| {name} | {e['recall@10']:.4f} | {e['mrr']:.4f} | {gains[0]} | {gains[1]} |")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"matching-more-needs-{report['when'].replace(':', '')}.json"
    path.write_text(json.dumps(report, indent=1))
    print(f"\n{report['seconds']} s; written {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
