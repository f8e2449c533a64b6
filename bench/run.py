"""Latency benchmark of the directory search and the partnership profile (`make bench`).

For each database (SQLite in a temporary directory, PostgreSQL in the database
`clusterloom_bench`): migrate, load the reference data, generate 10,000 organisations and 100
partnerships (bench/generate.py), count each page's SQL queries (bench/profile_queries.py),
start gunicorn on a free loopback port and measure every endpoint with 1 client and with 20
concurrent clients (bench/loadgen.py), beside the trivial view /healthz in the same run.

Prints a Markdown table and writes bench/results/latency-<time>.json (git-ignored). Any
non-200 answer counts as an error and is reported. Quick check of the harness:

    .venv/bin/python bench/run.py --quick --databases sqlite
"""

import argparse
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from loadgen import run_pass  # noqa: E402
from scenarios import BASELINE, ENDPOINTS, GOAL_ENDPOINTS, GOAL_P95_MS, paths_for  # noqa: E402

BIN = Path(sys.executable).parent
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/clusterloom_bench"


def log(message: str) -> None:
    """Progress on stderr, so stdout holds only the report."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def machine() -> dict:
    """What the figures were measured on."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    import sqlite3

    import django
    import gunicorn as gunicorn_package

    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "ram_gib": ram_gib,
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
        "gunicorn": gunicorn_package.__version__,
        "git_commit": git("rev-parse", "--short", "HEAD"),
        # Others may be editing the work tree while the benchmark runs; say whether it was clean.
        "uncommitted_app_files": len(git("status", "--porcelain", "clusterloom").splitlines()),
        # The page cache: per gunicorn worker by default, one Redis for all with CACHE_URL
        # (the production setting, docs/operations.md).
        "cache": "redis (CACHE_URL)" if os.environ.get("CACHE_URL") else "per-process memory",
    }


_SPIN = (
    "import time\nt = time.perf_counter()\nx = 0\n"
    "for i in range(3_000_000):\n    x += i\nprint(time.perf_counter() - t)"
)


def cpu_available() -> dict:
    """How many CPUs' worth of work this machine does right now (others may be using it).

    The same loop runs alone, then once per CPU in parallel; on an idle machine the parallel
    copies take as long as the lone one, and the ratio is the CPU count.
    """

    def spin(copies: int) -> float:
        procs = [
            subprocess.Popen([sys.executable, "-c", _SPIN], stdout=subprocess.PIPE, text=True)
            for _ in range(copies)
        ]
        return max(float(p.communicate()[0]) for p in procs)

    cpus = os.cpu_count() or 1
    alone = min(spin(1) for _ in range(3))
    parallel = min(spin(cpus) for _ in range(3))
    return {
        "load_average": Path("/proc/loadavg").read_text().split()[:3],
        "effective_cpus": round(cpus * alone / parallel, 2),
    }


def process_stat(pid) -> list[str] | None:
    """The fields of /proc/PID/stat after the command's name (state, ppid, pgrp, session, ...;
    utime and stime are [11] and [12], in clock ticks), or None once the process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def free_port() -> int:
    """A TCP port on loopback nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    """Run a clusterloom command in the benchmark's environment; fail loudly."""
    done = subprocess.run(
        [str(BIN / "clusterloom"), *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"clusterloom {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip()


def python(env: dict, script: str, *args: str) -> str:
    """Run one of the bench scripts in the benchmark's environment."""
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"{script} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip()


@contextmanager
def postgres_database(url: str):
    """Create the benchmark database, drop it afterwards; refuse the test databases."""
    import psycopg

    base, name = url.rsplit("/", 1)
    if name == "test" or name.startswith("test_") or not name:
        raise SystemExit(f"refusing to use database {name!r}: test runs own it")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
        version = conn.execute("SHOW server_version").fetchone()[0]
    try:
        yield version
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def served_env(page_cache_seconds: int, **extra: str) -> dict:
    """The environment the benchmarks serve the site with (this process's, plus these)."""
    env = {
        **os.environ,
        "DEBUG": "false",
        "LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "clusterloom.settings",
        "PAGE_CACHE_SECONDS": str(page_cache_seconds),
        **extra,
    }
    env.setdefault("SECRET_KEY", "bench-" + "k" * 50)
    return env


@contextmanager
def gunicorn(
    env: dict,
    *,
    workers: int,
    threads: int,
    logdir: Path,
    checkout: Path = ROOT,
    master: list | None = None,
):
    """Serve the project with gunicorn on a free loopback port until the block ends: this
    checkout's code, or another's (`checkout`: served from its directory, which gunicorn puts
    first on the import path). `master`, if given, receives the master process's pid."""
    port = free_port()
    log_path = logdir / "gunicorn.log"
    if checkout != ROOT:
        env = {**env, "PYTHONPATH": str(checkout)}
    with open(log_path, "w") as log_file:
        proc = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "clusterloom.wsgi",
                "-w",
                str(workers),
                "--threads",
                str(threads),
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "--chdir",
                str(checkout),
            ],
            cwd=checkout,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        if master is not None:
            master.append(proc.pid)
        try:
            deadline = time.monotonic() + 120  # a loaded machine imports slowly
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                        break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit(
                            f"gunicorn did not start:\n{log_path.read_text()}"
                        ) from None
                    time.sleep(0.2)
            yield port
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def measure(port: int, manifest: dict, args) -> list[dict]:
    """Warm up, then a 1-client and a many-client pass per endpoint; return the summaries."""
    rows = []
    for endpoint in ENDPOINTS:
        warm = paths_for(endpoint, manifest, clients=8, per_client=args.warmup, seed=args.seed + 7)
        run_pass(host="127.0.0.1", port=port, endpoint=endpoint, paths_per_client=warm)
        for clients, per_client in ((1, args.single_requests), (args.clients, args.per_client)):
            paths = paths_for(
                endpoint, manifest, clients=clients, per_client=per_client, seed=args.seed
            )
            summary = run_pass(
                host="127.0.0.1", port=port, endpoint=endpoint, paths_per_client=paths
            ).summary()
            rows.append(summary)
            log(
                f"  {endpoint:22s} {clients:2d} clients: median {summary['median_ms']} ms, "
                f"p95 {summary['p95_ms']} ms, {summary['errors']} errors"
            )
    # Ratios to the trivial view measured at the same concurrency in the same run.
    for row in rows:
        base = next(r for r in rows if r["endpoint"] == BASELINE and r["clients"] == row["clients"])
        if row["median_ms"] and base["median_ms"]:
            row["median_ratio_to_baseline"] = round(row["median_ms"] / base["median_ms"], 1)
        else:
            row["median_ratio_to_baseline"] = None
    return rows


def prepare_database(
    label: str, database_url: str, workdir: Path, args, extra_env: dict | None = None
) -> tuple[dict, str, Path]:
    """Migrate, load the reference data and generate the organisations into one database;
    return the environment to serve it with, what the reference loader said, the manifest."""
    var = workdir / label
    var.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CLUSTERLOOM_VAR_DIR": str(var),
        "DEBUG": "false",
        "LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "clusterloom.settings",
        **(extra_env or {}),
    }
    manage(env, "migrate", "--noinput")
    log(f"{label}: migrated; loading reference data")
    reference = manage(env, "load_reference_data", "--no-cities")
    manifest_path = var / "manifest.json"
    generated = python(
        env,
        "generate.py",
        "--organisations",
        str(args.organisations),
        "--partnerships",
        str(args.partnerships),
        "--seed",
        str(args.seed),
        "--manifest",
        str(manifest_path),
    )
    log(f"{label}: {generated}")
    return env, reference, manifest_path


def bench_database(label: str, database_url: str, workdir: Path, args) -> dict:
    """Prepare one database and measure every endpoint against it."""
    started = time.perf_counter()
    env, reference, manifest_path = prepare_database(label, database_url, workdir, args)
    var = workdir / label
    manifest = json.loads(manifest_path.read_text())
    setup_seconds = round(time.perf_counter() - started, 1)
    queries = json.loads(
        python(env, "profile_queries.py", "--manifest", str(manifest_path), "--samples", "10")
    )
    log(f"{label}: queries per request counted; starting gunicorn")
    cpu_before = cpu_available()
    deadline = time.monotonic() + args.wait_idle
    while (
        cpu_before["effective_cpus"] < 0.9 * (os.cpu_count() or 1) and time.monotonic() < deadline
    ):
        log(f"{label}: only {cpu_before['effective_cpus']} CPUs free; waiting (--wait-idle)")
        time.sleep(10)
        cpu_before = cpu_available()
    rows = []
    for mode in args.page_cache:
        # "off": every request renders the page (what it costs); "on": the deployed set-up,
        # where anonymous visitors get a page cached until the next change to the data.
        served = {**env, "PAGE_CACHE_SECONDS": "0" if mode == "off" else "600"}
        # Every pass starts from an empty cache: with CACHE_URL a shared Redis would otherwise
        # hand this pass the pages of the one before (or of the other database, whose counters
        # are the same), and profile_queries.py has just filled it in-process.
        manage(served, "shell", "-c", "from django.core.cache import cache; cache.clear()")
        log(f"{label}: page cache {mode}")
        with gunicorn(served, workers=args.workers, threads=args.threads, logdir=var) as port:
            for row in measure(port, manifest, args):
                row["page_cache"] = mode
                rows.append(row)
    cpu_after = cpu_available()
    server_log = (var / "gunicorn.log").read_text()
    return {
        "database": label,
        "cpu_before": cpu_before,
        "cpu_after": cpu_after,
        "setup_seconds": setup_seconds,
        "reference_data": reference,
        "generated": manifest["counts"],
        "generation_seconds": manifest["seconds"],
        "queries": queries,
        "results": rows,
        "server_log_tail": server_log[-3000:],
    }


def markdown(run: dict) -> str:
    """The report as Markdown tables, one per database, and the goal check."""
    m = run["machine"]
    out = [
        f"Command: `{run['command']}`  ",
        f"Machine: {m['cpus']} CPUs ({m['cpu_model']}), {m['ram_gib']} GiB RAM; Python "
        f"{m['python']}, Django {m['django']}, SQLite {m['sqlite']}, gunicorn {m['gunicorn']}; "
        f"commit {m['git_commit']}"
        f" ({m['uncommitted_app_files']} uncommitted files under clusterloom/); {m['date']}  ",
        f"Server: gunicorn -w {run['config']['workers']} --threads {run['config']['threads']}, "
        f"DEBUG off, page cache in {m.get('cache', 'per-process memory')}; load generator on "
        "the same machine, loopback.",
        "",
    ]
    for db in run["databases"]:
        title = db["database"] + (f" {db['server_version']}" if db.get("server_version") else "")
        before, after = db["cpu_before"], db["cpu_after"]
        out += [
            f"### {title}",
            "",
            f"CPUs free for this run (see bench/run.py `cpu_available`): "
            f"{before['effective_cpus']} of {m['cpus']} before, {after['effective_cpus']} after; "
            f"load average {' '.join(before['load_average'])} before.",
            "",
            "| endpoint | page cache | clients | requests | errors | median ms | p95 ms | p99 ms "
            "| req/s | median ÷ /healthz | SQL queries/request (uncached) | load-generator CPU |",
            "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
        ]
        for r in db["results"]:
            q = db["queries"].get(r["endpoint"], {})
            queries = (
                f"{q['queries_min']}–{q['queries_max']}"
                if q and q["queries_min"] != q["queries_max"]
                else str(q.get("queries_min", ""))
            )
            # Share of the machine's CPUs the load generator took during the pass.
            loadgen_cpu = (
                f"{100 * r['client_cpu_seconds'] / r['wall_seconds'] / m['cpus']:.0f} %"
                if r["wall_seconds"]
                else ""
            )
            out.append(
                f"| {r['endpoint']} | {r.get('page_cache', 'off')} | {r['clients']} "
                f"| {r['requests']} | {r['errors']} "
                f"| {r['median_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['throughput_rps']} "
                f"| {r['median_ratio_to_baseline']} | {queries} | {loadgen_cpu} |"
            )
        out.append("")
        errors = [r for r in db["results"] if r["errors"]]
        for r in errors:
            out.append(
                f"- {r['endpoint']} ({r['clients']} clients): {r['errors']} errors, e.g. "
                + "; ".join(r["error_samples"][:3])
            )
        out.append("")
    out += ["### Goal: p95 under 100 ms with 20 concurrent clients", ""]
    for check in run["goal"]:
        verdict = "met" if check["met"] else "NOT met"
        out.append(
            f"- {check['database']}, {check['endpoint']}, page cache {check['page_cache']}: "
            f"p95 {check['p95_ms']} ms, "
            f"{check['errors']} errors: **{verdict}**"
        )
    return "\n".join(out) + "\n"


def main() -> None:
    """Parse arguments, measure each database, write and print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--partnerships", type=int, default=100)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--per-client", type=int, default=40, help="requests per client")
    parser.add_argument("--single-requests", type=int, default=100, help="1-client pass size")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up requests per 8 clients")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--threads", type=int, default=1, help="gunicorn threads per worker (1: sync workers)"
    )
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=120,
        metavar="SECONDS",
        help="wait up to this long for the other processes to leave the CPUs free",
    )
    parser.add_argument(
        "--page-cache",
        default="off,on",
        help="measure with the public page cache off (render cost) and/or on (as deployed)",
    )
    parser.add_argument("--quick", action="store_true", help="small passes, to test the harness")
    args = parser.parse_args()
    args.page_cache = [m.strip() for m in args.page_cache.split(",") if m.strip()]
    if not set(args.page_cache) <= {"off", "on"}:
        raise SystemExit("--page-cache takes off, on or off,on")
    if args.quick:
        args.per_client, args.single_requests, args.warmup = 3, 10, 1

    command = "make bench" if not sys.argv[1:] else "bench/run.py " + " ".join(sys.argv[1:])
    run = {
        "command": command,
        "machine": machine(),
        "config": {
            k: getattr(args, k)
            for k in (
                "organisations",
                "partnerships",
                "clients",
                "per_client",
                "single_requests",
                "warmup",
                "workers",
                "threads",
                "seed",
            )
        },
        "databases": [],
    }
    workdir = Path(tempfile.mkdtemp(prefix="clusterloom-bench-"))
    try:
        for label in [d.strip() for d in args.databases.split(",") if d.strip()]:
            log(f"{label}: preparing")
            if label == "sqlite":
                db = bench_database(label, f"sqlite:///{workdir / 'bench.sqlite3'}", workdir, args)
            elif label == "postgresql":
                with postgres_database(args.postgres_url) as version:
                    db = bench_database(label, args.postgres_url, workdir, args)
                    db["server_version"] = version
            else:
                raise SystemExit(f"unknown database {label!r}: use sqlite and/or postgresql")
            run["databases"].append(db)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    run["goal"] = [
        {
            "database": db["database"],
            "endpoint": r["endpoint"],
            "page_cache": r.get("page_cache", "off"),
            "p95_ms": r["p95_ms"],
            "errors": r["errors"],
            "met": r["p95_ms"] is not None and r["p95_ms"] < GOAL_P95_MS and r["errors"] == 0,
        }
        for db in run["databases"]
        for r in db["results"]
        if r["endpoint"] in GOAL_ENDPOINTS and r["clients"] == args.clients
    ]
    results = BENCH / "results"
    results.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    report = markdown(run)
    (results / f"latency-{stamp}.json").write_text(json.dumps(run, indent=1))
    (results / f"latency-{stamp}.md").write_text(report)
    log(f"written bench/results/latency-{stamp}.json and .md")
    print(report)


if __name__ == "__main__":
    main()
