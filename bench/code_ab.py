"""Two checkouts of the code side by side through gunicorn on one prepared database: rounds
alternate the checkouts, so a drifting, shared machine weighs on each alike. Besides latency
and throughput, the CPU the gunicorn processes used per request (from /proc) is reported: it
depends far less on what else runs on the machine than the latency does.

    DATABASE_URL=sqlite:///path/bench.sqlite3 .venv/bin/python bench/code_ab.py \\
        --manifest path/manifest.json --checkouts /work/before,/work/after \\
        [--endpoint directory_search] [--rounds 3] [--page-cache off]

The database and manifest come from bench/generate.py (as bench/run.py prepares them); both
checkouts must read the same schema. Each checkout is served with `gunicorn clusterloom.wsgi
-w 2` from its own directory (PYTHONPATH set to it), a fresh server per round, warmed up with 40
requests, then 20 clients x 40 requests of the endpoint's scenario (bench/scenarios.py).
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from loadgen import run_pass  # noqa: E402
from run import gunicorn, process_stat, served_env  # noqa: E402
from scenarios import paths_for  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes (and their reaped children) so far."""
    total = 0
    for pid in pids:
        fields = process_stat(pid)
        if fields is not None:
            total += sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
    return total / TICKS


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (gunicorn's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        fields = process_stat(entry.name) if entry.name.isdigit() else None
        if fields is not None and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def serve_and_measure(checkout: Path, env: dict, manifest: dict, args, seed: int) -> dict:
    """Start gunicorn from `checkout`, warm it up, run one pass; stop it; the pass's figures."""
    master: list[int] = []
    with (
        tempfile.TemporaryDirectory() as logdir,
        gunicorn(
            env,
            workers=args.workers,
            threads=1,
            logdir=Path(logdir),
            checkout=checkout,
            master=master,
        ) as port,
    ):
        warm = paths_for(args.endpoint, manifest, clients=8, per_client=5, seed=seed + 99)
        run_pass(host="127.0.0.1", port=port, endpoint=args.endpoint, paths_per_client=warm)
        workers = _children(master[0])
        paths = paths_for(
            args.endpoint, manifest, clients=args.clients, per_client=args.per_client, seed=seed
        )
        cpu_before = _cpu_seconds(workers)
        result = run_pass(
            host="127.0.0.1", port=port, endpoint=args.endpoint, paths_per_client=paths
        ).summary()
        cpu = _cpu_seconds(workers) - cpu_before
        result["server_cpu_ms_per_request"] = round(1000 * cpu / result["requests"], 2)
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, required=True)
    parser.add_argument("--checkouts", required=True, help="two or more directories, commas")
    parser.add_argument("--endpoint", default="directory_search")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--per-client", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--page-cache", choices=["off", "on"], default="off")
    parser.add_argument("--seed", type=int, default=20240501)
    args = parser.parse_args()
    manifest = json.loads(args.manifest.read_text())
    # "on": a per-process page cache, empty at each server start; the scenario's URLs are
    # mostly distinct, so most requests still render.
    env = served_env(0 if args.page_cache == "off" else 600)
    checkouts = [Path(c).resolve() for c in args.checkouts.split(",")]
    rows: dict[Path, list[dict]] = {c: [] for c in checkouts}
    for round_ in range(args.rounds):
        for checkout in checkouts:
            r = serve_and_measure(checkout, env, manifest, args, args.seed + round_)
            rows[checkout].append(r)
            print(
                f"round {round_ + 1} {checkout.name}: median {r['median_ms']} ms, p95 "
                f"{r['p95_ms']} ms, {r['throughput_rps']} req/s, server CPU "
                f"{r['server_cpu_ms_per_request']} ms/request, {r['errors']} errors",
                flush=True,
            )
    print(f"\n| checkout | {args.endpoint}, page cache {args.page_cache} | median of rounds |")
    print("|---|---|---|")
    for checkout, results in rows.items():
        cells = " / ".join(
            f"{r['median_ms']}, {r['p95_ms']}, {r['throughput_rps']}, "
            f"{r['server_cpu_ms_per_request']}"
            for r in results
        )
        med = [
            statistics.median(r[k] for r in results)
            for k in ("median_ms", "p95_ms", "throughput_rps", "server_cpu_ms_per_request")
        ]
        print(f"| {checkout.name} | {cells} | {' / '.join(f'{m:.1f}' for m in med)} |")
    print("\n(each cell: median ms, p95 ms, requests/s, server CPU ms per request)")


if __name__ == "__main__":
    main()
