"""Mixed load and abuse benchmark (issue 12): public pages while members write, and each abuse
answered fast with a 4xx while another client's reads keep answering.

For each database (SQLite in a temporary directory, PostgreSQL in `clusterloom_bench`): migrate,
generate organisations and partnerships (bench/generate.py), add members with API tokens, an
open event and a partner request (bench/mixed_setup.py), serve with gunicorn (2 workers, page
cache on), then:

1. reads only: N clients, each sending R public-page requests (partnership and organisation
   profiles, directory searches; anonymous);
2. mixed: the same clients and pages, every 4th request a write with the client's token (follow
   and unfollow the partner request, ask another participant for a meeting and cancel it);
   each of these two passes on a freshly started server with an emptied page cache
   ("cold"), and again after every page of the pass was asked for once ("warm": the steady
   state of a site whose pages were served before, where what counts is whether writes evict
   them);
3. abuse: one client reads profiles in a loop while another sends each abuse of the review
   (XLSX bomb, centuries-long session, 100 KB of "[a](b", 7 MB JSON body, non-numeric id,
   wrong passwords, unknown tokens); each is timed and its status reported.

Every answer outside 2xx in passes 1-2, or a read failing during 3, is an error.

    .venv/bin/python bench/mixed.py [--databases sqlite,postgresql] [--quick]
"""

import argparse
import http.client
import io
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from run import (  # noqa: E402
    DEFAULT_POSTGRES,
    gunicorn,
    log,
    machine,
    manage,
    postgres_database,
    python,
)

HOST = "127.0.0.1"


@contextmanager
def serve(env: dict, var: Path, args, name: str, workers: int):
    """The site on a loopback port: gunicorn with two workers (the embedded default: tasks in
    the request, a per-process cache unless CACHE_URL is set), or with `--reference` the
    reference deployment (clusterloom/core/topology.py: two web processes, a Celery worker and
    beat, Redis as broker and shared cache), as deployed in production."""
    if not args.reference:
        with gunicorn(env, workers=workers, threads=1, logdir=var) as port:
            yield port
        return
    from clusterloom.core.topology import Topology, free_port_block

    topology = Topology(
        env=env,
        port=free_port_block(),
        log_dir=var / f"topology-{name}",
        web_workers=max(1, workers // 2),
    )
    try:
        topology.start(timeout=120)
        yield topology.port
    finally:
        topology.stop()


def _request(conn, method, path, body=None, headers=None):
    payload = None
    headers = dict(headers or {})
    headers.setdefault("Accept-Language", "en")
    if body is not None:
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers.setdefault("Content-Type", "application/json")
    conn.request(method, path, body=payload, headers=headers)
    response = conn.getresponse()
    data = response.read()
    return response.status, data, response


def _percentiles(values: list[float]) -> dict:
    if len(values) < 2:
        return {"n": len(values)}
    q = statistics.quantiles(sorted(values), n=100, method="inclusive")
    return {
        "n": len(values),
        "median_ms": round(statistics.median(values), 1),
        "p95_ms": round(q[94], 1),
        "max_ms": round(max(values), 1),
    }


def _read_paths(manifest: dict, rng: random.Random, count: int) -> list[str]:
    paths = []
    for _ in range(count):
        kind = rng.choice(["partnership", "organisation", "search"])
        if kind == "partnership":
            paths.append(f"/partnerships/{rng.choice(manifest['partnership_slugs'])}/")
        elif kind == "organisation":
            paths.append(f"/organisations/{rng.choice(manifest['organisation_slugs'])}/")
        else:
            paths.append(f"/organisations/?q={rng.choice(manifest['search_words'])}")
    return paths


def load_pass(
    port, manifest, setup, *, clients: int, per_client: int, writes: bool, seed: str = "mixed"
) -> dict:
    """N clients; with `writes`, every 4th request of each is a token write. Clients draw
    their pages from `seed`: the same pages in both measured passes."""
    reads, write_times, errors, samples = [], [], [0], []
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)
    event, request_id = setup["event"], setup["partner_request"]
    participants = setup["participants"]

    def client(n: int) -> None:
        rng = random.Random(f"{seed}-{n}")
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        auth = {"Authorization": f"Bearer {setup['tokens'][n]}"}
        paths = _read_paths(manifest, rng, per_client)
        meeting = None
        open_writes = [False, False]  # following the partner request, a meeting asked for
        my_reads, my_writes, my_errors = [], [], []
        barrier.wait()
        for k, path in enumerate(paths):
            write = writes and k % 4 == 3
            started = time.perf_counter()
            try:
                if not write:
                    status, data, _r = _request(conn, "GET", path)
                else:
                    step = (k // 4) % 4
                    if step == 0:
                        call = ("POST", f"/api/partner-requests/{request_id}/follow", None)
                    elif step == 1:
                        invitee = participants[(n + 1) % len(participants)]
                        call = ("POST", f"/api/events/{event}/meetings", {"invitee": invitee})
                    elif step == 2:
                        call = ("DELETE", f"/api/partner-requests/{request_id}/follow", None)
                    else:
                        call = (
                            "POST",
                            f"/api/events/{event}/meetings/{meeting}/cancel",
                            {"reason": ""},
                        )
                    status, data, _r = _request(conn, call[0], call[1], call[2], auth)
                    if step == 1 and status == 201:
                        meeting = json.loads(data)["id"]
                    if 200 <= status < 300:  # a follow or a request is open until undone
                        open_writes[step % 2] = step < 2
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=60)
                my_errors.append(f"{path}: {type(exc).__name__}")
                continue
            elapsed = (time.perf_counter() - started) * 1000
            if 200 <= status < 300:
                (my_writes if write else my_reads).append(elapsed)
            else:
                my_errors.append(f"{'write' if write else path}: HTTP {status} {data[:120]!r}")
        # Undo what is still open (a follow, a meeting request), untimed, so that a later pass
        # starts from the same state.
        if open_writes[0]:
            _request(conn, "DELETE", f"/api/partner-requests/{request_id}/follow", None, auth)
        if open_writes[1]:
            _request(
                conn, "POST", f"/api/events/{event}/meetings/{meeting}/cancel", {"reason": ""}, auth
            )
        conn.close()
        with lock:
            reads.extend(my_reads)
            write_times.extend(my_writes)
            errors[0] += len(my_errors)
            samples.extend(my_errors[: max(0, 5 - len(samples))])

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return {
        "clients": clients,
        "writes": writes,
        "seconds": round(time.perf_counter() - started, 1),
        "reads": _percentiles(reads),
        "write_calls": _percentiles(write_times),
        "errors": errors[0],
        "error_samples": samples,
    }


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr(
            "xl/sharedStrings.xml", "<sst><si><t>" + "A" * 187_000_000 + "</t></si></sst>"
        )
    return out.getvalue()


def _multipart(name: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "benchboundary12"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"'
            "\r\nContent-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def abuses(setup: dict) -> list[tuple[str, list[tuple]]]:
    """Each abuse as a list of requests (method, path, body, headers)."""
    manager = {"Authorization": f"Bearer {setup['manager_token']}"}
    organiser = {"Authorization": f"Bearer {setup['coordinator_token']}"}
    bomb, content_type = _multipart("file", "members.xlsx", _bomb())
    return [
        (
            "XLSX bomb (unpacks to 187 MB) as a member list",
            [
                (
                    "POST",
                    f"/api/organisations/{setup['cluster']}/members",
                    bomb,
                    {**manager, "Content-Type": content_type},
                )
            ],
        ),
        (
            "session from 0001-01-01 to 2027-01-01",
            [
                (
                    "POST",
                    f"/api/events/{setup['event']}/sessions",
                    {
                        "name": "Forever",
                        "starts_at": "0001-01-01T00:00",
                        "ends_at": "2027-01-01T00:00",
                    },
                    organiser,
                )
            ],
        ),
        (
            'strategy text of "[a](b" x 20,000 (100 KB; a valid text: 200 expected)',
            [
                (
                    "PATCH",
                    f"/api/strategies/{setup['strategy']}",
                    {"text": "[a](b" * 20_000, "note": "bench"},
                    manager,
                )
            ],
        ),
        (
            "7 MB JSON body",
            [("POST", "/api/partnerships", b'{"x": "' + b"a" * 7_000_000 + b'"}', manager)],
        ),
        ("non-numeric id", [("GET", "/api/strategies/abc", None, {})]),
        (
            # 30 per address and worker: with the per-process cache of this set-up (no
            # CACHE_URL), each of the 2 workers counts its own.
            "70 unknown API tokens",
            [("GET", "/api/partnerships", None, {"Authorization": "Bearer cl_wrong"})] * 70,
        ),
    ]


def abuse_pass(port, manifest, setup) -> list[dict]:
    """Each abuse while a reader loops over public profiles; time both."""
    rows = []
    for label, calls in abuses(setup):
        stop = threading.Event()
        reads, read_errors = [], [0]

        def reader(label=label, stop=stop, reads=reads, read_errors=read_errors) -> None:
            rng = random.Random(label)
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
            while not stop.is_set():
                path = _read_paths(manifest, rng, 1)[0]
                started = time.perf_counter()
                try:
                    status, _d, _r = _request(conn, "GET", path)
                except (OSError, http.client.HTTPException):
                    conn = http.client.HTTPConnection(HOST, port, timeout=60)
                    read_errors[0] += 1
                    continue
                if status == 200:
                    reads.append((time.perf_counter() - started) * 1000)
                else:
                    read_errors[0] += 1
            conn.close()

        thread = threading.Thread(target=reader, daemon=True)
        thread.start()
        time.sleep(0.5)
        conn = http.client.HTTPConnection(HOST, port, timeout=120)
        statuses, times = [], []
        for method, path, body, headers in calls:
            started = time.perf_counter()
            try:
                status, _data, _r = _request(conn, method, path, body, headers)
            except (OSError, http.client.HTTPException) as exc:
                # The server may answer and close before a too large body is sent whole.
                status = type(exc).__name__
                try:
                    status = conn.getresponse().status
                except (OSError, http.client.HTTPException):
                    pass
                conn = http.client.HTTPConnection(HOST, port, timeout=120)
            times.append((time.perf_counter() - started) * 1000)
            statuses.append(status)
        time.sleep(0.5)
        stop.set()
        thread.join()
        rows.append(
            {
                "abuse": label,
                "statuses": sorted(set(map(str, statuses))),
                "last_status": statuses[-1],
                "slowest_ms": round(max(times), 1),
                "reads_meanwhile": _percentiles(reads),
                "read_errors": read_errors[0],
            }
        )
        row = rows[-1]
        log(f"  {label}: {row['statuses']} in ≤{row['slowest_ms']} ms; {row['reads_meanwhile']}")
    return rows


def bench_database(label: str, url: str, workdir: Path, args) -> dict:
    """Prepare one database, then the three passes."""
    var = workdir / label
    var.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CLUSTERLOOM_VAR_DIR": str(var),
        "DEBUG": "false",
        "LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "clusterloom.settings",
        "PAGE_CACHE_SECONDS": "600",
        "SECRET_KEY": "bench-" + "k" * 50,
    }
    if args.reference:
        env.update({"CELERY_BROKER_URL": args.redis_url, "CACHE_URL": args.redis_url})
    manage(env, "migrate", "--noinput")
    manage(env, "load_reference_data", "--no-cities")
    manifest_path = var / "manifest.json"
    python(
        env,
        "generate.py",
        "--organisations",
        str(args.organisations),
        "--partnerships",
        str(args.partnerships),
        "--manifest",
        str(manifest_path),
    )
    manifest = json.loads(manifest_path.read_text())
    setup = json.loads(python(env, "mixed_setup.py", "--members", str(args.clients)))
    log(f"{label}: data ready; starting gunicorn")
    # Each measured pass gets a fresh server and an empty page cache, then the same short
    # warm-up (other pages than the measured ones): both passes ask for the same pages from
    # the same state, so what differs between them is the writes. (Until 2026-12-07 the mixed
    # pass followed the reads-only pass on the same server and found its pages cached.)
    passes = {}
    abused = None
    # With --code and/or --threads, each pass is served by each variant in turn (the same
    # data, seconds apart): old and new code, or set-ups, compared within one run.
    workers = [int(n) for n in args.workers.split(",")]
    variants = [("", {}, workers[0])]
    if args.code:
        variants = [(f"@{code}", {"PYTHONPATH": code}, workers[0]) for code in args.code.split(",")]
    if len(workers) > 1:
        variants = [
            (f"{label}@workers={n}", extra, n) for label, extra, _ in variants for n in workers
        ]
    if args.threads:
        variants = [
            (f"{label}@threads={n}", {**extra, "GUNICORN_CMD_ARGS": f"--threads {n}"}, count)
            for label, extra, count in variants
            for n in args.threads.split(",")
        ]
    for state in args.states.split(","):
        for name, writes in (("reads_only", False), ("mixed", True)):
            for variant, extra, count in variants:
                served = {**env, **extra}
                manage(env, "shell", "-c", "from django.core.cache import cache; cache.clear()")
                with serve(served, var, args, f"{state}-{name}", count) as port:
                    if state == "warm":
                        # The steady state of a site that has served its pages before: every
                        # page of the measured pass asked for once (reads only), so what the
                        # pass shows is whether the writes (or nothing) evict them.
                        warm = load_pass(
                            port,
                            manifest,
                            setup,
                            clients=args.clients,
                            per_client=args.per_client,
                            writes=False,
                        )
                    else:
                        warm = load_pass(
                            port, manifest, setup, clients=4, per_client=10, writes=False,
                            seed="warm-up",
                        )  # fmt: skip
                    log(f"{label}: {state} warm-up {warm['reads']}")
                    key = name if state == "cold" else f"{name}_{state}"
                    key += variant
                    passes[key] = load_pass(
                        port,
                        manifest,
                        setup,
                        clients=args.clients,
                        per_client=args.per_client,
                        writes=writes,
                    )
                    result = passes[key]
                    log(
                        f"{label}: {key} reads {result['reads']}, writes "
                        f"{result['write_calls']}, {result['errors']} errors "
                        f"{result['error_samples']}"
                    )
                    if writes and abused is None and not args.no_abuse:
                        abused = abuse_pass(port, manifest, setup)
    return {"database": label, **passes, "abuse": abused}


def main() -> None:
    """Run the passes on each database; print JSON and a short Markdown summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--partnerships", type=int, default=100)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--per-client", type=int, default=40)
    parser.add_argument(
        "--states",
        default="cold,warm",
        help="cold: each pass from an empty page cache; warm: after every page of the pass "
        "was asked for once (a site's steady state)",
    )
    parser.add_argument(
        "--reference",
        action="store_true",
        help="serve with the reference deployment (two web processes, Celery worker and "
        "beat, Redis as broker and cache) instead of gunicorn with two workers",
    )
    parser.add_argument(
        "--workers",
        default="2",
        help="gunicorn sync workers in all (with --reference: spread over its two web "
        "processes); comma-separated: each pass served with each count in turn",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument(
        "--code",
        default="",
        help="checkouts (directories, comma-separated) whose code serves each pass in turn, "
        "on the same data: compares old and new code in one run",
    )
    parser.add_argument(
        "--threads",
        default="",
        help="threads per gunicorn worker (comma-separated): each pass served with each in turn",
    )
    parser.add_argument("--no-abuse", action="store_true", help="skip the abuse pass")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.organisations, args.partnerships, args.per_client = 500, 10, 8
    results = {"machine": machine(), "command": " ".join(sys.argv), "databases": []}
    if (args.code or args.threads) and not args.reference:
        parser.error("--code and --threads need --reference (bench/run.py serves its own way)")
    if args.code:
        # gunicorn puts its working directory first on the import path: serve from a
        # directory that holds no checkout, so PYTHONPATH decides which code answers.
        os.chdir(tempfile.gettempdir())
    with tempfile.TemporaryDirectory(prefix="clusterloom-mixed-") as tmp:
        for label in args.databases.split(","):
            if label == "sqlite":
                url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
                results["databases"].append(bench_database(label, url, Path(tmp), args))
            else:
                with postgres_database(args.postgres_url):
                    results["databases"].append(
                        bench_database(label, args.postgres_url, Path(tmp), args)
                    )
    print(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
