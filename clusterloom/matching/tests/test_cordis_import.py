"""`import-cordis` with CORDIS files as published: CSV (`;` or `,`), XLSX and JSON; projects
become passages of their participants' profiles; bad files name file, row and column and change
nothing."""

import pytest
from django.core.management import CommandError, call_command

from clusterloom.directory.models import Organisation
from clusterloom.geo.services import countries_load
from clusterloom.matching.models import CordisProject, MatchProfile

PROJECT_COLUMNS = ["id", "acronym", "title", "objective", "startDate", "subCall", "fundingScheme"]
PROJECTS = [
    [
        "101100001",
        "LOOPTEX",
        "Recycled polyester yarn for car seat covers",
        "Mechanical and chemical recycling of polyester textiles into yarn for automotive "
        "interiors.",
        "2024-03-01",
        "HORIZON-CL4-2023-TWIN-TRANSITION-01",
        "HORIZON-IA",
    ],
    [
        "101100002",
        "CHIPSENSE",
        "Radar chips for driver assistance",
        "Semiconductor radar sensors for cars.",
        "2024-05-01",
        "HORIZON-KDT-JU-2023-1",
        "HORIZON-JU-RIA",
    ],
]
ORG_COLUMNS = ["projectID", "organisationID", "name", "shortName", "country", "city"]
ORG_COLUMNS += ["activityType", "SME", "role"]
ORGS = [
    ["101100001", "900000001", "TESSITURA PRATESE SRL", "TEXPRATO", "IT", "Prato", "PRC", "true"],
    ["101100001", "900000002", "TECHNICKA UNIVERZITA V LIBERCI", "TUL", "CZ", "Liberec", "HES", ""],
    ["101100002", "900000003", "RADARCHIP GMBH", "", "DE", "Dresden", "PRC", "false"],
    ["101100002", "900000002", "TECHNICKA UNIVERZITA V LIBERCI", "TUL", "CZ", "Liberec", "HES", ""],
]


def _csv(rows, columns, sep):
    def cell(v):
        v = str(v)
        return f'"{v}"' if (sep in v or '"' in v) else v

    lines = [sep.join(columns)] + [sep.join(cell(v) for v in r) for r in rows]
    return "\n".join(lines) + "\n"


def _write(tmp_path, sep=";"):
    projects = tmp_path / "project.csv"
    orgs = tmp_path / "organization.csv"
    projects.write_text(_csv(PROJECTS, PROJECT_COLUMNS, sep), encoding="utf-8")
    rows = [r + ["participant"] for r in ORGS]
    orgs.write_text(_csv(rows, ORG_COLUMNS, sep), encoding="utf-8")
    return projects, orgs


@pytest.fixture
def countries(db):
    countries_load()


@pytest.mark.parametrize("sep", [";", ","])
def test_csv_exports_become_organisations_with_project_passages(tmp_path, countries, sep, capsys):
    projects, orgs = _write(tmp_path, sep)
    call_command("import_cordis", str(orgs), str(projects))  # any order
    out = capsys.readouterr().out
    assert "project.csv: 2 projects: 2 created" in out
    assert "organization.csv: 4 rows, 3 organisations: 3 created" in out
    tul = Organisation.objects.get(cordis_id=900000002)
    assert sorted(tul.cordis_projects) == ["CHIPSENSE", "LOOPTEX"]
    assert Organisation.objects.get(cordis_id=900000001).is_sme is True
    project = CordisProject.objects.get(acronym="LOOPTEX")
    assert project.cordis_id == 101100001 and str(project.start_date) == "2024-03-01"
    profile = MatchProfile.objects.get(organisation_id=tul.pk)
    assert len(profile.passages) == 2
    assert any(
        p.startswith("Recycled polyester yarn for car seat covers. Mechanical")
        for p in profile.passages
    )
    # the project texts are passages, not part of the organisation's own description
    assert "polyester" not in profile.text

    call_command("import_cordis", str(projects), str(orgs))
    again = capsys.readouterr().out
    assert "2 projects: 0 created, 0 updated" in again and "0 created, 0 updated" in again
    assert Organisation.objects.count() == 3 and CordisProject.objects.count() == 2


def test_xlsx_exports_are_read(tmp_path, countries):
    import datetime

    from openpyxl import Workbook

    projects = [list(r) for r in PROJECTS]
    projects[1][4] = datetime.datetime(2024, 5, 1)  # a date cell, stored as a serial day
    for name, columns, rows in (
        ("project.xlsx", PROJECT_COLUMNS, projects),
        ("organization.xlsx", ORG_COLUMNS, [r + ["participant"] for r in ORGS]),
    ):
        book = Workbook()
        sheet = book.active
        sheet.append(columns)
        for r in rows:
            sheet.append(r)
        book.save(tmp_path / name)
    call_command(
        "import_cordis", str(tmp_path / "project.xlsx"), str(tmp_path / "organization.xlsx")
    )
    assert Organisation.objects.count() == 3
    chips = CordisProject.objects.get(acronym="CHIPSENSE")
    assert chips.objective.startswith("Semiconductor")
    assert chips.start_date == datetime.date(2024, 5, 1)
    assert CordisProject.objects.get(acronym="LOOPTEX").start_date == datetime.date(2024, 3, 1)


def test_a_workbook_bomb_is_refused_before_it_is_unpacked(tmp_path, countries, monkeypatch):
    """The CORDIS reader is the uploads' streaming reader: a workbook whose parts unpack to
    more than the limit is refused from the zip's directory, naming the file."""
    import zipfile

    from clusterloom.directory import cordis_files

    monkeypatch.setattr(cordis_files, "MAX_UNPACKED_BYTES", 1_000_000)
    bomb = tmp_path / "project.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr(
            "xl/sharedStrings.xml", "<sst><si><t>" + "A" * 2_000_000 + "</t></si></sst>"
        )
    with pytest.raises(CommandError) as caught:
        call_command("import_cordis", str(bomb))
    assert "project.xlsx" in str(caught.value) and "unpacks to more than" in str(caught.value)
    assert CordisProject.objects.count() == 0


def test_a_workbook_with_a_dtd_is_refused_naming_the_file(tmp_path, countries):
    import zipfile

    evil = tmp_path / "organization.xlsx"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaa">]><workbook>&a;</workbook>',
        )
    with pytest.raises(CommandError) as caught:
        call_command("import_cordis", str(evil))
    assert "organization.xlsx" in str(caught.value)
    assert Organisation.objects.count() == 0


def test_missing_column_names_the_file_and_column_and_changes_nothing(tmp_path, countries):
    projects, orgs = _write(tmp_path)
    text = orgs.read_text().replace("organisationID", "orgID", 1)
    orgs.write_text(text)
    with pytest.raises(CommandError) as caught:
        call_command("import_cordis", str(projects), str(orgs))
    assert "organization.csv" in str(caught.value) and "organisationID" in str(caught.value)
    assert CordisProject.objects.count() == 0 and Organisation.objects.count() == 0


def test_malformed_row_names_file_row_and_column_and_changes_nothing(tmp_path, countries):
    projects, orgs = _write(tmp_path)
    bad = [list(r) for r in ORGS]
    bad[2][4] = "XX"  # the third organisation row: spreadsheet row 4
    orgs.write_text(_csv([r + ["participant"] for r in bad], ORG_COLUMNS, ";"))
    with pytest.raises(CommandError) as caught:
        call_command("import_cordis", str(projects), str(orgs))
    message = str(caught.value)
    assert "organization.csv row 4" in message and "country" in message and "XX" in message
    # the project file was fine, but nothing of it was written either
    assert CordisProject.objects.count() == 0 and Organisation.objects.count() == 0

    projects.write_text(projects.read_text().replace("2024-05-01", "May 2024"))
    with pytest.raises(CommandError, match=r"project.csv row 3, column “startDate”"):
        call_command("import_cordis", str(projects))


def test_participation_of_an_unknown_project_is_refused(tmp_path, countries):
    _projects, orgs = _write(tmp_path)
    with pytest.raises(CommandError) as caught:
        call_command("import_cordis", str(orgs))
    assert "row 2" in str(caught.value) and "projectID" in str(caught.value)
    assert Organisation.objects.count() == 0


def test_a_file_of_another_kind_is_refused(tmp_path, countries):
    other = tmp_path / "members.csv"
    other.write_text("name;country\nAECIM;ES\n")
    with pytest.raises(CommandError, match="neither a CORDIS project file"):
        call_command("import_cordis", str(other))
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(CommandError, match="empty.csv is empty"):
        call_command("import_cordis", str(empty))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_cordis", str(tmp_path / "missing.csv"))
