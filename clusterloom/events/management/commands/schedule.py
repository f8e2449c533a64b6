"""`clusterloom schedule --input EVENT.json --output SCHEDULE.json [--time-limit S] [--first-fit]`.

Schedules a whole matchmaking event with the same core as the organiser's page
(events/scheduler.py). The input is one JSON object:

    {"slots": [slot ids in time order], "tables": N,
     "participants": [{"id", "available": [slot ids], "max_meetings", "fixed_table"}],
     "meetings": [{"id", "participants": [id, id], "weight", "slot", "table", "slots"}],
     "breaks": [i, ...], "max_breaks": N}

`max_meetings`, `fixed_table` (a booth: all the participant's meetings at that table), `weight`
(default 1), `slot` and `table` (both set: the meeting is locked there; `slot` alone: it stays
in that slot and the scheduler picks its table), `slots` (the only slots the meeting may take: a
time of day both sides chose) may be left out or null; `breaks` lists the indexes i where
slots[i] and slots[i + 1] belong to different sessions or days; `max_breaks` caps the breaks of
any one participant (left out: no cap). The output is {"assignments": [{"meeting", "slot",
"table"}], "unscheduled": [meeting ids], "objective", "upper_bound", "breaks", "idle_gaps",
"status", "messages"}, tables numbered 1..N: most weight first, then the fewest breaks (a gap of
any length between two consecutive meetings of a participant in a session counts once), then
the fewest idle slots. Ids may be strings or integers and are written back as given. Every item
is checked before anything is scheduled; on any error (locked meetings that clash, a cap on
breaks that cannot hold) the message names the place, e.g. `meetings[3].participants`, and
nothing is written. `--time-limit` is the wall time of the whole command, start-up included.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from clusterloom import cli
from clusterloom.core.files import json_bytes, read_json, write_atomically
from clusterloom.events.scheduler import (
    Meeting,
    Participant,
    Problem,
    ScheduleInputError,
    schedule,
    schedule_first_fit,
)

ID, IDS, COUNT, NUMBER = "id", "ids", "count", "number"
TOP = {
    "slots": IDS,
    "tables": COUNT,
    "participants": "list",
    "meetings": "list",
    "breaks": "list",
    "max_breaks": COUNT,
}
PARTICIPANT = {"id": ID, "available": IDS, "max_meetings": COUNT, "fixed_table": COUNT}
MEETING = {
    "id": ID,
    "participants": IDS,
    "weight": NUMBER,
    "slot": ID,
    "table": COUNT,
    "slots": IDS,
}
OPTIONAL = {"max_meetings", "fixed_table", "weight", "slot", "table", "slots"}  # null or absent
WHAT = {
    ID: "a non-empty string or an integer",
    IDS: "a list of ids",
    COUNT: "an integer",
    NUMBER: "a number",
    "list": "a JSON list",
}


_WRITE = 0.2  # seconds kept for writing the schedule


class BadEvent(Exception):
    """Input that cannot be scheduled; the message names the place."""


def _is_id(value) -> bool:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return False
    return bool(str(value).strip())


def _value(where: str, kind: str, value):
    ok = {
        ID: _is_id(value),
        IDS: isinstance(value, list) and all(_is_id(v) for v in value),
        COUNT: isinstance(value, int) and not isinstance(value, bool),
        NUMBER: isinstance(value, int | float) and not isinstance(value, bool),
        "list": isinstance(value, list),
    }[kind]
    if not ok:
        raise BadEvent(
            _("%(where)s: must be %(what)s, not %(value)s")
            % {"where": where, "what": WHAT[kind], "value": json.dumps(value)}
        )
    if kind == ID:
        return str(value)
    if kind == IDS:
        return [str(v) for v in value]
    return value


def _object(where: str, data, fields: dict) -> dict:
    """The fields of one JSON object, each checked; optional ones None when absent or null."""
    if not isinstance(data, dict):
        raise BadEvent(_("%(where)s: must be a JSON object") % {"where": where})
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise BadEvent(
            _("%(where)s: unknown field '%(field)s' (known: %(known)s)")
            % {"where": where, "field": unknown[0], "known": ", ".join(fields)}
        )
    out = {}
    for name, kind in fields.items():
        if name not in data and name not in OPTIONAL:
            raise BadEvent(_("%(where)s.%(field)s is missing") % {"where": where, "field": name})
        value = data.get(name)
        out[name] = (
            None if value is None and name in OPTIONAL else _value(f"{where}.{name}", kind, value)
        )
    return out


def read_event(path: Path) -> tuple[Problem, dict]:
    """The event as a Problem, and each slot and meeting id as given, by its string form."""
    data = read_json(path, BadEvent)
    try:
        return _problem(data)
    except BadEvent as exc:
        raise BadEvent(f"{path.name}: {exc}") from None


def _problem(data) -> tuple[Problem, dict]:
    if not isinstance(data, dict):
        raise BadEvent(_("must be a JSON object"))
    unknown = sorted(set(data) - set(TOP))
    if unknown:
        raise BadEvent(
            _("unknown field '%(field)s' (known: %(known)s)")
            % {"field": unknown[0], "known": ", ".join(TOP)}
        )
    for name in ("slots", "tables", "participants", "meetings"):
        if name not in data:
            raise BadEvent(_("'%(field)s' is missing") % {"field": name})
    slots = _value("slots", IDS, data["slots"])
    tables = _value("tables", COUNT, data["tables"])
    given = {"slots": {str(s): s for s in data["slots"]}, "meetings": {}}
    people = []
    for i, item in enumerate(_value("participants", "list", data["participants"])):
        f = _object(f"participants[{i}]", item, PARTICIPANT)
        people.append(
            Participant(f["id"], frozenset(f["available"]), f["max_meetings"], f["fixed_table"])
        )
    meetings = []
    for i, item in enumerate(_value("meetings", "list", data["meetings"])):
        f = _object(f"meetings[{i}]", item, MEETING)
        weight = 1.0 if f["weight"] is None else float(f["weight"])
        allowed = None if f["slots"] is None else frozenset(f["slots"])
        meetings.append(
            Meeting(f["id"], tuple(f["participants"]), weight, f["slot"], f["table"], allowed)
        )
        given["meetings"].setdefault(f["id"], item["id"])
    breaks = _value("breaks", "list", data.get("breaks", []))
    for i, b in enumerate(breaks):
        _value(f"breaks[{i}]", COUNT, b)
    cap = data.get("max_breaks")
    if cap is not None:
        _value("max_breaks", COUNT, cap)
    problem = Problem(tuple(slots), tables, tuple(people), tuple(meetings), frozenset(breaks), cap)
    return problem, given


class Command(BaseCommand):
    """Schedule an event's meetings into slots and tables and write the plan as JSON."""

    help = "Schedule a matchmaking event (JSON): most weight, then fewest breaks and idle slots."
    # No system checks: they import every URL and API module (2.5-5.7 s at load 3-5) inside
    # the time limit, and this command uses neither the database nor URLs.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, type=Path, help="the event, JSON")
        parser.add_argument("--output", required=True, type=Path, help="the schedule, JSON")
        parser.add_argument(
            "--time-limit",
            type=float,
            default=10.0,
            help="seconds of wall time for the whole command, start-up included (default 10)",
        )
        parser.add_argument(
            "--first-fit", action="store_true", help="the first-fit baseline instead"
        )

    def handle(self, *args, input, output, time_limit, first_fit, **options):
        if not 0 < time_limit < math.inf:
            raise CommandError(
                _("--time-limit must be a number of seconds > 0, not %(s)s") % {"s": time_limit}
            )
        output = output.resolve()
        if not output.parent.is_dir():
            raise CommandError(
                _("--output: folder %(folder)s does not exist") % {"folder": output.parent}
            )
        try:
            problem, given = read_event(input)
            if first_fit:
                result = schedule_first_fit(problem)
            else:
                # The clock started with the process (`clusterloom schedule`), else now;
                # writing the output needs a moment.
                result = schedule(
                    problem,
                    time_limit=max(0.1, time_limit - _WRITE),
                    started=cli.STARTED or time.monotonic(),
                )
        except BadEvent as exc:
            raise CommandError(str(exc)) from None
        except ScheduleInputError as exc:
            raise CommandError(f"{input.name}: {exc}") from None
        if result.over_cap:
            raise CommandError(f"{input.name}: {'; '.join(result.messages)}")
        if result.status == "infeasible":
            raise CommandError(
                _("%(file)s: the locked meetings break the event's rules: %(problems)s")
                % {"file": input.name, "problems": "; ".join(result.messages)}
            )
        slots, meetings = given["slots"], given["meetings"]
        write_atomically(
            output,
            json_bytes(
                {
                    "assignments": [
                        {"meeting": meetings[m], "slot": slots[s], "table": t}
                        for m, s, t in result.assignments
                    ],
                    "unscheduled": [meetings[m] for m in result.unscheduled],
                    "objective": round(result.objective, 6),
                    "upper_bound": round(result.upper_bound, 6),
                    "breaks": result.breaks,
                    "idle_gaps": result.idle_gaps,
                    "status": result.status,
                    "messages": result.messages,
                }
            ),
        )
        self.stdout.write(
            _(
                "%(n)d meetings scheduled, %(left)d unscheduled (%(status)s, weight %(objective)g "
                "of at most %(bound)g, %(breaks)d breaks, %(gaps)d idle slots), written to %(out)s"
            )
            % {
                "n": len(result.assignments),
                "left": len(result.unscheduled),
                "status": result.status,
                "objective": result.objective,
                "bound": result.upper_bound,
                "breaks": result.breaks,
                "gaps": result.idle_gaps,
                "out": output,
            }
        )
        for message in result.messages:
            self.stdout.write(f"- {message}")
