"""Count the SQL queries each benchmarked page runs, to find N+1 patterns behind slow pages.

Runs in-process through Django's test client against the database in DATABASE_URL (one that
bench/generate.py filled), so no server is needed:

    .venv/bin/python bench/profile_queries.py --manifest /tmp/manifest.json [--show-sql]

For each endpoint it reports the status codes, queries per request (min, mean, max), the
in-process time, and the SQL statements repeated most often within one request (an N+1 shows
as one statement run once per row). For the partnership profile it also relates the query
count to the number of partners: a count that grows with the partners is an N+1.
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scenarios import ENDPOINTS, paths_for  # noqa: E402

_LITERALS = re.compile(r"('(?:[^']|'')*'|\b\d+(?:\.\d+)?\b)")


def _shape(sql: str) -> str:
    """The statement with its literals replaced, so repeats of one query group together."""
    return _LITERALS.sub("?", sql)


def profile(manifest: dict, *, samples: int, seed: int, show_sql: bool) -> dict:
    """Fetch `samples` URLs per endpoint and count their queries."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from clusterloom.partnerships.models import Partnership

    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    partner_counts = dict(Partnership.objects.values_list("slug", "stated_partner_count"))
    report = {}
    for endpoint in ENDPOINTS:
        paths = paths_for(endpoint, manifest, clients=1, per_client=samples, seed=seed + 1)[0]
        counts, times, sql_times, statuses, repeats = [], [], [], Counter(), Counter()
        slowest: dict[str, float] = {}
        by_partners = []
        for path in paths:
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(path)
                if hasattr(response, "streaming_content"):
                    b"".join(response.streaming_content)
                times.append((time.perf_counter() - started) * 1000)
            statuses[response.status_code] += 1
            counts.append(len(ctx.captured_queries))
            sql_times.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
            for q in ctx.captured_queries:
                shape = _shape(q["sql"])
                slowest[shape] = max(slowest.get(shape, 0.0), float(q["time"]) * 1000)
            shapes = Counter(_shape(q["sql"]) for q in ctx.captured_queries)
            for sql, n in shapes.items():
                if n > 1:
                    repeats[sql] = max(repeats[sql], n)
            slug = path.rstrip("/").rsplit("/", 1)[-1]
            if endpoint in ("partnership_profile", "api_partnership") and slug in partner_counts:
                by_partners.append((partner_counts[slug], len(ctx.captured_queries)))
        entry = {
            "statuses": {str(k): v for k, v in sorted(statuses.items())},
            "queries_min": min(counts),
            "queries_mean": round(statistics.mean(counts), 1),
            "queries_max": max(counts),
            "in_process_median_ms": round(statistics.median(times), 2),
            # Time inside the database driver; the rest is Python (ORM, forms, templates).
            "sql_median_ms": round(statistics.median(sql_times), 2),
            "slowest_statements": [
                {"ms": round(ms, 2), "sql": sql[:300] if not show_sql else sql}
                for sql, ms in sorted(slowest.items(), key=lambda kv: -kv[1])[:3]
            ],
            "repeated_statements": [
                {"times_in_one_request": n, "sql": sql[:300] if not show_sql else sql}
                for sql, n in repeats.most_common(5)
            ],
        }
        if by_partners:
            grouped: dict[int, list[int]] = {}
            for partners, n in by_partners:
                grouped.setdefault(partners, []).append(n)
            entry["queries_by_partner_count"] = {
                str(k): round(statistics.mean(v), 1) for k, v in sorted(grouped.items())
            }
        report[endpoint] = entry
    return report


def cprofile(manifest: dict, endpoint: str, *, samples: int, seed: int) -> str:
    """Where one endpoint's time goes, by function (cumulative), over `samples` requests."""
    import cProfile
    import io
    import pstats

    from django.test import Client

    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    paths = paths_for(endpoint, manifest, clients=1, per_client=samples, seed=seed + 1)[0]
    client.get(paths[0])  # warm caches (templates, translations) outside the profile
    profiler = cProfile.Profile()
    profiler.enable()
    for path in paths:
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
    return out.getvalue()


def main() -> None:
    """Parse arguments, set up Django, print the report as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, required=True)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show-sql", action="store_true", help="print whole statements")
    parser.add_argument("--out", type=Path, help="also write the report here")
    parser.add_argument("--cprofile", metavar="ENDPOINT", help="profile one endpoint by function")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterloom.settings")
    import django

    django.setup()
    manifest = json.loads(args.manifest.read_text())
    if args.cprofile:
        print(cprofile(manifest, args.cprofile, samples=args.samples, seed=args.seed))
        return
    report = profile(
        manifest,
        samples=args.samples,
        seed=args.seed,
        show_sql=args.show_sql,
    )
    text = json.dumps(report, indent=1)
    if args.out:
        args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
