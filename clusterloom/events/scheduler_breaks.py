"""MaxSAT stage of `scheduler.schedule` (pure module): the fewest breaks for the meetings placed.

A break is a gap of any length between two consecutive meetings of a participant in a session.
The scheduled meetings stay scheduled (the weight is never traded) and may take any of their
possible slots; locked and fixed meetings stay in theirs. The encoding follows Bofill et al.,
JAIR 74 (2022), whose core-guided MaxSAT approach proves the optima of the real B2B events:

- x[m, s]: meeting m in slot s, exactly one per meeting; at most one per participant or booth
  and slot; at most the free tables per slot (a sequential counter);
- busy[p, s] <-> some meeting of p in s (or a locked one); the count of p's busy slots equals
  p's meetings (a totalizer): this redundant constraint is what makes the SAT calls quick
  (tic-12: 0.6 s with it, no answer in 3 minutes without);
- before[p, s] <- busy[p, t] for some t <= s of the same session;
- brk[p, s] <- busy[p, s] and not busy[p, s - 1] and before[p, s - 2]: a gap ends in s;
  each brk is a soft clause of weight 1; a cap on anyone's breaks is a hard cardinality.

RC2 (PySAT) raises the lower bound core by core, so it proves small optima (a few breaks) fast;
it answers only at the optimum, within the time given, or not at all.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from pysat.card import CardEnc, EncType
from pysat.examples.rc2 import RC2
from pysat.formula import WCNF, IDPool

from .scheduler_search import bits

_SOLVER = "g4"  # Glucose 4 under RC2
_START = 40  # meetings in the first neighbourhood
_SMALLEST = 10
_ROUND = 2.0  # seconds at most per neighbourhood
_QUICK = 0.25  # answered within this share of the round: the next neighbourhood grows


@dataclass
class Outcome:
    """The slots found (None: none within the time), whether they are optimal, and whether a
    cap on breaks was found impossible (True: proven so for this set of meetings)."""

    slot_of: list[int] | None
    breaks: int | None
    cap_impossible: bool = False


class _Encoding:
    """The clauses of one event's break problem."""

    def __init__(self, ev, slot_of, cap, free=None):
        self.ev, self.pool = ev, IDPool()
        self.hard, self.soft = [], []  # plain lists: WCNF.append checks each clause, slowly
        self.x = {}
        n_slots = len(ev.problem.slots)
        self.session = [0] * n_slots
        for k, mask in enumerate(ev.sessions):
            for s in bits(mask):
                self.session[s] = k
        fixed = [0] * len(ev.available)
        load = [0] * n_slots
        count = [0] * len(ev.available)
        taken = {}  # group -> slots held by meetings that stay
        if free is None:
            free = {j for j, s in enumerate(slot_of) if s >= 0 and j not in ev.locked}
        touched = {p for j in free for p in ev.parts[j]}
        for j, s in enumerate(slot_of):
            if s < 0 or j in free:
                continue
            load[s] += 1
            for g in ev.groups[j]:
                taken[g] = taken.get(g, 0) | 1 << s
            for p in ev.parts[j]:
                fixed[p] |= 1 << s
                count[p] += 1
        by_group, by_slot, by_part = {}, {}, {}
        for j in free:
            s = slot_of[j]
            mask = ev.options[j] | 1 << s
            for g in ev.groups[j]:
                mask &= ~taken.get(g, 0)
            lits = []
            for t in bits(mask):
                v = self.pool.id(("x", j, t))
                self.x[j, t] = v
                lits.append(v)
                by_slot.setdefault(t, []).append(v)
                for g in ev.groups[j]:
                    by_group.setdefault((g, t), []).append(v)
                for p in ev.parts[j]:
                    by_part.setdefault((p, t), []).append(v)
            for p in ev.parts[j]:
                count[p] += 1
            self._card(lits, 1, "equals")
        for lits in by_group.values():
            self._card(lits, 1, "atmost")
        for t, lits in by_slot.items():
            self._card(lits, ev.problem.tables - load[t], "atmost")
        self.true = self.pool.id("true")
        self.hard.append([self.true])
        for p in sorted(touched):
            if count[p] < 2:
                continue
            busy = []
            for t in range(n_slots):
                if (fixed[p] >> t) & 1:
                    busy.append(self.true)
                elif (p, t) in by_part:
                    b = self.pool.id(("b", p, t))
                    lits = by_part[p, t]
                    self.hard.append([-b, *lits])
                    for v in lits:
                        self.hard.append([-v, b])
                    busy.append(b)
                else:
                    busy.append(None)
            self._card([b for b in busy if b is not None], count[p], "equals")
            mine = self._breaks(p, busy)
            if cap is not None and len(mine) > cap:
                self._card(mine, cap, "atmost")

    def formula(self) -> WCNF:
        """The clauses as PySAT's weighted CNF (every soft clause of weight 1)."""
        out = WCNF()
        out.hard, out.soft, out.wght = self.hard, self.soft, [1] * len(self.soft)
        out.nv, out.topw = self.pool.top, len(self.soft) + 1
        return out

    def _card(self, lits, bound, kind) -> None:
        if len(lits) <= bound and kind == "atmost":
            return
        if bound < 0:
            self.hard.append([])
            return
        if len(lits) == 1 and kind == "equals" and bound == 1:
            self.hard.append(list(lits))
            return
        encoding = EncType.seqcounter if bound == 1 or kind == "atmost" else EncType.totalizer
        if bound == 1 and len(lits) <= 6:
            encoding = EncType.pairwise
        make = CardEnc.equals if kind == "equals" else CardEnc.atmost
        self.hard.extend(make(lits, bound, vpool=self.pool, encoding=encoding).clauses)

    def _breaks(self, p: int, busy: list) -> list[int]:
        """The soft break literals of participant p (one per slot where a gap may end)."""
        before, acc, mine = [None] * len(busy), None, []
        for t, b in enumerate(busy):
            if t and self.session[t] != self.session[t - 1]:
                acc = None
            if b is not None:
                v = self.pool.id(("before", p, t))
                self.hard.append([-b, v])
                if acc is not None:
                    self.hard.append([-acc, v])
                acc = v
            before[t] = acc
        for t, b in enumerate(busy):
            if t < 2 or b is None or self.session[t - 2] != self.session[t]:
                continue
            if before[t - 2] is None or busy[t - 1] == self.true:
                continue
            k = self.pool.id(("brk", p, t))
            clause = [-b, -before[t - 2], k]
            if busy[t - 1] is not None:
                clause.append(busy[t - 1])
            self.hard.append(clause)
            self.soft.append([-k])
            mine.append(k)
        return mine


def fewest_breaks(ev, slot_of, deadline: float, cap: int | None = None, free=None) -> Outcome:
    """The scheduled meetings of slot_of in slots with the fewest breaks (RC2, until the
    monotonic clock reads `deadline`), every participant within `cap` breaks when given;
    only the meetings in `free` move when it is given (the breaks counted are then those
    of their participants)."""
    enc = _Encoding(ev, slot_of, cap, free)
    seconds = deadline - time.monotonic()
    if seconds <= 0:
        return Outcome(None, None)
    solver = RC2(enc.formula(), solver=_SOLVER, adapt=True, exhaust=True, minz=True, trim=5)
    timer = threading.Timer(seconds, solver.interrupt)
    timer.start()
    try:
        model = solver.compute(expect_interrupt=True)
        cost, interrupted = solver.cost, solver.interrupted
    finally:
        timer.cancel()
        solver.delete()
    if model is None:  # interrupted, or the hard part (the cap) cannot hold
        return Outcome(None, None, cap_impossible=not interrupted and cap is not None)
    chosen = {v for v in model if v > 0}
    out = list(slot_of)
    for (j, t), v in enc.x.items():
        if v in chosen:
            out[j] = t
    return Outcome(out, cost)


def neighbourhoods(search, deadline: float, tell, size: int = _START) -> None:
    """Large-neighbourhood search: RC2 on the meetings of a few participants with breaks and
    of their partners, the rest fixed, each answer optimal for its neighbourhood; the size
    grows while answers come quickly and shrinks when one runs out of its time."""
    ev, rng = search.ev, search.rng
    cap = ev.problem.max_breaks
    while time.monotonic() < deadline - 0.2:
        st = search.state
        costs = [search.cost(p, busy) for p, busy in enumerate(st.pbusy)]
        waiting = [p for p, c in enumerate(costs) if c[0] or c[1]]
        if not waiting:
            return
        free = _pick(search, rng.choice(waiting), size)
        started = time.monotonic()
        until = min(deadline, started + _ROUND)
        found = fewest_breaks(ev, st.slot, until, cap, free)
        if found.slot_of is None:
            size = max(_SMALLEST, int(size * 0.7))
            continue
        if time.monotonic() - started < _QUICK * _ROUND:
            size = min(len(search.open), int(size * 1.2) + 1)
        before = search.total_cost()
        search.load(found.slot_of)
        after = search.total_cost()
        if after[:2] > before[:2]:  # cannot happen: the old slots were a solution; be safe
            search.load(st.slot)
        elif after[:2] < before[:2]:
            tell(f"fewest breaks, neighbourhoods of {len(free)} meetings: {after[1]}")


def _pick(search, first: int, size: int) -> set[int]:
    """Meetings of `first`, then of their partners and partners' partners, up to `size`."""
    st, ev = search.state, search.ev
    free, queue, seen = set(), [first], {first}
    while queue and len(free) < size:
        p = queue.pop(0)
        mine = [j for j in search.by_part[p] if st.slot[j] >= 0]
        search.rng.shuffle(mine)
        for j in mine:
            free.add(j)
            for q in ev.parts[j]:
                if q not in seen:
                    seen.add(q)
                    queue.append(q)
    return free
