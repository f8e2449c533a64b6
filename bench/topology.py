"""Page latency of the reference deployment beside the embedded default, in one run.

Two set-ups on the same generated data (bench/generate.py), measured one after the other:

- `sqlite-1`: the embedded default: one gunicorn process (one sync worker) on SQLite, tasks in
  process, a per-process cache;
- `postgresql-2`: the reference deployment (clusterloom/core/topology.py): two gunicorn
  processes (one sync worker each) behind one address, a Celery worker and beat, PostgreSQL,
  Redis as broker and shared cache.

For each endpoint of bench/scenarios.py: a warm-up, a pass with 1 client and one with 20
concurrent clients (bench/loadgen.py), with the public page cache off (every request renders)
and on (as deployed). The machine has 2 cores shared with other work: compare the two columns
of one run, not figures of different runs.

    .venv/bin/python bench/topology.py                       # 2,000 organisations, ~10 min
    .venv/bin/python bench/topology.py --quick --organisations 300   # harness check
"""

import argparse
import json
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

from run import (  # noqa: E402
    cpu_available,
    gunicorn,
    log,
    machine,
    measure,
    postgres_database,
    prepare_database,
)

from clusterloom.core.topology import Topology, free_port_block  # noqa: E402

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/clusterloom_bench_topology"


def prepare(label: str, database_url: str, workdir: Path, args, extra: dict) -> tuple[dict, dict]:
    """One database ready to serve (bench/run.py's preparation); its env and manifest."""
    env, _reference, manifest_path = prepare_database(
        label, database_url, workdir, args, {"SECRET_KEY": "bench-" + "k" * 50, **extra}
    )
    return env, json.loads(manifest_path.read_text())


def run_setups(args, workdir: Path) -> list[dict]:
    """Measure both set-ups; one result row per set-up, page-cache mode, endpoint, clients."""
    rows = []
    env, manifest = prepare("sqlite-1", f"sqlite:///{workdir / 'bench.sqlite3'}", workdir, args, {})
    for mode in args.page_cache:
        served = {**env, "PAGE_CACHE_SECONDS": "0" if mode == "off" else "600"}
        log(f"sqlite-1: page cache {mode}")
        with gunicorn(served, workers=1, threads=1, logdir=workdir / "sqlite-1") as port:
            for row in measure(port, manifest, args):
                rows.append({**row, "setup": "sqlite-1", "page_cache": mode})
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    with postgres_database(args.postgres_url):
        extra = {"CELERY_BROKER_URL": args.redis_url, "CACHE_URL": args.redis_url}
        env, manifest = prepare("postgresql-2", args.postgres_url, workdir, args, extra)
        for mode in args.page_cache:
            served = {**env, "PAGE_CACHE_SECONDS": "0" if mode == "off" else "600"}
            log(f"postgresql-2: page cache {mode}")
            topology = Topology(
                env=served,
                port=free_port_block(),
                log_dir=workdir / "postgresql-2" / f"topology-{mode}",
            )
            try:
                topology.start(timeout=120)
                for row in measure(topology.port, manifest, args):
                    rows.append({**row, "setup": "postgresql-2", "page_cache": mode})
            finally:
                topology.stop()
    return rows


def markdown(run: dict) -> str:
    """The two set-ups side by side, per page-cache mode, endpoint and client count."""
    m = run["machine"]
    out = [
        f"Command: `{run['command']}`  ",
        f"Machine: {m['cpus']} CPUs ({m['cpu_model']}), shared with other work (CPUs free "
        f"before/after: {run['cpu_before']['effective_cpus']}/"
        f"{run['cpu_after']['effective_cpus']}, load {' '.join(run['cpu_before']['load_average'])}"
        f"); commit {m['git_commit']}; {m['date']}; {run['config']['organisations']} "
        f"organisations, {run['config']['partnerships']} partnerships",
        "",
        "| page cache | endpoint | clients | SQLite, 1 process: median / p95 ms | "
        "PostgreSQL, 2 processes: median / p95 ms | throughput req/s (1 proc / 2 procs) | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    by_key = {(r["setup"], r["page_cache"], r["endpoint"], r["clients"]): r for r in run["rows"]}
    for (setup, mode, endpoint, clients), one in by_key.items():
        if setup != "sqlite-1":
            continue
        two = by_key.get(("postgresql-2", mode, endpoint, clients))
        if two is None:
            continue
        out.append(
            f"| {mode} | {endpoint} | {clients} | {one['median_ms']} / {one['p95_ms']} | "
            f"{two['median_ms']} / {two['p95_ms']} | {one['throughput_rps']} / "
            f"{two['throughput_rps']} | {one['errors']} / {two['errors']} |"
        )
    return "\n".join(out)


def main() -> None:
    """Parse arguments, measure both set-ups, print and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--organisations", type=int, default=2000)
    parser.add_argument("--partnerships", type=int, default=40)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--per-client", type=int, default=20, help="requests per client")
    parser.add_argument("--single-requests", type=int, default=40, help="1-client pass size")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up requests per 8 clients")
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--page-cache", default="off,on")
    parser.add_argument("--quick", action="store_true", help="small passes, to test the harness")
    args = parser.parse_args()
    args.page_cache = [m.strip() for m in args.page_cache.split(",") if m.strip()]
    if args.quick:
        args.per_client, args.single_requests, args.warmup = 3, 10, 1
    run = {
        "command": "bench/topology.py " + " ".join(sys.argv[1:]),
        "machine": machine(),
        "config": {"organisations": args.organisations, "partnerships": args.partnerships,
                   "clients": args.clients, "per_client": args.per_client},
        "cpu_before": cpu_available(),
    }  # fmt: skip
    workdir = Path(tempfile.mkdtemp(prefix="clusterloom-bench-topology-"))
    started = time.perf_counter()
    try:
        run["rows"] = run_setups(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    run["cpu_after"] = cpu_available()
    run["seconds"] = round(time.perf_counter() - started)
    results = BENCH / "results"
    results.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    (results / f"topology-{stamp}.json").write_text(json.dumps(run, indent=1))
    print(markdown(run))


if __name__ == "__main__":
    main()
