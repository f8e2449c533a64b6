"""CORDIS import on the real organization.json: counts, country mapping, kinds, idempotence."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from clusterloom.core.errors import ImportFailed
from clusterloom.directory.models import Organisation
from clusterloom.directory.services import cordis_organisations_import

ORGANIZATION_JSON = Path("/work/shared/data/cordis/organization.json")
pytestmark = pytest.mark.skipif(not ORGANIZATION_JSON.exists(), reason="CORDIS data not present")


@pytest.fixture
def rows():
    return json.loads(ORGANIZATION_JSON.read_text())


@pytest.mark.django_db
def test_real_file_gives_765_organisations_from_1076_rows():
    result = cordis_organisations_import(actor=None, path_or_data=ORGANIZATION_JSON)
    assert (result.rows, result.organisations, result.created) == (1076, 765, 765)
    assert Organisation.objects.count() == 765
    assert Organisation.objects.filter(cordis_id__isnull=False).count() == 765


@pytest.mark.django_db
def test_greece_and_uk_are_mapped_to_iso_codes(rows):
    cordis_organisations_import(actor=None, path_or_data=rows)
    greek_ids = {r["organisationID"] for r in rows if r["country"] == "EL"}
    uk_ids = {r["organisationID"] for r in rows if r["country"] == "UK"}
    assert greek_ids and uk_ids
    assert (
        set(Organisation.objects.filter(country_id="GR").values_list("cordis_id", flat=True))
        == greek_ids
    )
    assert (
        set(Organisation.objects.filter(country_id="GB").values_list("cordis_id", flat=True))
        == uk_ids
    )


@pytest.mark.django_db
def test_kinds_projects_and_coordinates(rows):
    cordis_organisations_import(actor=None, path_or_data=rows)
    infineon_ro = Organisation.objects.get(cordis_id=996588380)
    # SME is "" in one row and false in another: known false wins -> large company.
    assert infineon_ro.kind == "large_company" and infineon_ro.is_sme is False
    assert infineon_ro.country_id == "RO" and infineon_ro.website == "https://www.infineon.com"
    assert (round(infineon_ro.latitude, 3), round(infineon_ro.longitude, 3)) == (44.482, 26.122)
    assert "3Ccar" in infineon_ro.cordis_projects
    hes = {r["organisationID"] for r in rows if r["activityType"] == "HES"}
    assert (
        set(Organisation.objects.filter(kind="university").values_list("cordis_id", flat=True))
        == hes
    )
    metso = Organisation.objects.get(cordis_id=998387051)  # "PRC;PRC", "FI;FI"
    assert metso.country_id == "FI" and metso.kind == "large_company"
    many = max(Organisation.objects.all(), key=lambda o: len(o.cordis_projects))
    expected = {r["projectAcronym"] for r in rows if r["organisationID"] == many.cordis_id}
    assert set(many.cordis_projects) == expected and len(expected) > 1


@pytest.mark.django_db
def test_prc_with_unknown_sme_flag_is_other():
    rows = [
        {
            "organisationID": 1,
            "name": "Unknown Size GmbH",
            "activityType": "PRC",
            "SME": "",
            "country": "DE",
            "city": "Berlin",
            "geolocation": "",
            "projectAcronym": "X",
        },
        {
            "organisationID": 2,
            "name": "Small GmbH",
            "activityType": "PRC",
            "SME": True,
            "country": "DE",
            "city": "Berlin",
            "geolocation": "",
            "projectAcronym": "X",
        },
    ]
    cordis_organisations_import(actor=None, path_or_data=rows)
    assert Organisation.objects.get(cordis_id=1).kind == "other"
    assert Organisation.objects.get(cordis_id=1).is_sme is None
    assert Organisation.objects.get(cordis_id=2).kind == "sme"


@pytest.mark.django_db
def test_rerun_changes_nothing(rows):
    cordis_organisations_import(actor=None, path_or_data=rows)
    before = list(Organisation.objects.order_by("pk").values_list("pk", "slug", "cordis_projects"))
    result = cordis_organisations_import(actor=None, path_or_data=rows)
    assert (result.created, result.updated) == (0, 0)
    after = list(Organisation.objects.order_by("pk").values_list("pk", "slug", "cordis_projects"))
    assert after == before


@pytest.mark.django_db
def test_existing_organisation_is_linked_not_duplicated(rows):
    first = rows[0]
    existing = Organisation.objects.create(
        name=first["name"].upper(), slug="infineon-ro", country_id="RO", description="Ours."
    )
    cordis_organisations_import(actor=None, path_or_data=rows)
    existing.refresh_from_db()
    assert existing.cordis_id == first["organisationID"] and existing.description == "Ours."
    assert Organisation.objects.count() == 765


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"country": "XX"}, "row 4, column “country”: unknown country 'XX'"),
        ({"geolocation": "north"}, "column “geolocation”: geolocation 'north' is not 'lat,lon'"),
        ({"organisationID": "abc"}, "row 4, column “organisationID”"),
        ({"name": ""}, "row 4, column “name”: the name is empty"),
        ({"activityType": "ZZZ"}, "row 4, column “activityType”: unknown activityType 'ZZZ'"),
    ],
)
def test_malformed_row_is_named_and_nothing_is_imported(rows, bad, message):
    rows[3] = {**rows[3], **bad}
    with pytest.raises(ImportFailed) as caught:
        cordis_organisations_import(actor=None, path_or_data=rows)
    assert message in caught.value.message
    assert caught.value.line == 4
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_not_json_is_refused(tmp_path):
    path = tmp_path / "organization.json"
    path.write_text("<html>not json</html>")
    with pytest.raises(ImportFailed, match="is not a CORDIS JSON file"):
        cordis_organisations_import(actor=None, path_or_data=path)


@pytest.mark.django_db
def test_command_imports_and_reports(capsys):
    call_command("import_cordis", str(ORGANIZATION_JSON))
    assert "765 organisations: 765 created" in capsys.readouterr().out
    call_command("import_cordis", str(ORGANIZATION_JSON))
    assert "0 created, 0 updated" in capsys.readouterr().out


@pytest.mark.django_db
def test_cli_verb_with_dash(capsys):
    from clusterloom.cli import main

    main(["import-cordis", str(ORGANIZATION_JSON)])
    assert "765 created" in capsys.readouterr().out
