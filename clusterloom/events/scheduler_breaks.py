"""MaxSAT stage of `scheduler.schedule` (pure module): the fewest breaks for the meetings placed.

A break is a gap of any length between two consecutive meetings of a participant in a session.
The scheduled meetings stay scheduled (the weight is never traded) and may take any of their
possible slots; locked and fixed meetings stay in theirs. The encoding follows Bofill et al.,
JAIR 74 (2022), whose core-guided MaxSAT approach proves the optima of the real B2B events:

- x[m, s]: meeting m in slot s, exactly one per meeting; at most one per participant or booth
  and slot; at most the free tables per slot (over the busy participants, or over the
  meetings: a sequential counter);
- busy[p, s] <-> some meeting of p in s (or a locked one); the count of p's busy slots equals
  p's meetings (a totalizer): this redundant constraint is what makes the SAT calls quick
  (tic-12: 0.6 s with it, no answer in 3 minutes without);
- before[p, s] <- busy[p, t] for some t <= s of the same session;
- brk[p, s] <- busy[p, s] and not busy[p, s - 1] and before[p, s - 2]: a gap ends in s;
  each brk is a soft clause of weight 1; a cap on anyone's breaks is a hard cardinality;
- implied clauses: two busy slots further apart than the participant's meetings hold a gap;
  and, for the linear search below, without breaks a participant is busy in one run of
  consecutive slots where their meetings fit (the runs are found before solving, by
  matching; none: a break is certain).

RC2 (PySAT) raises the lower bound core by core, so it proves small optima (a few breaks) fast;
it answers only at the optimum, within the time given, or not at all. The proof on the whole
event in a process of its own searches linearly from the certain breaks upward instead
(`linear`), on the formula with the runs, unless a cap on breaks is set. Two such proofs race
(scheduler._race_for_breaks), one with the tables counted over busy participants, the other
over the meetings: each is far quicker than the other on some events.
"""

from __future__ import annotations

import math
import pickle
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

from pysat.card import CardEnc, EncType, ITotalizer
from pysat.examples.rc2 import RC2
from pysat.formula import WCNF, IDPool
from pysat.solvers import Solver

from .scheduler_search import bits
from .scheduler_search import breaks as count_breaks
from .scheduler_time import deadline_of

_SOLVER = "g4"  # Glucose 4 under RC2, in this process: PySAT can interrupt it
_INTERRUPTIBLE = {"g4"}
# CaDiCaL 1.9.5 in the proof's own process (killed at its deadline): as quick as Glucose on
# most events and far quicker on some (ticf-14crafa: 12.6 s against no answer in 60 s;
# forum-14: 12 s against 19 s; forum-13crafb: 31 s against 25 s), but PySAT cannot
# interrupt it.
_SOLVER_APART = "cd19"
BUSY, MEETINGS = "busy", "meetings"  # what a slot's tables are counted over (_Encoding)
_START = 40  # meetings in the first neighbourhood
_SMALLEST = 10
_ROUND = 2.0  # seconds at most per neighbourhood
_QUICK = 0.25  # answered within this share of the round: the next neighbourhood grows
_TERM = 0.2  # seconds a proof's process has to end once terminated, before it is killed
_REAPED = 1.0  # seconds, at most, waited for a killed process and the thread that reads it


@dataclass
class Outcome:
    """The slots found (None: none within the time; optimal when found), the event's breaks
    with them, and whether a cap on breaks was found impossible (True: proven so for this
    set of meetings)."""

    slot_of: list[int] | None
    breaks: int | None
    cap_impossible: bool = False


class _Encoding:
    """The clauses of one event's break problem."""

    def __init__(self, ev, slot_of, cap, free=None, runs=False, tables=BUSY):
        self.ev, self.pool = ev, IDPool()
        self.certain = 0  # participants who cannot be without a break (a lower bound)
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
        masks = {}  # participant -> the possible slots of each of their moving meetings
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
                masks.setdefault(p, []).append(mask)
            self._card(lits, 1, "equals")
        for lits in by_group.values():
            self._card(lits, 1, "atmost")
        self.true = self.pool.id("true")
        self.hard.append([self.true])
        # busy[p, t] <-> p is in a moving meeting in t (at most one, by the groups above)
        moving = {}
        for (p, t), lits in sorted(by_part.items()):
            b = self.pool.id(("b", p, t))
            self.hard.append([-b, *lits])
            for v in lits:
                self.hard.append([-v, b])
            moving[p, t] = b
        # The tables: a slot's moving meetings make twice as many participants busy, so
        # "at most L meetings" is "at most 2 L busy participants". Counted over the few
        # participants rather than the many (meeting, slot) pairs, the SAT calls are quicker
        # on most events (forum-14: optimum proven in 30-40 s against no answer in 90 s);
        # counted over the meetings (a sequential counter, tables=MEETINGS), far quicker on
        # some where the tables bind (forum-13crafc, ticf-13crafc: 2-5 s against no answer
        # in 45 s), hence both, in a portfolio (scheduler._race_for_breaks).
        for t, lits in by_slot.items():
            free_tables = ev.problem.tables - load[t]
            if tables == MEETINGS:
                self._card(lits, free_tables, "atmost")
                continue
            lits = [b for (_p, u), b in moving.items() if u == t]
            self._card(lits, 2 * free_tables, "atmost", EncType.kmtotalizer)
        for p in sorted(touched):
            if count[p] < 2:
                continue
            busy = []
            for t in range(n_slots):
                if (fixed[p] >> t) & 1:
                    busy.append(self.true)
                else:
                    busy.append(moving.get((p, t)))
            self._card([b for b in busy if b is not None], count[p], "equals")
            mine = self._breaks(p, busy, count[p])
            if runs:
                self._without_breaks(busy, fixed[p], masks.get(p, []), mine)
            if cap is not None and len(mine) > cap:
                self._card(mine, cap, "atmost")

    def slots(self, model, slot_of) -> list[int]:
        """`slot_of` with each moving meeting in the slot a solver's model chose."""
        chosen = {v for v in model if v > 0}
        out = list(slot_of)
        for (j, t), v in self.x.items():
            if v in chosen:
                out[j] = t
        return out

    def formula(self) -> WCNF:
        """The clauses as PySAT's weighted CNF (every soft clause of weight 1)."""
        out = WCNF()
        out.hard, out.soft, out.wght = self.hard, self.soft, [1] * len(self.soft)
        out.nv, out.topw = self.pool.top, len(self.soft) + 1
        return out

    def _card(self, lits, bound, kind, encoding=None) -> None:
        if len(lits) <= bound and kind == "atmost":
            return
        if bound < 0:
            self.hard.append([])
            return
        if len(lits) == 1 and kind == "equals" and bound == 1:
            self.hard.append(list(lits))
            return
        if encoding is None:
            encoding = EncType.seqcounter if bound == 1 or kind == "atmost" else EncType.totalizer
        if bound == 1 and len(lits) <= 6:
            encoding = EncType.pairwise
        make = CardEnc.equals if kind == "equals" else CardEnc.atmost
        self.hard.extend(make(lits, bound, vpool=self.pool, encoding=encoding).clauses)

    def _breaks(self, p: int, busy: list, count: int) -> list[int]:
        """The soft break literals of participant p (one per slot where a gap may end), p
        having `count` meetings."""
        before, acc, mine = [None] * len(busy), None, {}
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
            mine[t] = k
        self._windows(busy, count, mine)
        return list(mine.values())

    def _without_breaks(self, busy: list, fixed: int, masks: list[int], brk: list) -> None:
        """Implied clauses: a participant without breaks is busy in one run of consecutive
        slots, as many as their meetings, and only in a run where their meetings fit (each
        in one of its possible slots, the fixed ones where they are). The runs that fit are
        found here, before solving (a matching per run), so the solver chooses among a few
        (often one: meetings asked for in the morning and others in the afternoon pin the
        run to the lunch break) instead of deriving it meeting by meeting; when no run
        fits, a break is certain. Only for a participant whose slots lie in one session."""
        if not brk or not masks:
            return
        union = fixed
        for m in masks:
            union |= m
        if len({self.session[t] for t in bits(union)}) > 1:
            return
        n = fixed.bit_count() + len(masks)
        runs = []
        for a in range(len(busy) - n + 1):
            run = ((1 << n) - 1) << a
            if fixed & ~run or self.session[a] != self.session[a + n - 1]:
                continue
            if any(busy[t] is None for t in range(a, a + n)):
                continue
            if _fits([m & run & ~fixed for m in masks]):
                runs.append(a)
        if not runs:
            self.hard.append(list(brk))  # a break is certain
            self.certain += 1
            return
        whole = self.pool.id()
        self.hard.append([whole, *brk])  # no break: one run
        starts = []
        for a in runs:
            v = self.pool.id()
            starts.append(v)
            for t, b in enumerate(busy):
                if b is None or b == self.true:
                    continue
                self.hard.append([-v, b] if a <= t < a + n else [-v, -b])
        self.hard.append([-whole, *starts])

    def _windows(self, busy: list, n: int, brk: dict) -> None:
        """Implied clauses: a participant's n meetings fill n slots, so two of their busy
        slots in one session n or more apart hold a gap between them, ended by one of the
        break literals `brk` (slot -> literal) in between. Redundant, but stated directly
        instead of derived through the counter and the chain of `before` literals."""
        for t, b in enumerate(busy):
            if b is None:
                continue
            for u in range(t + n, len(busy)):
                if busy[u] is None or self.session[u] != self.session[t]:
                    continue
                if b == self.true and busy[u] == self.true:
                    continue  # two locked meetings: the gap is there whatever the solver does
                gaps = [brk[v] for v in range(t + 2, u + 1) if v in brk]
                self.hard.append([-x for x in (b, busy[u]) if x != self.true] + gaps)


def fewest_breaks(ev, slot_of, deadline, cap: int | None = None, free=None) -> Outcome:
    """The scheduled meetings of slot_of in slots with the fewest breaks (RC2, within
    `deadline`: a scheduler_time.Deadline or a time.monotonic() reading), every participant
    within `cap` breaks when given; only the meetings in `free` move when it is given (the
    breaks counted are then those of their participants)."""
    return Proof(ev, slot_of, cap, free).run(deadline)


def _fits(masks: list[int]) -> bool:
    """Whether each mask can take a slot (bit) of its own (Kuhn's augmenting paths)."""
    owner: dict[int, int] = {}

    def place(i: int, seen: set) -> bool:
        for t in bits(masks[i]):
            if t in seen:
                continue
            seen.add(t)
            if t not in owner or place(owner[t], seen):
                owner[t] = i
                return True
        return False

    return all(place(i, set()) for i in range(len(masks)))


class _Halted(Exception):
    """An RC2 run stopped from outside (time up, or the answer came from elsewhere)."""


class _RC2(RC2):
    """RC2 that stops at once when halted. RC2's own interrupt ends only the SAT call under
    way and then processes the last core (trimming, minimising and exhausting it with SAT
    calls that nothing interrupts): seconds past a deadline on the crafted events."""

    halted = False

    def halt(self) -> None:
        self.halted = True
        self.oracle.interrupt()

    def _call_oracle(self, assumptions=(), expect_interrupt=False):
        if self.halted:
            raise _Halted
        answer = self.oracle.solve_limited(assumptions=list(assumptions), expect_interrupt=True)
        if self.halted:
            raise _Halted
        return answer


class Proof:
    """One RC2 run on an event (or the meetings `free` of it) that another thread may stop:
    `run` answers the optimum, or nothing when stopped or out of time."""

    def __init__(self, ev, slot_of, cap=None, free=None, solver=_SOLVER, tables=BUSY):
        self.ev, self.slot_of, self.cap, self.free = ev, list(slot_of), cap, free
        # a solver PySAT can interrupt, unless a process of its own is killed
        self.solver, self.tables = solver, tables
        self._lock, self._solver, self._stopped = threading.Lock(), None, False
        self.outcome: Outcome | None = None

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            if self._solver is not None:
                self._solver.halt()

    def run(self, deadline) -> Outcome:
        """The optimum within `deadline` (a scheduler_time.Deadline or a time.monotonic()
        reading), or an empty Outcome; nothing is built once it has passed."""
        deadline = deadline_of(deadline)
        self.outcome = Outcome(None, None)
        if deadline.passed() or self._stopped:
            return self.outcome
        enc = _Encoding(self.ev, self.slot_of, self.cap, self.free, tables=self.tables)
        with self._lock:
            if deadline.passed() or self._stopped:
                return self.outcome
            solver = _RC2(
                enc.formula(), solver=self.solver, adapt=True, exhaust=True, minz=True, trim=5
            )
            self._solver = solver
        timer = threading.Timer(max(0.0, deadline.left()), self.stop)
        if self.solver in _INTERRUPTIBLE:
            timer.start()
        try:
            model = solver.compute()
        except _Halted:
            return self.outcome
        finally:
            timer.cancel()
            with self._lock:
                self._solver = None
                solver.delete()
        if model is None:  # the hard part (a cap on breaks) cannot hold
            self.outcome = Outcome(None, None, cap_impossible=self.cap is not None)
            return self.outcome
        out = enc.slots(model, self.slot_of)
        # The solver's cost counts the participants of moving meetings; the breaks of the
        # whole event include those between locked meetings alone.
        self.outcome = Outcome(out, count_breaks(self.ev, out))
        return self.outcome


class ProofApart:
    """The proof on the whole event (`linear`, or RC2 under a cap on breaks) in a process of
    its own, beside the neighbourhoods in this one: it has a core of its own (no GIL shared
    with the neighbourhoods' Python), and `stop` ends it at once (a SAT solver, interrupted,
    may go on for seconds before it looks: Glucose 1.4 to 4.7 s past the deadline on
    forum-13crafb; CaDiCaL cannot be interrupted). `then` is called, from a thread of its
    own, when the answer or the end has come; `outcome` is then set. `tables`: what the
    tables are counted over (BUSY or MEETINGS, see _Encoding). The process is ended at
    `deadline` (a scheduler_time.Deadline or a time.monotonic() reading) by a timer of its own,
    whatever this process is doing then; not started when it has passed."""

    def __init__(self, ev, slot_of, cap, deadline, then, tables: str = BUSY):
        self.outcome: Outcome | None = None
        self._then = then
        deadline = deadline_of(deadline)
        self._process = self._watch = self._timer = None
        if deadline.passed():
            return
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from clusterloom.events import scheduler_breaks as b; b._child()",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        job = pickle.dumps((ev, list(slot_of), cap, max(0.0, deadline.left()), tables))
        self._watch = threading.Thread(target=self._wait, args=(job,), daemon=True)
        self._watch.start()
        self._timer = threading.Timer(max(0.0, deadline.left()), self._end)
        self._timer.daemon = True
        self._timer.start()

    def answered(self) -> bool:
        """Whether the process gave its answer: the fewest breaks, or a cap proven
        impossible."""
        found = self.outcome
        return found is not None and (found.slot_of is not None or found.cap_impossible)

    def _wait(self, job: bytes) -> None:
        try:
            answer, _ = self._process.communicate(job)
            if self._process.returncode == 0 and answer:
                slot_of, breaks, impossible = pickle.loads(answer)  # noqa: S301 (our own child)
                self.outcome = Outcome(slot_of, breaks, impossible)
        except (OSError, ValueError, pickle.UnpicklingError, EOFError):
            self.outcome = None
        finally:
            self._then()

    def stop(self) -> None:
        """Ends the process (if still running) and waits, a bounded time, for the watcher."""
        if self._process is None:
            return
        self._timer.cancel()
        self._end()
        self._watch.join(_REAPED)

    def _end(self) -> None:
        """Terminates the process, kills it if it has not ended within _TERM, and reaps it
        (each wait bounded: a killed process is gone within _REAPED)."""
        process = self._process
        if process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(_TERM)
        except subprocess.TimeoutExpired:
            process.kill()
            try:
                process.wait(_REAPED)
            except subprocess.TimeoutExpired:
                pass


def linear(ev, slot_of, solver: str = _SOLVER_APART, tables: str = BUSY) -> Outcome:
    """The fewest breaks by linear search from below: "at most k breaks" for k = the certain
    breaks, then one more each time the solver refutes it; the first k it satisfies is the
    optimum. On the formula with the runs without breaks, which RC2's cores do not use well
    (forum-13crafc: no proof in 90 s with them against 33 s without) but which make each SAT
    call here quick (ticf-13crafb: 6.5 s against 24 s with RC2; tic-13crafc 0.7 s against 2.5
    s). No time limit and no cap on anyone's breaks: it runs in the proof's own process, which
    is killed at the deadline, and a cap goes to RC2 (the slots given may break the cap, so
    their breaks are no upper bound then)."""
    enc = _Encoding(ev, slot_of, None, runs=True, tables=tables)
    lits = [-clause[0] for clause in enc.soft]
    most = min(len(lits), count_breaks(ev, slot_of))  # the slots given have no more
    counter = ITotalizer(lits=lits, ubound=max(1, most), top_id=enc.pool.top)
    with Solver(name=solver, bootstrap_with=enc.hard + counter.cnf.clauses) as sat:
        for k in range(min(enc.certain, most), most):
            if not sat.solve(assumptions=[-counter.rhs[k]]):
                continue
            out = enc.slots(sat.get_model(), slot_of)
            return Outcome(out, count_breaks(ev, out))
    # Fewer than `most` refuted: the slots given are the fewest.
    return Outcome(list(slot_of), count_breaks(ev, slot_of))


def _child() -> None:
    """The process of a ProofApart: reads its job from stdin, writes the outcome. Its parent
    kills it at the deadline; an alarm ends it a second later should the parent be gone."""
    ev, slot_of, cap, seconds, tables = pickle.loads(sys.stdin.buffer.read())  # noqa: S301
    signal.alarm(max(1, math.ceil(seconds) + 1))
    if cap is None:
        found = linear(ev, slot_of, tables=tables)
    else:
        proof = Proof(ev, slot_of, cap, solver=_SOLVER_APART, tables=tables)
        found = proof.run(time.monotonic() + seconds)
    sys.stdout.buffer.write(pickle.dumps((found.slot_of, found.breaks, found.cap_impossible)))
    sys.stdout.buffer.flush()


class Race:
    """Neighbourhoods in one thread beside a proof on the whole event in another: `finish`
    (the proof's thread, when it has an answer) stops the neighbourhood being solved."""

    def __init__(self):
        self._lock, self._done, self.current = threading.Lock(), threading.Event(), None

    def finish(self) -> None:
        with self._lock:
            self._done.set()
            if self.current is not None:
                self.current.stop()

    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, deadline) -> bool:
        """Waits until finished or `deadline` (a scheduler_time.Deadline or a
        time.monotonic() reading); whether finished."""
        return self._done.wait(max(0.0, deadline_of(deadline).left()))

    def enter(self, proof: Proof) -> bool:
        """Makes `proof` the one `finish` stops; False when the race is already over."""
        with self._lock:
            self.current = proof
            return not self._done.is_set()


def neighbourhoods(search, deadline, tell, size: int = _START, race=None) -> None:
    """Large-neighbourhood search: RC2 on the meetings of a few participants with breaks and
    of their partners, the rest fixed, each answer optimal for its neighbourhood; the size
    grows while answers come quickly and shrinks when one runs out of its time. Ends early
    when the `race` (a Race) is finished or within 0.2 s of `deadline` (a
    scheduler_time.Deadline or a time.monotonic() reading)."""
    ev, rng, deadline = search.ev, search.rng, deadline_of(deadline)
    cap = ev.problem.max_breaks
    race = race or Race()
    while not deadline.passed(0.2) and not race.done():
        st = search.state
        costs = [search.cost(p, busy) for p, busy in enumerate(st.pbusy)]
        waiting = [p for p, c in enumerate(costs) if c[0] or c[1]]
        if not waiting:
            return
        free = _pick(search, rng.choice(waiting), size)
        started = deadline.now()
        until = deadline.within(_ROUND)
        proof = Proof(ev, st.slot, cap, free)
        if not race.enter(proof):
            return
        found = proof.run(until)
        if race.done():
            return
        if found.slot_of is None:
            size = max(_SMALLEST, int(size * 0.7))
            continue
        if deadline.now() - started < _QUICK * _ROUND:
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
