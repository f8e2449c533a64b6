"""Sector affinities: learned from partnerships and CORDIS projects, adjusted by coordinators."""

import pytest

from clusterloom.core.errors import DomainError, PermissionDenied
from clusterloom.core.models import AuditEntry
from clusterloom.directory.tests.factories import OrganisationFactory
from clusterloom.matching import live_index
from clusterloom.matching.index import Query
from clusterloom.matching.models import SectorAffinity
from clusterloom.matching.services import (
    affinity_groups,
    sector_affinities_relearn,
    sector_affinity_adjust,
)
from clusterloom.partnerships.tests.factories import PartnershipFactory, PartnershipMemberFactory
from clusterloom.taxonomy.services import term_get_or_create

pytestmark = pytest.mark.django_db

TEXTILES = "sectoral:textile-manufacturing"
AUTOMOTIVE = "sectoral:automotive"
PLASTICS = "sectoral:plastics"


@pytest.fixture
def compositions(world):
    """Two partnerships of a textile and an automotive cluster; one CORDIS project of a
    textile maker and a plastics recycler (twice, to pass the minimum support)."""
    for n in range(2):
        partnership = PartnershipFactory(acronym=f"TEXCAR{n}")
        textile = OrganisationFactory(kind="cluster", terms=[world.textiles])
        car = OrganisationFactory(kind="cluster", terms=[world.automotive])
        PartnershipMemberFactory(partnership=partnership, organisation=textile)
        PartnershipMemberFactory(partnership=partnership, organisation=car)
    for acronym in ("RECYTEX", "LOOPTEX"):
        OrganisationFactory(terms=[world.textiles], cordis_projects=[acronym])
        OrganisationFactory(terms=[world.plastics], cordis_projects=[acronym])
    # Groups where the pair never meets: NPMI needs them to tell a pair from chance.
    tourism = term_get_or_create(vocabulary="sectoral", name="Tourism")
    for n in range(3):
        OrganisationFactory(terms=[tourism], cordis_projects=[f"SOLO{n}"])
        OrganisationFactory(terms=[tourism], cordis_projects=[f"SOLO{n}"])
    return world


def test_groups_come_from_partnerships_and_cordis_projects(compositions):
    groups = sorted(sorted(g) for g in affinity_groups())
    assert sorted([(TEXTILES,), (AUTOMOTIVE,)]) in groups
    assert sorted([(TEXTILES,), (PLASTICS,)]) in groups
    assert len(groups) == 7


def test_relearn_finds_complementary_sectors_and_keeps_adjustments(compositions, roles):
    assert sector_affinities_relearn(actor=roles.coordinator) > 0
    pair = SectorAffinity.objects.get(term_a=AUTOMOTIVE, term_b=TEXTILES)
    assert 0 < pair.learned <= 1
    assert SectorAffinity.objects.filter(term_a=PLASTICS, term_b=TEXTILES).exists()
    assert AuditEntry.objects.filter(action="matching.affinities_relearned").exists()

    sector_affinity_adjust(actor=roles.coordinator, term_a=TEXTILES, term_b=AUTOMOTIVE, value=0.3)
    sector_affinities_relearn(actor=roles.coordinator)
    pair.refresh_from_db()
    assert pair.adjusted == 0.3 and pair.value == 0.3 and pair.adjusted_by == roles.coordinator


def test_adjusted_affinity_reaches_the_index(world, roles):
    query = Query(text="", terms=(TEXTILES,))
    before = {m.id for m in live_index.current_index().search(query, k=10)}
    assert str(world.automotive_es.pk) not in before
    sector_affinity_adjust(actor=roles.admin, term_a=AUTOMOTIVE, term_b=TEXTILES, value=0.9)
    found = live_index.current_index().search(query, k=10)
    match = next(m for m in found if m.id == str(world.automotive_es.pk))
    assert (TEXTILES, AUTOMOTIVE, 0.9) in match.explanation.complementary
    entry = AuditEntry.objects.get(action="matching.affinity_adjusted")
    assert entry.to_state == "0.90" and entry.actor == roles.admin

    sector_affinity_adjust(actor=roles.admin, term_a=AUTOMOTIVE, term_b=TEXTILES, value=None)
    assert not SectorAffinity.objects.exists()  # nothing learned, nothing set: gone
    after = {m.id for m in live_index.current_index().search(query, k=10)}
    assert str(world.automotive_es.pk) not in after


@pytest.mark.parametrize("role", ["member", "manager", "plain"])
def test_only_coordinators_and_admins_adjust(roles, world, role):
    with pytest.raises(PermissionDenied):
        sector_affinity_adjust(
            actor=getattr(roles, role), term_a=TEXTILES, term_b=AUTOMOTIVE, value=0.5
        )


@pytest.mark.parametrize(
    "a, b, value, field",
    [(TEXTILES, AUTOMOTIVE, 1.5, "value"), (TEXTILES, TEXTILES, 0.5, "term_b")],
)
def test_bad_adjustment(roles, world, a, b, value, field):
    with pytest.raises(DomainError) as error:
        sector_affinity_adjust(actor=roles.coordinator, term_a=a, term_b=b, value=value)
    assert error.value.field == field


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 302),
        ("plain", 403),
        ("member", 403),
        ("manager", 403),
        ("coordinator", 200),
        ("admin", 200),
    ],
)
def test_affinity_page_per_role(as_role, role, status):
    assert as_role(role).get("/partners/affinities/").status_code == status


def test_coordinator_adjusts_on_the_page(as_role, compositions):
    client = as_role("coordinator")
    client.post("/partners/affinities/relearn/")
    page = client.get("/partners/affinities/").content.decode()
    assert "Textile Manufacturing" in page and "Automotive" in page
    response = client.post(
        "/partners/affinities/", {"term_a": TEXTILES, "term_b": PLASTICS, "value": "0.65"}
    )
    assert response.status_code == 302
    assert SectorAffinity.objects.get(term_a=PLASTICS, term_b=TEXTILES).adjusted == 0.65
    bad = client.post(
        "/partners/affinities/", {"term_a": TEXTILES, "term_b": PLASTICS, "value": "2"}
    )
    assert bad.status_code == 400
    unknown = client.post(
        "/partners/affinities/", {"term_a": "sectoral:nope", "term_b": PLASTICS, "value": "0.5"}
    )
    assert unknown.status_code == 400
    same = client.post(
        "/partners/affinities/", {"term_a": PLASTICS, "term_b": PLASTICS, "value": "0.5"}
    )
    assert same.status_code == 400 and "two different terms" in same.content.decode()


@pytest.mark.parametrize("role, status", [("member", 403), ("coordinator", 302)])
def test_relearn_per_role(as_role, compositions, role, status):
    assert as_role(role).post("/partners/affinities/relearn/").status_code == status
    assert SectorAffinity.objects.exists() == (status == 302)
