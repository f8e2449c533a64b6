"""Member-list import: CSV and XLSX, idempotent, all-or-nothing, every problem with its row."""

import io

import pytest
from openpyxl import Workbook

from clusterloom.core.errors import ImportFailed
from clusterloom.directory.imports import MemberImportFailed
from clusterloom.directory.models import ClusterMembership, Organisation
from clusterloom.directory.services import cluster_members_import

CSV = """Name,Kind,Country,City,Website,SME
Textil Liberec s.r.o.,SME,CZ,Liberec,www.textil-liberec.cz,yes
Technická univerzita v Liberci,university,Czech Republic,Liberec,https://www.tul.cz,no
VÚTS a.s.,rto,CZ,Liberec,,no
Tecnotessile,rto,Italy,Prato,,
"""


def xlsx(rows) -> bytes:
    """An XLSX workbook with these rows on its first sheet."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def snapshot():
    """What a failed import must leave untouched."""
    return Organisation.objects.count(), ClusterMembership.objects.count()


@pytest.mark.django_db
def test_csv_import_adds_members_with_country_kind_and_city(cluster):
    result = cluster_members_import(
        actor=None, cluster=cluster, file_name="members.csv", content=CSV.encode()
    )
    assert (result.rows, result.added, result.created) == (4, 4, 4)
    members = {m.organisation.name: m.organisation for m in cluster.memberships.all()}
    tul = members["Technická univerzita v Liberci"]
    assert (
        tul.kind == "university" and tul.country_id == "CZ" and tul.website == "https://www.tul.cz"
    )
    assert tul.city is not None and tul.city.name == "Liberec"
    assert members["Textil Liberec s.r.o."].is_sme is True
    assert members["Textil Liberec s.r.o."].website == "https://www.textil-liberec.cz"
    assert members["Tecnotessile"].country_id == "IT"


@pytest.mark.django_db
def test_csv_with_bom_semicolons_and_aliases(cluster):
    content = "\ufeffOrganisation;Type;Country code\nFirma A;large company;DE\n".encode()
    result = cluster_members_import(
        actor=None, cluster=cluster, file_name="LIST.CSV", content=content
    )
    assert result.added == 1
    assert cluster.memberships.get().organisation.kind == "large_company"


@pytest.mark.django_db
def test_xlsx_import(cluster):
    content = xlsx(
        [
            ["name", "kind", "country", "city", "website", "sme"],
            ["Textil Liberec s.r.o.", "sme", "CZ", "Liberec", None, True],
            ["Město Liberec", "public authority", "CZ", "Liberec", None, False],
        ]
    )
    result = cluster_members_import(
        actor=None, cluster=cluster, file_name="members.xlsx", content=content
    )
    assert result.added == 2
    kinds = set(cluster.memberships.values_list("organisation__kind", flat=True))
    assert kinds == {"sme", "public_authority"}


@pytest.mark.django_db
def test_rerun_adds_no_duplicates_and_matches_spelling_variants(cluster):
    cluster_members_import(actor=None, cluster=cluster, file_name="m.csv", content=CSV.encode())
    before = snapshot()
    again = CSV.replace("VÚTS a.s.", "VUTS").replace("Textil Liberec s.r.o.", "TEXTIL LIBEREC")
    result = cluster_members_import(
        actor=None, cluster=cluster, file_name="m.csv", content=again.encode()
    )
    assert (result.added, result.created, result.already) == (0, 0, 4)
    assert snapshot() == before


@pytest.mark.django_db
def test_existing_organisation_becomes_member_not_a_copy(cluster):
    existing = Organisation.objects.create(
        name="Technicka Univerzita v Liberci", slug="tul", country_id="CZ", kind="university"
    )
    cluster_members_import(actor=None, cluster=cluster, file_name="m.csv", content=CSV.encode())
    assert cluster.memberships.filter(organisation=existing).exists()
    assert Organisation.objects.filter(name__icontains="univerzita").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("Name,Kind,Land\nA,sme,CZ\n", "row 1, column 3: unknown column “Land”"),
        ("Kind,Country\nsme,CZ\n", "row 1: the column “name” is missing"),
        (
            "name,kind,country\nA,sme,CZ\nB,sme,CZ\nC,sme,CZ\nD,sme,Atlantis\n",
            "row 5, column country: unknown country 'Atlantis'",
        ),
        ("name,kind,country\nA,spaceship,CZ\n", "row 2, column kind: unknown kind 'spaceship'"),
        ("name,kind,country,sme\nA,sme,CZ,maybe\n", "row 2, column sme: 'maybe' is not yes or no"),
        ("name,kind,country,website\nA,sme,CZ,not a url\n", "row 2, column website"),
        ("name,kind,country\n,sme,CZ\n", "row 2, column name: the name is empty"),
    ],
)
def test_each_problem_names_row_and_column_and_changes_nothing(cluster, content, expected):
    cluster_members_import(
        actor=None, cluster=cluster, file_name="ok.csv", content=b"name,country\nFirst,CZ\n"
    )
    before = snapshot()
    with pytest.raises(MemberImportFailed) as caught:
        cluster_members_import(
            actor=None,
            cluster=cluster,
            file_name="members.csv",
            content=content.encode(),
        )
    assert any(expected in problem for problem in caught.value.problems), caught.value.problems
    assert snapshot() == before


@pytest.mark.django_db
def test_all_problems_are_reported_and_good_rows_are_not_imported(cluster):
    content = "name,kind,country\nGood,sme,CZ\nBad,sme,Atlantis\nWorse,robot,CZ\n"
    with pytest.raises(MemberImportFailed) as caught:
        cluster_members_import(
            actor=None, cluster=cluster, file_name="m.csv", content=content.encode()
        )
    assert len(caught.value.problems) == 2
    assert caught.value.line == 3
    assert not Organisation.objects.filter(name="Good").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("file_name", "content", "expected"),
    [
        ("members.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
        ("members.xlsx", b"name,country\nA,CZ\n", "not an Excel workbook"),
        ("members.csv", xlsx([["name", "country"], ["A", "CZ"]]), "not a text file"),
        ("members.xlsx", b"PK\x03\x04garbage that is no zip", "not an Excel workbook"),
        ("members.pdf", b"%PDF-1.4", "Upload a .csv or .xlsx file"),
        ("members.csv", "name,country\nKraków,PL\n".encode("cp1250"), "not UTF-8"),
        ("members.csv", b"", "empty"),
    ],
)
def test_wrong_file_type_is_refused_by_content(cluster, file_name, content, expected):
    before = snapshot()
    with pytest.raises(ImportFailed) as caught:
        cluster_members_import(actor=None, cluster=cluster, file_name=file_name, content=content)
    assert expected in caught.value.message
    assert snapshot() == before


@pytest.mark.django_db
def test_zip_that_is_not_a_workbook_is_refused(cluster):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ImportFailed, match="not an Excel workbook"):
        cluster_members_import(
            actor=None, cluster=cluster, file_name="m.xlsx", content=buffer.getvalue()
        )


@pytest.mark.django_db
def test_too_large_file_is_refused(cluster, settings):
    settings.UPLOAD_MAX_BYTES = 100
    before = snapshot()
    content = ("name,country\n" + "Member,CZ\n" * 20).encode()
    with pytest.raises(ImportFailed, match="too large"):
        cluster_members_import(actor=None, cluster=cluster, file_name="m.csv", content=content)
    assert snapshot() == before


@pytest.mark.django_db
def test_cluster_cannot_list_itself(cluster):
    content = "name,country\nClutex – Klastr Technicke Textilie,CZ\n".encode()
    with pytest.raises(MemberImportFailed, match="cannot be a member of its own cluster"):
        cluster_members_import(actor=None, cluster=cluster, file_name="m.csv", content=content)
    assert cluster.memberships.count() == 0


@pytest.mark.django_db
def test_import_members_command(cluster, tmp_path, capsys):
    from django.core.management import CommandError, call_command

    path = tmp_path / "members.csv"
    path.write_text(CSV, encoding="utf-8")
    call_command("import_members", "clutex", str(path))
    assert "4 members added" in capsys.readouterr().out
    call_command("import_members", "clutex", str(path))
    assert "0 members added" in capsys.readouterr().out
    path.write_text("name,country\nX,Atlantis\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Atlantis"):
        call_command("import_members", "clutex", str(path))


@pytest.mark.django_db
def test_sme_column_accepts_yes_and_no_as_partners_write_them(cluster):
    rows = [
        ("Ditta Prato", "sì"),
        ("Empresa Alcoi", "Sí"),
        ("Empresa Porto", "não"),
        ("Denizli Tekstil", "hayır"),
        ("Firma Trenčín", "áno"),
        ("Firma Žilina", "nie"),
    ]
    content = "name,country,sme\n" + "".join(f"{name},IT,{value}\n" for name, value in rows)
    cluster_members_import(actor=None, cluster=cluster, file_name="m.csv", content=content.encode())
    flags = dict(
        Organisation.objects.filter(name__in=[r[0] for r in rows]).values_list("name", "is_sme")
    )
    assert flags == {
        "Ditta Prato": True,
        "Empresa Alcoi": True,
        "Empresa Porto": False,
        "Denizli Tekstil": False,
        "Firma Trenčín": True,
        "Firma Žilina": False,
    }
