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
are upper limits). Goal: at 1,000 participants, 99.5 % of the bound within 10 s and
99.9 % within 60 s on 2 cores. The load average before and after is recorded: the machine is
shared.

    .venv/bin/python bench/scheduling.py                         # 300, 1,000, 5,000; ~10 min
    .venv/bin/python bench/scheduling.py --sizes 300 --repeat 1 --time-limit 5   # quick check
    .venv/bin/python bench/scheduling.py --sizes 1000 --time-limit 10,60
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
import re
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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
GOAL = {"participants": 1_000, 10.0: 0.995, 60.0: 0.999}
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
    runs = []
    for _ in range(repeat):
        trace, started = [], time.perf_counter()

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
        "scheduled": len(result.assignments),
        "median_s": round(statistics.median(s for _r, s, _t in runs), 2),
        "max_s": round(max(s for _r, s, _t in runs), 2),
        "shares": [round(r.objective / bound, 6) if bound else 1.0 for r, _s, _t in runs],
        "reached_99_5_s": reached(0.995) if method is schedule else None,
        "reached_99_9_s": reached(0.999) if method is schedule else None,
        "reached_bound_s": reached(1.0) if method is schedule else None,
        "messages": result.messages,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="300,1000,5000", help="participants, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--time-limit", default="10,60", help="seconds for `schedule`, comma-separated"
    )
    parser.add_argument("--seed", type=int, default=2024, help="of the event generator")
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
    for size in (int(s) for s in args.sizes.split(",")):
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
        "| own bound, status | idle gaps | scheduled | median s (max) "
        "| 99.5 % / 99.9 % / 100 % at s |"
    )
    print("|---|---|---:|---:|---|---:|---:|---:|---|")
    for r in out["sizes"]:
        event = f"{r['participants']:,} / {r['meetings']:,} / {r['slots']} / {r['tables']:,}"
        print(f"| {event} | LP bound | {r['lp_bound']:g} | 100 % | | | | {r['lp_s']} | |")
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
                f"| {m['own_bound']:g}, {m['status']} | {m['idle_gaps']:,} "
                f"| {m['scheduled']:,} | {m['median_s']} ({m['max_s']}) | {at} |"
            )
    print(f"\nload average before / after: {out['load_before']} / {out['load_after']}")
    for r in out["sizes"]:
        if r["participants"] != GOAL["participants"]:
            continue
        for limit, share in ((10.0, GOAL[10.0]), (60.0, GOAL[60.0])):
            m = r.get(f"schedule_{limit:g}s")
            if m:
                worst = min(m["shares"])
                print(
                    f"goal at {r['participants']:,} participants: {100 * share:g} % of the bound "
                    f"within {limit:g} s: {'met' if worst >= share else 'NOT met'} (worst of "
                    f"{args.repeat}: {100 * worst:.3f} %)"
                )
    folder = ROOT / "bench" / "results"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"scheduling-{out['when'].replace(':', '')}.json"
    path.write_text(json.dumps(out, indent=1))
    print(f"written {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
