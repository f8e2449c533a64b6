"""A ClusterXchange world: a partnership with an open call, visitors, hosts and a user for each
role, built through the services so every test starts from states a user can reach."""

import datetime
from types import SimpleNamespace

import pytest

from clusterloom.core.models import AuditEntry
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
from clusterloom.tests.support import TODAY


@pytest.fixture(autouse=True)
def _fresh_live_index():
    from clusterloom.matching import live_index

    live_index.forget()
    yield
    live_index.forget()


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
        organisation__name="CLUTEX",
        organisation__slug="clutex",
        organisation__country=country("CZ"),
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
            "cap_per_organisation": None,
        },
    )
    call_status_set(actor=coordinator, call=call, status="open")
    return SimpleNamespace(
        partnership=partnership,
        other=other,
        call=call,
        it_cluster=it_cluster,
        es_cluster=es_cluster,
        cz_cluster=cz_cluster,
        sme_it=sme_it,
        sme_cz=sme_cz,
        large_pt=large_pt,
        us_org=us_org,
        textiles=textiles,
        automotive=automotive,
        coordinator=coordinator,
        other_coordinator=other_coordinator,
        visitor_it=visitor_it,
        visitor_cz=visitor_cz,
        host_es=host_es,
        host_pt=host_pt,
        stranger=stranger,
        admin=admin,
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

    w = xworld
    offer = hosting_offer(w)
    application = visitor_application(w)
    exchange = exchange_propose(actor=w.visitor_it, application=application, offer=offer)
    exchange = exchange_confirm(actor=w.host_es, exchange=exchange)
    w.offer, w.application, w.exchange = offer, application, exchange
    return w


# -- helpers shared by the service, lifecycle, permission, progress and e-mail tests ----------


def member_user(organisation, username):
    """A member login whose person works at `organisation` (acts for it)."""
    return _member(organisation, username)


@pytest.fixture
def anonymous():
    """The public: not logged in."""
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def second_call(w, *, open_it=True, **data):
    """A second call of the world's partnership, open from 1 November 2026 (left a draft when
    open_it is False); `data` adds to or overrides its form."""
    from clusterloom.exchanges.services import call_create, call_status_set

    dates = {
        "title": "Second call",
        "opens_on": "2026-11-01",
        "closes_on": "2027-01-31",
        "exchanges_from": "2027-02-01",
        "exchanges_until": "2027-06-30",
    }
    call = call_create(actor=w.coordinator, partnership=w.partnership, data={**dates, **data})
    if open_it:
        call_status_set(actor=w.coordinator, call=call, status="open")
    return call


def hosting_offer(w, *, actor=None, organisation=None, partnership=None, validate=True, **data):
    """A hosting offer submitted through the service, validated by its partnership unless told."""
    from clusterloom.exchanges.services import hosting_offer_review, hosting_offer_submit

    partnership = partnership or w.partnership
    organisation = organisation or w.es_cluster.organisation
    offer = hosting_offer_submit(
        actor=actor or w.host_es,
        partnership=partnership,
        data=offer_data(organisation=organisation.pk, **data),
    )
    if validate:
        reviewer = partnership.coordinators.first()
        hosting_offer_review(actor=reviewer, offer=offer, decision="validate")
    return offer


def visitor_application(w, *, actor=None, organisation=None, call=None, validate=True, **data):
    """A visitor's registration submitted through the service, validated unless told."""
    from clusterloom.exchanges.services import application_review, application_submit

    call = call or w.call
    organisation = organisation or w.sme_it
    application = application_submit(
        actor=actor or w.visitor_it,
        call=call,
        data=application_data(organisation=organisation.pk, **data),
    )
    if validate:
        reviewer = call.partnership.coordinators.first()
        application_review(actor=reviewer, application=application, decision="validate")
    return application


@pytest.fixture
def cross(xworld):
    """Like `matched`, but the Spanish host registered with the OTHER partnership: the visitor's
    partnership (coordinator) and the host's (other_coordinator) have different coordinators."""
    from clusterloom.exchanges.lifecycle import exchange_confirm, exchange_propose

    w = xworld
    w.offer = hosting_offer(w, partnership=w.other)
    w.application = visitor_application(w)
    exchange = exchange_propose(actor=w.visitor_it, application=w.application, offer=w.offer)
    w.exchange = exchange_confirm(actor=w.host_es, exchange=exchange)
    #: who holds each signature of the Commitment to Quality
    w.signers = {
        "visitor": w.visitor_it,
        "host": w.host_es,
        "visitor_partnership": w.coordinator,
        "host_partnership": w.other_coordinator,
    }
    return w


COMMITMENT = {
    "objectives": "Meet three suppliers of car interiors; agree a joint seat-fabric trial.",
    "agenda": "Day 1 cluster meeting; days 2-4 supplier visits; day 5 workshop.",
}
#: The day after the default preferred last day (2027-02-05): the closing report may be filed.
AFTER_VISIT = datetime.date(2027, 2, 6)


def minimal_pdf() -> bytes:
    """A small, well-formed one-page PDF."""
    body = (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )
    return body


def sign_all(exchange, signers):
    """Every signatory signs the commitment, in the usual order; returns the exchange."""
    from clusterloom.exchanges.lifecycle import commitment_sign
    from clusterloom.exchanges.models import SIGNATORIES

    for role in SIGNATORIES:
        exchange = commitment_sign(actor=signers[role], exchange=exchange, role=role)
    return exchange


def advance(w, exchange, until: str, *, signers=None):
    """Take a matched (or committed) exchange through the services up to `until` (committed,
    reported, validated or paid). Evidence needs the `media` fixture."""
    from clusterloom.exchanges import lifecycle

    signers = (
        signers
        or getattr(w, "signers", None)
        or {
            "visitor": w.visitor_it,
            "host": w.host_es,
            "visitor_partnership": w.coordinator,
            "host_partnership": w.coordinator,
        }
    )
    visitor = signers["visitor"]
    validator = signers["visitor_partnership"]
    if exchange.status == "matched":
        exchange = lifecycle.commitment_update(actor=visitor, exchange=exchange, data=COMMITMENT)
        exchange = sign_all(exchange, signers)
    if until == "committed":
        return exchange
    lifecycle.evidence_add(
        actor=visitor, exchange=exchange, file_name="boarding-pass.pdf", content=minimal_pdf()
    )
    last = exchange.end + datetime.timedelta(days=1)
    exchange = lifecycle.exchange_report(
        actor=visitor, exchange=exchange, report="We met three suppliers.", today=last
    )
    if until == "reported":
        return exchange
    exchange = lifecycle.exchange_validate(actor=validator, exchange=exchange, approve=True)
    if until == "validated":
        return exchange
    return lifecycle.exchange_mark_paid(
        actor=validator, exchange=exchange, reference="PAY-1", today=last
    )


def trail(exchange) -> list[tuple[str, str]]:
    """(from, to) of every state change of the exchange, oldest first."""
    rows = AuditEntry.objects.filter(object_type="exchanges.exchange", object_id=str(exchange.pk))
    return [
        (e.from_state, e.to_state) for e in rows.order_by("at", "id") if e.to_state or e.from_state
    ]


def snapshot(exchange):
    """What a failing step must leave as it was."""
    from clusterloom.exchanges.models import Exchange, ExchangeEvidence

    row = Exchange.objects.get(pk=exchange.pk)
    return (
        row.status,
        row.signatures,
        row.start,
        row.end,
        row.objectives,
        row.report,
        row.grant_total,
        AuditEntry.objects.count(),
        ExchangeEvidence.objects.count(),
    )


def rules(error) -> list[str]:
    """The rule codes an IneligibleError names."""
    return [rule for rule, _field, _text in error.failures]
