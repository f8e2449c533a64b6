"""Gunicorn set-ups side by side on one prepared database: uncached pages, 20 clients, rounds
alternating the set-ups, so a drifting machine weighs on each alike.

    DATABASE_URL=sqlite:///path/bench.sqlite3 .venv/bin/python bench/server_ab.py \\
        --manifest path/manifest.json --setups 2x1,2x4,4x1 [--rounds 2]

A set-up is WORKERSxTHREADS. The database and manifest come from bench/generate.py (as
bench/run.py prepares them). Per set-up and endpoint: median and p95 ms, requests/s, errors.
"""

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from loadgen import run_pass  # noqa: E402
from run import gunicorn, served_env  # noqa: E402
from scenarios import paths_for  # noqa: E402

ENDPOINTS = ("directory_search", "partnership_profile")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, required=True)
    parser.add_argument("--setups", default="2x1,2x4")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--per-client", type=int, default=15)
    args = parser.parse_args()
    manifest = json.loads(args.manifest.read_text())
    env = served_env(0)
    for round_ in range(args.rounds):
        for setup in args.setups.split(","):
            workers, threads = setup.split("x")
            cells = []
            with (
                tempfile.TemporaryDirectory() as logdir,
                gunicorn(
                    env, workers=int(workers), threads=int(threads), logdir=Path(logdir)
                ) as port,
            ):
                for endpoint in ENDPOINTS:
                    warm = paths_for(endpoint, manifest, clients=4, per_client=5, seed=99)
                    run_pass(host="127.0.0.1", port=port, endpoint=endpoint, paths_per_client=warm)
                    paths = paths_for(
                        endpoint,
                        manifest,
                        clients=args.clients,
                        per_client=args.per_client,
                        seed=round_,
                    )
                    result = run_pass(
                        host="127.0.0.1", port=port, endpoint=endpoint, paths_per_client=paths
                    )
                    times = sorted(result.latencies_ms)
                    cells.append(
                        f"{endpoint} median {statistics.median(times):.0f} ms, "
                        f"p95 {times[int(0.95 * len(times))]:.0f} ms, "
                        f"{len(times) / result.wall_seconds:.0f} req/s, {result.errors} errors"
                    )
            print(f"round {round_ + 1}, {setup}: " + "; ".join(cells), flush=True)


if __name__ == "__main__":
    main()
