"""What one write costs the whole machine, beside what a cached public page costs: the CPU
time of every process of the reference deployment (gunicorn, the Celery worker, PostgreSQL's
backends) and of this client, per cycle of the mixed benchmark's four writes (follow the
partner request, ask for a meeting, unfollow, cancel) and per four cached page reads.

One client, requests one after another, so the figures are costs, not latencies. CPU times
are read from /proc (utime + stime of each process, grouped by command line), so this runs on
Linux only. The database is one `bench/generate.py` filled and `bench/mixed_setup.py`
prepared (the manifest and the setup JSON they wrote):

    DATABASE_URL=postgres://...  .venv/bin/python bench/write_cost.py \\
        --manifest manifest.json --setup setup.json [--cycles 50] [--code DIR,DIR]

With --code, each checkout serves in turn (alternated rounds), to compare code on one
database. Redis (127.0.0.1:6379) is the broker and the cache, as in production.
"""

import argparse
import functools
import http.client
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dj_database_url  # noqa: E402
from mixed import _read_paths  # noqa: E402
from run import process_stat, served_env  # noqa: E402

GROUPS = ("postgres", "celery", "gunicorn")


def process_cpu(sessions: set[int], database: str) -> dict[str, float]:
    """CPU seconds used so far by the processes of each group: the deployment's own (in the
    sessions its processes lead) and PostgreSQL's backends serving `database` (their titles
    name it), not other work on the machine."""
    tick = os.sysconf("SC_CLK_TCK")
    totals = dict.fromkeys(GROUPS, 0.0)
    for pid in filter(str.isdigit, os.listdir("/proc")):
        fields = process_stat(pid)
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if fields is None:
            continue
        seconds = (int(fields[11]) + int(fields[12])) / tick
        if command.startswith("postgres:"):
            if f" {database} " in command:
                totals["postgres"] += seconds
            continue
        if int(fields[3]) not in sessions:  # the session id
            continue
        for group in GROUPS:
            if group in command[:200]:
                totals[group] += seconds
                break
    return totals


def measure(port: int, setup: dict, paths: list[str], cycles: int, cpu) -> dict:
    """CPU ms per cycle of four writes and per four cached reads, for each process group."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(method, path, body=None, headers=None):
        data = json.dumps(body) if body is not None else None
        conn.request(method, path, body=data, headers={"Content-Type": "application/json",
                                                       **(headers or {})})  # fmt: skip
        response = conn.getresponse()
        content = response.read()
        if response.status >= 300:
            raise SystemExit(f"{method} {path}: HTTP {response.status} {content[:200]!r}")
        return content

    event, request_id = setup["event"], setup["partner_request"]
    token = {"Authorization": f"Bearer {setup['tokens'][0]}"}
    invitee = setup["participants"][1]

    def writes(n):
        for _ in range(n):
            call("POST", f"/api/partner-requests/{request_id}/follow", None, token)
            meeting = json.loads(
                call("POST", f"/api/events/{event}/meetings", {"invitee": invitee}, token)
            )["id"]
            call("DELETE", f"/api/partner-requests/{request_id}/follow", None, token)
            call("POST", f"/api/events/{event}/meetings/{meeting}/cancel", {"reason": ""}, token)

    def reads(n):
        for k in range(n):
            for path in paths[(4 * k) % len(paths) :][:4]:
                call("GET", path)

    for path in paths:  # every page cached once
        call("GET", path)
    writes(3)
    result = {}
    for name, run in (("4 cached reads", reads), ("4 writes", writes)):
        time.sleep(2)  # the Celery worker done with what came before
        before, client_before = cpu(), time.process_time()
        run(cycles)
        time.sleep(2)  # and with the notices of these writes
        after, client_after = cpu(), time.process_time()
        row = {g: round((after[g] - before[g]) * 1000 / cycles, 1) for g in GROUPS}
        row["client"] = round((client_after - client_before) * 1000 / cycles, 1)
        row["all"] = round(sum(row.values()), 1)
        result[name] = row
    conn.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, required=True)
    parser.add_argument("--setup", type=Path, required=True)
    parser.add_argument("--cycles", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--code", default="", help="checkouts serving in turn (comma-separated)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    args = parser.parse_args()
    from clusterloom.core.topology import Topology, free_port_block

    manifest = json.loads(args.manifest.read_text())
    setup = json.loads(args.setup.read_text())
    paths = _read_paths(manifest, random.Random(1), 40)
    env = served_env(600, CELERY_BROKER_URL=args.redis_url, CACHE_URL=args.redis_url)
    codes = args.code.split(",") if args.code else [""]
    if args.code:
        os.chdir(tempfile.gettempdir())  # gunicorn puts its directory first on the path
    results = []
    for round_ in range(args.rounds):
        for code in codes:
            served = {**env, "PYTHONPATH": code} if code else env
            with tempfile.TemporaryDirectory() as logs:
                topology = Topology(
                    env=served, port=free_port_block(), log_dir=Path(logs), web_workers=1
                )
                try:
                    topology.start(timeout=120)
                    sessions = {p.pid for p in topology.processes.values()}
                    database = dj_database_url.parse(os.environ["DATABASE_URL"])["NAME"]
                    row = measure(
                        topology.port,
                        setup,
                        paths,
                        args.cycles,
                        functools.partial(process_cpu, sessions, database),
                    )
                finally:
                    topology.stop()
            results.append({"round": round_ + 1, "code": code or ".", **row})
            print(f"round {round_ + 1} {code or '.'}: {row}", file=sys.stderr, flush=True)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
