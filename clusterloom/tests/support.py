"""What the apps' tests share: the day the suite lives on, the roles of the permission
matrices of a partnership's cluster pages and API, broken copies of input documents, and the
CSRF check of the API's session writes, and the all-or-nothing checks of the batch commands."""

import copy
import datetime
import json
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

#: The suite's today (`today` fixture, clusterloom/conftest.py).
TODAY = datetime.date(2026, 11, 22)

#: The roles of the permission matrices over a partnership and its clusters.
CLUSTER_ROLES = (
    "anonymous",
    "member",
    "manager",
    "other_manager",
    "coordinator",
    "other_coordinator",
    "admin",
)


def altered(document: dict, path: str, value=None, delete=False) -> dict:
    """A copy of `document` with the item at `path` (e.g. 'meetings.3.participants': keys and
    list indexes, dotted) replaced by `value`, or deleted."""
    document = copy.deepcopy(document)
    *parents, last = path.split(".")
    node = document
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    key = int(last) if last.isdigit() else last
    if delete:
        del node[key]
    else:
        node[key] = value
    return document


def player(w, role: str, cast: dict | None = None):
    """The world's user who plays `role` in a permission matrix: the attribute of `w` that
    `cast` names for it (else the role's own name); None for the anonymous role."""
    if role == "anonymous":
        return None
    return getattr(w, (cast or {}).get(role, role))


def session_writes_need_csrf(user, url: str, data: dict, record, read: str) -> tuple:
    """As `user` logged in by session (no token), POST `data` as JSON to `url`: without the
    CSRF token it is refused (401 or 403) and `record`'s fields named in `data` keep their
    values; reading `read` needs no token; with the token the POST is accepted (200). Returns
    the read's JSON and the accepted POST's JSON."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    record.refresh_from_db()
    before = {field: getattr(record, field) for field in data}
    refused = client.post(url, data, content_type="application/json")
    assert refused.status_code in (401, 403)
    record.refresh_from_db()
    assert {field: getattr(record, field) for field in data} == before
    listed = client.get(read)
    assert listed.status_code == 200
    client.cookies["csrftoken"] = "a" * 32
    done = client.post(
        url, data, content_type="application/json", headers={"X-CSRFToken": "a" * 32}
    )
    assert done.status_code == 200
    return listed.json(), done.json()


def refused_writing_nothing(run: Callable[[], object], output: Path, message: str) -> None:
    """`run()` (a batch command) fails with a CommandError matching `message` and leaves
    `output` as it was (its text, or absent), with no temporary file beside it."""
    before = output.read_text() if output.exists() else None
    with pytest.raises(CommandError, match=message):
        run()
    assert (output.read_text() if output.exists() else None) == before
    assert [p.name for p in output.parent.iterdir() if p.name.endswith(".tmp")] == []


def bad_files_and_options_write_nothing(
    command: str, source: Path, document, output: Path, *, malformed: str, at: str
) -> None:
    """What a JSON batch command (schedule, allocate) refuses before it writes: the `malformed`
    text, named by its file and `at` (its line and column); a missing input; a missing output
    folder; a time limit of 0. Each writes nothing (`document` is a valid input)."""

    def run(*options, source=source, output=output):
        return partial(call_command, command, "--input", source, "--output", output, *options)

    source.write_text(malformed)
    refused_writing_nothing(run(), output, rf"{source.name} {at}: not JSON: Expecting")
    refused_writing_nothing(run(source=source.with_name("nope.json")), output, "cannot read")
    source.write_text(json.dumps(document))
    elsewhere = output.parent / "no" / output.name
    refused_writing_nothing(run(output=elsewhere), output, "does not exist")
    refused_writing_nothing(run("--time-limit", "0"), output, "--time-limit must be")
