"""Whole partnerships as YAML and JSON: round trip, Hi-Tech-TEX seed, clear refusals."""

import json

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from clusterloom.core.errors import ImportFailed
from clusterloom.directory.models import Cluster, Organisation
from clusterloom.partnerships.models import Partnership, PartnershipMember, Target
from clusterloom.partnerships.serialization import (
    export_json,
    export_yaml,
    load_document,
    partnership_export,
    partnership_import_structured,
)
from clusterloom.partnerships.services import partnership_import_eccp, target_confirm

from .conftest import EXTRATEX_PAGE, SEEDS

HITECH = (SEEDS / "hi-tech-tex.yaml").read_text(encoding="utf-8")

pytestmark = pytest.mark.django_db


@pytest.fixture
def extratex():
    partnership = partnership_import_eccp(actor=None, text=EXTRATEX_PAGE).partnership
    # Something in every kind of field, so the round trip has something to lose.
    partnership.duration_months = 24
    partnership.website = "https://extratex.example.org"
    partnership.origin = "A textile-transport brokerage event."
    partnership.save()
    target_confirm(actor=None, target=partnership.targets.get(code="labels_bronze"), value=4)
    aecim = partnership.members.first().organisation
    aecim.website = "https://aecim.example.org"
    aecim.description = "Metal industry association of Madrid."
    aecim.city_name = "Madrid"
    aecim.save()
    return partnership


def _wipe(partnership):
    orgs = list(partnership.members.values_list("organisation_id", flat=True))
    partnership.delete()
    Cluster.objects.filter(organisation_id__in=orgs).delete()
    Organisation.objects.filter(id__in=orgs).delete()


@pytest.mark.parametrize(
    ("dump", "load"), [(export_yaml, yaml.safe_load), (export_json, json.loads)]
)
def test_round_trip_without_loss(extratex, dump, load):
    document = dump(extratex)
    first = partnership_export(extratex)
    assert load(document) == first
    _wipe(extratex)
    assert not Partnership.objects.exists()
    outcome = partnership_import_structured(actor=None, data=load_document(document))
    assert outcome.created
    assert partnership_export(outcome.partnership) == first
    bronze = next(t for t in first["targets"] if t["code"] == "labels_bronze")
    assert (bronze["value"], bronze["status"]) == (4, "confirmed")
    assert "3 bronze labels" in bronze["source_text"]
    assert first["partners"][0]["organisation"]["region"] == "ES30"
    assert first["partners"][0]["role_inferred"] is True


def test_structured_import_is_idempotent(extratex):
    document = partnership_export(extratex)
    counts = (
        Organisation.objects.count(),
        PartnershipMember.objects.count(),
        Target.objects.count(),
    )
    outcome = partnership_import_structured(actor=None, data=document)
    assert not outcome.created
    assert counts == (
        Organisation.objects.count(),
        PartnershipMember.objects.count(),
        Target.objects.count(),
    )
    assert partnership_export(outcome.partnership) == document


def test_hitech_seed_shares_clutex_and_ntt_with_extratex(extratex):
    hitech = partnership_import_structured(actor=None, data=load_document(HITECH)).partnership
    assert hitech.members.count() == 6
    assert hitech.duration_months == 24
    assert hitech.programme == "ESCP-4x"
    assert "inferred" in hitech.source
    assert hitech.actions.count() == 4
    rows = [
        (m.role, m.organisation.country_id, m.organisation.region_id)
        for m in hitech.members.select_related("organisation")
    ]
    assert rows == [
        ("coordinator", "PT", "PT11"),
        ("partner", "ES", "ES51"),
        ("partner", "ES", "ES52"),
        ("partner", "TR", "TR32"),
        ("partner", "CZ", "CZ05"),
        ("partner", "IT", "ITI1"),
    ]
    shared = set(extratex.members.values_list("organisation_id", flat=True)) & set(
        hitech.members.values_list("organisation_id", flat=True)
    )
    assert len(shared) == 2
    names = set(Organisation.objects.filter(id__in=shared).values_list("short_name", flat=True))
    assert names == {"CLUTEX", "OTIR2020-TFC"}
    assert Organisation.objects.filter(country_id="CZ").count() == 1
    assert Organisation.objects.filter(country_id="IT").count() == 1
    # Unknown counts in the narrative do not wipe what the ECCP profile stated.
    clutex = Organisation.objects.get(country_id="CZ")
    assert (clutex.cluster.member_count, clutex.cluster.sme_count) == (36, 29)


def test_hitech_seed_first_then_extratex_still_shares():
    partnership_import_structured(actor=None, data=load_document(HITECH))
    partnership_import_eccp(actor=None, text=(SEEDS / "extratex-eccp.txt").read_text("utf-8"))
    assert Organisation.objects.filter(country_id="CZ").count() == 1
    assert Organisation.objects.filter(country_id="IT").count() == 1
    assert Organisation.objects.get(country_id="IT").cluster.member_count == 480


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            lambda d: d["partners"][2]["organisation"].update(country="XX"),
            "partners[2].country",
            "unknown country",
        ),
        (
            lambda d: d["partners"][3]["organisation"].update(region="ES30"),
            "partners[3].region",
            "unknown region",
        ),
        (lambda d: d["partners"][0].update(role="boss"), "partners[0].role", "unknown role"),
        (
            lambda d: d["targets"][0].update(code="ufo_sightings"),
            "targets[0].code",
            "unknown target",
        ),
        (lambda d: d["targets"][0].update(value=-1), "targets[0].value", "whole number"),
        (lambda d: d.update(start_date="3 Feb"), "start_date", "YYYY-MM-DD"),
        (lambda d: d.update(programme="ESCP-9z"), "programme", "Unknown programme"),
        (
            lambda d: d["terms"].append({"vocabulary": "colours", "name": "Red"}),
            "terms[0].vocabulary",
            "unknown vocabulary",
        ),
        (lambda d: d.update(partners="all of them"), "partners", "expected a list"),
        (lambda d: d.update(acronym=""), "acronym", "needs an acronym"),
    ],
)
def test_invalid_document_names_the_path_and_changes_nothing(change, field, message):
    data = load_document(HITECH)
    change(data)
    with pytest.raises(ImportFailed) as error:
        partnership_import_structured(actor=None, data=data)
    assert error.value.field == field
    assert message in error.value.message
    assert not Partnership.objects.exists()
    assert not Organisation.objects.exists()


def test_unreadable_documents():
    with pytest.raises(ImportFailed, match="Not valid JSON"):
        load_document('{"acronym": ', name="x.json")
    with pytest.raises(ImportFailed, match="Not valid YAML"):
        load_document("acronym: [unclosed")
    with pytest.raises(ImportFailed, match="mapping"):
        load_document("- a list")


def test_commands_export_and_import(extratex, tmp_path, capsys):
    out = tmp_path / "extratex.json"
    call_command("export_partnership", "extratex", "--format", "json", "--out", str(out))
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["acronym"] == "EXTRATEX"
    _wipe(extratex)
    call_command("import_partnership", str(out))
    assert Partnership.objects.get(acronym="EXTRATEX").members.count() == 4
    call_command("import_partnership", str(SEEDS / "hi-tech-tex.yaml"))
    assert "Hi-Tech-TEX created: 6 partners" in capsys.readouterr().out
    call_command("export_partnership", "hi-tech-tex")
    assert "acronym: Hi-Tech-TEX" in capsys.readouterr().out
    with pytest.raises(CommandError, match="no partnership"):
        call_command("export_partnership", "nope")
    bad = tmp_path / "bad.yaml"
    bad.write_text("acronym: X\npartners: 3\n", encoding="utf-8")
    with pytest.raises(CommandError, match="partners"):
        call_command("import_partnership", str(bad))


def test_an_imported_member_count_beyond_the_bound_is_refused_with_its_path():
    data = load_document(HITECH)
    data["partners"][0]["organisation"]["member_count"] = 999_999_999
    with pytest.raises(ImportFailed) as error:
        partnership_import_structured(actor=None, data=data)
    assert error.value.field.startswith("partners[0]")
    assert error.value.field.endswith("member_count")
    assert error.value.message == "Give a number between 0 and 100,000."
    assert not Partnership.objects.exists()


def test_an_imported_target_beyond_the_bound_is_refused_with_its_path():
    data = load_document(HITECH)
    data["targets"][0]["value"] = 2_000_000_000
    with pytest.raises(ImportFailed) as error:
        partnership_import_structured(actor=None, data=data)
    assert error.value.field == "targets[0].value"
    assert error.value.message == "Give a number between 0 and 1,000,000."
    assert not Partnership.objects.exists()
