"""Fixtures of the matching app's Django-side tests."""

import pytest


@pytest.fixture(autouse=True)
def _fresh_live_index():
    """Each test starts with no in-memory index (the database is rolled back between tests)."""
    from clusterloom.matching import live_index

    live_index.forget()
    yield
    live_index.forget()


@pytest.fixture
def world(db):
    """Organisations that fit each other across sectors and borders, indexed.

    A Czech technical-textile maker, a Spanish automotive cluster that seeks textiles for car
    interiors, an Italian textile finisher, a Slovak plastics recycler, a German university and
    an unrelated Portuguese tourism office.
    """
    from types import SimpleNamespace

    from clusterloom.directory.tests.factories import (
        ClusterOrganisationFactory,
        OrganisationFactory,
        country,
    )
    from clusterloom.matching.services import match_index_rebuild
    from clusterloom.taxonomy.services import term_get_or_create

    textiles = term_get_or_create(vocabulary="sectoral", name="Textile Manufacturing")
    automotive = term_get_or_create(vocabulary="sectoral", name="Automotive")
    plastics = term_get_or_create(vocabulary="sectoral", name="Plastics")
    textile_cz = OrganisationFactory(
        name="Liberecká technická textilie",
        slug="lt-textilie",
        country=country("CZ"),
        description="Weaving and knitting of technical textiles for car interiors: seat covers, "
        "headliners and door panels.",
        offers="Technical textiles and fabrics for car interiors.",
        requests="Automotive suppliers who need seat fabrics.",
        terms=[textiles],
    )
    automotive_es = ClusterOrganisationFactory(
        name="Clúster de Automoción de Aragón",
        slug="caar",
        country=country("ES"),
        city_name="Zaragoza",
        description="Automotive suppliers: car seats, interiors and plastic parts.",
        offers="Access to car makers and tier-1 suppliers.",
        requests="Technical textiles for car interiors and seat covers.",
        terms=[automotive],
    )
    finisher_it = OrganisationFactory(
        name="Finissaggio Toscano",
        slug="finissaggio",
        country=country("IT"),
        description="Finishing of technical fabrics: coating, lamination, flame retardant "
        "treatment of textiles for car interiors.",
        terms=[textiles],
    )
    plastics_sk = OrganisationFactory(
        name="Recyklácia plastov",
        slug="recyklacia",
        country=country("SK"),
        description="Recycling of plastics from end-of-life cars.",
        terms=[plastics],
    )
    university_de = OrganisationFactory(
        name="Technische Hochschule Chemnitz",
        slug="th-chemnitz",
        kind="university",
        country=country("DE"),
        description="Research on lightweight composites and textile-reinforced plastics.",
    )
    tourism_pt = OrganisationFactory(
        name="Turismo do Norte",
        slug="turismo",
        country=country("PT"),
        description="Regional tourism office: hotels, wine routes and hospitality.",
    )
    match_index_rebuild()
    return SimpleNamespace(
        textiles=textiles,
        automotive=automotive,
        plastics=plastics,
        textile_cz=textile_cz,
        automotive_es=automotive_es,
        finisher_it=finisher_it,
        plastics_sk=plastics_sk,
        university_de=university_de,
        tourism_pt=tourism_pt,
    )


ROLES = ["anonymous", "plain", "member", "manager", "coordinator", "admin"]


@pytest.fixture
def roles(world):
    """One user per role: a member of the Czech textile maker, the manager of the Spanish
    cluster, a partnership coordinator, an admin, and a logged-in user with no role."""
    from types import SimpleNamespace

    from clusterloom.directory.models import Person
    from clusterloom.directory.tests.factories import AdminFactory, UserFactory
    from clusterloom.partnerships.tests.factories import (
        PartnershipFactory,
        PartnershipMemberFactory,
    )

    member = UserFactory(username="member", first_name="Jana", last_name="Nováková")
    Person.objects.create(
        organisation=world.textile_cz, user=member, first_name="Jana", last_name="Nováková"
    )
    manager = UserFactory(username="manager")
    world.automotive_es.managers.add(manager)
    coordinator = UserFactory(username="coordinator")
    partnership = PartnershipFactory(acronym="TEXAUTO")
    partnership.coordinators.add(coordinator)
    PartnershipMemberFactory(partnership=partnership, organisation=world.automotive_es)
    return SimpleNamespace(
        anonymous=None,
        plain=UserFactory(username="plain"),
        member=member,
        manager=manager,
        coordinator=coordinator,
        admin=AdminFactory(username="admin"),
    )


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
