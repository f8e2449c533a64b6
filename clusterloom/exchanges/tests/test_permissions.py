"""Who may take each step of an exchange, and who sees registrations, offers and exchanges.

The host registered with the OTHER partnership, so the coordinator of the visitor's partnership
and the coordinator of the host's partnership are different people.
"""

import pytest

from clusterloom.core.errors import PermissionDenied
from clusterloom.core.models import AuditEntry
from clusterloom.exchanges import lifecycle
from clusterloom.exchanges.models import Exchange, ExchangeEvidence
from clusterloom.exchanges.selectors import (
    applications_visible_to,
    exchanges_visible_to,
    offers_visible_to,
)

from .conftest import (
    AFTER_VISIT,
    COMMITMENT,
    advance,
    hosting_offer,
    minimal_pdf,
    visitor_application,
)

#: role -> attribute of the world holding that user (None: the anonymous public)
ROLES = {
    "visitor": "visitor_it",
    "host": "host_es",
    "visitor_coordinator": "coordinator",
    "host_coordinator": "other_coordinator",
    "stranger": "stranger",
    "anonymous": None,
    "admin": "admin",
}


def _propose(w, actor):
    return lifecycle.exchange_propose(actor=actor, application=w.application, offer=w.offer)


def _sign(role):
    def step(w, actor):
        return lifecycle.commitment_sign(actor=actor, exchange=w.exchange, role=role)

    return step


#: step -> (state it starts from, what it does, roles that may take it)
STEPS = {
    "propose": ("registered", _propose, {"visitor", "visitor_coordinator", "admin"}),
    "confirm": (
        "proposed",
        lambda w, a: lifecycle.exchange_confirm(actor=a, exchange=w.exchange),
        {"visitor", "host", "admin"},
    ),
    "decline": (
        "proposed",
        lambda w, a: lifecycle.exchange_decline(actor=a, exchange=w.exchange, reason="No."),
        {"visitor", "host", "admin"},
    ),
    "cancel": (
        "matched",
        lambda w, a: lifecycle.exchange_cancel(actor=a, exchange=w.exchange, reason="Ill."),
        {"visitor", "host", "visitor_coordinator", "admin"},
    ),
    "draft commitment": (
        "matched",
        lambda w, a: lifecycle.commitment_update(actor=a, exchange=w.exchange, data=COMMITMENT),
        {"visitor", "host", "admin"},
    ),
    "sign as visitor": ("drafted", _sign("visitor"), {"visitor", "admin"}),
    "sign as host": ("drafted", _sign("host"), {"host", "admin"}),
    "sign for the visitor's partnership": (
        "drafted",
        _sign("visitor_partnership"),
        {"visitor_coordinator", "admin"},
    ),
    "sign for the host's partnership": (
        "drafted",
        _sign("host_partnership"),
        {"host_coordinator", "admin"},
    ),
    "add evidence": (
        "committed",
        lambda w, a: lifecycle.evidence_add(
            actor=a, exchange=w.exchange, file_name="pass.pdf", content=minimal_pdf()
        ),
        {"visitor", "admin"},
    ),
    "report": (
        "evidenced",
        lambda w, a: lifecycle.exchange_report(
            actor=a, exchange=w.exchange, report="Done.", today=AFTER_VISIT
        ),
        {"visitor", "admin"},
    ),
    "validate": (
        "reported",
        lambda w, a: lifecycle.exchange_validate(actor=a, exchange=w.exchange, approve=True),
        {"visitor_coordinator", "admin"},
    ),
    "return": (
        "reported",
        lambda w, a: lifecycle.exchange_validate(
            actor=a, exchange=w.exchange, approve=False, note="Add the invoice."
        ),
        {"visitor_coordinator", "admin"},
    ),
    "mark paid": (
        "validated",
        lambda w, a: lifecycle.exchange_mark_paid(actor=a, exchange=w.exchange, today=AFTER_VISIT),
        {"visitor_coordinator", "admin"},
    ),
}


def _bring(w, state):
    """Registrations validated; then the exchange brought to `state` by the right people."""
    w.application = visitor_application(w)
    w.offer = hosting_offer(w, partnership=w.other)
    w.signers = {
        "visitor": w.visitor_it,
        "host": w.host_es,
        "visitor_partnership": w.coordinator,
        "host_partnership": w.other_coordinator,
    }
    if state == "registered":
        return
    w.exchange = _propose(w, w.coordinator)
    if state == "proposed":
        return
    w.exchange = lifecycle.exchange_confirm(actor=w.visitor_it, exchange=w.exchange)
    w.exchange = lifecycle.exchange_confirm(actor=w.host_es, exchange=w.exchange)
    if state == "matched":
        return
    w.exchange = lifecycle.commitment_update(
        actor=w.visitor_it, exchange=w.exchange, data=COMMITMENT
    )
    if state == "drafted":
        return
    w.exchange = advance(w, w.exchange, "committed")
    if state == "committed":
        return
    lifecycle.evidence_add(
        actor=w.visitor_it, exchange=w.exchange, file_name="pass.pdf", content=minimal_pdf()
    )
    if state == "evidenced":
        return
    w.exchange = advance(w, w.exchange, state)


def _state():
    """Everything a refused step must leave untouched."""
    return (
        list(Exchange.objects.values_list("status", "signatures", "objectives", "cancel_reason")),
        AuditEntry.objects.count(),
        ExchangeEvidence.objects.count(),
    )


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("step", list(STEPS))
def test_who_may_take_each_step(xworld, anonymous, media, step, role):
    w = xworld
    state, do, allowed = STEPS[step]
    _bring(w, state)
    actor = getattr(w, ROLES[role]) if ROLES[role] else anonymous
    if role in allowed:
        before = AuditEntry.objects.count()
        do(w, actor)
        assert AuditEntry.objects.count() > before
    else:
        before = _state()
        with pytest.raises(PermissionDenied):
            do(w, actor)
        assert _state() == before


def test_an_admin_proposing_a_match_leaves_both_confirmations_to_the_sides(xworld):
    w = xworld
    _bring(w, "registered")
    exchange = _propose(w, w.admin)
    assert exchange.status == "proposed"
    assert (exchange.visitor_confirmed_at, exchange.host_confirmed_at) == (None, None)


def test_a_coordinator_may_not_confirm_for_a_side(xworld):
    w = xworld
    _bring(w, "proposed")
    for coordinator in (w.coordinator, w.other_coordinator):
        with pytest.raises(PermissionDenied):
            lifecycle.exchange_confirm(actor=coordinator, exchange=w.exchange)
    w.exchange.refresh_from_db()
    assert (w.exchange.visitor_confirmed_at, w.exchange.host_confirmed_at) == (None, None)


def test_signable_roles_are_those_the_user_holds(xworld):
    w = xworld
    _bring(w, "drafted")
    assert lifecycle.signable_roles(w.visitor_it, w.exchange) == ["visitor"]
    assert lifecycle.signable_roles(w.host_es, w.exchange) == ["host"]
    assert lifecycle.signable_roles(w.coordinator, w.exchange) == ["visitor_partnership"]
    assert lifecycle.signable_roles(w.other_coordinator, w.exchange) == ["host_partnership"]
    assert lifecycle.signable_roles(w.stranger, w.exchange) == []


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("visitor", True),
        ("host", True),
        ("visitor_coordinator", True),
        ("host_coordinator", True),
        ("stranger", False),
        ("anonymous", False),
        ("admin", True),
    ],
)
def test_an_exchange_is_seen_by_its_sides_and_both_partnerships(cross, anonymous, role, sees):
    w = cross
    user = getattr(w, ROLES[role]) if ROLES[role] else anonymous
    assert (w.exchange in exchanges_visible_to(user)) is sees
    assert user.has_perm("exchanges.view_exchange", w.exchange) is sees


def test_registrations_are_seen_by_their_organisation_and_the_calls_coordinators(cross, anonymous):
    w = cross
    for user in (w.visitor_it, w.coordinator, w.admin):
        assert w.application in applications_visible_to(user)
    for user in (w.visitor_cz, w.host_es, w.other_coordinator, w.stranger, anonymous):
        assert w.application not in applications_visible_to(user)
        assert not user.has_perm("exchanges.view_application", w.application)


def test_validated_offers_are_seen_by_members_others_only_by_host_and_partnership(
    xworld, anonymous
):
    w = xworld
    validated = hosting_offer(w, partnership=w.other)
    waiting = hosting_offer(w, actor=w.host_pt, organisation=w.large_pt, validate=False)
    assert validated in offers_visible_to(w.stranger)
    assert validated not in offers_visible_to(anonymous)
    for user in (w.stranger, w.visitor_it, w.host_es, w.other_coordinator, anonymous):
        assert waiting not in offers_visible_to(user)
        assert not user.has_perm("exchanges.view_hostingoffer", waiting)
    for user in (w.host_pt, w.coordinator, w.admin):
        assert waiting in offers_visible_to(user)
        assert user.has_perm("exchanges.view_hostingoffer", waiting)
