"""Rules of a call beyond eligibility: its budget, its defaults, reviews done once."""

import datetime
from decimal import Decimal

import pytest

from clusterloom.core.errors import DomainError
from clusterloom.exchanges import lifecycle, services
from clusterloom.exchanges.tests.conftest import COMMITMENT, TODAY

pytestmark = pytest.mark.django_db


def _sign(w, exchange, role, user):
    return lifecycle.commitment_sign(actor=user, exchange=exchange, role=role)


def test_a_signature_is_refused_when_the_budget_cannot_pay_the_lump_sum(matched):
    w = matched
    w.call.budget = Decimal("500.00")
    w.call.save()
    exchange = lifecycle.commitment_update(actor=w.visitor_it, exchange=w.exchange, data=COMMITMENT)
    assert exchange.grant_total > Decimal("500.00")
    with pytest.raises(DomainError, match="budget has EUR 500.00 left"):
        _sign(w, exchange, "visitor", w.visitor_it)
    exchange.refresh_from_db()
    assert exchange.signatures == {}
    w.call.budget = Decimal("5000.00")
    w.call.save()
    assert "visitor" in _sign(w, exchange, "visitor", w.visitor_it).signatures


def test_a_call_without_a_budget_pays_whatever_the_rules_give(matched):
    w = matched
    w.call.budget = Decimal("0")
    w.call.save()
    exchange = lifecycle.commitment_update(actor=w.visitor_it, exchange=w.exchange, data=COMMITMENT)
    assert "visitor" in _sign(w, exchange, "visitor", w.visitor_it).signatures


def _call_data(**extra):
    return {
        "title": "Small call",
        "opens_on": TODAY,
        "closes_on": TODAY + datetime.timedelta(days=30),
        "exchanges_from": TODAY + datetime.timedelta(days=40),
        "exchanges_until": TODAY + datetime.timedelta(days=200),
        "daily_rates": {"IT": "140"},
        **extra,
    }


def test_a_new_call_gets_the_usual_cap_and_minimums_that_fit_its_size(xworld):
    call = services.call_create(
        actor=xworld.coordinator,
        partnership=xworld.partnership,
        data=_call_data(target_exchanges=10),
    )
    assert call.cap_per_organisation == Decimal("1100.00")
    assert (call.target_exchanges, call.target_sme, call.target_non_member) == (10, 10, 10)
    uncapped = services.call_create(
        actor=xworld.coordinator,
        partnership=xworld.partnership,
        data=_call_data(title="No cap", cap_per_organisation=""),
    )
    assert uncapped.cap_per_organisation is None
    assert uncapped.target_exchanges == 59


def test_applying_to_a_closed_call_says_the_call_is_closed(xworld):
    services.call_status_set(actor=xworld.coordinator, call=xworld.call, status="closed")
    with pytest.raises(DomainError, match="not open for applications"):
        services.application_submit(
            actor=xworld.visitor_it,
            call=xworld.call,
            data={"organisation": xworld.sme_it.pk, "goals": "Learn."},
        )


def test_a_registration_and_an_offer_are_validated_once(matched):
    w = matched
    with pytest.raises(DomainError, match="already validated"):
        services.application_review(
            actor=w.coordinator, application=w.application, decision="validate"
        )
    with pytest.raises(DomainError, match="already validated"):
        services.hosting_offer_review(actor=w.coordinator, offer=w.offer, decision="validate")


def test_an_offer_with_matched_visitors_cannot_be_rejected(matched):
    w = matched
    with pytest.raises(DomainError, match="cancel their exchanges"):
        services.hosting_offer_review(
            actor=w.coordinator, offer=w.offer, decision="reject", note="Not a cluster member."
        )
    w.offer.refresh_from_db()
    assert w.offer.status == "validated"
