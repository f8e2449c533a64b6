"""The B2B meeting-scheduling benchmark (MiniZinc .dzn) as `scheduler.Problem`s (bench only).

Bofill, Espasa, Garcia, Palahí, Suy and Villaret, "Constraint Solving Approaches to the
Business-to-Business Meeting Scheduling Problem", JAIR 74 (2022): participants 1..P, meetings
1..M (two participants and a session code: 1 morning only, 2 afternoon only, 3 any), L tables
(at most L meetings per slot), slots 1..T of which 1..A are the morning, forbidden slots per
participant, fixed slots per meeting. Every meeting weighs 1, so the most weight is every meeting
placed; `paper_breaks` counts breaks as the paper does (consecutive meetings of a participant in
non-adjacent slots, morning and afternoon being one day of consecutive slots).

The files are read where they are (`../shared/data/b2b/` from the repository): they are not
part of the repository.
"""

from __future__ import annotations

import csv
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clusterloom.events.scheduler import Meeting, Participant, Problem  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "b2b"


class DznError(ValueError):
    """A .dzn file this converter cannot read; the message names the item."""


def _scalar(text: str, name: str) -> int:
    found = re.search(rf"\b{name}\s*=\s*(-?\d+)\s*;", text)
    if not found:
        raise DznError(f"{name}: missing or not an integer")
    return int(found.group(1))


def _body(text: str, name: str) -> str:
    found = re.search(rf"\b{name}\s*=\s*\[(.*?)\]\s*;", text, re.S)
    if not found:
        raise DznError(f"{name}: missing")
    return found.group(1)


def _sets(text: str, name: str) -> list[list[int]]:
    return [
        [int(v) for v in re.findall(r"-?\d+", body)]
        for body in re.findall(r"\{([^}]*)\}", _body(text, name))
    ]


def read_dzn(path: Path) -> Problem:
    """One benchmark instance as a Problem: slots "t01".."tNN" in one session; a meeting's
    session code becomes its `slots` (morning or afternoon), a fixed one its `slot` (no table)."""
    text = path.read_text(encoding="utf-8")
    n_people, n_meetings = _scalar(text, "nBusiness"), _scalar(text, "nMeetings")
    tables, n_slots = _scalar(text, "nTables"), _scalar(text, "nTotalSlots")
    morning = _scalar(text, "nMorningSlots")
    rows = [
        [int(v) for v in re.findall(r"-?\d+", row)]
        for row in _body(text, "requested").split("|")
        if row.strip(" ,\n")
    ]
    if len(rows) != n_meetings or any(len(r) != 3 for r in rows):
        raise DznError(f"requested: {len(rows)} rows of three expected {n_meetings}")
    forbidden = _sets(text, "forbidden")
    if len(forbidden) != n_people:
        raise DznError(f"forbidden: {len(forbidden)} sets for {n_people} participants")
    fixed = [int(v) for v in re.findall(r"-?\d+", _body(text, "fixed"))]
    if len(fixed) != n_meetings:
        raise DznError(f"fixed: {len(fixed)} values for {n_meetings} meetings")
    slots = tuple(f"t{s:02d}" for s in range(1, n_slots + 1))
    every = set(range(1, n_slots + 1))
    people = tuple(
        Participant(f"b{p:03d}", frozenset(slots[s - 1] for s in every - set(forbidden[p - 1])))
        for p in range(1, n_people + 1)
    )
    part = {
        1: slots[:morning],
        2: slots[morning:],
        3: None,
    }
    meetings = []
    for k, (a, b, code) in enumerate(rows, start=1):
        if code not in part or not (1 <= a <= n_people and 1 <= b <= n_people):
            raise DznError(f"requested row {k}: {a}, {b}, {code} is not two participants and 1-3")
        if not 0 <= fixed[k - 1] <= n_slots:
            raise DznError(f"fixed[{k}]: {fixed[k - 1]} is not a slot")
        slot = slots[fixed[k - 1] - 1] if fixed[k - 1] else None
        meetings.append(
            Meeting(
                f"m{k:03d}",
                (f"b{a:03d}", f"b{b:03d}"),
                slot=slot,
                slots=frozenset(part[code]) if part[code] else None,
            )
        )
    return Problem(slots, tables, people, tuple(meetings))


def paper_breaks(problem: Problem, assignments) -> int:
    """Breaks as the paper counts them, from (meeting, slot, table) rows: per participant, the
    consecutive meetings (in time order) whose slots are not adjacent."""
    index = {s: i for i, s in enumerate(problem.slots)}
    pair = {m.id: m.participants for m in problem.meetings}
    mine: dict[str, list[int]] = {}
    for meeting, slot, _table in assignments:
        for p in pair[meeting]:
            mine.setdefault(p, []).append(index[slot])
    return sum(
        sum(1 for x, y in zip(sorted(s), sorted(s)[1:], strict=False) if y > x + 1)
        for s in mine.values()
    )


def optima() -> dict[str, dict]:
    """The paper's optima per instance file name (optima.csv)."""
    with (DATA / "optima.csv").open(encoding="utf-8") as f:
        return {row["instance"]: row for row in csv.DictReader(f)}


def instances() -> list[Path]:
    """The benchmark's .dzn files, by name."""
    return sorted(DATA.glob("*.dzn"))


def variant(problem: Problem, seed: int, forbid: float = 0.1, fix: float = 0.05) -> Problem:
    """The event with other forbidden slots and fixed meetings (the issue's check on events we
    do not have): each participant loses about `forbid` of their slots (never so many that
    fewer remain than their meetings, nor the slots of their fixed meetings), and about `fix`
    of the meetings are fixed to a slot (no table) both sides have, within its time of day,
    where neither side has another fixed meeting and a table is left."""
    rng = random.Random(seed)
    index = {s: i for i, s in enumerate(problem.slots)}
    count, held = {}, {}
    for m in problem.meetings:
        for p in m.participants:
            count[p] = count.get(p, 0) + 1
            if m.slot:
                held.setdefault(p, set()).add(m.slot)
    people = []
    for p in problem.participants:
        slots = set(p.available)
        for s in sorted(slots, key=index.get):
            if rng.random() < forbid and len(slots) > count.get(p.id, 0) + 1:
                if s not in held.get(p.id, set()):
                    slots.discard(s)
        people.append(Participant(p.id, frozenset(slots), p.max_meetings, p.fixed_table))
    available = {p.id: p.available for p in people}
    taken = {p: set(s) for p, s in held.items()}
    load = {}
    for m in problem.meetings:
        if m.slot:
            load[m.slot] = load.get(m.slot, 0) + 1
    meetings = []
    for m in problem.meetings:
        if m.slot is None and rng.random() < fix:
            a, b = m.participants
            shared = available[a] & available[b] & (m.slots or set(problem.slots))
            shared = sorted(
                (s for s in shared if s not in taken.get(a, set()) | taken.get(b, set())),
                key=index.get,
            )
            shared = [s for s in shared if load.get(s, 0) < problem.tables]
            if shared:
                s = rng.choice(shared)
                load[s] = load.get(s, 0) + 1
                for p in m.participants:
                    taken.setdefault(p, set()).add(s)
                m = Meeting(m.id, m.participants, m.weight, slot=s, slots=m.slots)
        meetings.append(m)
    return Problem(problem.slots, problem.tables, tuple(people), tuple(meetings))
