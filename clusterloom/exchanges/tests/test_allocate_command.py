"""`clusterloom allocate`: a call in JSON, the plan out in JSON, clear errors that write nothing."""

import json
from functools import partial

import pytest
from django.core.management import CommandError, call_command

from clusterloom.tests.support import (
    altered,
    bad_files_and_options_write_nothing,
    refused_writing_nothing,
)

CALL = {
    "hosts": [
        {"id": 1, "organisation": 10, "country": "DE", "capacity": 1},
        {"id": "h2", "organisation": "uni", "country": "IT", "capacity": 2},
    ],
    "visitors": [
        {"id": 7, "organisation": 70, "country": "ES", "sme": False, "member": True},
        {"id": "v8", "organisation": "sme8", "country": "PL", "sme": True, "member": False},
        {"id": "v9", "organisation": "sme9", "country": "IT", "sme": True, "member": True},
    ],
    "fit": [
        {"visitor": 7, "host": 1, "score": 0.9},
        {"visitor": "v8", "host": 1, "score": 0.5},
        {"visitor": "v8", "host": "h2", "score": 0.4},
        {"visitor": "v9", "host": "h2", "score": 1},
        {"visitor": "v9", "host": 1, "score": 0.3},
    ],
    "targets": {"exchanges": 2, "exchanges_sme": 2, "exchanges_non_member": 1},
}


def run(tmp_path, call=CALL, *extra, raw=None):
    source = tmp_path / "CALL.json"
    source.write_text(raw if raw is not None else json.dumps(call))
    out = tmp_path / "RESULT.json"
    call_command("allocate", "--input", source, "--output", out, *extra)
    return json.loads(out.read_text())


def test_allocates_the_call_and_gives_ids_back_as_given(tmp_path):
    result = run(tmp_path)
    # Both SMEs are needed for the minimum; v9 cannot go to Italy, its own country.
    assert result["assignments"] == [
        {"visitor": "v8", "host": "h2"},
        {"visitor": "v9", "host": 1},
    ]
    assert result["totals"] == {"exchanges": 2, "exchanges_sme": 2, "exchanges_non_member": 1}
    assert result["shortfall"] == {"exchanges": 0, "exchanges_sme": 0, "exchanges_non_member": 0}
    assert result["score"] == pytest.approx(0.7) and result["bound"] == pytest.approx(0.7)
    assert result["status"] == "optimal" and result["gap"] == 0
    assert "1 fit pairs left out: visitor and host in the same country" in result["messages"]


def test_greedy_baseline_and_fixed_pairs(tmp_path):
    result = run(tmp_path, CALL, "--greedy")
    assert result["assignments"] == [{"visitor": 7, "host": 1}, {"visitor": "v8", "host": "h2"}]
    assert result["shortfall"]["exchanges_sme"] == 1
    call = {**CALL, "fixed": [{"visitor": 7, "host": 1}]}
    result = run(tmp_path, call, "--time-limit", "5")
    assert {"visitor": 7, "host": 1} in result["assignments"]
    assert result["totals"]["exchanges"] == 2


def test_fixed_pairs_that_break_a_rule_write_nothing(tmp_path):
    call = {**CALL, "fixed": [{"visitor": "v9", "host": "h2"}]}
    refused_writing_nothing(
        partial(run, tmp_path, call),
        tmp_path / "RESULT.json",
        r"fixed\[0\] \(v9, h2\): visitor and host in the same",
    )


#: CALL with the item at a path (e.g. 'hosts.1.capacity') replaced or deleted.
broken = partial(altered, CALL)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (broken("hosts.1.capacity", delete=True), r"CALL.json: hosts\[1\]\.capacity is missing"),
        (broken("hosts.0.capacity", "3"), r"hosts\[0\]\.capacity: must be an integer, not \"3\""),
        (
            broken("hosts.0.capacity", -1),
            r"CALL.json: hosts\[0\]\.capacity: must be an integer >= 0",
        ),
        (broken("hosts.0.id", True), r"hosts\[0\]\.id: must be a non-empty string or an integer"),
        (broken("hosts.0.country", "Germany"), r"hosts\[0\]\.country: must be a two-letter"),
        (broken("hosts.0.colour", "red"), r"hosts\[0\]: unknown field 'colour'"),
        (broken("hosts.0", "h1"), r"hosts\[0\]: must be a JSON object"),
        (broken("hosts", {"id": 1}), r"hosts: must be a JSON list"),
        (broken("visitors.2.sme", "yes"), r"visitors\[2\]\.sme: must be true or false"),
        (broken("visitors.1.id", 7), r"visitors\[1\]\.id: '7' appears twice"),
        (broken("fit.3.score", None), r"fit\[3\]\.score: must be a number, not null"),
        (broken("fit.3.visitor", "v99"), r"fit\[3\]\.visitor: unknown visitor 'v99'"),
        (broken("targets.exchanges", delete=True), r"targets\.exchanges is missing"),
        (broken("targets.exchanges_sme", 1.5), r"targets\.exchanges_sme: must be an integer"),
        (broken("targets", delete=True), r"CALL.json: 'targets' is missing"),
        (broken("hosts", delete=True), r"CALL.json: 'hosts' is missing"),
        (broken("calls", []), r"CALL.json: unknown field 'calls'"),
        ({**CALL, "fixed": [{"visitor": 7}]}, r"fixed\[0\]\.host is missing"),
        ([CALL], r"CALL.json: must be a JSON object"),
    ],
)
def test_bad_call_names_the_place_and_writes_nothing(tmp_path, call, message):
    (tmp_path / "RESULT.json").write_text("previous\n")
    refused_writing_nothing(partial(run, tmp_path, call), tmp_path / "RESULT.json", message)


def test_nan_score_is_refused(tmp_path):
    with pytest.raises(CommandError, match=r"fit\[0\]\.score: must be a finite number >= 0"):
        run(tmp_path, raw=json.dumps(CALL).replace('"score": 0.9', '"score": NaN'))


def test_malformed_json_missing_file_bad_output_folder_and_bad_time_limit(tmp_path):
    bad_files_and_options_write_nothing(
        "allocate",
        tmp_path / "CALL.json",
        CALL,
        tmp_path / "RESULT.json",
        malformed='{\n  "hosts": [\n    {"id": 1,, "capacity": 2}\n  ]\n}\n',
        at="line 3 column 14",
    )
