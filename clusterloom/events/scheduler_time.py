"""The one wall-time deadline of a `scheduler.schedule` call (pure module).

Every step of a call takes its time from one `Deadline` (the caller's start plus the time
limit, less what the end needs): it looks before starting (`passed`), gives a solver what is
left once its model is built, less a margin for the solver's own stop and for reading its answer
(`for_solver`), and a part of the time is a `share` or an `until` of the same deadline, on the
same clock, never later. The clock (time.monotonic) can be replaced, for tests.
"""

from __future__ import annotations

import time
from collections.abc import Callable

_MARGIN = 0.05  # of the time a solver is given, kept for its own stop and for its answer
_MARGIN_LEAST = 0.1  # seconds, at least


class Deadline:
    """A moment on `clock` (time.monotonic by default) after which no step starts."""

    __slots__ = ("clock", "end")

    def __init__(self, end: float, clock: Callable[[], float] = time.monotonic):
        self.end, self.clock = float(end), clock

    def __repr__(self) -> str:
        return f"Deadline(in {self.left():.3f} s)"

    def now(self) -> float:
        return self.clock()

    def left(self) -> float:
        """Seconds until the deadline (negative once past)."""
        return self.end - self.clock()

    def passed(self, keep: float = 0.0) -> bool:
        """Whether fewer than `keep` seconds are left."""
        return self.left() <= keep

    def until(self, end: float) -> Deadline:
        """The sooner of this deadline and the moment `end` on the same clock."""
        return Deadline(min(self.end, end), self.clock)

    def within(self, seconds: float) -> Deadline:
        """The sooner of this deadline and `seconds` from now."""
        return self.until(self.clock() + seconds)

    def share(self, fraction: float) -> Deadline:
        """`fraction` of the time left, from now."""
        now = self.clock()
        return Deadline(now + fraction * max(0.0, self.end - now), self.clock)

    def sooner(self, seconds: float) -> Deadline:
        """This deadline moved `seconds` earlier."""
        return Deadline(self.end - seconds, self.clock)

    def for_solver(self, least: float = 0.0) -> float:
        """Seconds to give a solver started now: the time left less a margin for its own
        stop and for reading its answer (5 %, at least 0.1 s); 0.0 when that is below `least`
        (or nothing): the solver should not start."""
        left = self.left()
        seconds = left - max(_MARGIN_LEAST, _MARGIN * left)
        return seconds if seconds > 0 and seconds >= least else 0.0


def deadline_of(value, clock: Callable[[], float] = time.monotonic) -> Deadline:
    """`value` as a Deadline: itself, or a reading of `clock` (a plain float)."""
    return value if isinstance(value, Deadline) else Deadline(value, clock)
