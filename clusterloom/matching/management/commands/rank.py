"""`clusterloom rank --candidates C.jsonl --queries Q.jsonl --k 20 --out R.jsonl [--semantic]`.

Batch partner ranking with the same core and the same learned weights as the pages and the API
(matching/index.py, matching/ranking.json). Each candidate line is {"id", "text", "terms":
[...], "country", "kind"} (optionally "offers", "requests", "activity", "partners", and
"passages": [texts of its past projects or activities, each scored as its own passage; "text"
stays the organisation's own description]); each query line is {"id", "text", "terms": [...],
"country", "other_country_only": bool} (optionally "kinds", "exclude_ids"); each output line is
{"query": id, "ranked": [ids best first], "scores": [...]}. Every input line is checked before
anything is ranked; on any error the command names the file and line and writes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from clusterloom.core.files import write_atomically
from clusterloom.matching import embeddings
from clusterloom.matching.index import PartnerIndex, Profile, Query
from clusterloom.matching.profiles import ranking_weights
from clusterloom.matching.text import stems

_CANDIDATE = {
    "id": "id",
    "text": str,
    "terms": list,
    "country": str,
    "kind": str,
    "offers": str,
    "requests": str,
    "activity": float,
    "partners": list,
    "passages": list,
}
_QUERY = {
    "id": "id",
    "text": str,
    "terms": list,
    "country": str,
    "other_country_only": bool,
    "kinds": list,
    "exclude_ids": list,
}
_REQUIRED = ("id", "text")


class BadLine(Exception):
    """A JSONL line that cannot be used; the message names the file and line."""


def _field(where: str, name: str, value, kind):
    if kind == "id":
        if isinstance(value, bool) or not isinstance(value, str | int) or str(value) == "":
            raise BadLine(
                _("%(where)s: field '%(field)s' must be a non-empty string or an integer")
                % {"where": where, "field": name}
            )
        return str(value)
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise BadLine(
                _("%(where)s: field '%(field)s' must be a number >= 0")
                % {"where": where, "field": name}
            )
        return float(value)
    if kind is list:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise BadLine(
                _("%(where)s: field '%(field)s' must be a list of non-empty strings")
                % {"where": where, "field": name}
            )
        return tuple(v.strip() for v in value)
    if not isinstance(value, kind):
        what = _("true or false") if kind is bool else _("a string")
        raise BadLine(
            _("%(where)s: field '%(field)s' must be %(what)s")
            % {"where": where, "field": name, "what": what}
        )
    return value


def read_jsonl(path: Path, schema: dict) -> list[tuple[str, dict]]:
    """Checked lines of a JSONL file as (where, fields); blank lines are skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadLine(
            _("%(file)s: cannot read: %(error)s") % {"file": path, "error": exc}
        ) from None
    out, seen = [], set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = _("%(file)s line %(line)d") % {"file": path.name, "line": number}
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadLine(
                _("%(where)s: not JSON: %(error)s") % {"where": where, "error": exc}
            ) from None
        if not isinstance(data, dict):
            raise BadLine(_("%(where)s: must be a JSON object") % {"where": where})
        unknown = sorted(set(data) - set(schema))
        if unknown:
            raise BadLine(
                _("%(where)s: unknown field '%(field)s' (known: %(known)s)")
                % {"where": where, "field": unknown[0], "known": ", ".join(schema)}
            )
        for name in _REQUIRED:
            if name not in data:
                raise BadLine(
                    _("%(where)s: field '%(field)s' is missing") % {"where": where, "field": name}
                )
        fields = {name: _field(where, name, data[name], schema[name]) for name in data}
        if fields["id"] in seen:
            raise BadLine(
                _("%(where)s: id '%(id)s' appears twice") % {"where": where, "id": fields["id"]}
            )
        seen.add(fields["id"])
        out.append((where, fields))
    return out


class Command(BaseCommand):
    """Rank candidates for each query and write one JSON line per query."""

    help = "Rank candidate organisations (JSONL) for partner needs (JSONL) with the matching core."

    def add_arguments(self, parser):
        parser.add_argument("--candidates", required=True, type=Path, help="candidates JSONL")
        parser.add_argument("--queries", required=True, type=Path, help="queries JSONL")
        parser.add_argument("--out", required=True, type=Path, help="output JSONL")
        parser.add_argument("--k", type=int, default=20, help="results per query (default 20)")
        parser.add_argument(
            "--semantic",
            action="store_true",
            help="add embedding similarity (semantic extra), with the weights learned with it "
            "(short needs: none, see docs/PERFORMANCE.md)",
        )

    def handle(self, *args, candidates, queries, out, k, semantic, **options):
        if k <= 0:
            raise CommandError(_("--k must be a positive number, not %(k)s") % {"k": k})
        if not out.resolve().parent.is_dir():
            raise CommandError(
                _("--out: folder %(folder)s does not exist") % {"folder": out.resolve().parent}
            )
        if semantic and not embeddings.available():
            raise CommandError(
                _("--semantic needs the semantic extra: pip install 'clusterloom[semantic]'")
            )
        try:
            candidate_lines = read_jsonl(candidates, _CANDIDATE)
            query_lines = read_jsonl(queries, _QUERY)
        except BadLine as exc:
            raise CommandError(str(exc)) from None
        for where, q in query_lines:
            if not stems(q["text"]) and not q.get("terms"):
                raise CommandError(
                    _("%(where)s: field 'text' has no words to match and 'terms' is empty")
                    % {"where": where}
                )
        embedder = embeddings.SentenceTransformerEmbedder() if semantic else None
        index = PartnerIndex(
            (Profile(**c) for _where, c in candidate_lines),
            embedder=embedder,
            weights=ranking_weights(semantic=embedder is not None),
            short_weights=ranking_weights(semantic=embedder is not None, short=True),
        )
        results = []
        for _where, q in query_lines:
            query_id = q.pop("id")
            query = Query(**{**q, "exclude_ids": frozenset(q.get("exclude_ids", ()))})
            matches = index.search(query, k)
            results.append(
                {
                    "query": query_id,
                    "ranked": [m.id for m in matches],
                    "scores": [round(m.score, 6) for m in matches],
                }
            )
        out = out.resolve()
        lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in results)
        write_atomically(out, lines.encode("utf-8"))
        self.stdout.write(
            _("%(queries)d queries ranked over %(candidates)d candidates, written to %(out)s")
            % {"queries": len(results), "candidates": len(index), "out": out}
        )
