"""Matchmaking-meeting scheduler: each meeting gets a slot and a table, or none (pure module).

Rules of every result: nobody in two meetings in one slot; both participants available in
the slot of each of their meetings; a meeting with `slots` (a time of day: morning, afternoon,
a session, a window) only in one of them; at most `tables` meetings per slot and one per
table; a participant with a fixed table (an exhibitor at a booth) meets only at that table, so
a meeting between two exhibitors at different booths is never scheduled, and one between two
exhibitors of the same booth is held there; nobody above their `max_meetings`; locked meetings
(slot and table given: published ones) stay exactly where they are and count; a meeting with
a slot and no table stays in that slot at a table chosen here.
Objective, in this order (never trading a later term for an earlier one): the largest total
weight of scheduled meetings; the fewest breaks (a gap of any length between two consecutive
meetings of a participant in a session counts once, as in the literature on B2B events; a slot
the participant cannot attend does not join the two runs either side of it); the fewest idle
slots (free slots between a participant's first and last meeting of a session in which the
participant is available). `max_breaks`, when set, caps anyone's breaks: a schedule of the most
weight that keeps it is returned, or none (status "infeasible", `over_cap` naming who).

Tables follow from the slots: exhibitors' and locked meetings sit at their own table (distinct
within a slot by the rules above), the others take the free tables of their slot, so only slots
are searched. How (each step within its share of `time_limit`, all taken from one wall-time
deadline, scheduler_time.Deadline: no step starts once it has passed, and a solver gets the
time left once its model is built, less a margin): the LP relaxation (PDLP, see
scheduler_lp) bounds the weight and orders a greedy start; a local search of ejection chains
walking plateaus of equal weight (scheduler_search) runs until the weight reaches the bound; on
small events CP-SAT then proves the optimum or a tighter bound (scheduler_exact); then, with the
set of scheduled meetings fixed: moves and swaps lower breaks and idle slots; on events up to
_MAXSAT (meeting, slot) pairs MaxSAT (RC2, scheduler_breaks) proves the fewest breaks, with two
workers in two processes of their own (two encodings of the tables, a portfolio) while
neighbourhoods improve them here (the first proof's optimum wins when it comes in time), with
one worker first the neighbourhoods and then the proof; CP-SAT closes
idle slots last (whole or in neighbourhoods, breaks weighing more). `status`: "optimal" when
the weight reaches the bound (breaks and idle slots minimised, not proven minimal),
"feasible" when time ran out first, "infeasible" when locked meetings break a rule by
themselves or the cap on breaks cannot be kept (nothing is scheduled; the messages say why).
"""

from __future__ import annotations

import itertools
import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from . import scheduler_breaks, scheduler_exact, scheduler_lp, scheduler_search
from .scheduler_time import Deadline

_SEED = 20240101
_LP_SHARE = 0.3  # of the time limit, at most
_LIST = 5  # ids named in a message before "..."
_EXACT = 20_000  # (meeting, slot) pairs up to which CP-SAT tries to prove the weight optimal
_PATIENCE = 30  # rounds without a gain after which CP-SAT takes over (small events)
_MAXSAT = 20_000  # (meeting, slot) pairs up to which MaxSAT minimises the breaks
_APART = 1_000  # (meeting, slot) pairs from which the proof runs in a process of its own
_RACE_END = 0.1  # of the time left, at least 1 s, kept after that proof for the idle slots
_RACE_LEAST = 1.0  # seconds for the race, at least, to start processes for it (start-up ~0.3 s)
_SECOND_SHARE = 0.5  # of the race, for the second proof when two workers share the cores
_MAXSAT_FIRST = 0.15  # of the time left for MaxSAT on neighbourhoods, first
_MAXSAT_WHOLE = 0.5  # of the time left then for MaxSAT on the whole event (the proof)
_MAXSAT_SHARE = 0.85  # of the time left then for MaxSAT on neighbourhoods; then idle slots


@dataclass(frozen=True)
class Participant:
    """A registered participant: the slots they can meet in, their cap, their booth."""

    id: str
    available: frozenset[str]
    max_meetings: int | None = None
    fixed_table: int | None = None


@dataclass(frozen=True)
class Meeting:
    """An accepted meeting of two participants. With slot and table it is locked there; with a
    slot alone it is held in that slot at a table the scheduler picks; `slots`, when given,
    are the only slots it may take (a time of day both sides chose)."""

    id: str
    participants: tuple[str, str]
    weight: float = 1.0
    slot: str | None = None
    table: int | None = None
    slots: frozenset[str] | None = None


@dataclass(frozen=True)
class Problem:
    """An event: slots in time order, tables 1..N, participants, meetings, session breaks
    (`breaks`: indices i where slots i and i + 1 are in different sessions), and the most
    breaks in any one participant's day (`max_breaks`, None: no cap)."""

    slots: tuple[str, ...]
    tables: int
    participants: tuple[Participant, ...]
    meetings: tuple[Meeting, ...]
    breaks: frozenset[int] = frozenset()
    max_breaks: int | None = None


@dataclass
class Schedule:
    """Result: where each meeting takes place, what is left out, how good, with messages."""

    assignments: list[tuple[str, str, int]]
    unscheduled: list[str]
    objective: float
    upper_bound: float
    idle_gaps: int
    status: str
    messages: list[str]
    breaks: int = 0  # gaps (of any length) between consecutive meetings of a participant
    over_cap: list[tuple[str, int]] = field(default_factory=list)  # (participant, breaks)
    cap_proven: bool = False  # over_cap: no schedule of the most weight can keep the cap


class ScheduleInputError(ValueError):
    """A problem that cannot be scheduled as given; the message names the item."""


Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Event:
    """A checked problem in indices: slots are bits of masks, participants and meetings rows.

    Groups are what one slot holds once: a participant, or a table (shared by every exhibitor
    at it and taken by a meeting locked at it). Options exclude slots blocked by locked
    meetings, full slots and meetings that can never be held.
    """

    problem: Problem
    parts: tuple[tuple[int, int], ...]  # per meeting: its two participants (rows)
    groups: tuple[tuple[int, ...], ...]  # per meeting: the groups it occupies
    weights: tuple[int, ...]  # per meeting, in units of 1 / scale
    scale: int  # weights * scale are the integer weights; exact when `exact`
    exact: bool
    options: tuple[int, ...]  # per meeting: mask of its possible slots; 0 when locked
    locked: dict  # meeting row -> (slot index, table)
    available: tuple[int, ...]  # per participant: mask of available slots
    caps: tuple[int | None, ...]  # per participant
    sessions: tuple[int, ...]  # masks of the slots of each session
    booths: frozenset[int]  # tables that are some exhibitor's
    notes: tuple[str, ...]

    @property
    def n_groups(self) -> int:
        """Participants, then tables 1..N."""
        return len(self.problem.participants) + self.problem.tables


def _fail(message: str):
    raise ScheduleInputError(message)


def _name(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _integer(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _names(ids) -> str:
    ids = list(ids)
    shown = ", ".join(str(i) for i in ids[:_LIST])
    return shown + (", ..." if len(ids) > _LIST else "")


def _unique(name: str, items, kind) -> dict[str, int]:
    """Row of each item by id; every item of `kind` with a non-empty, unique string id."""
    rows = {}
    for i, item in enumerate(items):
        if not isinstance(item, kind):
            _fail(f"{name}[{i}]: must be a {kind.__name__}, not {type(item).__name__}")
        if not _name(item.id):
            _fail(f"{name}[{i}].id: must be a non-empty string, not {item.id!r}")
        if item.id in rows:
            _fail(f"{name}[{i}].id: {item.id!r} appears twice (also {name}[{rows[item.id]}])")
        rows[item.id] = i
    return rows


def _check_frame(problem: Problem) -> dict[str, int]:
    """Slots, tables and breaks checked; the index of each slot."""
    if not isinstance(problem, Problem):
        _fail(f"problem: must be a Problem, not {type(problem).__name__}")
    slots = {}
    for i, s in enumerate(problem.slots):
        if not _name(s):
            _fail(f"slots[{i}]: must be a non-empty string, not {s!r}")
        if s in slots:
            _fail(f"slots[{i}]: {s!r} appears twice (also slots[{slots[s]}])")
        slots[s] = i
    if not _integer(problem.tables) or problem.tables < 0:
        _fail(f"tables: must be an integer >= 0, not {problem.tables!r}")
    cap = problem.max_breaks
    if cap is not None and (not _integer(cap) or cap < 0):
        _fail(f"max_breaks: must be an integer >= 0 or None, not {cap!r}")
    for b in sorted(problem.breaks, key=repr):
        if not _integer(b) or not 0 <= b < len(slots) - 1:
            _fail(
                f"breaks: {b!r} is not the index of a slot followed by another "
                f"(0..{len(slots) - 2})"
            )
    return slots


def _check_participants(problem: Problem, slots: dict) -> dict[str, int]:
    rows = _unique("participants", problem.participants, Participant)
    for i, p in enumerate(problem.participants):
        where = f"participants[{i}] ({p.id})"
        if not isinstance(p.available, frozenset | set | tuple | list):
            _fail(f"{where}.available: must be a set of slot ids, not {p.available!r}")
        for s in sorted(p.available, key=repr):
            if s not in slots:
                _fail(f"{where}.available: unknown slot {s!r}")
        if p.max_meetings is not None and (not _integer(p.max_meetings) or p.max_meetings < 0):
            _fail(f"{where}.max_meetings: must be an integer >= 0 or None, not {p.max_meetings!r}")
        t = p.fixed_table
        if t is not None and (not _integer(t) or not 1 <= t <= problem.tables):
            _fail(f"{where}.fixed_table: {t!r} is not a table of this event (1..{problem.tables})")
    return rows


def _check_meeting(i: int, m, problem: Problem, slots: dict, people: dict) -> None:
    where = f"meetings[{i}] ({m.id})"
    pair = m.participants
    if not isinstance(pair, tuple | list) or len(pair) != 2:
        n = len(pair) if isinstance(pair, tuple | list) else pair
        _fail(f"{where}.participants: a meeting needs exactly two participants, not {n!r}")
    for k, pid in enumerate(pair):
        if pid not in people:
            _fail(f"{where}.participants[{k}]: unknown participant {pid!r}")
    if pair[0] == pair[1]:
        _fail(f"{where}.participants: {pair[0]!r} cannot meet themselves")
    w = m.weight
    if isinstance(w, bool) or not isinstance(w, int | float) or not 0 < w < math.inf:
        _fail(f"{where}.weight: must be a finite number > 0, not {w!r}")
    if m.slots is not None:
        if not isinstance(m.slots, frozenset | set | tuple | list) or not m.slots:
            _fail(f"{where}.slots: must be a non-empty set of slot ids or None, not {m.slots!r}")
        for s in sorted(m.slots, key=repr):
            if s not in slots:
                _fail(f"{where}.slots: unknown slot {s!r}")
    if m.slot is None:
        if m.table is not None:
            _fail(f"{where}: table given without slot (a locked meeting needs both)")
        return
    if m.slot not in slots:
        _fail(f"{where}.slot: unknown slot {m.slot!r}")
    if m.table is not None and (not _integer(m.table) or not 1 <= m.table <= problem.tables):
        _fail(f"{where}.table: {m.table!r} is not a table of this event (1..{problem.tables})")
    if m.slots is not None and m.slot not in m.slots:
        _fail(f"{where}: fixed in slot {m.slot!r}, which is not one of its slots")
    for pid in pair:
        if m.slot not in problem.participants[people[pid]].available:
            _fail(f"{where}: fixed in slot {m.slot!r}, where participant {pid!r} is not available")


def check(problem: Problem) -> Event:
    """The problem checked and in indices, or ScheduleInputError naming the first bad item."""
    slots = _check_frame(problem)
    people = _check_participants(problem, slots)
    _unique("meetings", problem.meetings, Meeting)
    for i, m in enumerate(problem.meetings):
        _check_meeting(i, m, problem, slots, people)
    n_people, n_slots, every = len(people), len(slots), (1 << len(slots)) - 1
    available = tuple(sum(1 << slots[s] for s in set(p.available)) for p in problem.participants)
    tables = [p.fixed_table for p in problem.participants]
    booth = [n_people + t - 1 if t else i for i, t in enumerate(tables)]
    scale, exact = scheduler_lp.weight_scale([m.weight for m in problem.meetings] or [1.0])
    parts, groups, options, locked, weights = [], [], [], {}, []
    apart, no_slot, outside = [], [], []
    for j, m in enumerate(problem.meetings):
        a, b = (people[pid] for pid in m.participants)
        own = tuple(dict.fromkeys((booth[a], booth[b])))
        parts.append((a, b))
        weights.append(round(m.weight * scale))
        if m.slot is not None:
            locked[j] = (slots[m.slot], m.table)
            at = (n_people + m.table - 1,) if m.table is not None else ()
            groups.append(tuple(dict.fromkeys((*own, *at))))
            options.append(0)
            continue
        groups.append(own)
        mask = available[a] & available[b]
        if tables[a] and tables[b] and tables[a] != tables[b]:
            apart.append(m.id)
            mask = 0
        elif not mask:
            no_slot.append(m.id)
        elif m.slots is not None and not mask & sum(1 << slots[s] for s in set(m.slots)):
            outside.append(m.id)
            mask = 0
        elif m.slots is not None:
            mask &= sum(1 << slots[s] for s in set(m.slots))
        options.append(mask)
    busy, per_slot = Counter(), Counter()
    for j, (s, _t) in locked.items():
        per_slot[s] += 1
        for g in groups[j]:
            busy[g] |= 1 << s
    full = sum(1 << s for s in range(n_slots) if per_slot[s] >= problem.tables)
    options = [
        mask & ~full & ~busy[groups[j][0]] & ~busy[groups[j][-1]] & every
        for j, mask in enumerate(options)
    ]
    caps = tuple(p.max_meetings for p in problem.participants)
    notes = []
    if apart:
        notes.append(
            f"{len(apart)} meetings cannot be scheduled: their participants sit at different "
            f"fixed tables ({_names(apart)})"
        )
    if no_slot:
        notes.append(
            f"{len(no_slot)} meetings cannot be scheduled: the two participants share no "
            f"available slot ({_names(no_slot)})"
        )
    if outside:
        notes.append(
            f"{len(outside)} meetings cannot be scheduled: none of the slots they are "
            f"restricted to suits both participants ({_names(outside)})"
        )
    starts = [0, *sorted(b + 1 for b in problem.breaks), n_slots]
    sessions = tuple(((1 << hi) - 1) ^ ((1 << lo) - 1) for lo, hi in itertools.pairwise(starts))
    return Event(
        problem=problem,
        parts=tuple(parts),
        groups=tuple(groups),
        weights=tuple(weights),
        scale=scale,
        exact=exact,
        options=tuple(options),
        locked=locked,
        available=available,
        caps=caps,
        sessions=tuple(s for s in sessions if s),
        booths=frozenset(t for t in tables if t),
        notes=tuple(notes),
    )


def locked_clashes(ev: Event) -> list[str]:
    """Rules the locked meetings break by themselves, one message per clash."""
    problem, out = ev.problem, []
    holder, count, per_slot = {}, Counter(), Counter()
    for j in sorted(ev.locked):
        s, table = ev.locked[j]
        m = problem.meetings[j]
        where = f"meetings[{j}] ({m.id})"
        booths = set()
        for pid, p in zip(m.participants, ev.parts[j], strict=True):
            fixed = problem.participants[p].fixed_table
            if fixed is not None and table is not None and fixed != table:
                out.append(
                    f"{where}: locked at table {table}, but {pid} meets only at table {fixed}"
                )
            if fixed is not None:
                booths.add(fixed)
            count[p] += 1
        if table is None and len(booths) > 1:
            out.append(f"{where}: its participants meet only at their own tables, two different")
        per_slot[s] += 1
        if per_slot[s] == problem.tables + 1:
            out.append(f"slot {m.slot}: more meetings fixed in it than the {problem.tables} tables")
        for g in ev.groups[j]:
            if (g, s) in holder:
                other = problem.meetings[holder[g, s]]
                what = (
                    f"participant {problem.participants[g].id}"
                    if g < len(problem.participants)
                    else f"table {g - len(problem.participants) + 1}"
                )
                out.append(f"{where}: {what} is already taken in slot {m.slot} by {other.id}")
            holder.setdefault((g, s), j)
    for p, n in sorted(count.items()):
        cap = ev.caps[p]
        if cap is not None and n > cap:
            pid = problem.participants[p].id
            out.append(f"participant {pid}: {n} locked meetings, more than max_meetings {cap}")
    return out


def result(ev: Event, slot_of, bound: float, notes=()) -> Schedule:
    """The Schedule of slot_of (a slot index or -1 per meeting) against `bound`."""
    problem = ev.problem
    table = scheduler_search.tables_for(ev, slot_of)
    placed = sorted(
        (m.id, problem.slots[s], table[j])
        for j, (m, s) in enumerate(zip(problem.meetings, slot_of, strict=True))
        if s >= 0
    )
    left = sorted(m.id for m, s in zip(problem.meetings, slot_of, strict=True) if s < 0)
    objective = math.fsum(
        m.weight for m, s in zip(problem.meetings, slot_of, strict=True) if s >= 0
    )
    bound = max(bound, objective)
    status = "optimal" if objective >= bound - 1e-9 * max(1.0, bound) else "feasible"
    gaps = scheduler_search.idle_gaps(ev, slot_of)
    waits = scheduler_search.breaks(ev, slot_of)
    return Schedule(placed, left, objective, bound, gaps, status, [*ev.notes, *notes], waits)


def slot_indices(problem: Problem, assignments) -> list[int]:
    """The slot (its index) of each meeting of `problem`, in its order, from (meeting, slot,
    table) rows such as a Schedule's assignments; -1 for a meeting not placed."""
    index = {s: i for i, s in enumerate(problem.slots)}
    row = {m.id: j for j, m in enumerate(problem.meetings)}
    out = [-1] * len(problem.meetings)
    for meeting, slot, _table in assignments:
        out[row[meeting]] = index[slot]
    return out


def _fewest_breaks(search, deadline: Deadline, tell, workers: int = 1) -> bool:
    """The MaxSAT stage on events up to _MAXSAT (meeting, slot) pairs, with most of the time
    left; True when it proved that the cap on breaks cannot hold for these meetings."""
    if deadline.passed():
        return False
    ev, st = search.ev, search.state
    pairs = sum(ev.options[j].bit_count() for j, s in enumerate(st.slot) if s >= 0)
    over, n, _idle = search.total_cost()
    if pairs > _MAXSAT or not (over or n):
        return False
    tell(f"fewest breaks with MaxSAT, from {n}")
    if workers >= 2 and pairs >= _APART:
        return _race_for_breaks(search, deadline, tell, workers)
    # Neighbourhoods first, briefly: their gains are kept if the whole event takes too long.
    scheduler_breaks.neighbourhoods(search, deadline.share(_MAXSAT_FIRST), tell)
    st = search.state
    if not any(search.total_cost()[:2]):
        return False
    found = scheduler_breaks.fewest_breaks(
        ev, st.slot, deadline.share(_MAXSAT_WHOLE), ev.problem.max_breaks
    )
    if found.slot_of is not None:
        search.load(found.slot_of)
        tell(f"fewest breaks with MaxSAT: {found.breaks} (proven)")
        return False
    if found.cap_impossible:
        return True
    scheduler_breaks.neighbourhoods(search, deadline.share(_MAXSAT_SHARE), tell)
    return False


def _race_for_breaks(search, deadline: Deadline, tell, workers: int = 2) -> bool:
    """A portfolio of two proofs on the whole event, each in a process of its own: the
    tables counted over busy participants (quicker on most events) and over the meetings
    (far quicker on some where the tables bind, far slower on others), beside the
    neighbourhoods in this process, all until _RACE_END of the time left remains. The first
    proof to answer ends the others, and its optimum replaces the schedule; the
    neighbourhoods' best stays when none answers. With two workers the second core is
    shared in time: the meetings' proof for its first _SECOND_SHARE, the neighbourhoods for
    the rest (three processes on two cores would slow the busy one's proofs by a third);
    with three or more, all run throughout. True when a proof found that the cap on breaks
    cannot hold. With less than _RACE_LEAST for the race no process is started: the
    neighbourhoods alone, here."""
    ev = search.ev
    until = deadline.sooner(max(1.0, _RACE_END * deadline.left()))
    if until.passed(_RACE_LEAST):
        scheduler_breaks.neighbourhoods(search, until, tell)
        return False
    race = scheduler_breaks.Race()
    proofs: list[scheduler_breaks.ProofApart] = []

    def answered() -> None:
        if any(p.answered() for p in proofs):
            race.finish()

    try:
        for tables in (scheduler_breaks.BUSY, scheduler_breaks.MEETINGS):
            proofs.append(
                scheduler_breaks.ProofApart(
                    ev, search.state.slot, ev.problem.max_breaks, until, answered, tables
                )
            )
        answered()  # one may have answered before it was listed
        if workers < 3 and not race.wait(until.share(_SECOND_SHARE)):
            proofs[1].stop()
        scheduler_breaks.neighbourhoods(search, until, tell, race=race)
    finally:
        for proof in proofs:
            proof.stop()  # nothing left to prove, or out of time
    found = [p.outcome for p in proofs if p.answered()]
    if not found:
        return False
    if any(f.cap_impossible for f in found):
        return True
    best = min(found, key=lambda f: f.breaks)
    before = list(search.state.slot)
    kept = search.total_cost()
    search.load(best.slot_of)
    if search.total_cost() > kept:  # as few breaks, more idle slots: keep the neighbourhoods'
        search.load(before)
    tell(f"fewest breaks with MaxSAT: {best.breaks} (proven)")
    return False


def _over_cap(ev: Event, slot_of, proven: bool = False) -> Schedule | None:
    """The refusal when someone has more breaks than the cap, naming who; else None."""
    cap, problem = ev.problem.max_breaks, ev.problem
    if cap is None:
        return None
    over = []
    for p, busy in enumerate(scheduler_search.busy_masks(ev, slot_of)):
        n = scheduler_search.breaks_of(busy, ev.sessions)
        if n > cap:
            over.append((problem.participants[p].id, n))
    if not over:
        return None
    named = _names(f"{pid} ({n})" for pid, n in over)
    why = (
        "cannot hold with every meeting of the most weight placed"
        if proven
        else "was not reached within the time limit"
    )
    message = (
        f"the cap of {cap} breaks per participant {why}: {len(over)} participants would have "
        f"more ({named}); raise or remove the cap, or give more time"
    )
    ids = sorted(m.id for m in problem.meetings)
    refused = Schedule([], ids, 0.0, 0.0, 0, "infeasible", [message])
    refused.over_cap, refused.cap_proven = over, proven
    return refused


def _infeasible(ev: Event, clashes: list[str]) -> Schedule:
    ids = sorted(m.id for m in ev.problem.meetings)
    return Schedule([], ids, 0.0, 0.0, 0, "infeasible", clashes)


def _locked_slots(ev: Event) -> list[int]:
    slot_of = [-1] * len(ev.options)
    for j, (s, _t) in ev.locked.items():
        slot_of[j] = s
    return slot_of


def schedule_first_fit(problem: Problem) -> Schedule:
    """Baseline: meetings by descending weight (ties in the given order), each in the first
    slot where both are free and available, at the first free table (booths last)."""
    ev = check(problem)
    clashes = locked_clashes(ev)
    if clashes:
        return _infeasible(ev, clashes)
    state = scheduler_search.State(ev)
    order = sorted(range(len(ev.options)), key=lambda j: -ev.weights[j])
    for j in order:
        free = state.free_mask(j) if state.room(j) else 0
        if free:
            state.put(j, (free & -free).bit_length() - 1)
    bound = scheduler_lp.combinatorial_bound(ev)
    return _over_cap(ev, state.slot) or result(ev, state.slot, _locked_weight(ev) + bound)


def _locked_weight(ev: Event) -> float:
    return math.fsum(ev.problem.meetings[j].weight for j in ev.locked)


def upper_bound_lp(problem: Problem, *, time_limit: float = 30.0) -> float:
    """The LP-relaxation bound on the total weight any schedule of `problem` can reach."""
    ev = check(problem)
    lp = scheduler_lp.relaxation(ev, time_limit=time_limit, tolerance=1e-7)
    open_bound = lp.bound if lp is not None else scheduler_lp.combinatorial_bound(ev)
    return _locked_weight(ev) + open_bound


def schedule(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    workers: int = 2,
    progress: Progress = None,
    started: float | None = None,
) -> Schedule:
    """Best schedule found within `time_limit` seconds of `started` (a time.monotonic()
    reading, default now: a caller's start-up counts when it passes its own): most weight,
    then fewest breaks, then fewest idle slots."""
    started = time.monotonic() if started is None else started
    t = time_limit
    if isinstance(t, bool) or not isinstance(t, int | float) or not 0 < t < math.inf:
        _fail(f"time_limit: must be a number of seconds > 0, not {t!r}")
    if not _integer(workers) or workers < 1:
        _fail(f"workers: must be an integer >= 1, not {workers!r}")
    report = progress or (lambda fraction, message: None)
    # The one deadline every step takes its time from; the end leaves time to load CP-SAT's
    # last schedule and to assign tables.
    deadline = Deadline(started + time_limit - min(0.5, 0.05 * time_limit))
    ev = check(problem)
    clashes = locked_clashes(ev)
    if clashes:
        return _infeasible(ev, clashes)
    report(0.0, f"{len(problem.meetings)} meetings, {len(problem.slots)} slots checked")
    locked = _locked_weight(ev)
    if not any(ev.options):
        report(1.0, "nothing left to place")
        return _over_cap(ev, _locked_slots(ev), True) or result(ev, _locked_slots(ev), locked)
    left = max(0.05, started + time_limit - time.monotonic())  # start-up may have taken some
    lp = None
    if not deadline.passed():  # else the start-up took the time: the greedy start, no more
        lp = scheduler_lp.relaxation(
            ev, time_limit=_LP_SHARE * left, workers=workers, tolerance=1e-5, deadline=deadline
        )
    notes = []
    if lp is None:
        bound, x = scheduler_lp.combinatorial_bound(ev), None
        notes.append("the LP relaxation gave no answer: the upper bound is a looser one")
    else:
        bound, x = lp.bound, lp.values
        if not lp.finished:
            notes.append("the LP relaxation stopped at its share of the time: a looser bound")
    # The search's value counts the locked meetings, which the bound leaves out: its target
    # must count them too, or it stops their weight short of the best (a variant of tic-12
    # with 4 fixed meetings: 121 of 125 placed, "at least 96.80 %").
    target = scheduler_lp.integral_target(ev, locked + bound)
    report(0.1, f"upper bound {locked + bound:g} (LP relaxation)")
    search = scheduler_search.Search(ev, seed=_SEED)
    search.start(x)
    shown = [0.1]

    def tell(message: str) -> None:
        shown[0] = max(shown[0], min(0.95, (time.monotonic() - started) / time_limit))
        report(shown[0], message)

    weight_deadline = deadline.sooner(scheduler_exact.gap_reserve(ev, left))
    small = sum(mask.bit_count() for mask in ev.options) <= _EXACT
    if small:  # half the time for the local search (less when it stalls), then CP-SAT
        search.improve(target, weight_deadline.share(0.5), tell, _PATIENCE)
    else:
        search.improve(target, weight_deadline, tell)
    if small and search.state.value < target and not weight_deadline.passed():
        tell("CP-SAT on the whole event")
        better, exact = scheduler_exact.solve(ev, search.state.slot, weight_deadline, workers)
        if better is not None:
            search.load(better)
        if exact is not None:
            bound = min(bound, scheduler_lp.round_down(ev, exact))
    search.close_gaps(deadline, tell)
    proven = _fewest_breaks(search, deadline, tell, workers)
    scheduler_exact.polish_gaps(search, deadline, workers, tell)
    refused = _over_cap(ev, search.state.slot, proven)
    if refused is not None:
        return refused
    out = result(ev, search.state.slot, locked + bound, notes)
    if out.status != "optimal":
        share = out.objective / out.upper_bound if out.upper_bound else 1.0
        out.messages.append(
            f"time limit of {time_limit:g} s reached: the weight is at least "
            f"{100 * share:.2f} % of the best possible"
        )
    report(1.0, f"{len(out.assignments)} meetings scheduled, weight {out.objective:g}")
    return out
