"""Partner-matching speed: index build, query latency, incremental change, encoding throughput.

Synthetic organisation profiles from a seeded generator (words drawn with their frequencies
in the CORDIS objectives, taxonomy terms, countries, kinds, partners, and past projects as
passages: n/3 projects of 80-200 words, each organisation in 0-4 of them) at 1,000, 10,000 and
100,000 organisations, ranked with the product's learned weights. For each size: time to build
the `PartnerIndex` (tokenising + first assembly), query latency (median, p95) of short partner
needs (10-20 words, 1-2 terms, other-country filter) and of long ones (CORDIS project
objectives), a reciprocal suggestion, and a search right after one profile changed (upsert,
so the lazy re-assembly is included).
Baseline in the same run: plain BM25 with the `bm25s` package (build, and top-20 retrieval of
the same queries). With the semantic extra: encoding throughput on 2 threads.

    .venv/bin/python bench/matching_latency.py                 # all sizes
    .venv/bin/python bench/matching_latency.py --sizes 1000    # quick check
    .venv/bin/python bench/matching_latency.py --sizes 10000,100000 --encode 0 --semantic
                                        # also with the extra (real query encoding)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import bm25s
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clusterloom.matching import embeddings  # noqa: E402
from clusterloom.matching.index import PartnerIndex, Profile, Query  # noqa: E402
from clusterloom.matching.text import STOPWORDS, stems  # noqa: E402

GOAL_MS = 50.0
COUNTRIES = (
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)
KINDS = ["cluster", "sme", "large", "rto", "university", "public", "other"]
TERMS = [
    f"{v}:{s}"
    for v, slugs in {
        "sectoral": "automotive textiles plastics digital agri-food health energy logistics",
        "ket": "photonics advanced-materials micro-nano-electronics biotechnology nanotechnology",
        "emerging": "mobility-technologies blue-growth creative-industries medical-devices",
    }.items()
    for s in slugs.split()
]


def vocabulary() -> tuple[list[str], list[float]]:
    """Words of the CORDIS objectives with their counts (the generator's distribution)."""
    projects = json.loads((ROOT / "data" / "cordis" / "project.json").read_text())
    counts = Counter(
        w
        for p in projects
        for w in (p["title"] + " " + p["objective"]).lower().split()
        if w.isalpha() and len(w) > 2
    )
    words = sorted(counts)
    return words, [counts[w] for w in words]


def generate(n: int, seed: int = 7) -> list[Profile]:
    """`n` organisation profiles with realistic text, terms and partners (deterministic)."""
    rng = random.Random(seed)
    words, weights = vocabulary()
    content = [w for w in words if w not in STOPWORDS]

    def sentence(k):
        return " ".join(rng.choices(words, weights, k=k))

    # Past projects shared by consortia, as on the platform: one passage per project (80 to
    # 200 words), each organisation in 0 to 4 of them.
    projects = [sentence(rng.randint(80, 200)) for _ in range(max(1, n // 3))]
    profiles = []
    for i in range(n):
        name = " ".join(rng.choices(content, k=2)).title() + rng.choice(
            [" GmbH", " SRL", " Cluster"]
        )
        offers, requests = sentence(rng.randint(8, 20)), sentence(rng.randint(8, 20))
        profiles.append(
            Profile(
                id=f"org{i:06d}",
                text=f"{name}. {sentence(rng.randint(40, 120))} {offers} {requests}",
                terms=tuple(sorted(set(rng.sample(TERMS, rng.randint(1, 4))))),
                country=rng.choice(COUNTRIES),
                kind=rng.choice(KINDS),
                offers=offers,
                requests=requests,
                activity=float(rng.randint(0, 12)),
                partners=tuple(f"org{rng.randrange(n):06d}" for _ in range(rng.randint(0, 8))),
                passages=tuple(rng.sample(projects, min(len(projects), rng.randint(0, 4)))),
            )
        )
    return profiles


def queries(count: int, seed: int = 11) -> tuple[list[Query], list[Query]]:
    """Short partner needs (seeded) and long ones (the CORDIS objectives)."""
    rng = random.Random(seed)
    words, weights = vocabulary()
    short = [
        Query(
            text=" ".join(rng.choices(words, weights, k=rng.randint(10, 20))),
            terms=tuple(rng.sample(TERMS, rng.randint(1, 2))),
            country=rng.choice(COUNTRIES),
            other_country_only=True,
        )
        for _ in range(count)
    ]
    projects = json.loads((ROOT / "data" / "cordis" / "project.json").read_text())
    long = [Query(text=f"{p['title']}\n{p['objective']}") for p in projects]
    return short, long


def timed(fn, items) -> list[float]:
    """Milliseconds of fn(item) for each item."""
    out = []
    for item in items:
        started = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - started) * 1000)
    return out


def summary(ms: list[float]) -> dict:
    ordered = sorted(ms)
    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[max(0, int(round(0.95 * len(ordered))) - 1)], 2),
        "n": len(ordered),
    }


class QueryEncoder:
    """For `--semantic`: the real MiniLM for queries, seeded random unit vectors for the
    profiles and passages while the index is built (encoding 100,000 profiles takes a quarter
    of an hour on 2 cores; what a search costs does not depend on the vectors' values)."""

    def __init__(self):
        self.model = embeddings.SentenceTransformerEmbedder(threads=2)
        self.building = True
        self.rng = np.random.default_rng(5)
        self.encoded_ms: list[float] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        if self.building:
            v = self.rng.standard_normal((len(texts), 384)).astype(np.float32)
            return v / np.linalg.norm(v, axis=1, keepdims=True)
        started = time.perf_counter()
        out = self.model.encode(texts)
        self.encoded_ms.append((time.perf_counter() - started) * 1000)
        return out


def measure_semantic(profiles: list[Profile], short: list[Query], long: list[Query]) -> dict:
    """Search latency with the semantic extra and its learned weights (`weights_semantic*` of
    ranking.json): query encoding included, and reported on its own."""
    encoder = QueryEncoder()
    index = PartnerIndex(
        profiles, affinity={(TERMS[0], TERMS[1]): 0.5, (TERMS[1], TERMS[2]): 0.3}, embedder=encoder
    )
    index.search(short[0])  # assembles
    encoder.building = False
    encoder.encode([short[0].text, long[0].text])  # loads the model's kernels
    row = {}
    for name, items in (("short", short), ("long", long)):
        encoder.encoded_ms.clear()
        row[f"semantic_search_{name}"] = summary(timed(lambda q: index.search(q, 20), items))
        row[f"semantic_encode_{name}"] = (
            summary(encoder.encoded_ms) | {"n": len(encoder.encoded_ms)}
            if encoder.encoded_ms
            else {"n": 0}
        )
    row["semantic_weights"] = {
        "long": index.weights.semantic,
        "short": index.short_weights.semantic,
    }
    return row


def measure(size: int, n_queries: int, semantic: bool = False) -> dict:
    profiles = generate(size)
    short, long = queries(n_queries)
    row: dict = {"organisations": size}
    started = time.perf_counter()
    index = PartnerIndex(profiles, affinity={(TERMS[0], TERMS[1]): 0.5, (TERMS[1], TERMS[2]): 0.3})
    tokenised = time.perf_counter()
    index.search(short[0])  # first search assembles the matrices
    row["build_s"] = round(time.perf_counter() - started, 2)
    row["build_tokenise_s"] = round(tokenised - started, 2)
    row["search_short"] = summary(timed(lambda q: index.search(q, 20), short))
    row["search_long"] = summary(timed(lambda q: index.search(q, 20), long))
    ids = [p.id for p in profiles[: min(50, size)]]
    row["reciprocal"] = summary(timed(lambda i: index.reciprocal(i, 20), ids))
    changed = profiles[: min(10, size)]

    def upsert_then_search(p):
        index.upsert(Profile(**{**p.__dict__, "text": p.text + " laser welding"}))
        index.search(short[0], 20)

    def until_visible(p):
        index.upsert(Profile(**{**p.__dict__, "text": p.text + " laser cutting"}))
        index.search(short[0], 20)
        index.wait_assembled()  # above SYNC_ASSEMBLY the change is assembled in a thread
        index.search(short[0], 20)

    # the search right after a change (above SYNC_ASSEMBLY profiles: from the last assembly,
    # the new one being made in a thread), then how long until a change shows in results
    row["upsert_then_search"] = summary(timed(upsert_then_search, changed))
    index.wait_assembled()
    row["change_visible"] = summary(timed(until_visible, changed))
    # baseline: plain BM25 with bm25s on the same stemmed words
    started = time.perf_counter()
    retriever = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
    retriever.index([stems(p.text) for p in profiles], show_progress=False)
    row["bm25s_build_s"] = round(time.perf_counter() - started, 2)

    def bm25s_top(q):
        words = [w for w in set(stems(q.text)) if w in retriever.vocab_dict]
        scores = retriever.get_scores(words)
        top = np.argpartition(-scores, 20)[:20]
        return top[np.argsort(-scores[top])]

    row["bm25s_short"] = summary(timed(bm25s_top, short))
    row["bm25s_long"] = summary(timed(bm25s_top, long))
    if semantic:
        del index, retriever
        row |= measure_semantic(profiles, short, long)
    return row


def encoding(count: int, bfloat16: bool | None = None, max_seq_length: int = 0) -> dict:
    """Profiles per second encoded by the semantic extra on 2 threads."""
    embedder = embeddings.SentenceTransformerEmbedder(threads=2, bfloat16=bfloat16)
    if max_seq_length:
        embedder._model.max_seq_length = max_seq_length
    texts = [p.text for p in generate(count, seed=3)]
    embedder.encode(texts[:16])  # warm-up
    started = time.perf_counter()
    embedder.encode(texts)
    seconds = time.perf_counter() - started
    words = statistics.mean(len(t.split()) for t in texts)
    return {
        "profiles": count,
        "bfloat16": embedder.bfloat16,
        "max_seq_length": embedder._model.max_seq_length,
        "batch_size": embedder.batch_size,
        "mean_words": round(words, 1),
        "seconds": round(seconds, 2),
        "profiles_per_s": round(count / seconds, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--encode", type=int, default=1000, help="profiles to encode (extra)")
    parser.add_argument(
        "--only", choices=("search", "encoding"), help="run only this part of the benchmark"
    )
    parser.add_argument(
        "--float32", action="store_true", help="encode in float32 even where bfloat16 is native"
    )
    parser.add_argument(
        "--max-seq-length", type=int, default=0, help="word pieces read (0: model's)"
    )
    parser.add_argument(
        "--semantic",
        action="store_true",
        help="also search with the semantic extra and its learned weights (query encoding "
        "included; profiles get random vectors)",
    )
    args = parser.parse_args()
    if args.semantic and not embeddings.available():
        print("--semantic needs the semantic extra (make semantic)")
        return 2
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, python "
        f"{platform.python_version()}, numpy {np.__version__}",
        "sizes": [],
    }
    sizes = [] if args.only == "encoding" else [int(s) for s in args.sizes.split(",")]
    for size in sizes:
        row = measure(size, args.queries, args.semantic)
        result["sizes"].append(row)
        print(json.dumps(row), flush=True)
    if sizes:
        print(
            "\n| organisations | build s (bm25s) | short query median / p95 ms (bm25s) "
            "| long query median / p95 ms (bm25s) | reciprocal p95 ms | upsert+search p95 ms "
            "| change visible after, p95 ms |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|")
        for r in result["sizes"]:
            s, lg, bs, bl = r["search_short"], r["search_long"], r["bm25s_short"], r["bm25s_long"]
            print(
                f"| {r['organisations']:,} | {r['build_s']} ({r['bm25s_build_s']}) "
                f"| {s['median_ms']} / {s['p95_ms']} ({bs['median_ms']} / {bs['p95_ms']}) "
                f"| {lg['median_ms']} / {lg['p95_ms']} ({bl['median_ms']} / {bl['p95_ms']}) "
                f"| {r['reciprocal']['p95_ms']} | {r['upsert_then_search']['p95_ms']} "
                f"| {r['change_visible']['p95_ms']} |"
            )
        if args.semantic:
            print(
                "\n| organisations | with the semantic extra: short query median / p95 ms "
                "(encoding) | long query median / p95 ms (encoding) |\n|---:|---:|---:|"
            )
            for r in result["sizes"]:
                cells = []
                for name in ("short", "long"):
                    s, e = r[f"semantic_search_{name}"], r[f"semantic_encode_{name}"]
                    enc = f"{e['median_ms']} / {e['p95_ms']}" if e["n"] else "not encoded"
                    cells.append(f"{s['median_ms']} / {s['p95_ms']} ({enc})")
                print(f"| {r['organisations']:,} | {cells[0]} | {cells[1]} |")
        biggest = result["sizes"][-1]
        met = biggest["search_short"]["p95_ms"] < GOAL_MS
        print(
            f"\ngoal: a query under {GOAL_MS:.0f} ms at {biggest['organisations']:,} "
            f"organisations: {'met' if met else 'NOT met'} "
            f"(p95 {biggest['search_short']['p95_ms']} ms)"
        )
    if embeddings.available() and args.encode and args.only != "search":
        bf16 = False if args.float32 else None
        result["encoding"] = encoding(args.encode, bf16, args.max_seq_length)
        e = result["encoding"]
        print(
            f"encoding: {e['profiles_per_s']} profiles/s on 2 threads "
            f"(bfloat16 {e['bfloat16']}, max_seq_length {e['max_seq_length']}, "
            f"batch {e['batch_size']}) "
            f"({e['profiles']} profiles of {e['mean_words']} words; goal >= 200/s: "
            f"{'met' if e['profiles_per_s'] >= 200 else 'NOT met'})"
        )
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"matching-latency-{result['when'].replace(':', '')}.json"
    path.write_text(json.dumps(result, indent=1))
    print(f"written {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
