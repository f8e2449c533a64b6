"""`clusterloom allocate --input CALL.json --output RESULT.json [--time-limit S] [--greedy]`.

Allocates a whole ClusterXchange call with the same core as the coordinator's page
(exchanges/allocation.py). The input is one JSON object:

    {"hosts": [{"id", "organisation", "country", "capacity"}],
     "visitors": [{"id", "organisation", "country", "sme": bool, "member": bool}],
     "fit": [{"visitor", "host", "score"}],
     "targets": {"exchanges", "exchanges_sme", "exchanges_non_member"},
     "fixed": [{"visitor", "host"}]}                       (fixed is optional)

Ids and organisations may be strings or integers; the output gives each id back as it was
given. The output is {"assignments": [{"visitor", "host"}], "totals", "shortfall", "score",
"bound", "gap", "status", "messages"}. Every item is checked before anything is allocated;
on any error (or fixed pairs that break a rule) the message names the place, e.g.
`hosts[3].capacity`, and nothing is written.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from clusterloom.core.files import json_bytes, read_json, write_atomically
from clusterloom.exchanges.allocation import (
    AllocationInputError,
    Fit,
    Host,
    Targets,
    Visitor,
    allocate,
    allocate_greedy,
)

ID, TEXT, COUNT, FLAG, NUMBER = "id", "text", "count", "flag", "number"
SCHEMA = {
    "hosts": (Host, {"id": ID, "organisation": ID, "country": TEXT, "capacity": COUNT}),
    "visitors": (
        Visitor,
        {"id": ID, "organisation": ID, "country": TEXT, "sme": FLAG, "member": FLAG},
    ),
    "fit": (Fit, {"visitor": ID, "host": ID, "score": NUMBER}),
    "fixed": (tuple, {"visitor": ID, "host": ID}),
}
TARGETS = {"exchanges": COUNT, "exchanges_sme": COUNT, "exchanges_non_member": COUNT}
WHAT = {
    ID: "a non-empty string or an integer",
    TEXT: "a string",
    COUNT: "an integer",
    FLAG: "true or false",
    NUMBER: "a number",
}


class BadCall(Exception):
    """Input that cannot be allocated; the message names the file and the place."""


def _value(where: str, kind: str, value):
    ok = {
        ID: isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip(),
        TEXT: isinstance(value, str),
        COUNT: isinstance(value, int) and not isinstance(value, bool),
        FLAG: isinstance(value, bool),
        NUMBER: isinstance(value, int | float) and not isinstance(value, bool),
    }[kind]
    if not ok:
        raise BadCall(
            _("%(where)s: must be %(what)s, not %(value)s")
            % {"where": where, "what": WHAT[kind], "value": json.dumps(value)}
        )
    return str(value) if kind == ID else value


def _object(where: str, data, fields: dict, required) -> dict:
    if not isinstance(data, dict):
        raise BadCall(_("%(where)s: must be a JSON object") % {"where": where})
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise BadCall(
            _("%(where)s: unknown field '%(field)s' (known: %(known)s)")
            % {"where": where, "field": unknown[0], "known": ", ".join(fields)}
        )
    for name in required:
        if name not in data:
            raise BadCall(_("%(where)s.%(field)s is missing") % {"where": where, "field": name})
    return {name: _value(f"{where}.{name}", fields[name], data[name]) for name in data}


def read_call(path: Path) -> tuple[dict, dict]:
    """The call's arguments for allocate() and the ids as given, by their string form."""
    data = read_json(path, BadCall)
    top = {**dict.fromkeys(SCHEMA, "list"), "targets": "object"}
    if not isinstance(data, dict):
        raise BadCall(_("%(file)s: must be a JSON object") % {"file": path.name})
    unknown = sorted(set(data) - set(top))
    if unknown:
        raise BadCall(
            _("%(file)s: unknown field '%(field)s' (known: %(known)s)")
            % {"file": path.name, "field": unknown[0], "known": ", ".join(top)}
        )
    try:
        return _items(data)
    except BadCall as exc:
        raise BadCall(f"{path.name}: {exc}") from None


def _items(data: dict) -> tuple[dict, dict]:
    """The checked items of a call, each error naming its place."""
    call, given = {"fixed": []}, {"visitors": {}, "hosts": {}}
    for name in ("hosts", "visitors", "fit", "targets", "fixed"):
        if name not in data:
            if name == "fixed":
                continue
            raise BadCall(_("'%(field)s' is missing") % {"field": name})
        if name == "targets":
            fields = _object("targets", data[name], TARGETS, ["exchanges"])
            call[name] = Targets(**fields)
            continue
        if not isinstance(data[name], list):
            raise BadCall(_("%(where)s: must be a JSON list") % {"where": name})
        kind, fields = SCHEMA[name]
        call[name] = []
        for i, item in enumerate(data[name]):
            values = _object(f"{name}[{i}]", item, fields, fields)
            if name in given:
                given[name].setdefault(values["id"], item["id"])
            if kind is tuple:
                call[name].append((values["visitor"], values["host"]))
            else:
                call[name].append(kind(**values))
    return call, given


class Command(BaseCommand):
    """Allocate a call's visitors to hosts and write the plan as JSON."""

    help = "Allocate a ClusterXchange call (JSON) with OR-Tools: minimums first, then best fit."

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, type=Path, help="the call, JSON")
        parser.add_argument("--output", required=True, type=Path, help="the result, JSON")
        parser.add_argument(
            "--time-limit", type=float, default=10.0, help="seconds for the solver (default 10)"
        )
        parser.add_argument(
            "--greedy", action="store_true", help="the greedy baseline instead of the solver"
        )

    def handle(self, *args, input, output, time_limit, greedy, **options):
        if not time_limit > 0:
            raise CommandError(
                _("--time-limit must be a number of seconds > 0, not %(s)s") % {"s": time_limit}
            )
        output = output.resolve()
        if not output.parent.is_dir():
            raise CommandError(
                _("--output: folder %(folder)s does not exist") % {"folder": output.parent}
            )
        try:
            call, given = read_call(input)
            if greedy:
                result = allocate_greedy(**call)
            else:
                result = allocate(**call, time_limit=time_limit)
        except BadCall as exc:
            raise CommandError(str(exc)) from None
        except AllocationInputError as exc:
            raise CommandError(f"{input.name}: {exc}") from None
        if result.status == "infeasible":
            raise CommandError(
                _("%(file)s: the fixed pairs break the call's rules: %(problems)s")
                % {"file": input.name, "problems": "; ".join(result.messages)}
            )
        write_atomically(
            output,
            json_bytes(
                {
                    "assignments": [
                        {"visitor": given["visitors"][v], "host": given["hosts"][h]}
                        for v, h in result.assignments
                    ],
                    "totals": result.totals,
                    "shortfall": result.shortfall,
                    "score": round(result.score, 6),
                    "bound": round(result.bound, 6),
                    "gap": round(result.gap, 8),
                    "status": result.status,
                    "messages": result.messages,
                }
            ),
        )
        self.stdout.write(
            _(
                "%(n)d exchanges allocated (%(status)s, total fit %(score).4f, "
                "gap %(gap).3f %%), written to %(out)s"
            )
            % {
                "n": len(result.assignments),
                "status": result.status,
                "score": result.score,
                "gap": 100 * result.gap,
                "out": output,
            }
        )
        for message in result.messages:
            self.stdout.write(f"- {message}")
