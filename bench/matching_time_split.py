"""Partner-matching quality on Horizon Europe projects (../shared/data/cordis-he), split by time.

Each project is a real partner need: its title (and objective) is what someone would type, and
the organisations that joined it are the right answers. Profiles are built only from projects
that started *before* the needs did: an organisation's name, country, city and activity type,
each earlier project as a passage (title and objective), its number of earlier projects
(activity) and its earlier co-participants (network). Candidates are the organisations known
before the split; a need's answers are its participants among them.

Two windows, so nothing reported was learned on:
  * learning: profiles from projects that started before LEARN_FROM, needs from projects that
    started in [LEARN_FROM, SPLIT);
  * test: profiles from projects that started before SPLIT, needs from projects that started
    on or after SPLIT (what is reported).
Needs come in two forms: title + objective, and the title alone (5-15 words: what people type).
The product ranks a short need (`is_short`: a title) with its own passage settings
(`SHORT_NEED`) and weights. The long needs' weights are learned on both forms of the learning
needs at once, both read as long needs; the short needs' weights on the learning titles alone,
read as the product reads a short need. Each set is learned from 0.5 each and from the
shipped set (`learn_weights(..., warm=True)`): the shipped weights stay unless the learning
window teaches better ones, so `--write-weights` run again writes the same weights.

With `--semantic` the same is done again with the MiniLM extra (its own weights, written as
`weights_semantic` and `weights_semantic_short`); the vectors of every text of both windows
are kept in bench/results/ between runs (encoding them takes minutes on 2 shared cores).

Methods in the same run: random (mean of 5 seeds), BM25 alone (`bm25s` on each organisation's
whole profile), most-active-first, the naive sum (min-max BM25 + 0.5 x min-max log(1 +
activity)), the product's ranker with the shipped weights (clusterloom/matching/ranking.json),
and the ranker with weights learned in this run on the learning window (the same as the
shipped ones when ranking.json was written by `--write-weights` from this data).

    .venv/bin/python bench/matching_time_split.py [--semantic] [--write-weights]
    .venv/bin/python bench/matching_time_split.py --semantic --write-weights   # ranking.json
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import bm25s
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matching_eval import CachedEmbedder  # noqa: E402  (the same cache as the 26-project run)

from clusterloom.matching import embeddings  # noqa: E402
from clusterloom.matching.index import (  # noqa: E402
    SHIPPED_WEIGHTS,
    SIGNALS,
    PartnerIndex,
    Profile,
    Weights,
    default_weights,
    is_short,
)
from clusterloom.matching.learning import Need, examples, learn_weights  # noqa: E402
from clusterloom.matching.text import stems  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "cordis-he"
LEARN_FROM = "2024-02-01"
SPLIT = "2024-07-01"
FORMS = ("title + objective", "title")


def load(folder: Path):
    """Projects (id -> fields) and participations (project id -> [participant rows])."""
    with (folder / "projects.csv").open(encoding="utf-8", newline="") as f:
        projects = {row["projectID"]: row for row in csv.DictReader(f)}
    members: dict[str, list[dict]] = defaultdict(list)
    with (folder / "participants.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["projectID"] in projects:
                members[row["projectID"]].append(row)
    return projects, members


class DiskCachedEmbedder(CachedEmbedder):
    """`CachedEmbedder` kept on disk between runs (bench/results/, git-ignored): on 2 shared
    cores MiniLM takes minutes for the passages, needs and names of both windows."""

    def __init__(self, inner, path: Path):
        super().__init__(inner)
        self.path = path
        if path.exists():
            with np.load(path) as saved:
                self.cache = dict(zip(saved["keys"].tolist(), saved["vectors"], strict=True))
        self._saved = len(self.cache)

    def encode(self, texts):
        keys = [_key(t) for t in texts]
        todo = [t for k, t in dict(zip(keys, texts, strict=True)).items() if k not in self.cache]
        if todo:
            vectors = self.inner.encode(todo)
            for t, v in zip(todo, vectors, strict=True):
                self.cache[_key(t)] = v
            if len(self.cache) - self._saved >= 200:
                self.save()
        return np.vstack([self.cache[k] for k in keys]) if texts else np.zeros((0, 384))

    def save(self) -> None:
        """Write the cache to disk, atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = sorted(self.cache)
        part = self.path.with_suffix(".part")
        with part.open("wb") as f:
            np.savez(f, keys=np.array(keys), vectors=np.vstack([self.cache[k] for k in keys]))
        part.replace(self.path)
        self._saved = len(self.cache)

    def warm(self, texts: list[str], batch: int = 256) -> None:
        """Encode every text not cached yet, saving after each batch (a run stopped half-way
        keeps what it encoded)."""
        todo = [t for t in dict.fromkeys(texts) if _key(t) not in self.cache]
        for start in range(0, len(todo), batch):
            self.encode(todo[start : start + batch])
            self.save()
            print(f"encoded {min(start + batch, len(todo))} of {len(todo)} texts", flush=True)


def _key(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


#: where the MiniLM vectors of the texts of this evaluation are kept between runs, by text
#: (delete the file after changing the model or how it encodes)
EMBEDDING_CACHE = ROOT / "bench" / "results" / "embeddings-time-split-minilm.npz"


def passage(project: dict) -> str:
    """A project as a passage of its participants' profiles."""
    return f"{project['title']}. {project['objective']}".strip()


def profiles_before(projects, members, date: str) -> list[Profile]:
    """Every organisation known from projects that started before `date`, as of then."""
    return profiles_of(projects, members, [p for p in projects if projects[p]["startDate"] < date])


def profiles_of(projects, members, pids) -> list[Profile]:
    """Every organisation known from the projects `pids`, with those projects only."""
    orgs: dict[str, dict] = {}
    for pid in sorted(pids):
        ids = {m["organisationID"] for m in members[pid]}
        for m in members[pid]:
            o = orgs.setdefault(
                m["organisationID"],
                {"row": m, "projects": [], "partners": set()},
            )
            o["projects"].append(pid)
            o["partners"] |= ids - {m["organisationID"]}
    out = []
    for oid in sorted(orgs):
        o = orgs[oid]
        row = o["row"]
        text = " ".join(x for x in (row["name"], row["shortName"], row["city"]) if x)
        out.append(
            Profile(
                id=oid,
                text=text,
                country=row["country"],
                kind=row["activityType"],
                activity=float(len(o["projects"])),
                partners=tuple(sorted(o["partners"])),
                passages=tuple(passage(projects[p]) for p in o["projects"]),
            )
        )
    return out


def needs_between(projects, members, start: str, end: str, form: str) -> list[Need]:
    """The projects that started in [start, end) as needs of the given form."""
    out = []
    for pid in sorted(projects):
        p = projects[pid]
        if start <= p["startDate"] < end:
            text = p["title"] if form == "title" else passage(p)
            answers = frozenset(m["organisationID"] for m in members[pid])
            out.append(Need(id=pid, text=text, answers=answers))
    return out


def metrics(scores: np.ndarray, relevant: np.ndarray) -> tuple[float, float, float]:
    """Recall@10, Recall@50, reciprocal rank of the first answer; ties broken by position
    (candidates are in id order), as a stable sort would."""
    order = np.argsort(-scores, kind="stable")
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    ranks = position[relevant]
    return float((ranks < 10).mean()), float((ranks < 50).mean()), float(1 / (ranks.min() + 1))


def baselines(profiles: list[Profile], needs: list[Need], seeds: int = 5) -> dict[str, list]:
    """Per-need metrics of random, BM25, most-active and their naive sum."""
    slot = {p.id: i for i, p in enumerate(profiles)}
    retriever = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
    retriever.index([stems(" ".join([p.text, *p.passages])) for p in profiles], show_progress=False)
    activity = np.log1p(np.array([p.activity for p in profiles]))
    out: dict[str, list] = defaultdict(list)
    for need in needs:
        relevant = np.array(sorted(slot[a] for a in need.answers if a in slot))
        if not len(relevant):
            continue
        words = [w for w in sorted(set(stems(need.text))) if w in retriever.vocab_dict]
        bm25 = retriever.get_scores(words) if words else np.zeros(len(profiles))
        bm25 = np.asarray(bm25, dtype=np.float64)
        n = len(profiles)
        out["random"].append(
            np.mean(
                [
                    metrics(np.random.default_rng(s).permutation(n).astype(float), relevant)
                    for s in range(seeds)
                ],
                axis=0,
            )
        )
        out["BM25 (bm25s)"].append(metrics(bm25, relevant))
        out["most-active-first"].append(metrics(activity, relevant))

        def mm(x):
            top = x.max()
            return x / top if top > 0 else x

        out["naive sum"].append(metrics(mm(bm25) + 0.5 * mm(activity), relevant))
    return out


def ranker(index: PartnerIndex, needs: list[Need], weights: Weights, short: Weights) -> list:
    """Per-need metrics of the product's fused ranking: `weights` for long needs, `short` for
    short ones (as `PartnerIndex.weights_for` picks)."""
    data = examples(index, needs)
    texts = {n.id: n.text for n in needs}
    out = []
    for ex in data:
        w = (short if is_short(stems(texts[ex.need])) else weights).as_array()
        scores = np.round((w.astype(np.float32) @ ex.matrix).astype(np.float64), 9)
        out.append(metrics(scores, ex.relevant))
    return out


def mean(rows) -> dict[str, float]:
    """Mean Recall@10, Recall@50, MRR of per-need rows."""
    m = np.mean(rows, axis=0)
    return {"recall@10": round(m[0], 4), "recall@50": round(m[1], 4), "mrr": round(m[2], 4)}


def run(folder: Path, semantic: bool, write_weights: bool) -> dict:
    started = time.perf_counter()
    projects, members = load(folder)
    embedder = (
        DiskCachedEmbedder(embeddings.SentenceTransformerEmbedder(), EMBEDDING_CACHE)
        if semantic
        else None
    )
    variants = {"lexical": None} | ({"semantic": embedder} if embedder else {})
    learn_profiles = profiles_before(projects, members, LEARN_FROM)
    test_profiles = profiles_before(projects, members, SPLIT)
    if embedder is not None:
        texts = [t for p in learn_profiles + test_profiles for t in (p.text, *p.passages)]
        for start, end in ((LEARN_FROM, SPLIT), (SPLIT, "9999")):
            texts += [
                n.text for form in FORMS for n in needs_between(projects, members, start, end, form)
            ]
        embedder.warm(texts)
    results: dict[str, dict] = {}
    learned: dict[str, dict] = {}
    for variant, emb in variants.items():
        train_index = PartnerIndex(learn_profiles, embedder=emb)
        train = []  # both forms, read as long needs
        for form in FORMS:
            train += examples(
                train_index,
                needs_between(projects, members, LEARN_FROM, SPLIT, form),
                short=False,
            )
        titles = examples(train_index, needs_between(projects, members, LEARN_FROM, SPLIT, "title"))
        # CORDIS records carry no taxonomy terms: those weights keep their hand-set ratios
        signals = [s for s in SIGNALS if s not in ("terms", "complementarity")]
        if emb is None:
            signals.remove("semantic")
        # from 0.5 each and from the shipped weights, which stay unless the learning window
        # teaches better ones: learning again reproduces ranking.json
        semantic = emb is not None
        weights, fit = learn_weights(
            train, default_weights(semantic=semantic), signals=signals, warm=True
        )
        short, short_fit = learn_weights(
            titles, default_weights(semantic=semantic, short=True), signals=signals, warm=True
        )
        if emb is None:
            weights = Weights(**{**weights.as_dict(), "semantic": 0.0})
            short = Weights(**{**short.as_dict(), "semantic": 0.0})
        learned[variant] = {
            "weights": weights.as_dict(),
            "training": fit.as_dict(),
            "weights_short": short.as_dict(),
            "training_short": short_fit.as_dict(),
        }
        test_index = PartnerIndex(test_profiles, embedder=emb)
        for form in FORMS:
            needs = needs_between(projects, members, SPLIT, "9999", form)
            table = results.setdefault(form, {})
            if variant == "lexical":
                for name, rows in baselines(test_profiles, needs).items():
                    table[name] = mean(rows) | {"needs": len(rows)}
                table["ranker, shipped weights"] = mean(
                    ranker(test_index, needs, default_weights(), default_weights(short=True))
                )
            else:
                table["ranker (semantic), shipped weights"] = mean(
                    ranker(
                        test_index,
                        needs,
                        default_weights(semantic=True),
                        default_weights(semantic=True, short=True),
                    )
                )
            table[f"ranker ({variant}), weights learned in this run"] = mean(
                ranker(test_index, needs, weights, short)
            )
    if write_weights:
        # without --semantic the extra's weights in the file stay as they were
        before = json.loads(SHIPPED_WEIGHTS.read_text()) if SHIPPED_WEIGHTS.exists() else {}
        with_semantic = learned.get("semantic")
        payload = {
            "weights": learned["lexical"]["weights"],
            "weights_semantic": (
                with_semantic["weights"] if with_semantic else before.get("weights_semantic")
            ),
            "weights_short": learned["lexical"]["weights_short"],
            "weights_semantic_short": (
                with_semantic["weights_short"]
                if with_semantic
                else before.get("weights_semantic_short")
            ),
            "learned_from": (
                f"CORDIS Horizon Europe co-participation ({folder.name}): profiles from projects "
                f"started before {LEARN_FROM}, needs from projects started in [{LEARN_FROM}, "
                f"{SPLIT}); long needs' weights on both need forms, short needs' on the titles"
            ),
            "learned_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "training_figures": learned["lexical"]["training"],
            "training_figures_short": learned["lexical"]["training_short"],
        }
        SHIPPED_WEIGHTS.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "learning window": [LEARN_FROM, SPLIT],
        "profiles (learning, test)": [len(learn_profiles), len(test_profiles)],
        "seconds": round(time.perf_counter() - started, 1),
        "results": results,
        "learned": learned,
    }


def goal_check(table: dict) -> list[str]:
    """Issue 11's goal for one need form: Recall@10 and MRR >= 1.3 x the better of BM25 and
    most-active-first, and >= 1.1 x the naive sum."""
    lines = []
    for name, m in table.items():
        if not name.startswith("ranker"):
            continue
        for metric in ("recall@10", "mrr"):
            best = max(table["BM25 (bm25s)"][metric], table["most-active-first"][metric])
            naive = table["naive sum"][metric]
            need = max(1.3 * best, 1.1 * naive)
            ok = "met" if m[metric] >= need else "NOT met"
            lines.append(
                f"{name}: {metric} {m[metric]:.3f} vs goal {need:.3f} "
                f"({m[metric] / best:.2f} x best single baseline, {m[metric] / naive:.2f} x "
                f"naive sum): {ok}"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--semantic", action="store_true", help="also with embeddings (extra)")
    parser.add_argument(
        "--write-weights",
        action="store_true",
        help=f"write the weights learned on the learning window to {SHIPPED_WEIGHTS.name}",
    )
    args = parser.parse_args(argv)
    if not (args.data / "projects.csv").exists():
        print(f"skipped: {args.data} not found (the shared data sets are not in this clone)")
        return 0
    if args.semantic and not embeddings.available():
        print("--semantic needs the semantic extra (make semantic)")
        return 2
    result = run(args.data, args.semantic, args.write_weights)
    print(
        f"\nHorizon Europe time split: learn on needs from {LEARN_FROM} to {SPLIT}, "
        f"test on needs from {SPLIT}; profiles {result['profiles (learning, test)']}; "
        f"{result['seconds']} s"
    )
    for form, table in result["results"].items():
        needs = table["random"]["needs"]
        print(f"\nneeds: {form} ({needs} needs with an answer among the candidates)\n")
        print("| method | Recall@10 | Recall@50 | MRR |\n|---|---:|---:|---:|")
        for method, m in table.items():
            print(f"| {method} | {m['recall@10']:.3f} | {m['recall@50']:.3f} | {m['mrr']:.3f} |")
        print()
        for line in goal_check(table):
            print(line)
    for variant, info in result["learned"].items():
        print(f"\nweights learned ({variant}): {info['weights']}")
        print(f"short needs' weights learned ({variant}): {info['weights_short']}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"matching-time-split-{result['when'].replace(':', '')}.json"
    path.write_text(json.dumps(result, indent=1))
    print(f"\nwritten {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
