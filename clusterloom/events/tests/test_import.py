"""Importing registrations from CSV/XLSX: all or nothing, every problem with its row and column,
and a second run of the same file adds nobody."""

import io

import openpyxl
import pytest

from clusterloom.core.errors import ImportFailed, PermissionDenied
from clusterloom.core.models import AuditEntry
from clusterloom.directory.models import Organisation
from clusterloom.events import services
from clusterloom.events.models import Participant

pytestmark = pytest.mark.django_db

HEADER = "name,email,organisation,country,group,profile,offers,requests\n"
GOOD = (
    HEADER
    + "Anna Horváthová,anna@textil.sk,Textil Žilina,SK,Suppliers,Woven labels,Labels,\n"
    + "Miguel Sousa,miguel@bancos.pt,Bancos do Porto,PT,buyers,Seats,,Seat covers\n"
    + ",,,,,,,\n"  # an empty row is skipped
)


def _import(w, content, name="people.csv", **kwargs):
    return services.registrations_import(
        actor=w.organiser, event=w.event, file_name=name, content=content, **kwargs
    )


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_import_registers_every_row_and_a_second_run_adds_nobody(eworld):
    w = eworld
    assert _import(w, GOOD.encode(), approve=True) == 2
    anna = Participant.objects.get(email="anna@textil.sk")
    assert anna.organisation.name == "Textil Žilina" and anna.organisation.country_id == "SK"
    assert anna.group == w.suppliers and anna.status == "approved" and anna.user is None
    assert anna.available_slots.count() == 11
    assert [(i.kind, i.title) for i in anna.items.all()] == [("offer", "Labels")]
    miguel = Participant.objects.get(email="miguel@bancos.pt")
    assert miguel.group == w.buyers
    assert [(i.kind, i.title) for i in miguel.items.all()] == [("request", "Seat covers")]
    people, organisations = Participant.objects.count(), Organisation.objects.count()
    # The same file again, with an address in capitals: nobody twice.
    assert _import(w, GOOD.replace("anna@", "ANNA@").encode()) == 0
    assert (Participant.objects.count(), Organisation.objects.count()) == (people, organisations)
    assert AuditEntry.objects.filter(action="events.registrations_imported").count() == 2


def test_xlsx_import_with_the_organisation_of_an_existing_record(eworld):
    w = eworld
    content = _xlsx(
        [
            ["Name", "Email", "Organisation", "Country"],
            ["Luca Neri", "luca@pratese.it", "Tessitura Pratese", "IT"],
        ]
    )
    assert _import(w, content, name="people.xlsx") == 1
    luca = Participant.objects.get(email="luca@pratese.it")
    assert luca.organisation == w.orgs["it"] and luca.status == "submitted"


def test_a_file_with_problems_imports_nothing_and_names_every_row_and_column(eworld):
    w = eworld
    bad = (
        HEADER
        + "Anna Horváthová,anna@textil.sk,Textil Žilina,SK,,,,\n"  # fine on its own
        + "No Mail,,Firma,SK,,,,\n"  # row 3: email empty
        + "Bad Mail,not-an-address,Firma,SK,,,,\n"  # row 4
        + "Anna Again,anna@textil.sk,Textil Žilina,SK,,,,\n"  # row 5: duplicate
        + "Someone,someone@x.eu,Firma,XX,,,,\n"  # row 6: unknown country
        + "Grouped,grouped@x.eu,Firma,SK,Sellers,,,\n"  # row 7: unknown group
    )
    people, organisations = Participant.objects.count(), Organisation.objects.count()
    with pytest.raises(ImportFailed) as caught:
        _import(w, bad.encode())
    message = caught.value.message
    assert caught.value.line == 3
    assert "row 3, column “email”: empty" in message
    assert "row 4, column “email”: not an e-mail" in message
    assert "row 5, column “email”: duplicate" in message
    assert "row 6, column “country”" in message and "XX" in message
    assert "row 7, column “group”" in message and "Sellers" in message
    assert "row 2" not in message
    # Nothing was kept: not Anna of row 2, not the organisations it would have created.
    assert (Participant.objects.count(), Organisation.objects.count()) == (people, organisations)
    assert not Organisation.objects.filter(name="Textil Žilina").exists()


@pytest.mark.parametrize(
    "name, content, needle, line",
    [
        ("people.csv", b"name,email,organisation\nA,a@b.eu,C\n", "country", 1),
        ("people.csv", b"", "empty", None),
        ("people.pdf", b"%PDF-1.4", ".csv", None),
        ("people.xlsx", b"name,email\n", "Excel", None),
        ("people.csv", "name;email\n".encode("utf-16"), "", None),
    ],
)
def test_unreadable_files_are_refused(eworld, name, content, needle, line):
    with pytest.raises(ImportFailed) as caught:
        _import(eworld, content, name=name)
    assert needle in caught.value.message
    assert caught.value.line == line
    assert Participant.objects.count() == 4


def test_only_organisers_import(eworld):
    w = eworld
    for user in (w.supplier_it, w.other_coordinator, w.stranger):
        with pytest.raises(PermissionDenied):
            services.registrations_import(
                actor=user, event=w.event, file_name="p.csv", content=GOOD.encode()
            )
    assert Participant.objects.count() == 4
