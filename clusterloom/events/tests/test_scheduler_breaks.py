"""The MaxSAT stage of the scheduler: its optimum of breaks is the true one (brute force on
small events), with the tables counted over busy participants and the implied "window"
clauses; a proof stopped from another thread gives up at once and answers nothing."""

import itertools
import random
import threading
import time
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from clusterloom.events import scheduler, scheduler_breaks, scheduler_search
from clusterloom.events.scheduler import Meeting, Participant, Problem

from .test_scheduler import SMALL, problems


def fewest_by_brute_force(ev, slot_of, cap=None):
    """The fewest breaks over every way to move the scheduled meetings within their slots
    (locked ones stay), keeping tables and groups; None when a cap on breaks cannot hold."""
    moving = [j for j, s in enumerate(slot_of) if s >= 0 and j not in ev.locked]
    choices = [list(scheduler_search.bits(ev.options[j] | 1 << slot_of[j])) for j in moving]
    best = None
    for pick in itertools.product(*choices):
        trial = list(slot_of)
        for j, s in zip(moving, pick, strict=True):
            trial[j] = s
        per_slot, held = {}, set()
        ok = True
        for j, s in enumerate(trial):
            if s < 0:
                continue
            per_slot[s] = per_slot.get(s, 0) + 1
            for g in ev.groups[j]:
                if (g, s) in held:
                    ok = False
                held.add((g, s))
        if not ok or any(n > ev.problem.tables for n in per_slot.values()):
            continue
        busy = scheduler_search.busy_masks(ev, trial)
        each = [scheduler_search.breaks_of(b, ev.sessions) for b in busy]
        if cap is not None and max(each, default=0) > cap:
            continue
        total = sum(each)
        best = total if best is None else min(best, total)
    return best


@st.composite
def crowded(draw):
    """Few people with many meetings in few slots, holes in their availability, session
    breaks, a table or two, fixed and time-of-day meetings: breaks are often forced."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    slots = tuple(f"s{i}" for i in range(rng.randint(3, 5)))
    people = tuple(
        Participant(f"p{i}", frozenset(s for s in slots if rng.random() < 0.75) or {slots[0]})
        for i in range(rng.randint(3, 4))
    )
    meetings = []
    for k in range(rng.randint(3, 6)):
        a, b = rng.sample(people, 2)
        shared = sorted(a.available & b.available) or [None]
        slot = rng.choice(shared) if rng.random() < 0.2 else None
        allowed = frozenset(rng.sample(slots, 2)) if slot is None and rng.random() < 0.3 else None
        meetings.append(Meeting(f"m{k}", (a.id, b.id), slot=slot, slots=allowed))
    breaks = frozenset(i for i in range(len(slots) - 1) if rng.random() < 0.2)
    cap = rng.choice([None, None, 0, 1])
    return Problem(slots, rng.randint(1, 2), people, tuple(meetings), breaks, cap)


@settings(SMALL, max_examples=120)
@given(st.one_of(crowded(), problems(max_slots=5, max_people=4, max_meetings=6, times=True)))
def test_the_proven_fewest_breaks_are_the_true_fewest(problem):
    ev = scheduler.check(problem)
    result = scheduler.schedule(problem, time_limit=2, workers=1)
    if result.status == "infeasible" or not result.assignments:
        return
    slot_of = scheduler.slot_indices(problem, result.assignments)
    expected = fewest_by_brute_force(ev, slot_of, problem.max_breaks)
    # Both ways of counting the tables (the proofs apart run one each)
    for tables in (scheduler_breaks.BUSY, scheduler_breaks.MEETINGS):
        proof = scheduler_breaks.Proof(ev, slot_of, problem.max_breaks, tables=tables)
        found = proof.run(time.monotonic() + 30)
        if expected is None:
            assert found.slot_of is None and found.cap_impossible
            continue
        assert found.breaks == expected
        assert scheduler_search.breaks(ev, found.slot_of) == expected
        assert fewest_by_brute_force(ev, found.slot_of, problem.max_breaks) == expected
        if problem.max_breaks is None:  # the proofs' linear search, on the runs too
            searched = scheduler_breaks.linear(ev, slot_of, tables=tables)
            assert searched.breaks == expected
            assert fewest_by_brute_force(ev, searched.slot_of) == expected


def test_tables_counted_either_way_still_bind():
    """Four meetings of four different pairs want the one slot where nobody waits; with two
    tables only two of them may take it."""
    slots = ("s0", "s1")
    people = tuple(Participant(p, frozenset(slots)) for p in "abcdefgh")
    meetings = tuple(Meeting(f"m{k}", (a, b)) for k, (a, b) in enumerate(["ab", "cd", "ef", "gh"]))
    ev = scheduler.check(Problem(slots, 2, people, meetings))
    for tables in (scheduler_breaks.BUSY, scheduler_breaks.MEETINGS):
        proof = scheduler_breaks.Proof(ev, [0, 0, 1, 1], tables=tables)
        found = proof.run(time.monotonic() + 30)
        assert found.breaks == 0
        assert sorted(found.slot_of) == [0, 0, 1, 1]


def hard_event(n_people=40, n_slots=12, per_person=8, seed=3):
    """A dense event whose proof takes far longer than the test waits."""
    rng = random.Random(seed)
    slots = tuple(f"s{i:02d}" for i in range(n_slots))
    people = tuple(
        Participant(f"p{i}", frozenset(s for s in slots if rng.random() < 0.85))
        for i in range(n_people)
    )
    pairs = set()
    while len(pairs) < n_people * per_person // 2:
        a, b = sorted(rng.sample(range(n_people), 2))
        pairs.add((a, b))
    meetings = tuple(Meeting(f"m{k}", (f"p{a}", f"p{b}")) for k, (a, b) in enumerate(sorted(pairs)))
    return Problem(slots, n_people // 2, people, meetings)


def test_a_proof_stopped_from_another_thread_answers_nothing():
    problem = hard_event()
    ev = scheduler.check(problem)
    first = scheduler.schedule_first_fit(problem)
    slot_of = scheduler.slot_indices(problem, first.assignments)
    proof = scheduler_breaks.Proof(ev, slot_of)
    thread = threading.Thread(target=proof.run, args=(time.monotonic() + 600,))
    thread.start()
    time.sleep(0.5)
    proof.stop()
    thread.join(timeout=120)  # a liveness bound, not a measure: it ends at once
    assert not thread.is_alive()
    assert proof.outcome.slot_of is None or proof.outcome.breaks is not None


def test_two_workers_prove_the_fewest_breaks_in_a_process_of_their_own():
    """One break at least (one_break_event: s0 and s3 cannot be joined by two meetings),
    proven by the process of its own."""
    problem = one_break_event()
    calls = []
    with mock.patch.object(scheduler, "_APART", 0):
        result = scheduler.schedule(
            problem,
            time_limit=120,  # a bound for a loaded machine: it ends once proven
            workers=2,
            progress=lambda f, m: calls.append(m),
        )
    assert len(result.assignments) == 5
    assert any(m.endswith("(proven)") for m in calls)
    ev = scheduler.check(problem)
    slot_of = scheduler.slot_indices(problem, result.assignments)
    assert result.breaks == fewest_by_brute_force(ev, slot_of)


def test_a_proof_apart_is_ended_at_once_when_stopped():
    problem = hard_event()
    ev = scheduler.check(problem)
    first = scheduler.schedule_first_fit(problem)
    slot_of = scheduler.slot_indices(problem, first.assignments)
    ended = threading.Event()
    proof = scheduler_breaks.ProofApart(ev, slot_of, None, time.monotonic() + 600, ended.set)
    proof.stop()
    assert ended.wait(timeout=120)  # a liveness bound, not a measure
    assert proof.outcome is None or proof.outcome.slot_of is None


def test_a_proof_runs_on_the_sat_solver_it_is_given():
    """The proof apart is meant to run on CaDiCaL (forum-14's optimum in 4 s against 30 s with
    Glucose); the solver asked for is the one RC2 gets, and it proves the same optimum."""
    ev = scheduler.check(one_break_event(d_meets_e=False))
    used = []
    real = scheduler_breaks._RC2.__init__

    def spy(self, *args, **kwargs):
        used.append(kwargs["solver"])
        real(self, *args, **kwargs)

    with mock.patch.object(scheduler_breaks._RC2, "__init__", spy):
        for solver in (scheduler_breaks._SOLVER_APART, scheduler_breaks._SOLVER):
            found = scheduler_breaks.Proof(ev, [0, 3, 1, 2], solver=solver).run(
                time.monotonic() + 60
            )
            assert found.breaks == fewest_by_brute_force(ev, [0, 3, 1, 2]) == 0
    assert used == [scheduler_breaks._SOLVER_APART, scheduler_breaks._SOLVER]


def test_runs_without_breaks_are_found_before_solving():
    """a meets b and c in the morning (s0-s2) and d in the afternoon (s3-s5), but s2 and s3
    are not a's: no run of three slots holds a's meetings, so a's break is certain before the
    solver starts; e meets f and g with any slot: runs exist, nothing is certain. The linear
    search of the proof apart, which uses the runs, finds the true fewest breaks, as RC2
    without them does."""
    slots = tuple(f"s{i}" for i in range(6))
    morning, afternoon = frozenset(slots[:3]), frozenset(slots[3:])
    people = (
        Participant("a", frozenset({"s0", "s1", "s4", "s5"})),
        *(Participant(p, frozenset(slots)) for p in "bcdefg"),
    )
    meetings = (
        Meeting("ab", ("a", "b"), slots=morning),
        Meeting("ac", ("a", "c"), slots=morning),
        Meeting("ad", ("a", "d"), slots=afternoon),
        Meeting("ef", ("e", "f")),
        Meeting("eg", ("e", "g")),
    )
    ev = scheduler.check(Problem(slots, 3, people, meetings))
    slot_of = [0, 1, 5, 0, 2]
    assert scheduler_breaks._Encoding(ev, slot_of, None, runs=True).certain == 1
    assert scheduler_breaks._Encoding(ev, slot_of, None).certain == 0
    found = scheduler_breaks.fewest_breaks(ev, slot_of, time.monotonic() + 60)
    assert found.breaks == fewest_by_brute_force(ev, slot_of) == 1
    assert scheduler_breaks.linear(ev, slot_of).breaks == 1


def one_break_event(d_meets_e: bool = True):
    """a meets b at s0 and c at s3 (fixed), d at any time and e in s1 or s2: a can meet
    without a break (s0, s1, s2, s3), but with d meeting e too there is one break at least."""
    slots = ("s0", "s1", "s2", "s3")
    people = tuple(Participant(p, frozenset(slots)) for p in "abcde")
    meetings = (
        Meeting("ab", ("a", "b"), slot="s0"),
        Meeting("ac", ("a", "c"), slot="s3"),
        Meeting("ad", ("a", "d")),
        Meeting("ae", ("a", "e"), slots=frozenset({"s1", "s2"})),
    ) + ((Meeting("de", ("d", "e")),) if d_meets_e else ())
    return Problem(slots, 2, people, meetings)


class FakeProofApart:
    """Stands in for a proof's process: the one counting the tables over `answers` answers
    (the real linear search, in a thread) after `delay` seconds; the others never do."""

    answers, delay, log = None, 0.0, []

    def __init__(self, ev, slot_of, cap, deadline, then, tables):
        self.tables, self.outcome, self._then = tables, None, then
        self._stop = threading.Event()
        self.log.append(("start", tables, time.monotonic()))
        if tables == self.answers:
            threading.Thread(target=self._answer, args=(ev, slot_of), daemon=True).start()

    def _answer(self, ev, slot_of):
        if not self._stop.wait(self.delay):
            self.outcome = scheduler_breaks.linear(ev, slot_of, tables=self.tables)
            self._then()

    def answered(self):
        return self.outcome is not None and self.outcome.slot_of is not None

    def stop(self):
        self._stop.set()
        self.log.append(("stop", self.tables, time.monotonic()))


def first_stops(log):
    stops = {}
    for kind, tables, at in log:
        if kind == "stop":
            stops.setdefault(tables, at)
    return stops


def run_portfolio(answers, delay, workers, time_limit):
    FakeProofApart.answers, FakeProofApart.delay, FakeProofApart.log = answers, delay, []
    entered = []
    real = scheduler_breaks.neighbourhoods

    def spy(search, deadline, tell, size=scheduler_breaks._START, race=None):
        entered.append(time.monotonic())
        return real(search, deadline, tell, size, race)

    calls = []
    with (
        mock.patch.object(scheduler, "_APART", 0),
        mock.patch.object(scheduler_breaks, "ProofApart", FakeProofApart),
        mock.patch.object(scheduler_breaks, "neighbourhoods", spy),
    ):
        started = time.monotonic()
        result = scheduler.schedule(
            one_break_event(),
            time_limit=time_limit,
            workers=workers,
            progress=lambda f, m: calls.append(m),
        )
    return result, calls, FakeProofApart.log, entered, started


def test_the_first_proof_to_answer_ends_the_portfolio():
    """The meetings' proof answers, the busy one never: its optimum is kept, both are
    stopped and the call ends long before its time limit."""
    result, calls, log, _entered, started = run_portfolio(scheduler_breaks.MEETINGS, 0.2, 2, 120)
    assert any(m.endswith("(proven)") for m in calls)
    assert result.breaks == 1 and len(result.assignments) == 5
    assert {t for kind, t, _ in log if kind == "stop"} == {"busy", "meetings"}
    assert max(at for _, _, at in log) - started < 60  # a liveness bound: it ended at once


def test_two_workers_give_the_second_core_to_the_meetings_proof_then_the_neighbourhoods():
    """Neither proof answers: with two workers the meetings' proof is stopped after its share
    of the race and only then do the neighbourhoods start; with three, they run together."""
    _result, _calls, log, entered, started = run_portfolio(None, 0, 2, 8)
    stops = first_stops(log)
    race = [at for kind, _, at in log if kind == "start"][0]
    assert len(entered) == 1 and stops["meetings"] <= entered[0] <= stops["busy"]
    until = started + 8 - 0.4 - 1.0  # the stage's deadline less the time kept after it
    assert stops["meetings"] - race >= scheduler._SECOND_SHARE * (until - race) - 0.05
    _result, _calls, log, entered, _started = run_portfolio(None, 0, 3, 8)
    stops = first_stops(log)
    assert len(entered) == 1 and entered[0] < stops["meetings"]
