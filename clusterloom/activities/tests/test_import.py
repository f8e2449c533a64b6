"""Importing an attendance list: CSV or XLSX, all or nothing, problems by row and column,
idempotent on re-run."""

import io

import pytest
from openpyxl import Workbook

from clusterloom.activities.attendance_import import attendance_import
from clusterloom.core.errors import DomainError, ImportFailed, PermissionDenied
from clusterloom.core.models import AuditEntry

pytestmark = pytest.mark.django_db

GOOD = (
    "name;organisation;role;email;hours\n"
    "Ana Silva;Tessile Cluster;cluster manager;;\n"
    "Petr Dvořák;textile cluster cz;Cluster staff;PETR@example.org;3,5\n"
    "Elif Yılmaz;Denizli Chamber;sme;;\n"
)


def _import(w, content: bytes, name="attendance.csv", activity=None, actor=None):
    return attendance_import(
        actor=actor or w.coordinator,
        activity=activity or w.training,
        file_name=name,
        content=content,
    )


def test_a_csv_list_is_imported_and_linked_to_the_directory(world):
    w = world
    result = _import(w, GOOD.encode())
    assert (result.rows, result.added, result.already) == (3, 3, 0)
    rows = {r.name or str(r.person): r for r in w.training.attendance.all()}
    assert rows["Ana Silva"].organisation == w.cluster_it  # a partner, matched by name
    assert rows["Ana Silva"].role == "cluster_manager"
    petr = rows["Petr Dvořák"]
    assert (petr.person, petr.organisation, str(petr.hours)) == (w.person_cz, w.cluster_cz, "3.5")
    elif_ = rows["Elif Yılmaz"]
    assert (elif_.organisation, elif_.organisation_name) == (None, "Denizli Chamber")
    entry = AuditEntry.objects.get(action="activities.attendance_imported")
    assert entry.changes["added"] == 3


def test_importing_the_same_file_again_adds_nobody(world):
    w = world
    _import(w, GOOD.encode())
    result = _import(w, GOOD.encode())
    assert (result.added, result.already) == (0, 3)
    assert w.training.attendance.count() == 5


def test_an_xlsx_list_is_imported(world):
    w = world
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Organisation", "Role", "Hours"])
    sheet.append(["Karel Dvořák", "Textile Cluster CZ", "cluster_staff", 6])
    sheet.append(["Sofia Costa", "Tessile Cluster", "manager", None])
    buffer = io.BytesIO()
    book.save(buffer)
    result = _import(w, buffer.getvalue(), name="list.xlsx")
    assert result.added == 2
    karel = w.training.attendance.get(name="Karel Dvořák")
    assert (karel.role, str(karel.hours)) == ("cluster_staff", "6.0")


def test_every_problem_is_named_by_row_and_column_and_nothing_is_imported(world):
    w = world
    content = (
        "name,organisation,role,email,hours\n"
        "Ana Silva,Tessile Cluster,cluster manager,,\n"
        ",Tessile Cluster,cluster staff,,\n"
        "Jan Novák,Textile Cluster CZ,boss,,\n"
        "Eva Malá,Textile Cluster CZ,sme,not-an-email,\n"
        "Ota Hora,Textile Cluster CZ,sme,,-2\n"
        "ana silva,tessile cluster,sme,,\n"
    ).encode()
    with pytest.raises(ImportFailed) as caught:
        _import(w, content)
    message = caught.value.message
    assert caught.value.line == 3
    assert "row 3, column “name”: empty" in message
    assert "row 4, column “role”: not one of" in message
    assert "row 5, column “email”: not an e-mail" in message
    assert "row 6, column “hours”" in message
    assert "row 7, column “name”: the same attendee as row 2" in message
    assert "5 problem(s), nothing was imported" in message
    assert w.training.attendance.count() == 2
    assert not AuditEntry.objects.filter(action="activities.attendance_imported").exists()


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (b"name,role\nAna,sme\n", "a.csv", "Missing column(s): organisation"),
        (b"", "a.csv", "empty"),
        (b"name,organisation,role\n", "a.pdf", "Upload a .csv or .xlsx file"),
        (b"PK\x03\x04garbage", "a.xlsx", "not an Excel workbook"),
        ("name,organisation,role\nAna,X,sme\n".encode("utf-16"), "a.csv", "not"),
    ],
)
def test_unreadable_files_are_refused_clearly(world, content, name, words):
    w = world
    with pytest.raises(ImportFailed) as caught:
        _import(w, content, name=name)
    assert words in caught.value.message
    assert w.training.attendance.count() == 2


def test_only_the_coordinators_import(world):
    w = world
    with pytest.raises(PermissionDenied):
        _import(w, GOOD.encode(), actor=w.manager)
    assert w.training.attendance.count() == 2


def test_no_attendance_is_imported_for_a_cancelled_activity(world):
    w = world
    with pytest.raises(DomainError) as caught:
        _import(w, GOOD.encode(), activity=w.cancelled)
    assert caught.value.field == "status"
    assert w.cancelled.attendance.count() == 0
