"""An exchange from the proposed match to the payment: each step, its rules and its audit."""

import datetime
from decimal import Decimal

import pytest

from clusterloom.core.errors import DomainError
from clusterloom.core.models import AuditEntry
from clusterloom.exchanges import lifecycle, services
from clusterloom.exchanges.errors import IneligibleError
from clusterloom.exchanges.models import Exchange

from .conftest import (
    COMMITMENT,
    advance,
    hosting_offer,
    rules,
    second_call,
    sign_all,
    snapshot,
    trail,
    visitor_application,
)


@pytest.fixture
def pair(xworld):
    """A validated Italian visitor and a validated Spanish offer, not yet matched."""
    w = xworld
    w.application = visitor_application(w)
    w.offer = hosting_offer(w)
    return w


# -- proposing and confirming ------------------------------------------------------------------


def test_the_visitor_proposes_and_confirms_at_once_with_the_grant_shown(pair):
    w = pair
    exchange = lifecycle.exchange_propose(
        actor=w.visitor_it, application=w.application, offer=w.offer
    )
    assert exchange.status == "proposed"
    assert exchange.origin == "catalogue"
    assert exchange.visitor_confirmed_at is not None and exchange.host_confirmed_at is None
    # the preferred dates are taken, and the lump sum is computed before anyone signs
    assert (exchange.start, exchange.end) == (datetime.date(2027, 2, 1), datetime.date(2027, 2, 5))
    assert exchange.working_days == 5
    assert exchange.grant_total == Decimal("925.00")  # 5 x 130 (Spain) + 275 travel band
    assert [line["code"] for line in exchange.grant_lines] == ["subsistence", "travel"]
    assert trail(exchange) == [("", "proposed")]


def test_the_host_confirms_and_the_exchange_is_matched(pair):
    w = pair
    exchange = lifecycle.exchange_propose(
        actor=w.visitor_it, application=w.application, offer=w.offer
    )
    exchange = lifecycle.exchange_confirm(actor=w.host_es, exchange=exchange)
    assert exchange.status == "matched"
    assert exchange.host_confirmed_at is not None
    assert trail(exchange) == [("", "proposed"), ("proposed", "matched")]


def test_a_coordinator_proposes_a_match_both_sides_then_confirm(pair):
    w = pair
    exchange = lifecycle.exchange_propose(
        actor=w.coordinator, application=w.application, offer=w.offer, origin="prior_agreement"
    )
    assert (exchange.visitor_confirmed_at, exchange.host_confirmed_at) == (None, None)
    exchange = lifecycle.exchange_confirm(actor=w.visitor_it, exchange=exchange)
    assert exchange.status == "proposed"
    exchange = lifecycle.exchange_confirm(actor=w.host_es, exchange=exchange)
    assert exchange.status == "matched"


def test_a_match_may_be_proposed_before_its_dates_are_known(xworld):
    w = xworld
    application = visitor_application(w, preferred_start="", preferred_end="")
    offer = hosting_offer(w)
    exchange = lifecycle.exchange_propose(actor=w.visitor_it, application=application, offer=offer)
    exchange = lifecycle.exchange_confirm(actor=w.host_es, exchange=exchange)
    assert exchange.status == "matched"
    assert exchange.grant_total is None
    # the commitment is drafted in steps; signing needs the dates
    exchange = lifecycle.commitment_update(actor=w.visitor_it, exchange=exchange, data=COMMITMENT)
    with pytest.raises(DomainError) as caught:
        lifecycle.commitment_sign(actor=w.visitor_it, exchange=exchange, role="visitor")
    assert caught.value.field == "start"
    exchange = lifecycle.commitment_update(
        actor=w.host_es, exchange=exchange, data={"start": "2027-03-01", "end": "2027-03-05"}
    )
    assert exchange.grant_total == Decimal("925.00")


@pytest.mark.parametrize(
    ("validated", "field"), [("application", "application"), ("offer", "offer")]
)
def test_only_validated_registrations_are_matched(xworld, validated, field):
    w = xworld
    application = visitor_application(w, validate=validated == "offer")
    offer = hosting_offer(w, validate=validated == "application")
    with pytest.raises(DomainError) as caught:
        lifecycle.exchange_propose(actor=w.coordinator, application=application, offer=offer)
    assert caught.value.field == field
    assert not Exchange.objects.exists()


def test_a_full_offer_takes_no_more_visitors(matched):
    w = matched
    services.hosting_offer_update(actor=w.host_es, offer=w.offer, data={"capacity": 1})
    czech = visitor_application(w, actor=w.visitor_cz, organisation=w.sme_cz)
    with pytest.raises(DomainError, match="no place left") as caught:
        lifecycle.exchange_propose(actor=w.visitor_cz, application=czech, offer=w.offer)
    assert caught.value.field == "offer"
    assert Exchange.objects.count() == 1


def test_a_visitor_has_one_live_exchange(matched):
    w = matched
    portuguese = hosting_offer(w, actor=w.host_pt, organisation=w.large_pt)
    with pytest.raises(DomainError, match="already has an exchange") as caught:
        lifecycle.exchange_propose(actor=w.visitor_it, application=w.application, offer=portuguese)
    assert caught.value.field == "application"
    assert Exchange.objects.count() == 1


def test_an_organisation_visits_once_across_calls(matched):
    w = matched
    second = second_call(w, daily_rates={"PT": "120", "ES": "130"})
    # once matched, the organisation cannot even register for another call
    with pytest.raises(IneligibleError) as caught:
        visitor_application(w, call=second, validate=False)
    assert rules(caught.value) == ["visitor_already_took_part"]


def test_an_organisation_registered_in_two_calls_is_matched_in_one_only(xworld):
    w = xworld
    second = second_call(w, daily_rates={"PT": "120", "ES": "130"})
    first_application = visitor_application(w)
    second_application = visitor_application(w, call=second)
    spanish = hosting_offer(w)
    portuguese = hosting_offer(w, actor=w.host_pt, organisation=w.large_pt)
    first = lifecycle.exchange_propose(
        actor=w.visitor_it, application=first_application, offer=spanish
    )
    with pytest.raises(IneligibleError) as caught:
        lifecycle.exchange_propose(
            actor=w.visitor_it, application=second_application, offer=portuguese
        )
    assert rules(caught.value) == ["visitor_already_took_part"]
    assert Exchange.objects.count() == 1
    # once the first is declined, the organisation may take part through the other call
    lifecycle.exchange_decline(actor=w.host_es, exchange=first, reason="Fully booked.")
    other = lifecycle.exchange_propose(
        actor=w.visitor_it, application=second_application, offer=portuguese
    )
    assert other.status == "proposed"


def test_the_exchange_must_fit_the_call_and_the_hosts_availability(pair):
    w = pair
    with pytest.raises(DomainError, match="between 2026-12-01 and 2027-06-30") as caught:
        lifecycle.exchange_propose(
            actor=w.visitor_it,
            application=w.application,
            offer=w.offer,
            start="2027-06-28",
            end="2027-07-02",
        )
    assert caught.value.field == "end"
    services.hosting_offer_update(
        actor=w.host_es, offer=w.offer, data={"available_until": "2027-01-31"}
    )
    with pytest.raises(DomainError, match="host receives visitors"):
        lifecycle.exchange_propose(actor=w.visitor_it, application=w.application, offer=w.offer)
    assert not Exchange.objects.exists()


# -- declining and cancelling ------------------------------------------------------------------


def test_declining_frees_the_visitor_for_another_host(pair):
    w = pair
    exchange = lifecycle.exchange_propose(
        actor=w.visitor_it, application=w.application, offer=w.offer
    )
    lifecycle.exchange_decline(actor=w.host_es, exchange=exchange, reason="Fully booked in Feb.")
    exchange.refresh_from_db()
    assert (exchange.status, exchange.cancel_reason) == ("declined", "Fully booked in Feb.")
    assert trail(exchange)[-1] == ("proposed", "declined")
    portuguese = hosting_offer(w, actor=w.host_pt, organisation=w.large_pt)
    again = lifecycle.exchange_propose(
        actor=w.visitor_it, application=w.application, offer=portuguese
    )
    assert again.status == "proposed"


def test_a_matched_exchange_is_cancelled_not_declined(matched):
    w = matched
    before = snapshot(w.exchange)
    with pytest.raises(DomainError, match="not possible now"):
        lifecycle.exchange_decline(actor=w.host_es, exchange=w.exchange)
    assert snapshot(w.exchange) == before


def test_cancelling_needs_a_reason(matched):
    w = matched
    before = snapshot(w.exchange)
    with pytest.raises(DomainError) as caught:
        lifecycle.exchange_cancel(actor=w.visitor_it, exchange=w.exchange, reason=" ")
    assert caught.value.field == "reason"
    assert snapshot(w.exchange) == before
    lifecycle.exchange_cancel(actor=w.visitor_it, exchange=w.exchange, reason="Visa refused.")
    w.exchange.refresh_from_db()
    assert (w.exchange.status, w.exchange.cancel_reason) == ("cancelled", "Visa refused.")
    assert trail(w.exchange)[-1] == ("matched", "cancelled")


def test_a_validated_exchange_cannot_be_cancelled(matched, media):
    w = matched
    exchange = advance(w, w.exchange, "validated")
    with pytest.raises(DomainError, match="not possible now"):
        lifecycle.exchange_cancel(actor=w.coordinator, exchange=exchange, reason="Oops")
    exchange.refresh_from_db()
    assert exchange.status == "validated"


# -- the Commitment to Quality -----------------------------------------------------------------


def test_signing_needs_a_complete_commitment(matched):
    w = matched
    before = snapshot(w.exchange)
    with pytest.raises(DomainError, match="Complete the commitment") as caught:
        lifecycle.commitment_sign(actor=w.visitor_it, exchange=w.exchange, role="visitor")
    assert caught.value.field == "objectives"
    assert snapshot(w.exchange) == before


def test_changing_the_commitment_clears_the_signatures(matched):
    w = matched
    exchange = lifecycle.commitment_update(actor=w.visitor_it, exchange=w.exchange, data=COMMITMENT)
    exchange = lifecycle.commitment_sign(actor=w.visitor_it, exchange=exchange, role="visitor")
    exchange = lifecycle.commitment_sign(actor=w.host_es, exchange=exchange, role="host")
    assert set(exchange.signatures) == {"visitor", "host"}
    assert exchange.signatures["visitor"]["grant"] == "925.00"
    # saving the same text changes nothing
    exchange = lifecycle.commitment_update(actor=w.host_es, exchange=exchange, data=COMMITMENT)
    assert set(exchange.signatures) == {"visitor", "host"}
    exchange = lifecycle.commitment_update(
        actor=w.host_es, exchange=exchange, data={"agenda": "Day 1 only the workshop."}
    )
    assert exchange.signatures == {}
    entry = AuditEntry.objects.filter(action="exchanges.commitment_updated").first()
    assert entry.changes["signatures_cleared"] == ["host", "visitor"]


def test_a_signature_is_given_once(matched):
    w = matched
    exchange = lifecycle.commitment_update(actor=w.visitor_it, exchange=w.exchange, data=COMMITMENT)
    exchange = lifecycle.commitment_sign(actor=w.visitor_it, exchange=exchange, role="visitor")
    with pytest.raises(DomainError, match="already been given"):
        lifecycle.commitment_sign(actor=w.visitor_it, exchange=exchange, role="visitor")
    with pytest.raises(DomainError) as caught:
        lifecycle.commitment_sign(actor=w.visitor_it, exchange=exchange, role="witness")
    assert caught.value.field == "role"


def test_the_fourth_signature_commits_and_freezes_the_grant(cross):
    w = cross
    exchange = lifecycle.commitment_update(actor=w.visitor_it, exchange=w.exchange, data=COMMITMENT)
    assert lifecycle.signable_roles(w.coordinator, exchange) == ["visitor_partnership"]
    exchange = sign_all(exchange, w.signers)
    assert exchange.status == "committed"
    assert exchange.grant_total == Decimal("925.00")
    assert trail(exchange)[-1] == ("matched", "committed")
    # a later change of the call's rates leaves the signed grant alone
    services.call_update(actor=w.coordinator, call=w.call, data={"daily_rates": "ES 200"})
    exchange.refresh_from_db()
    assert exchange.grant_total == Decimal("925.00")
    with pytest.raises(DomainError, match="not possible now"):
        lifecycle.commitment_update(actor=w.visitor_it, exchange=exchange, data={"agenda": "x"})
    assert lifecycle.signable_roles(w.admin, exchange) == []


def test_every_signatory_signs_the_same_lump_sum(cross):
    w = cross
    exchange = lifecycle.commitment_update(actor=w.visitor_it, exchange=w.exchange, data=COMMITMENT)
    exchange = lifecycle.commitment_sign(actor=w.visitor_it, exchange=exchange, role="visitor")
    services.call_update(actor=w.coordinator, call=w.call, data={"daily_rates": "ES 200"})
    # the host saves the commitment unchanged: the visitor's signature and its amount stay
    exchange = lifecycle.commitment_update(actor=w.host_es, exchange=exchange, data=COMMITMENT)
    assert (list(exchange.signatures), exchange.grant_total) == (["visitor"], Decimal("925.00"))
    for role in ("host", "visitor_partnership", "host_partnership"):
        exchange = lifecycle.commitment_sign(actor=w.signers[role], exchange=exchange, role=role)
    assert exchange.status == "committed"
    signed = {s["grant"] for s in exchange.signatures.values()}
    assert signed == {str(exchange.grant_total)} == {"925.00"}


def test_a_changed_commitment_is_signed_again_on_the_current_rates(cross):
    w = cross
    exchange = lifecycle.commitment_update(actor=w.visitor_it, exchange=w.exchange, data=COMMITMENT)
    exchange = lifecycle.commitment_sign(actor=w.visitor_it, exchange=exchange, role="visitor")
    services.call_update(actor=w.coordinator, call=w.call, data={"daily_rates": "ES 200"})
    exchange = lifecycle.commitment_update(
        actor=w.host_es, exchange=exchange, data={"agenda": "Day 1 workshop; days 2-5 visits."}
    )
    assert (exchange.signatures, exchange.grant_total) == ({}, Decimal("1275.00"))
    exchange = sign_all(exchange, w.signers)
    assert {s["grant"] for s in exchange.signatures.values()} == {"1275.00"}


def test_working_days_leave_out_weekends_and_host_country_holidays(matched):
    w = matched
    # Monday 4 to Friday 8 January 2027: Epiphany (Wednesday 6) is a public holiday in Spain
    exchange = lifecycle.commitment_update(
        actor=w.visitor_it,
        exchange=w.exchange,
        data={"start": "2027-01-04", "end": "2027-01-08"},
    )
    assert exchange.working_days == 4
    assert exchange.grant_total == Decimal("795.00")  # 4 x 130 + 275
    assert exchange.grant_lines[0]["params"]["days"] == 4
    # Friday 4 to Monday 7 December 2026 and Tuesday 8 (Immaculate Conception): 2 working days
    before = snapshot(exchange)
    with pytest.raises(IneligibleError) as caught:
        lifecycle.commitment_update(
            actor=w.visitor_it, exchange=exchange, data={"start": "2026-12-04", "end": "2026-12-08"}
        )
    assert rules(caught.value) == ["too_few_working_days"]
    assert "Immaculate Conception" in caught.value.message
    assert snapshot(exchange) == before


def test_an_exchange_lasts_at_most_a_month(matched):
    w = matched
    with pytest.raises(IneligibleError) as caught:
        lifecycle.commitment_update(
            actor=w.visitor_it,
            exchange=w.exchange,
            data={"start": "2027-02-01", "end": "2027-03-05"},
        )
    assert rules(caught.value) == ["too_long"]


def test_exchanges_done_are_needs_for_learn_ranking(matched):
    """learn-ranking learns from the exchanges that took place: the visitor's goals and what
    they seek, answered by the host's organisation; a match not yet committed teaches nothing."""
    from clusterloom.matching.ranking_services import exchange_needs

    w = matched
    assert exchange_needs() == []  # matched, no commitment signed yet
    exchange = advance(w, w.exchange, "committed")
    needs = exchange_needs()
    assert [n.source for n in needs] == ["exchange"]
    need = needs[0].need
    assert need.answers == frozenset({str(w.offer.organisation_id)})
    assert "technical textiles for car seats" in need.text
    assert "Automotive suppliers of car interiors" in need.text
    assert needs[0].on == exchange.start
