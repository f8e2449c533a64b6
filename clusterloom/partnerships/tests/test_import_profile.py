"""Importing the EXTRATEX ECCP profile page: every field, re-import, refusals."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from clusterloom.core.errors import ImportFailed
from clusterloom.core.models import AuditEntry
from clusterloom.directory.models import Cluster, Organisation
from clusterloom.partnerships.models import (
    Action,
    ExpectedResult,
    Partnership,
    PartnershipMember,
    Target,
)
from clusterloom.partnerships.services import partnership_import_eccp, target_confirm
from clusterloom.taxonomy.models import Term

from .conftest import EXTRATEX_PAGE as SEED
from .conftest import EXTRATEX_TARGETS, SEEDS

pytestmark = pytest.mark.django_db


@pytest.fixture
def extratex():
    return partnership_import_eccp(actor=None, text=SEED, source="seed 000").partnership


def _terms(obj):
    out = {}
    for term in obj.terms.all():
        out.setdefault(term.vocabulary, set()).add(
            (term.category, term.name) if term.category else term.name
        )
    return out


def test_profile_fields(extratex):
    p = Partnership.objects.get(acronym="EXTRATEX")
    assert p == extratex
    assert p.slug == "extratex"
    assert p.title == (
        "European TEXtile-TRAnsport-Sustainability paradigm for industrial clusters EXcellence "
        "in cross-sector innovation"
    )
    assert p.programme == "ESCP-4x"
    assert p.start_date == datetime.date(2020, 2, 3)
    assert p.stated_partner_count == 6
    assert p.members.count() == 4
    assert p.planned_exchanges == 59
    assert p.objectives.startswith("EXTRATEX partnership is composed of 6 clusters")
    assert p.target_groups.startswith("Project refers to all cluster organisations")
    assert p.source == "seed 000"
    assert _terms(p) == {"emerging": {"Experience industries"}}
    assert [a.text for a in p.actions.all()][2] == (
        "Developing a comprehensive strategy for the cluster partnership"
    )
    assert p.actions.count() == 6
    assert p.expected_results.count() == 8
    assert p.expected_results.last().text.startswith("59 visits, including 30 SMEs")


def test_partners_with_country_region_counts(extratex):
    rows = [
        (
            m.role,
            m.role_inferred,
            m.listed_name,
            m.organisation.kind,
            m.organisation.country_id,
            m.organisation.region_id,
            m.organisation.cluster.member_count,
            m.organisation.cluster.sme_count,
        )
        for m in extratex.members.select_related("organisation__cluster")
    ]
    assert rows == [
        ("coordinator", True, "AECIM", "cluster", "ES", "ES30", 190, 170),
        ("partner", False, "Slovenský plastikársky klaster", "cluster", "SK", "SK01", 37, 17),
        (
            "partner",
            False,
            "CLUTEX - klastr technicke textilie, z.s.",
            "cluster",
            "CZ",
            "CZ05",
            36,
            29,
        ),
        (
            "partner",
            False,
            "OTIR2020-TFC - Next Technology Tecnotessile",
            "cluster",
            "IT",
            "ITI1",
            480,
            450,
        ),
    ]


def test_partner_terms_per_vocabulary(extratex):
    orgs = [m.organisation for m in extratex.members.all()]
    aecim, spk, clutex, ntt = (_terms(o) for o in orgs)
    assert aecim["sectoral"] == {"Automotive", "Metalworking Technology"}
    assert aecim["value_chain"] == {
        ("Manufacturing & Industry", "Basic metals & of fabricated metals products"),
        ("Manufacturing & Industry", "Motor vehicles & other transport equipments"),
    }
    assert "Moulding, injection moulding, sintering" in aecim["technology"]
    assert spk["ket"] == {"Advanced materials"}
    assert spk["value_chain"] == {("Services", "Education")}
    assert spk["emerging"] == {"Environmental industries", "Experience industries"}
    assert clutex == {
        "sectoral": {"Textile Manufacturing"},
        "technology": {"Advanced Textile Materials"},
        "ket": {"Advanced materials"},
        "emerging": {"Creative industries"},
    }
    assert ntt["value_chain"] == {
        ("Service innovation", "New or improved service processes"),
        ("Services", "Education"),
    }
    assert ntt["sectoral"] == {"Apparel", "Financial Services"}
    # Reference terms are reused, new ones are kept (not dropped).
    assert Term.objects.get(vocabulary="ket", name="Advanced materials").is_reference
    assert not Term.objects.get(vocabulary="technology", name="Nanomaterials").is_reference


def test_targets_proposed_with_source(extratex):
    targets = {t.code: t for t in extratex.targets.all()}
    assert {c: t.value for c, t in targets.items()} == EXTRATEX_TARGETS
    assert {t.status for t in targets.values()} == {"proposed"}
    assert "3 interregional matchmaking events" in targets["matchmaking_events"].source_text


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Partnership,
            PartnershipMember,
            Organisation,
            Cluster,
            Term,
            Target,
            Action,
            ExpectedResult,
        )
    }


def test_reimport_updates_in_place(extratex):
    before = _counts()
    extratex.title = "Edited by hand"
    extratex.duration_months = 24  # the page does not state a duration: kept
    extratex.save()
    exchanges = extratex.targets.get(code="exchanges")
    target_confirm(actor=None, target=exchanges, value=60)
    outcome = partnership_import_eccp(actor=None, text=SEED)
    assert outcome.created is False
    assert _counts() == before
    extratex.refresh_from_db()
    assert extratex.title.startswith("European TEXtile")
    assert extratex.duration_months == 24
    exchanges.refresh_from_db()
    assert (exchanges.value, exchanges.status) == (60, "confirmed")
    assert any("exchanges" in w for w in outcome.warnings)
    assert extratex.members.get(role="coordinator").listed_name == "AECIM"


def test_import_is_audited(extratex):
    assert AuditEntry.objects.filter(
        action="partnership.imported", object_id=str(extratex.pk)
    ).exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the text is empty"),
        ("Clusters help SMEs grow. Some prose, no profile.", "no breadcrumb"),
        (SEED.rsplit("Italy Toscana", 1)[0], "cut off"),
        (SEED.split("Partnership composition")[0], "no 'Partnership composition' table"),
        (
            SEED.replace("European TEXtile-TRAnsport", "Start of Partnership:\nX", 1),
            "no partnership title",
        ),
    ],
)
def test_bad_text_changes_nothing(text, message):
    before = _counts()
    with pytest.raises(ImportFailed) as error:
        partnership_import_eccp(actor=None, text=text)
    assert message in str(error.value)
    assert _counts() == before


def test_bad_reimport_leaves_existing_partnership_unchanged(extratex):
    before = _counts()
    title = extratex.title
    with pytest.raises(ImportFailed):
        partnership_import_eccp(
            actor=None, text=SEED.replace(extratex.title, "New title").rsplit(" 450", 1)[0]
        )
    extratex.refresh_from_db()
    assert extratex.title == title
    assert _counts() == before


def test_command(tmp_path, capsys):
    call_command("import_profile", str(SEEDS / "extratex-eccp.txt"))
    out = capsys.readouterr().out
    assert "EXTRATEX created: 4 partners, 10 targets" in out
    assert "states 6 partners but lists 4" in out
    bad = tmp_path / "bad.txt"
    bad.write_text("just prose", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_profile", str(bad))
