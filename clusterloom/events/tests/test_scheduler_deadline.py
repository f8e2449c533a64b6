"""The scheduler's one wall-time deadline (issue 14: the time limit is the wall time of the whole
call): no step starts once it has passed, a solver gets the time left after its model is built
less a margin, and a proof's process past its deadline is terminated, then killed, with bounded
waits. No timed assertion: the clock is a fake one, or the deadline is already past."""

import subprocess
import time
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from clusterloom.events import (
    scheduler,
    scheduler_breaks,
    scheduler_exact,
    scheduler_lp,
    scheduler_search,
)
from clusterloom.events.scheduler import Meeting, Participant, Problem
from clusterloom.events.scheduler_time import Deadline, deadline_of


class Clock:
    """A fake monotonic clock: each reading moves it on by `step` seconds."""

    def __init__(self, now: float = 100.0, step: float = 0.0):
        self.now, self.step, self.readings = now, step, 0

    def __call__(self) -> float:
        self.readings += 1
        self.now += self.step
        return self.now


def gappy_event() -> tuple[scheduler.Event, list[int]]:
    """Six slots, a and b with two meetings each far apart: breaks CP-SAT could close."""
    slots = tuple(f"s{i}" for i in range(6))
    people = tuple(Participant(p, frozenset(slots)) for p in "abcdef")
    meetings = (
        Meeting("ac", ("a", "c")),
        Meeting("ad", ("a", "d")),
        Meeting("be", ("b", "e")),
        Meeting("bf", ("b", "f")),
    )
    ev = scheduler.check(Problem(slots, 2, people, meetings))
    return ev, [0, 5, 0, 5]


def never(*args, **kwargs):
    raise AssertionError("started after the deadline")


def test_a_deadline_tells_the_time_left_on_its_clock():
    clock = Clock(now=10.0)
    deadline = Deadline(30.0, clock)
    assert deadline.left() == 20.0 and not deadline.passed() and deadline.passed(keep=20.0)
    assert deadline.share(0.25).end == 15.0
    assert deadline.within(5).end == 15.0 and deadline.within(50).end == 30.0
    assert deadline.until(40.0).end == 30.0 and deadline.sooner(1.0).end == 29.0
    assert deadline.for_solver() == pytest.approx(20.0 - 1.0)  # 5 % kept
    assert Deadline(11.0, clock).for_solver() == pytest.approx(0.9)  # at least 0.1 s kept
    assert Deadline(11.0, clock).for_solver(least=1.0) == 0.0
    assert Deadline(9.0, clock).left() == -1.0 and Deadline(9.0, clock).passed()
    assert Deadline(9.0, clock).share(0.5).end == 10.0  # nothing left: nothing to share
    assert deadline_of(deadline) is deadline and deadline_of(12.5, clock).left() == 2.5


@given(
    st.floats(-100, 1000),
    st.floats(0, 1),
    st.floats(0, 1000),
    st.floats(0, 100),
)
def test_no_part_of_a_deadline_ends_after_it(left, fraction, seconds, least):
    deadline = Deadline(left, Clock(now=0.0))
    for part in (deadline.share(fraction), deadline.within(seconds), deadline.until(seconds)):
        assert part.end <= max(deadline.end, 0.0) + 1e-9
        assert part.clock is deadline.clock
    seconds_given = deadline.for_solver(least)
    assert seconds_given == 0.0 or (
        least <= seconds_given <= left - 0.1 and seconds_given <= 0.95 * left + 1e-9
    )


def test_no_step_starts_once_the_deadline_has_passed():
    """A call whose start-up took all its time: the greedy start, no LP, no CP-SAT, no
    proof, no process; every meeting it could place is placed and the rules hold."""
    slots = ("s0", "s1", "s2", "s3")
    people = tuple(Participant(p, frozenset(slots)) for p in "abcd")
    meetings = tuple(
        Meeting(f"m{i}", tuple(pair)) for i, pair in enumerate(["ab", "ac", "bd", "cd"])
    )
    with (
        mock.patch.object(scheduler_lp, "relaxation", never),
        mock.patch.object(scheduler_exact, "solve", never),
        mock.patch.object(cp_model.CpSolver, "solve", never),
        mock.patch.object(scheduler_breaks, "_Encoding", never),
        mock.patch.object(subprocess, "Popen", never),
    ):
        result = scheduler.schedule(
            Problem(slots, 2, people, meetings),
            time_limit=10,
            started=time.monotonic() - 60,
            workers=2,
        )
    assert len(result.assignments) == 4 and result.status == "optimal"
    assert any("LP relaxation gave no answer" in m for m in result.messages)


def test_cp_sat_does_not_start_past_its_deadline():
    ev, slot_of = gappy_event()
    past = Deadline(0.0, Clock(now=1.0))
    with mock.patch.object(cp_model.CpSolver, "solve", never):
        assert scheduler_exact.close_gaps(ev, slot_of, past, 1) is None
        assert scheduler_exact.solve(ev, slot_of, past, 1) == (None, None)
        # Time enough to start building, not enough left while building: given up.
        slow = Deadline(100.75, Clock(now=100.0, step=0.1))
        assert scheduler_exact.close_gaps(ev, slot_of, slow, 1) is None


def test_cp_sat_gets_the_time_left_after_its_model_is_built_less_a_margin():
    """Building the model takes 3 s (0.5 s per participant, on the fake clock): CP-SAT's
    limit is what is left at its start, less 5 %, not what was left when the step began."""
    ev, slot_of = gappy_event()
    clock = Clock(now=0.0)
    seen = {}
    real = scheduler_exact._session_gaps

    def slow(*args):
        clock.now += 0.5
        return real(*args)

    def solve(solver, model, *args, **kwargs):
        seen["limit"], seen["at"] = solver.parameters.max_time_in_seconds, clock.now
        return cp_model.UNKNOWN

    with (
        mock.patch.object(scheduler_exact, "_session_gaps", slow),
        mock.patch.object(cp_model.CpSolver, "solve", solve),
    ):
        assert scheduler_exact.close_gaps(ev, slot_of, Deadline(10.0, clock), 1) is None
    assert seen["at"] == 3.0
    assert seen["limit"] == pytest.approx(7.0 - 0.35)


def test_the_lp_does_not_start_without_time_left():
    ev, _slot_of = gappy_event()
    with mock.patch.object(scheduler_lp.pdlp, "primal_dual_hybrid_gradient", never):
        lp = scheduler_lp.relaxation(ev, time_limit=5, deadline=Deadline(0.0, Clock(now=1.0)))
    assert lp is None


def test_a_proof_past_its_deadline_builds_nothing_and_starts_no_process():
    ev, slot_of = gappy_event()
    past = Deadline(0.0, Clock(now=1.0))
    with (
        mock.patch.object(scheduler_breaks, "_Encoding", never),
        mock.patch.object(subprocess, "Popen", never),
    ):
        assert scheduler_breaks.Proof(ev, slot_of).run(past).slot_of is None
        proof = scheduler_breaks.ProofApart(ev, slot_of, None, past, never)
        assert not proof.answered()
        proof.stop()


def test_the_race_starts_no_process_without_time_for_it():
    """Less than _RACE_LEAST left for the race: the neighbourhoods alone, until the race's
    end, and no proof process."""
    ev, slot_of = gappy_event()
    search = scheduler_search.Search(ev, seed=1)
    search.load(slot_of)
    clock = Clock(now=0.0)
    seen = []
    with (
        mock.patch.object(scheduler_breaks, "ProofApart", never),
        mock.patch.object(
            scheduler_breaks, "neighbourhoods", lambda s, until, tell, **k: seen.append(until)
        ),
    ):
        scheduler._race_for_breaks(search, Deadline(1.5, clock), lambda m: None)
    assert len(seen) == 1 and seen[0].end == pytest.approx(0.5)  # 1 s kept after the race


class FakeProcess:
    """A child that ignores SIGTERM (or not) and logs what is done to it."""

    def __init__(self, ends_on_terminate: bool):
        self.log, self.ends_on_terminate, self.ended = [], ends_on_terminate, False

    def poll(self):
        return 0 if self.ended else None

    def terminate(self):
        self.log.append("terminate")
        self.ended = self.ends_on_terminate

    def kill(self):
        self.log.append("kill")
        self.ended = True

    def wait(self, timeout=None):
        self.log.append(("wait", timeout))
        if timeout is None:
            raise AssertionError("an unbounded wait")
        if not self.ended:
            raise subprocess.TimeoutExpired("proof", timeout)
        return 0


class FakeThread:
    def __init__(self):
        self.joined = []

    def join(self, timeout=None):
        self.joined.append(timeout)


def proof_apart(process) -> scheduler_breaks.ProofApart:
    proof = object.__new__(scheduler_breaks.ProofApart)
    proof.outcome, proof._process = None, process
    proof._watch, proof._timer = FakeThread(), mock.Mock()
    return proof


@pytest.mark.parametrize("ends_on_terminate", [True, False])
def test_a_proof_process_is_terminated_then_killed_with_bounded_waits(ends_on_terminate):
    process = FakeProcess(ends_on_terminate)
    proof = proof_apart(process)
    proof.stop()
    term, reaped = scheduler_breaks._TERM, scheduler_breaks._REAPED
    if ends_on_terminate:
        assert process.log == ["terminate", ("wait", term)]
    else:
        assert process.log == ["terminate", ("wait", term), "kill", ("wait", reaped)]
    assert proof._timer.cancel.called
    assert proof._watch.joined == [reaped]


def test_a_proof_process_is_ended_by_its_own_timer_at_its_deadline():
    """The timer that ends the process is set to the deadline when the process starts,
    whatever the scheduler's thread is doing then."""
    ev, slot_of = gappy_event()
    clock = Clock(now=0.0)
    timers = []

    class Timer:
        def __init__(self, seconds, then):
            timers.append((seconds, then))

        def start(self):
            pass

    process = FakeProcess(ends_on_terminate=True)
    with (
        mock.patch.object(subprocess, "Popen", lambda *a, **k: process),
        mock.patch.object(scheduler_breaks.threading, "Timer", Timer),
        mock.patch.object(scheduler_breaks.ProofApart, "_wait", lambda self, job: None),
    ):
        proof = scheduler_breaks.ProofApart(ev, slot_of, None, Deadline(7.0, clock), never)
    ((seconds, then),) = timers
    assert seconds == 7.0 and then == proof._end
    then()
    assert process.log == ["terminate", ("wait", scheduler_breaks._TERM)]
