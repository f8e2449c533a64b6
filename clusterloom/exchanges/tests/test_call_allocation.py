"""The coordinator's allocation of a call: the solver's proposal, its confirmation, the fit."""

from collections import Counter

import pytest

from clusterloom.core.errors import DomainError, PermissionDenied
from clusterloom.core.models import AuditEntry
from clusterloom.directory.models import ClusterMembership, OrganisationKind
from clusterloom.directory.tests.factories import ClusterFactory, OrganisationFactory, country
from clusterloom.exchanges import lifecycle, services
from clusterloom.exchanges.call_allocation import call_allocation_confirm, call_allocation_propose
from clusterloom.exchanges.fit import host_suggestions
from clusterloom.exchanges.models import Exchange

from .conftest import hosting_offer, member_user, second_call, visitor_application


@pytest.fixture
def small(xworld):
    """Four validated visitors (IT and DE members, CZ SME and SK cluster outside the partnership)
    and three hosts with four places (ES 1, PT 1, IT 2) for a call that plans 3 exchanges."""
    w = xworld
    services.call_update(
        actor=w.coordinator,
        call=w.call,
        data={"target_exchanges": 3, "target_sme": 2, "target_non_member": 1},
    )
    w.call.refresh_from_db()
    sme_de = OrganisationFactory(
        name="Stoffwerk Chemnitz",
        kind=OrganisationKind.SME,
        is_sme=True,
        country=country("DE"),
        description="Technical textiles for automotive seats.",
    )
    ClusterMembership.objects.create(cluster=w.it_cluster, organisation=sme_de)
    sk_cluster = ClusterFactory(
        organisation__name="Slovak Textile Cluster",
        organisation__slug="sk-textile",
        organisation__country=country("SK"),
        organisation__description="Cluster of textile and automotive interior suppliers.",
    )
    w.visitor_de = member_user(sme_de, "visitor_de")
    w.visitor_sk = member_user(sk_cluster.organisation, "visitor_sk")
    w.applications = {
        "IT": visitor_application(w),
        "CZ": visitor_application(w, actor=w.visitor_cz, organisation=w.sme_cz),
        "DE": visitor_application(w, actor=w.visitor_de, organisation=sme_de),
        "SK": visitor_application(w, actor=w.visitor_sk, organisation=sk_cluster.organisation),
    }
    w.host_it = member_user(w.it_cluster.organisation, "host_it")
    w.offers = {
        "ES": hosting_offer(w, capacity=1),
        "PT": hosting_offer(w, actor=w.host_pt, organisation=w.large_pt, capacity=1),
        "IT": hosting_offer(w, actor=w.host_it, organisation=w.it_cluster.organisation),
    }
    return w


def check_rules(w, pairs):
    """The rules of every allocation, checked on the proposed pairs."""
    assert len(pairs) <= w.call.target_exchanges
    assert all(p.application.call_id == w.call.pk for p in pairs)
    assert all(
        p.application.organisation.country_id != p.offer.organisation.country_id for p in pairs
    )
    visitors = Counter(p.application.organisation_id for p in pairs)
    assert max(visitors.values(), default=0) <= 1
    load = Counter(p.offer.pk for p in pairs)
    assert all(load[o.pk] <= o.capacity for o in w.offers.values())


def test_the_proposal_keeps_every_rule_and_the_target(small):
    w = small
    proposal = call_allocation_propose(actor=w.coordinator, call=w.call, time_limit=5)
    assert (proposal.visitors, proposal.hosts) == (4, 3)
    assert proposal.candidate_pairs > 0
    check_rules(w, proposal.pairs)
    assert len(proposal.pairs) == 3  # four visitors and four places, three planned
    assert not any(p.agreed for p in proposal.pairs)
    assert all(p.fit > 0 for p in proposal.pairs)
    # at least the SME and non-member minimums are reached when the applicants allow it
    assert sum(p.application.is_sme for p in proposal.pairs) >= 2
    assert sum(not p.application.is_member for p in proposal.pairs) >= 1


def test_the_proposal_never_goes_above_the_calls_target(small):
    w = small
    services.call_update(
        actor=w.coordinator,
        call=w.call,
        data={"target_exchanges": 1, "target_sme": 0, "target_non_member": 0},
    )
    w.call.refresh_from_db()
    proposal = call_allocation_propose(actor=w.coordinator, call=w.call, time_limit=5)
    assert len(proposal.pairs) == 1
    check_rules(w, proposal.pairs)


def test_matches_already_agreed_stay_in_the_plan(small):
    w = small
    agreed = lifecycle.exchange_propose(
        actor=w.visitor_it, application=w.applications["IT"], offer=w.offers["ES"]
    )
    proposal = call_allocation_propose(actor=w.coordinator, call=w.call, time_limit=5)
    check_rules(w, proposal.pairs)
    kept = [p for p in proposal.pairs if p.agreed]
    assert [(p.application, p.offer) for p in kept] == [(agreed.application, agreed.offer)]
    # the Spanish host's only place is taken
    assert [p.offer for p in proposal.pairs].count(w.offers["ES"]) == 1


def test_a_withdrawn_offer_keeps_its_match_and_the_call_can_still_be_allocated(small):
    w = small
    lifecycle.exchange_propose(
        actor=w.visitor_it, application=w.applications["IT"], offer=w.offers["ES"]
    )
    services.hosting_offer_withdraw(actor=w.host_es, offer=w.offers["ES"])
    proposal = call_allocation_propose(actor=w.coordinator, call=w.call, time_limit=5)
    check_rules(w, proposal.pairs)
    assert [(p.application, p.offer) for p in proposal.pairs if p.agreed] == [
        (w.applications["IT"], w.offers["ES"])
    ]


def test_an_organisation_taking_part_through_another_call_is_left_out(small):
    w = small
    second = second_call(w, default_daily_rate="100")
    czech = visitor_application(w, call=second, actor=w.visitor_cz, organisation=w.sme_cz)
    lifecycle.exchange_propose(actor=w.visitor_cz, application=czech, offer=w.offers["PT"])
    proposal = call_allocation_propose(actor=w.coordinator, call=w.call, time_limit=5)
    assert proposal.visitors == 3
    assert w.sme_cz not in [p.application.organisation for p in proposal.pairs]
    assert w.offers["PT"] not in [p.offer for p in proposal.pairs]  # its one place is taken


def test_confirming_the_allocation_proposes_matches_the_sides_then_confirm(small):
    w = small
    proposal = call_allocation_propose(actor=w.coordinator, call=w.call, time_limit=5)
    pairs = [(p.application.pk, p.offer.pk) for p in proposal.pairs]
    created = call_allocation_confirm(actor=w.coordinator, call=w.call, pairs=pairs)
    assert len(created) == 3
    for exchange in created:
        assert (exchange.status, exchange.origin) == ("proposed", "allocation")
        assert (exchange.visitor_confirmed_at, exchange.host_confirmed_at) == (None, None)
        assert exchange.fit and exchange.fit > 0
    entry = AuditEntry.objects.get(action="exchanges.allocation_confirmed")
    assert entry.changes == {"exchanges": 3}
    # confirming again creates nothing new
    assert call_allocation_confirm(actor=w.coordinator, call=w.call, pairs=pairs) == []
    exchange = created[0]
    visitor = exchange.application.submitted_by
    host = exchange.offer.submitted_by
    lifecycle.exchange_confirm(actor=visitor, exchange=exchange)
    exchange = lifecycle.exchange_confirm(actor=host, exchange=exchange)
    assert exchange.status == "matched"


def test_a_pair_that_breaks_a_rule_confirms_nothing(small):
    w = small
    italian_to_italy = (w.applications["IT"].pk, w.offers["IT"].pk)
    fine = (w.applications["CZ"].pk, w.offers["ES"].pk)
    with pytest.raises(DomainError):
        call_allocation_confirm(actor=w.coordinator, call=w.call, pairs=[fine, italian_to_italy])
    assert not Exchange.objects.exists()


@pytest.mark.parametrize("who", ["other_coordinator", "stranger", "visitor_it", "host_es", None])
def test_only_the_calls_coordinator_allocates(small, anonymous, who):
    w = small
    actor = getattr(w, who) if who else anonymous
    with pytest.raises(PermissionDenied):
        call_allocation_propose(actor=actor, call=w.call, time_limit=5)
    pairs = [(w.applications["CZ"].pk, w.offers["ES"].pk)]
    with pytest.raises(PermissionDenied):
        call_allocation_confirm(actor=actor, call=w.call, pairs=pairs)
    assert not Exchange.objects.exists()


def test_host_suggestions_are_abroad_with_places_left_and_say_why(small):
    w = small
    suggestions = host_suggestions(w.applications["IT"])
    offers = [s.offer for s in suggestions]
    assert w.offers["ES"] in offers and w.offers["PT"] in offers
    assert w.offers["IT"] not in offers  # the visitor's own country
    assert all(s.result.score > 0 for s in suggestions)
    assert [s.result.score for s in suggestions] == sorted(
        (s.result.score for s in suggestions), reverse=True
    )
    # a host without places left is no longer suggested
    lifecycle.exchange_propose(
        actor=w.visitor_cz, application=w.applications["CZ"], offer=w.offers["ES"]
    )
    assert w.offers["ES"] not in [s.offer for s in host_suggestions(w.applications["IT"])]
