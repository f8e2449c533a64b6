"""`clusterloom rank`: batch ranking from JSONL, and clear errors that write nothing."""

import json
from functools import partial

import pytest
from django.core.management import CommandError, call_command

from clusterloom.tests.support import refused_writing_nothing

CANDIDATES = [
    {
        "id": "tex",
        "text": "Czech technical textiles for car seats",
        "terms": ["sectoral:textiles"],
        "country": "CZ",
        "kind": "sme",
    },
    {
        "id": "auto",
        "text": "Spanish automotive supplier, car seats",
        "terms": ["sectoral:automotive"],
        "country": "ES",
        "kind": "sme",
    },
    {
        "id": "oil",
        "text": "Greek olive oil cooperative",
        "terms": [],
        "country": "GR",
        "kind": "sme",
    },
]
QUERIES = [
    {
        "id": "q1",
        "text": "textiles for car seats",
        "terms": [],
        "country": "CZ",
        "other_country_only": True,
    },
    {"id": "q2", "text": "olive oil", "terms": [], "country": "CZ", "other_country_only": False},
]


def write(path, rows):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def run(tmp_path, candidates=CANDIDATES, queries=QUERIES, *extra):
    c = write(tmp_path / "C.jsonl", candidates)
    q = write(tmp_path / "Q.jsonl", queries)
    out = tmp_path / "R.jsonl"
    call_command("rank", "--candidates", c, "--queries", q, "--out", out, "--k", "20", *extra)
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_ranks_each_query(tmp_path):
    rows = run(tmp_path)
    assert rows[0] == {"query": "q1", "ranked": ["auto"], "scores": rows[0]["scores"]}
    assert rows[0]["scores"][0] > 0
    assert rows[1]["query"] == "q2" and rows[1]["ranked"][0] == "oil"
    assert rows[1]["scores"] == sorted(rows[1]["scores"], reverse=True)


def test_k_limits_the_results(tmp_path):
    c = write(tmp_path / "C.jsonl", CANDIDATES)
    q = write(tmp_path / "Q.jsonl", [{"id": 1, "text": "car seats textiles"}])
    out = tmp_path / "R.jsonl"
    call_command("rank", "--candidates", c, "--queries", q, "--out", out, "--k", "1")
    assert json.loads(out.read_text()) == {
        "query": "1",
        "ranked": ["tex"],
        "scores": json.loads(out.read_text())["scores"],
    }


@pytest.mark.parametrize(
    ("queries", "message"),
    [
        ([QUERIES[0], "{not json"], "Q.jsonl line 2: not JSON"),
        ([QUERIES[0], "[1, 2]"], "Q.jsonl line 2: must be a JSON object"),
        ([{"id": "q", "text": 5}], "Q.jsonl line 1: field 'text' must be a string"),
        ([{"id": "q"}], "Q.jsonl line 1: field 'text' is missing"),
        ([{"text": "x"}], "Q.jsonl line 1: field 'id' is missing"),
        ([{"id": "q", "text": "x", "color": "red"}], "Q.jsonl line 1: unknown field 'color'"),
        ([{"id": "q", "text": "x", "other_country_only": "yes"}], "'other_country_only' must be"),
        ([{"id": "q", "text": "x", "terms": "sectoral:a"}], "'terms' must be a list"),
        ([{"id": "q", "text": "the of and"}], "Q.jsonl line 1: field 'text' has no words"),
        ([QUERIES[0], QUERIES[0]], "Q.jsonl line 2: id 'q1' appears twice"),
    ],
)
def test_bad_query_lines_name_the_line_and_write_nothing(tmp_path, queries, message):
    refused_writing_nothing(
        partial(run, tmp_path, CANDIDATES, queries), tmp_path / "R.jsonl", message
    )


def test_bad_candidate_line_and_existing_output_is_kept(tmp_path):
    (tmp_path / "R.jsonl").write_text("previous\n")
    bad = [*CANDIDATES, "", {"id": "x", "text": "y", "activity": -1}]
    refused_writing_nothing(
        partial(run, tmp_path, bad, QUERIES),
        tmp_path / "R.jsonl",
        "C.jsonl line 5: field 'activity' must be a number",
    )


def test_missing_file_and_bad_k(tmp_path):
    q = write(tmp_path / "Q.jsonl", QUERIES)
    with pytest.raises(CommandError, match="cannot read"):
        call_command(
            "rank",
            "--candidates",
            tmp_path / "nope.jsonl",
            "--queries",
            q,
            "--out",
            tmp_path / "R.jsonl",
        )
    with pytest.raises(CommandError, match="--k must be a positive number"):
        call_command(
            "rank", "--candidates", q, "--queries", q, "--out", tmp_path / "R.jsonl", "--k", "0"
        )
    with pytest.raises(CommandError, match="does not exist"):
        call_command("rank", "--candidates", q, "--queries", q, "--out", tmp_path / "a" / "R")


def test_candidates_passages_are_scored_each_on_its_own(tmp_path):
    candidates = [
        {"id": "mill", "text": "Spinning mill in Prato", "passages": ["Recycled polyester yarn"]},
        {"id": "tex", "text": "Czech weaver", "passages": ["Wool fabrics", "Linen"]},
    ]
    rows = run(tmp_path, candidates, [{"id": "q", "text": "recycled polyester yarn"}])
    assert rows[0]["ranked"][0] == "mill"
    with pytest.raises(CommandError, match="C.jsonl line 1: field 'passages' must be a list"):
        run(tmp_path, [{"id": "x", "text": "t", "passages": "one"}], QUERIES)
