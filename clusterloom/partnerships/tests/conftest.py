"""The two seed partnerships (EXTRATEX, Hi-Tech-TEX) and a user for every role."""

import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from clusterloom.directory.models import Cluster, Organisation, OrganisationKind, Person
from clusterloom.geo.models import Country, Region
from clusterloom.partnerships.models import (
    Action,
    ExpectedResult,
    Partnership,
    PartnershipMember,
    Target,
)
from clusterloom.taxonomy.services import term_get_or_create

SEEDS = Path(__file__).parents[1] / "seeds"
#: The EXTRATEX partnership's ECCP profile page, as copied from the browser.
EXTRATEX_PAGE = (SEEDS / "extratex-eccp.txt").read_text(encoding="utf-8")
#: The targets that page states, by code.
EXTRATEX_TARGETS = {
    "exchanges": 59,
    "exchanges_sme": 30,
    "exchanges_non_member": 17,
    "labels_bronze": 3,
    "labels_silver": 3,
    "benchmarkings": 1,
    "cluster_strategies": 6,
    "joint_strategies": 1,
    "learning_events": 2,
    "matchmaking_events": 3,
}

COUNTRIES = {
    "ES": ("ESP", "Spain"),
    "SK": ("SVK", "Slovakia"),
    "CZ": ("CZE", "Czechia"),
    "IT": ("ITA", "Italy"),
    "PT": ("PRT", "Portugal"),
    "TR": ("TUR", "Türkiye"),
}
REGIONS = {
    "ES30": ("Comunidad de Madrid", "ES"),
    "SK01": ("Bratislavský kraj", "SK"),
    "CZ05": ("Severovýchod", "CZ"),
    "ITI1": ("Toscana", "IT"),
    "PT11": ("Norte", "PT"),
    "ES51": ("Cataluña", "ES"),
    "ES52": ("Comunitat Valenciana", "ES"),
    "TR32": ("Aydın, Denizli, Muğla", "TR"),
}


def _country(code):
    alpha3, name = COUNTRIES[code]
    country, _ = Country.objects.get_or_create(
        code=code,
        defaults={"alpha3": alpha3, "name": name, "is_eu": code != "TR", "is_cosme": True},
    )
    return country


def _region(code):
    name, country = REGIONS[code]
    region, _ = Region.objects.get_or_create(
        code=code, defaults={"name": name, "level": 2, "country": _country(country)}
    )
    return region


def _term(vocabulary, name, category=""):
    return term_get_or_create(vocabulary=vocabulary, name=name, category=category)


def _cluster(name, short, country, region, members, smes, terms=()):
    org = Organisation.objects.create(
        name=name,
        short_name=short,
        slug=slugify(short),
        kind=OrganisationKind.CLUSTER,
        country=_country(country),
        region=_region(region),
    )
    Cluster.objects.create(organisation=org, member_count=members, sme_count=smes)
    org.terms.set([_term(*t) for t in terms])
    return org


@pytest.fixture
def seeds(db):
    """EXTRATEX (6 partners stated, 4 listed) and Hi-Tech-TEX, sharing CLUTEX and NTT."""
    aecim = _cluster(
        "AECIM",
        "AECIM",
        "ES",
        "ES30",
        190,
        170,
        [
            ("sectoral", "Automotive"),
            ("sectoral", "Metalworking Technology"),
            ("technology", "Moulding, injection moulding, sintering"),
            (
                "value_chain",
                "Basic metals & of fabricated metals products",
                "Manufacturing & Industry",
            ),
        ],
    )
    spk = _cluster(
        "Slovenský plastikársky klaster",
        "SPK",
        "SK",
        "SK01",
        37,
        17,
        [
            ("sectoral", "Plastics"),
            ("technology", "Polymers"),
            ("value_chain", "Advanced materials", "KETS"),
            ("emerging", "Environmental Industries"),
        ],
    )
    clutex = _cluster(
        "CLUTEX - klastr technicke textilie, z.s.",
        "CLUTEX",
        "CZ",
        "CZ05",
        36,
        29,
        [
            ("sectoral", "Textile Manufacturing"),
            ("technology", "Advanced Textile Materials"),
            ("emerging", "Creative Industries"),
        ],
    )
    ntt = _cluster(
        "Next Technology Tecnotessile",
        "NTT",
        "IT",
        "ITI1",
        480,
        450,
        [
            ("sectoral", "Apparel"),
            ("technology", "Nanomaterials"),
            ("value_chain", "New or improved service processes", "Service innovation"),
        ],
    )
    citeve = _cluster("CITEVE", "CITEVE", "PT", "PT11", 1200, 1100)
    ateval = _cluster(
        "Asociación Textil De La Comunidad Valenciana", "ATEVAL", "ES", "ES52", 130, 120
    )

    extratex = Partnership.objects.create(
        acronym="EXTRATEX",
        slug="extratex",
        title=(
            "European TEXtile-TRAnsport-Sustainability paradigm for industrial clusters "
            "EXcellence in cross-sector innovation"
        ),
        start_date=datetime.date(2020, 2, 3),
        duration_months=24,
        stated_partner_count=6,
        planned_exchanges=59,
        origin="Clusters met at a textile-transport brokerage event.",
        objectives="EXTRATEX partnership is composed of 6 clusters across 5 different regions.",
        target_groups="Cluster organisations, SMEs that are cluster members, regional authorities.",
        other_partner_members="Two further clusters from Germany.",
        key_partners_networks="Euratex and the European Cluster Collaboration Platform.",
    )
    extratex.terms.set(
        [_term("emerging", "Experience Industries"), _term("sectoral", "Textile Manufacturing")]
    )
    for order, (org, role) in enumerate(
        [(aecim, "coordinator"), (spk, "partner"), (clutex, "partner"), (ntt, "partner")]
    ):
        PartnershipMember.objects.create(
            partnership=extratex, organisation=org, role=role, order=order
        )
    Action.objects.create(
        partnership=extratex, order=0, text="Developing 6 individual clusters strategies"
    )
    Action.objects.create(
        partnership=extratex, order=1, text="Dissemination and awareness raising activities"
    )
    ExpectedResult.objects.create(
        partnership=extratex, order=0, text="trigger technological or business synergies"
    )
    Target.objects.create(partnership=extratex, code="exchanges", value=59, status="proposed")
    Target.objects.create(partnership=extratex, code="exchanges_sme", value=30, status="confirmed")
    Target.objects.create(partnership=extratex, code="labels_bronze", value=3, status="proposed")

    hitech = Partnership.objects.create(
        acronym="Hi-Tech-TEX",
        slug="hi-tech-tex",
        title=(
            "New sustainable and cross-sectorial value chains towards excellence in "
            "Hi-Tech Textiles"
        ),
        duration_months=24,
        stated_partner_count=6,
    )
    for order, (org, role) in enumerate(
        [(citeve, "coordinator"), (ateval, "partner"), (clutex, "partner"), (ntt, "partner")]
    ):
        PartnershipMember.objects.create(
            partnership=hitech, organisation=org, role=role, order=order
        )
    return SimpleNamespace(
        extratex=extratex,
        hitech=hitech,
        aecim=aecim,
        spk=spk,
        clutex=clutex,
        ntt=ntt,
        citeve=citeve,
        ateval=ateval,
    )


@pytest.fixture
def roles(seeds):
    """One user per role: member, cluster manager, coordinator of EXTRATEX, coordinator of
    Hi-Tech-TEX, admin (anonymous is `None`)."""
    users = get_user_model().objects
    member = users.create_user("member", "member@example.org", "pw")
    Person.objects.create(organisation=seeds.spk, user=member, first_name="Mia", last_name="Member")
    manager = users.create_user("manager", "manager@example.org", "pw")
    seeds.aecim.managers.add(manager)
    coordinator = users.create_user("coordinator", "coord@example.org", "pw")
    seeds.extratex.coordinators.add(coordinator)
    other = users.create_user("other", "other@example.org", "pw")
    seeds.hitech.coordinators.add(other)
    admin = users.create_superuser("admin", "admin@example.org", "pw")
    return SimpleNamespace(
        anonymous=None,
        member=member,
        manager=manager,
        coordinator=coordinator,
        other_coordinator=other,
        admin=admin,
    )


ROLE_NAMES = ["anonymous", "member", "manager", "coordinator", "other_coordinator", "admin"]


@pytest.fixture
def as_role(client, roles):
    """Log the test client in as the named role and return it."""

    def login(role):
        user = getattr(roles, role)
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login
