"""Matchmaking-meeting scheduling: `schedule` against the first-fit baseline and the LP bound.

A seeded generator makes an event: sessions of 4 to 6 slots (a break between sessions, none
counted as idle), participants available in a random 60-100 % of the slots, 15 % of them in one
session only, 5 % exhibitors at their own booth (available throughout), 20 % with a personal
cap of 4-10 meetings; requests with power-law popularity (the requester drawn uniformly, the
invitee with probability proportional to 1 / (rank + 10), so a few participants get 50 to 150
requests for 12-20 slots), each pair once; weights 1 (70 %), 2 (mutual requests, 25 %) and 3
(organiser priority, 5 %). For each size: the LP-relaxation bound (`upper_bound_lp`), the
first-fit baseline (`schedule_first_fit`, by descending weight) and `schedule` at each time
limit, `--repeat` runs each (median time, the median run's figures), weight as a share of the
LP bound, idle gaps, and when the weight first reached 99.5 %, 99.9 % and 100 % of the LP bound
(the first progress report at or above it: reports come after each pass of the search, so these
are upper limits). Goals: 1,000 participants at 100 % of the bound within 10 s, 5,000 at
99.9 % within 60 s, on 2 cores. The load average before and after is recorded: the machine is
shared.

The real B2B events (`--b2b`, bench/b2b.py reads them from ../shared/data/b2b/): per event,
meetings placed, breaks (counted as the paper does, from the assignments), the paper's optimum
(Bofill et al., JAIR 74, 2022, Table 5, with their fairness rule d = 2, which can only raise
it), idle slots and wall seconds (the conversion included) for first-fit, the previous
scheduler (the files of commit PREVIOUS, loaded from git: it knows no time of day, so the 8
events with morning or afternoon requests are left out for it) and `schedule`, in the same
run. Goal: every meeting placed and breaks at or below the paper's optimum on all 20 within
20 s each.

    .venv/bin/python bench/scheduling.py                         # 300, 1,000, 5,000; ~10 min
    .venv/bin/python bench/scheduling.py --sizes 300 --repeat 1 --time-limit 5   # quick check
    .venv/bin/python bench/scheduling.py --sizes 1000 --time-limit 10,60
    .venv/bin/python bench/scheduling.py --sizes 1000,5000 --repeat 1 --b2b 20   # all goals
    .venv/bin/python bench/scheduling.py --sizes "" --b2b 20 --only tic-13     # some events
    .venv/bin/python bench/scheduling.py --sizes "" --b2b-variants 1 --proof 40  # variants
    .venv/bin/python bench/scheduling.py --sizes "" --b2b-command 20 --repeat 3 --only forumt

`--b2b-command S` runs each real event through the command itself (`clusterloom schedule
--time-limit S`, the event written as its JSON input first, untimed) and times it from before
the process is spawned to after it has exited: start-up, the proof processes and the exit
included, the wall time an operator waits. `--code DIR,DIR` runs the scheduler of each
checkout in turn, run by run (e.g. main and a branch, for a before / after under the same load).
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import json
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import b2b  # noqa: E402  (bench/b2b.py)
import ortools  # noqa: E402
import scipy  # noqa: E402

from clusterloom.events.scheduler import (  # noqa: E402
    Meeting,
    Participant,
    Problem,
    schedule,
    schedule_first_fit,
    upper_bound_lp,
)

#: participants: (meetings, slots, tables, slots per session)
SIZES = {300: (1_200, 12, 90, 6), 1_000: (5_000, 16, 300, 4), 5_000: (30_000, 20, 1_500, 5)}
GOAL = {(1_000, 10.0): 1.0, (5_000, 60.0): 0.999}  # (participants, seconds): share of the bound
WEIGHTS = ((1.0, 0.70), (2.0, 0.25), (3.0, 0.05))


def generate(participants: int, seed: int = 2024) -> Problem:
    """A generated event of `participants` (a key of SIZES)."""
    n_meetings, n_slots, tables, per_session = SIZES[participants]
    rng = random.Random(seed)
    slots = tuple(f"s{i:02d}" for i in range(n_slots))
    sessions = [slots[i : i + per_session] for i in range(0, n_slots, per_session)]
    breaks = frozenset(range(per_session - 1, n_slots - 1, per_session))
    ids = [f"p{i:05d}" for i in range(participants)]
    exhibitors = rng.sample(range(participants), participants // 20)
    booth = {p: k + 1 for k, p in enumerate(exhibitors)}
    people = []
    for i, pid in enumerate(ids):
        if i in booth:
            available = slots
        elif rng.random() < 0.15:
            available = rng.choice(sessions)
        else:
            available = rng.sample(slots, round(n_slots * rng.uniform(0.6, 1.0)))
        cap = rng.randint(4, 10) if rng.random() < 0.2 else None
        people.append(Participant(pid, frozenset(available), cap, booth.get(i)))
    rank = list(range(participants))
    rng.shuffle(rank)
    popularity = list(itertools.accumulate(1.0 / (r + 10) for r in rank))
    values, shares = zip(*WEIGHTS, strict=True)
    pairs, meetings = set(), []
    while len(meetings) < n_meetings:
        a = rng.randrange(participants)
        b = rng.choices(range(participants), cum_weights=popularity)[0]
        if a == b or (min(a, b), max(a, b)) in pairs:
            continue
        pairs.add((min(a, b), max(a, b)))
        weight = rng.choices(values, shares)[0]
        meetings.append(Meeting(f"m{len(meetings):06d}", (ids[a], ids[b]), weight))
    return Problem(slots, tables, tuple(people), tuple(meetings), breaks)


def run(method, problem: Problem, repeat: int, bound: float, **options) -> dict:
    """The median run of `repeat` (by weight, then time) and the spread of times."""
    runs, cpus = [], []
    for _ in range(repeat):
        trace, started, cpu = [], time.perf_counter(), _cpu()

        def progress(fraction, message, trace=trace, started=started):
            found = re.search(r"weight ([0-9.e+]+)", message)
            if found:
                trace.append((time.perf_counter() - started, float(found.group(1))))

        if method is schedule:
            options["progress"] = progress
        result = method(problem, **options)
        seconds = time.perf_counter() - started
        trace.append((seconds, result.objective))
        runs.append((result, seconds, trace))
        cpus.append(_cpu() - cpu)
    runs.sort(key=lambda r: (r[0].objective, -r[1]))
    result, _seconds, trace = runs[len(runs) // 2]

    def reached(share: float):
        return next((round(t, 2) for t, w in trace if w >= share * bound - 1e-9), None)

    return {
        "objective": result.objective,
        "share": result.objective / bound if bound else 1.0,
        "own_bound": result.upper_bound,
        "status": result.status,
        "idle_gaps": result.idle_gaps,
        "breaks": result.breaks,
        "scheduled": len(result.assignments),
        "median_s": round(statistics.median(s for _r, s, _t in runs), 2),
        "max_s": round(max(s for _r, s, _t in runs), 2),
        "cpu_s": round(statistics.median(cpus), 2),
        "shares": [round(r.objective / bound, 6) if bound else 1.0 for r, _s, _t in runs],
        "reached_99_5_s": reached(0.995) if method is schedule else None,
        "reached_99_9_s": reached(0.999) if method is schedule else None,
        "reached_bound_s": reached(1.0) if method is schedule else None,
        "messages": result.messages,
    }


PREVIOUS = "462f730"  # main before breaks, times of day and MaxSAT


def previous_scheduler():
    """The scheduler package as of commit PREVIOUS (git show), importable as `previous`."""
    folder = Path(tempfile.mkdtemp(prefix="scheduler-previous-")) / "previous"
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    for name in ("scheduler", "scheduler_exact", "scheduler_lp", "scheduler_search"):
        source = subprocess.run(
            ["git", "show", f"{PREVIOUS}:clusterloom/events/{name}.py"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        (folder / f"{name}.py").write_text(source)
    sys.path.insert(0, str(folder.parent))
    return importlib.import_module("previous.scheduler")


def b2b_rows(limit: float, only: str) -> list[dict]:
    """The real events: first-fit, the previous scheduler and `schedule`, each timed."""
    old = previous_scheduler()
    optima = b2b.optima()
    rows = []
    for path in b2b.instances():
        if only and only not in path.name:
            continue
        paper = optima[path.name]
        row = {"event": path.name.removesuffix(".original.dzn")}
        row["optimum"] = int(paper["optimal_breaks_d2"])
        row["paper_s"] = float(paper["maxsat_seconds_paper"])
        for name in ("first_fit", "previous", "schedule"):
            started, cpu = time.perf_counter(), _cpu()
            problem = b2b.read_dzn(path)
            row["meetings"] = len(problem.meetings)
            if name == "first_fit":
                result = schedule_first_fit(problem)
            elif name == "schedule":
                result = schedule(
                    problem,
                    time_limit=limit,
                    started=time.monotonic() - (time.perf_counter() - started),
                )
            elif any(m.slots for m in problem.meetings):
                row[name] = None  # morning or afternoon requests: not expressible before
                continue
            else:
                result = old.schedule(_as_previous(old, problem), time_limit=limit)
            seconds = time.perf_counter() - started
            row[name] = {
                "placed": len(result.assignments),
                "breaks": b2b.paper_breaks(problem, result.assignments),
                "idle": result.idle_gaps,
                "s": round(seconds, 2),
                "cpu_s": round(_cpu() - cpu, 2),
            }
            if name == "schedule":
                assert result.breaks == row[name]["breaks"], "breaks counted two ways differ"
        print(json.dumps(row), flush=True)
        rows.append(row)
    return rows


def event_json(problem: Problem) -> dict:
    """`problem` as the input of `clusterloom schedule`."""
    return {
        "slots": list(problem.slots),
        "tables": problem.tables,
        "participants": [
            {
                "id": p.id,
                "available": sorted(p.available),
                "max_meetings": p.max_meetings,
                "fixed_table": p.fixed_table,
            }
            for p in problem.participants
        ],
        "meetings": [
            {
                "id": m.id,
                "participants": list(m.participants),
                "weight": m.weight,
                "slot": m.slot,
                "table": m.table,
                "slots": None if m.slots is None else sorted(m.slots),
            }
            for m in problem.meetings
        ],
        "breaks": sorted(problem.breaks),
        "max_breaks": problem.max_breaks,
    }


def command_rows(limit: float, only: str, repeat: int, codes: list[Path]) -> list[dict]:
    """The real events through `clusterloom schedule --time-limit limit`, each `repeat`
    times with the scheduler of each checkout of `codes` in turn: wall seconds from before
    the process is spawned to its exit, the CPU seconds it and its children had, the breaks."""
    command = Path(sys.executable).with_name("clusterloom")
    rows = []
    with tempfile.TemporaryDirectory(prefix="schedule-command-") as folder:
        for path in b2b.instances():
            if only and only not in path.name:
                continue
            problem = b2b.read_dzn(path)
            given, out = Path(folder) / "event.json", Path(folder) / "schedule.json"
            given.write_text(json.dumps(event_json(problem)))
            for attempt, code in itertools.product(range(1, repeat + 1), codes):
                env = {**os.environ, "PYTHONPATH": str(code)}
                out.unlink(missing_ok=True)
                cpu, load = _children_cpu(), os.getloadavg()[0]
                started = time.perf_counter()
                done = subprocess.run(
                    [command, "schedule", "--input", given, "--output", out]
                    + ["--time-limit", f"{limit:g}"],
                    cwd=code,
                    env=env,
                    capture_output=True,
                    text=True,
                )
                seconds = time.perf_counter() - started
                row = {
                    "event": path.name.removesuffix(".original.dzn"),
                    "code": str(code),
                    "attempt": attempt,
                    "s": round(seconds, 2),
                    "cpu_s": round(_children_cpu() - cpu, 2),
                    "load": round(load, 2),
                    "exit": done.returncode,
                }
                if done.returncode == 0:
                    placed = json.loads(out.read_text())["assignments"]
                    rows_of = [(a["meeting"], a["slot"], a["table"]) for a in placed]
                    row["placed"] = len(placed)
                    row["breaks"] = b2b.paper_breaks(problem, rows_of)
                else:
                    row["error"] = done.stderr.strip().splitlines()[-1:]
                print(json.dumps(row), flush=True)
                rows.append(row)
    return rows


def print_command(rows: list[dict], limit: float) -> None:
    for code in dict.fromkeys(r["code"] for r in rows):
        mine = [r for r in rows if r["code"] == code]
        over = sorted((r["s"] for r in mine if r["s"] > limit), reverse=True)
        print(
            f"\n{code}: `clusterloom schedule --time-limit {limit:g}`: {len(over)} of "
            f"{len(mine)} runs over {limit:g} s (wall, start-up and exit included)"
            + (f": {', '.join(str(s) for s in over)}" if over else "")
            + f"; longest {max(r['s'] for r in mine)} s; CPU s "
            + f"{min(r['cpu_s'] for r in mine)}-{max(r['cpu_s'] for r in mine)}"
        )


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def variant_rows(limit: float, only: str, seeds: int, proof_s: float) -> list[dict]:
    """The real events with other forbidden slots and fixed meetings (b2b.variant), which
    have no published optimum: `schedule` within `limit`, then, as the yardstick, the fewest
    breaks for the meetings it placed proven by the scheduler's own proof process given
    `proof_s` seconds (None: no proof in that time)."""
    from clusterloom.events import scheduler as core
    from clusterloom.events import scheduler_breaks

    rows = []
    for path in b2b.instances():
        if only and only not in path.name:
            continue
        for seed in range(1, seeds + 1):
            started = time.perf_counter()
            problem = b2b.variant(b2b.read_dzn(path), seed)
            row = {"event": path.name.removesuffix(".original.dzn"), "seed": seed}
            row["meetings"] = len(problem.meetings)
            row["fixed"] = sum(1 for m in problem.meetings if m.slot)
            result = schedule(
                problem,
                time_limit=limit,
                started=time.monotonic() - (time.perf_counter() - started),
            )
            row["s"] = round(time.perf_counter() - started, 2)
            row["placed"], row["breaks"] = len(result.assignments), result.breaks
            row["first_fit"] = b2b.paper_breaks(problem, schedule_first_fit(problem).assignments)
            ev = core.check(problem)
            slot_of = core.slot_indices(problem, result.assignments)
            ended = threading.Event()
            t0 = time.perf_counter()
            proof = scheduler_breaks.ProofApart(
                ev, slot_of, None, time.monotonic() + proof_s, ended.set
            )
            ended.wait(proof_s + 5)
            proof.stop()
            found = proof.outcome
            row["proven"] = found.breaks if found and found.slot_of is not None else None
            row["proof_s"] = round(time.perf_counter() - t0, 2)
            print(json.dumps(row), flush=True)
            rows.append(row)
    return rows


def print_variants(rows: list[dict], limit: float) -> None:
    print(
        "\n| event (variant) | meetings / fixed | first-fit breaks | **schedule** placed / "
        "breaks / s | fewest breaks proven (s) |"
    )
    print("|---|---|---:|---|---|")
    met = proven = 0
    for r in rows:
        ok = r["proven"] is not None and r["breaks"] <= r["proven"] and r["s"] <= limit
        met += ok
        proven += r["proven"] is not None
        best = "no proof" if r["proven"] is None else f"{r['proven']} ({r['proof_s']})"
        print(
            f"| {r['event']} ({r['seed']}) | {r['meetings']} / {r['fixed']} | {r['first_fit']} "
            f"| {'**' if ok else ''}{r['placed']} / {r['breaks']} / {r['s']}{'**' if ok else ''}"
            f" | {best} |"
        )
    print(
        f"\nvariants: the proven fewest breaks within {limit:g} s on {met} of {len(rows)} "
        f"({proven} proven)"
    )


def _cpu() -> float:
    """CPU seconds this process and its ended children (the scheduler's proof process) have
    had, all threads: on a shared machine, what the scheduler got."""
    own, children = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _as_previous(old, problem: Problem):
    return old.Problem(
        problem.slots,
        problem.tables,
        tuple(old.Participant(p.id, p.available) for p in problem.participants),
        tuple(old.Meeting(m.id, m.participants, m.weight) for m in problem.meetings),
        problem.breaks,
    )


def print_b2b(rows: list[dict], limit: float) -> None:
    """The real events as a Markdown table, and the goal."""
    print(
        "\n| event | meetings | paper optimum (s) | first-fit placed / breaks | previous "
        "placed / breaks / idle / s (CPU s) | **schedule** placed / breaks / idle / s (CPU s) |"
    )
    print("|---|---:|---:|---|---|---|")
    met = 0
    for r in rows:
        cells = []
        for name in ("previous", "schedule"):
            m = r[name]
            cells.append(
                "not expressible (morning / afternoon requests)"
                if m is None
                else f"{m['placed']} / {m['breaks']} / {m['idle']} / {m['s']} ({m['cpu_s']})"
            )
        new = r["schedule"]
        ok = new["placed"] == r["meetings"] and new["breaks"] <= r["optimum"] and new["s"] <= limit
        met += ok
        ff = r["first_fit"]
        print(
            f"| {r['event']} | {r['meetings']} | {r['optimum']} ({r['paper_s']}) "
            f"| {ff['placed']} / {ff['breaks']} | {cells[0]} | {'**' if ok else ''}{cells[1]}"
            f"{'**' if ok else ''} |"
        )
    print(
        f"\ngoal on the real events (every meeting placed, breaks <= the paper's optimum, "
        f"within {limit:g} s): met on {met} of {len(rows)}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="300,1000,5000", help="participants, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--time-limit", default="10,60", help="seconds for `schedule`, comma-separated"
    )
    parser.add_argument("--seed", type=int, default=2024, help="of the event generator")
    parser.add_argument(
        "--b2b", type=float, default=0, help="also the real B2B events, with this time limit"
    )
    parser.add_argument("--only", default="", help="real events whose file name holds this")
    parser.add_argument(
        "--b2b-variants",
        type=int,
        default=0,
        help="also this many variants of each real event (other forbidden slots, fixed "
        "meetings), with the --b2b time limit (20 s when not given)",
    )
    parser.add_argument(
        "--b2b-command",
        type=float,
        default=0,
        help="also the real events through `clusterloom schedule --time-limit S`, --repeat "
        "times each, timed from before the process starts",
    )
    parser.add_argument(
        "--code",
        default=str(ROOT),
        help="checkouts whose scheduler --b2b-command runs, comma-separated, in turn",
    )
    parser.add_argument(
        "--proof", type=float, default=90, help="seconds for the yardstick proof of a variant"
    )
    args = parser.parse_args()
    limits = [float(s) for s in args.time_limit.split(",")]
    out = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, python "
        f"{platform.python_version()}, ortools {ortools.__version__}, scipy {scipy.__version__}",
        "load_before": [round(x, 2) for x in os.getloadavg()],
        "seed": args.seed,
        "repeat": args.repeat,
        "sizes": [],
    }
    if args.b2b:
        out["b2b"] = b2b_rows(args.b2b, args.only)
    if args.b2b_command:
        codes = [Path(c).resolve() for c in args.code.split(",")]
        out["b2b_command"] = command_rows(args.b2b_command, args.only, args.repeat, codes)
    if args.b2b_variants:
        out["b2b_variants"] = variant_rows(args.b2b or 20, args.only, args.b2b_variants, args.proof)
    for size in (int(s) for s in args.sizes.split(",") if s):
        problem = generate(size, args.seed)
        started = time.perf_counter()
        bound = upper_bound_lp(problem, time_limit=300)
        degree = {}
        for m in problem.meetings:
            for pid in m.participants:
                degree[pid] = degree.get(pid, 0) + 1
        row = {
            "participants": size,
            "meetings": len(problem.meetings),
            "slots": len(problem.slots),
            "tables": problem.tables,
            "total_weight": sum(m.weight for m in problem.meetings),
            "most_requests": sorted(degree.values())[-3:],
            "lp_bound": bound,
            "lp_s": round(time.perf_counter() - started, 2),
            "first_fit": run(schedule_first_fit, problem, args.repeat, bound),
        }
        for limit in limits:
            row[f"schedule_{limit:g}s"] = run(
                schedule, problem, args.repeat, bound, time_limit=limit
            )
        out["sizes"].append(row)
        print(json.dumps(row), flush=True)
    out["load_after"] = [round(x, 2) for x in os.getloadavg()]
    print(
        "\n| participants / meetings / slots / tables | method | weight | share of LP bound "
        "| own bound, status | breaks | idle slots | scheduled | median s (max) "
        "| 99.5 % / 99.9 % / 100 % at s |"
    )
    print("|---|---|---:|---:|---|---:|---:|---:|---:|---|")
    for r in out["sizes"]:
        event = f"{r['participants']:,} / {r['meetings']:,} / {r['slots']} / {r['tables']:,}"
        print(f"| {event} | LP bound | {r['lp_bound']:g} | 100 % | | | | | {r['lp_s']} | |")
        for name in (k for k in r if k == "first_fit" or k.startswith("schedule_")):
            m = r[name]
            label = "first-fit" if name == "first_fit" else f"schedule, {name[9:]}"
            at = (
                f"{m['reached_99_5_s']} / {m['reached_99_9_s']} / {m['reached_bound_s']}"
                if name != "first_fit"
                else ""
            )
            print(
                f"| {event} | {label} | {m['objective']:g} | {100 * m['share']:.3f} % "
                f"| {m['own_bound']:g}, {m['status']} | {m.get('breaks', '')} | {m['idle_gaps']:,} "
                f"| {m['scheduled']:,} | {m['median_s']} ({m['max_s']}; CPU {m['cpu_s']}) | {at} |"
            )
    if args.b2b:
        print_b2b(out["b2b"], args.b2b)
    if args.b2b_command:
        print_command(out["b2b_command"], args.b2b_command)
    if args.b2b_variants:
        print_variants(out["b2b_variants"], args.b2b or 20)
    print(f"\nload average before / after: {out['load_before']} / {out['load_after']}")
    for r in out["sizes"]:
        for (size, limit), share in GOAL.items():
            m = r.get(f"schedule_{limit:g}s")
            if r["participants"] == size and m:
                worst = min(m["shares"])
                print(
                    f"goal at {size:,} participants: {100 * share:g} % of the bound within "
                    f"{limit:g} s: {'met' if worst >= share and m['max_s'] <= limit else 'NOT met'}"
                    f" (worst of {args.repeat}: {100 * worst:.3f} %, slowest {m['max_s']} s)"
                )
    folder = ROOT / "bench" / "results"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"scheduling-{out['when'].replace(':', '')}.json"
    path.write_text(json.dumps(out, indent=1))
    print(f"written {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
