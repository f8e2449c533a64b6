"""A ClusterXchange world: a partnership with an open call, visitors, hosts and a user for each
role, built through the services so every test starts from states a user can reach."""

import datetime
from types import SimpleNamespace

import pytest

from clusterloom.directory.models import ClusterMembership, OrganisationKind
from clusterloom.directory.tests.factories import (
    AdminFactory,
    ClusterFactory,
    MemberUserFactory,
    OrganisationFactory,
    UserFactory,
    country,
)
from clusterloom.partnerships.models import PartnerRole
from clusterloom.partnerships.tests.factories import (
    PartnershipFactory,
    PartnershipMemberFactory,
    TargetFactory,
)
from clusterloom.taxonomy.services import term_get_or_create

#: "Today" for the world: the call is open and exchanges may take place from next month.
TODAY = datetime.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def _fresh_live_index():
    from clusterloom.matching import live_index

    live_index.forget()
    yield
    live_index.forget()


@pytest.fixture
def today(monkeypatch):
    """Freeze django.utils.timezone.localdate() at TODAY for the services."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    return TODAY


def _member(organisation, username):
    user = MemberUserFactory(username=username)
    person = user.person
    person.organisation = organisation
    person.save()
    return user


@pytest.fixture
def xworld(db, today):
    """EXTRATEX-like partnership (IT coordinator cluster, ES partner cluster) with an open call;
    an Italian SME member visitor, a Czech non-member SME visitor, a Spanish host (automotive
    cluster) and a Portuguese host (large company); users for every role."""
    from clusterloom.exchanges.services import call_create, call_status_set

    textiles = term_get_or_create(vocabulary="sectoral", name="Textile Manufacturing")
    automotive = term_get_or_create(vocabulary="sectoral", name="Automotive")
    it_cluster = ClusterFactory(
        organisation__name="Next Technology Tecnotessile",
        organisation__slug="ntt",
        organisation__country=country("IT"),
        organisation__terms=[textiles],
    )
    es_cluster = ClusterFactory(
        organisation__name="Clúster de Automoción de Aragón",
        organisation__slug="caar",
        organisation__country=country("ES"),
        organisation__description="Automotive cluster: suppliers of car interiors and seats.",
        organisation__offers="Visits to automotive suppliers, car interior production lines.",
        organisation__requests="Technical textiles for car interiors.",
        organisation__terms=[automotive],
    )
    coordinator = UserFactory(username="coordinator", first_name="Chiara", last_name="Rossi")
    other_coordinator = UserFactory(username="othercoordinator")
    partnership = PartnershipFactory(acronym="XTEX", slug="xtex")
    partnership.coordinators.add(coordinator)
    other = PartnershipFactory(acronym="OTHER", slug="other")
    other.coordinators.add(other_coordinator)
    PartnershipMemberFactory(
        partnership=partnership, organisation=it_cluster.organisation, role=PartnerRole.COORDINATOR
    )
    PartnershipMemberFactory(partnership=partnership, organisation=es_cluster.organisation)
    TargetFactory(partnership=partnership, code="exchanges", value=59)
    TargetFactory(partnership=partnership, code="exchanges_sme", value=30)
    TargetFactory(partnership=partnership, code="exchanges_non_member", value=17)

    sme_it = OrganisationFactory(
        name="Tessitura Pratese",
        slug="tessitura-pratese",
        kind=OrganisationKind.SME,
        is_sme=True,
        country=country("IT"),
        description="Weaving of technical textiles for car seats.",
        offers="Technical textiles, seat fabrics.",
        requests="Automotive suppliers of car interiors.",
        terms=[textiles],
    )
    ClusterMembership.objects.create(cluster=it_cluster, organisation=sme_it)
    sme_cz = OrganisationFactory(
        name="Liberecká textilie",
        slug="liberecka-textilie",
        kind=OrganisationKind.SME,
        is_sme=True,
        country=country("CZ"),
        description="Knitting of spacer fabrics for automotive seats.",
        terms=[textiles],
    )
    cz_cluster = ClusterFactory(
        organisation__name="CLUTEX", organisation__slug="clutex", organisation__country=country("CZ")
    )
    ClusterMembership.objects.create(cluster=cz_cluster, organisation=sme_cz)
    large_pt = OrganisationFactory(
        name="Têxteis do Minho",
        slug="texteis-minho",
        kind=OrganisationKind.LARGE_COMPANY,
        is_sme=False,
        country=country("PT"),
        description="Large textile finishing company.",
        terms=[textiles],
    )
    us_org = OrganisationFactory(name="Carolina Mills", slug="carolina", country=country("US"))
    us_org.country.is_cosme = False
    us_org.country.save()

    visitor_it = _member(sme_it, "visitor_it")
    visitor_cz = _member(sme_cz, "visitor_cz")
    host_es = UserFactory(username="host_es")
    es_cluster.organisation.managers.add(host_es)
    host_pt = _member(large_pt, "host_pt")
    stranger = MemberUserFactory(username="stranger")
    admin = AdminFactory(username="admin")

    call = call_create(
        actor=coordinator,
        partnership=partnership,
        data={
            "title": "First call",
            "opens_on": TODAY - datetime.timedelta(days=10),
            "closes_on": TODAY + datetime.timedelta(days=60),
            "exchanges_from": datetime.date(2026, 12, 1),
            "exchanges_until": datetime.date(2027, 6, 30),
            "budget": "50000",
            "daily_rates": {"ES": "130", "PT": "120", "IT": "140", "CZ": "110"},
            "default_daily_rate": "100",
        },
    )
    call_status_set(actor=coordinator, call=call, status="open")
    return SimpleNamespace(
        partnership=partnership, other=other, call=call,
        it_cluster=it_cluster, es_cluster=es_cluster, cz_cluster=cz_cluster,
        sme_it=sme_it, sme_cz=sme_cz, large_pt=large_pt, us_org=us_org,
        textiles=textiles, automotive=automotive,
        coordinator=coordinator, other_coordinator=other_coordinator,
        visitor_it=visitor_it, visitor_cz=visitor_cz, host_es=host_es, host_pt=host_pt,
        stranger=stranger, admin=admin,
    )


def offer_data(**overrides):
    """A valid hosting offer form."""
    data = {
        "title": "Car interior production lines",
        "topics": "Automotive interiors, seat production, supplier audits",
        "offers": "Visits to automotive suppliers of car interiors",
        "seeks": "Technical textiles for car seats",
        "capacity": 2,
        "available_from": "2026-12-01",
        "available_until": "2027-06-30",
        "languages": "en, es",
    }
    data.update(overrides)
    return data


def application_data(**overrides):
    """A valid visitor registration form."""
    data = {
        "goals": "Learn how automotive suppliers buy technical textiles for car seats.",
        "offers": "Technical textiles for car seats",
        "seeks": "Automotive suppliers of car interiors",
        "languages": "en, it",
        "preferred_start": "2027-02-01",
        "preferred_end": "2027-02-05",
    }
    data.update(overrides)
    return data


@pytest.fixture
def matched(xworld):
    """The Italian SME matched with the Spanish cluster's validated offer (both confirmed)."""
    from clusterloom.exchanges.lifecycle import exchange_confirm, exchange_propose
    from clusterloom.exchanges.services import (
        application_review,
        application_submit,
        hosting_offer_review,
        hosting_offer_submit,
    )

    w = xworld
    offer = hosting_offer_submit(
        actor=w.host_es, partnership=w.partnership,
        data=offer_data(organisation=w.es_cluster.organisation.pk),
    )
    hosting_offer_review(actor=w.coordinator, offer=offer, decision="validate")
    application = application_submit(
        actor=w.visitor_it, call=w.call, data=application_data(organisation=w.sme_it.pk)
    )
    application_review(actor=w.coordinator, application=application, decision="validate")
    exchange = exchange_propose(actor=w.visitor_it, application=application, offer=offer)
    exchange = exchange_confirm(actor=w.host_es, exchange=exchange)
    w.offer, w.application, w.exchange = offer, application, exchange
    return w
