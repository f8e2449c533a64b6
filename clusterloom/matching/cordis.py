"""CORDIS exports into the platform: projects (passages of their participants' profiles) and the
organisations that took part, from the files as CORDIS publishes them (JSON, CSV, XLSX).

`cordis_import` takes any number of project and organisation files, checks every row of every
file before writing anything, and writes them in one transaction: a bad row anywhere changes
nothing. Re-running it with the same files changes nothing either.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from clusterloom.core.audit import audit
from clusterloom.core.errors import ImportFailed
from clusterloom.core.text import squash
from clusterloom.directory.cordis_files import CordisFile, cordis_file_read
from clusterloom.directory.imports import CordisImportResult, cordis_organisations_import

from .models import CordisProject, MatchIndexState


@dataclass
class ProjectsResult:
    """What a project file import did."""

    rows: int = 0
    created: int = 0
    updated: int = 0


@dataclass
class CordisResult:
    """What `cordis_import` did, per file."""

    projects: dict[str, ProjectsResult] = field(default_factory=dict)
    organisations: dict[str, CordisImportResult] = field(default_factory=dict)


#: Day 0 of a spreadsheet's serial dates (1900 date system, with its 1900 leap-year bug).
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _cordis_date(value: str) -> dt.date:
    """A CORDIS date: "2024-01-01" (JSON, CSV, a text cell), or the serial day number a
    spreadsheet stores for a date cell ("45292"). ValueError otherwise."""
    if value.isdigit() and 1 <= int(value) <= 2_958_465:  # up to 9999-12-31
        return _EXCEL_EPOCH + dt.timedelta(days=int(value))
    return dt.date.fromisoformat(value)


def _project_values(file: CordisFile) -> dict[str, dict]:
    """Each project row checked and turned into CordisProject fields, by acronym."""
    id_column = "id" if "id" in file.columns else "projectID"  # the id is optional
    file.require("acronym", "title")
    out: dict[str, dict] = {}
    for row in file.rows:
        v = row.values
        acronym = squash(v.get("acronym"))
        if not acronym:
            row.fail(_("the acronym is empty"), "acronym")
        if len(acronym) > 100:
            row.fail(_("longer than %(max)d characters") % {"max": 100}, "acronym")
        title = squash(v.get("title"))
        if not title:
            row.fail(_("the title is empty"), "title")
        raw_id = str(v.get(id_column) or "").strip()
        try:
            cordis_id = int(raw_id) if raw_id else None
        except ValueError:
            row.fail(_("'%(value)s' is not a project id") % {"value": raw_id[:40]}, id_column)
        start = str(v.get("startDate") or "").strip()[:10]
        start_date = None
        if start:
            try:
                start_date = _cordis_date(start)
            except ValueError:
                row.fail(
                    _("'%(value)s' is not a date (YYYY-MM-DD)") % {"value": start}, "startDate"
                )
        values = {
            "cordis_id": cordis_id,
            "title": title[:500],
            "objective": " ".join(str(v.get("objective") or "").split()),
            "start_date": start_date,
            "call": squash(v.get("subCall") or v.get("masterCall"))[:200],
            "funding_scheme": squash(v.get("fundingScheme"))[:100],
        }
        previous = out.get(acronym)
        if previous and previous["cordis_id"] != cordis_id:
            row.fail(
                _("acronym %(acronym)s is used by two projects (%(a)s and %(b)s)")
                % {"acronym": acronym, "a": previous["cordis_id"], "b": cordis_id},
                "acronym",
            )
        out[acronym] = values
    return out


def _projects_write(actor, name: str, projects: dict[str, dict]) -> ProjectsResult:
    result = ProjectsResult(rows=len(projects))
    known = {p.acronym: p for p in CordisProject.objects.filter(acronym__in=list(projects))}
    by_id = {
        p.cordis_id: p
        for p in CordisProject.objects.filter(
            cordis_id__in=[v["cordis_id"] for v in projects.values() if v["cordis_id"]]
        )
    }
    new = []
    for acronym, values in projects.items():
        row = known.get(acronym)
        other = by_id.get(values["cordis_id"]) if values["cordis_id"] else None
        if other is not None and other.acronym != acronym:
            raise ImportFailed(
                _("%(file)s: project %(id)s is already known as %(other)s, not %(acronym)s")
                % {
                    "file": name,
                    "id": values["cordis_id"],
                    "other": other.acronym,
                    "acronym": acronym,
                },
                field="acronym",
            )
        if row is None:
            new.append(CordisProject(acronym=acronym, **values))
            continue
        changed = {k: v for k, v in values.items() if getattr(row, k) != v and v not in ("", None)}
        if changed:
            for k, v in changed.items():
                setattr(row, k, v)
            row.save(update_fields=list(changed))
            result.updated += 1
    CordisProject.objects.bulk_create(new, batch_size=1000)
    result.created = len(new)
    if result.created or result.updated:
        state, _created = MatchIndexState.objects.get_or_create(
            pk=1, defaults={"generation": uuid.uuid4().hex}
        )
        audit(
            actor,
            "matching.cordis_projects_imported",
            state,
            changes={"file": name, "created": result.created, "updated": result.updated},
        )
    return result


@transaction.atomic
def cordis_projects_load(*, actor, path: Path | str) -> ProjectsResult:
    """Import one CORDIS project file (all or nothing)."""
    file = cordis_file_read(path)
    if not file.is_projects:
        file.require("acronym", "title")
    return _projects_write(actor, file.name, _project_values(file))


def cordis_import(*, actor, paths: Iterable[Path | str]) -> CordisResult:
    """Import CORDIS project and organisation files (any order; projects are written first so
    organisation rows may name their project by `projectID`), all or nothing."""
    files = [cordis_file_read(p) for p in paths]
    if not files:
        raise ImportFailed(_("Name at least one CORDIS file."))
    for f in files:
        if not (f.is_projects or f.is_organisations):
            raise ImportFailed(
                _(
                    "%(file)s is neither a CORDIS project file (columns acronym, title, "
                    "objective) nor an organisation file (columns projectID, organisationID, "
                    "name, country); columns found: %(found)s"
                )
                % {"file": f.name, "found": ", ".join(f.columns[:12]) or _("none")}
            )
    project_files = {f.name: _project_values(f) for f in files if f.is_projects}
    acronyms = dict(
        CordisProject.objects.exclude(cordis_id=None).values_list("cordis_id", "acronym")
    )
    acronyms = {str(k): v for k, v in acronyms.items()}
    for projects in project_files.values():
        acronyms.update({str(v["cordis_id"]): a for a, v in projects.items() if v["cordis_id"]})
    result = CordisResult()
    with transaction.atomic():
        for name, projects in project_files.items():
            result.projects[name] = _projects_write(actor, name, projects)
        for f in files:
            if f.is_organisations:
                result.organisations[f.name] = cordis_organisations_import(
                    actor=actor, path_or_data=f, acronyms=acronyms
                )
    return result
