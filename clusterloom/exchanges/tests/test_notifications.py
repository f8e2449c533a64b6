"""E-mails at each step: who is told, and that nothing leaves before the change commits."""

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from clusterloom.core.errors import DomainError
from clusterloom.exchanges import lifecycle, services
from clusterloom.exchanges.tasks import exchange_notify

from .conftest import AFTER_VISIT, COMMITMENT, minimal_pdf, sign_all, visitor_application

SITE = "https://xchange.example.eu"


@pytest.fixture(autouse=True)
def _site(settings):
    """Links in e-mails start with the site's address (its trailing slash is not doubled)."""
    settings.SITE_URL = SITE + "/"


def link(name, pk) -> str:
    return SITE + reverse(name, args=[pk])


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run a step and return {subject: recipients} of the e-mails it sent once committed."""

    def run(step, *args, **kwargs):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            result = step(*args, **kwargs)
        run.result = result
        return {m.subject: set(m.to) for m in mail.outbox}

    return run


def side(user) -> set[str]:
    """The addresses a visitor or host is reached at: the login's and the contact person's."""
    person = getattr(user, "person", None)
    return {user.email} | ({person.email} if person is not None else set())


def test_coordinators_hear_of_a_new_registration_the_applicant_of_its_review(xworld, send):
    w = xworld
    sent = send(visitor_application, w, validate=False)
    assert sent == {
        "New ClusterXchange registration: Tessitura Pratese (First call)": {
            "coordinator@example.org"
        }
    }
    application = send.result
    body = mail.outbox[0].body
    assert link("exchange_application_detail", application.pk) in body
    sent = send(
        services.application_review,
        actor=w.coordinator,
        application=application,
        decision="reject",
        note="Not eligible yet.",
    )
    assert sent == {"Your ClusterXchange registration was rejected": side(w.visitor_it)}


def test_the_offers_partnership_hears_of_it_the_host_of_its_review(xworld, send):
    from .conftest import hosting_offer

    w = xworld
    sent = send(hosting_offer, w, partnership=w.other, validate=False)
    offer = send.result
    assert list(sent.values()) == [{"othercoordinator@example.org"}]
    assert link("hosting_offer_detail", offer.pk) in mail.outbox[0].body
    sent = send(
        services.hosting_offer_review, actor=w.other_coordinator, offer=offer, decision="validate"
    )
    assert sent == {"Your hosting offer was validated": {"host_es@example.org"}}


@pytest.fixture
def registered(xworld):
    from .conftest import hosting_offer

    w = xworld
    w.application = visitor_application(w)
    w.offer = hosting_offer(w, partnership=w.other)
    return w


def test_a_proposal_goes_to_the_side_that_has_not_confirmed(registered, send):
    w = registered
    sent = send(
        lifecycle.exchange_propose, actor=w.visitor_it, application=w.application, offer=w.offer
    )
    exchange = send.result
    subject = f"A ClusterXchange match awaits your confirmation: {exchange}"
    assert sent == {subject: {"host_es@example.org"}}
    assert link("exchange_detail", exchange.pk) in mail.outbox[0].body


def test_a_coordinators_proposal_goes_to_both_sides(registered, send):
    w = registered
    sent = send(
        lifecycle.exchange_propose, actor=w.coordinator, application=w.application, offer=w.offer
    )
    assert list(sent.values()) == [side(w.visitor_it) | {"host_es@example.org"}]


def test_everyone_hears_of_the_match(registered, send):
    w = registered
    exchange = lifecycle.exchange_propose(
        actor=w.visitor_it, application=w.application, offer=w.offer
    )
    sent = send(lifecycle.exchange_confirm, actor=w.host_es, exchange=exchange)
    assert sent == {
        f"Matched: {exchange}; now draft the Commitment to Quality": side(w.visitor_it)
        | {"host_es@example.org", "coordinator@example.org", "othercoordinator@example.org"}
    }


def test_both_sides_hear_of_a_declined_match(registered, send):
    w = registered
    exchange = lifecycle.exchange_propose(
        actor=w.visitor_it, application=w.application, offer=w.offer
    )
    sent = send(lifecycle.exchange_decline, actor=w.host_es, exchange=exchange)
    assert list(sent.values()) == [side(w.visitor_it) | {"host_es@example.org"}]


def test_each_later_step_reaches_the_people_it_concerns(cross, media, send):
    w = cross
    everyone = side(w.visitor_it) | {
        "host_es@example.org",
        "coordinator@example.org",
        "othercoordinator@example.org",
    }
    exchange = lifecycle.commitment_update(actor=w.visitor_it, exchange=w.exchange, data=COMMITMENT)
    assert send(lifecycle.commitment_update, actor=w.host_es, exchange=exchange, data={}) == {}
    sent = send(sign_all, exchange, w.signers)
    assert sent == {f"Commitment to Quality signed by all four: {exchange}": everyone}
    exchange = send.result
    lifecycle.evidence_add(
        actor=w.visitor_it, exchange=exchange, file_name="pass.pdf", content=minimal_pdf()
    )
    sent = send(
        lifecycle.exchange_report,
        actor=w.visitor_it,
        exchange=exchange,
        report="Done.",
        today=AFTER_VISIT,
    )
    assert list(sent.values()) == [{"coordinator@example.org"}]  # the visitor's partnership
    sent = send(
        lifecycle.exchange_validate,
        actor=w.coordinator,
        exchange=exchange,
        approve=False,
        note="Add the invoice.",
    )
    assert sent == {f"Your exchange report needs completing: {exchange}": side(w.visitor_it)}
    lifecycle.exchange_report(
        actor=w.visitor_it, exchange=exchange, report="Done, all.", today=AFTER_VISIT
    )
    sent = send(lifecycle.exchange_validate, actor=w.coordinator, exchange=exchange, approve=True)
    assert sent == {f"Your exchange report was validated: {exchange}": side(w.visitor_it)}
    sent = send(
        lifecycle.exchange_mark_paid, actor=w.coordinator, exchange=exchange, today=AFTER_VISIT
    )
    assert sent == {f"Your ClusterXchange lump sum was paid: {exchange}": side(w.visitor_it)}


def test_everyone_hears_of_a_cancellation(cross, send):
    w = cross
    sent = send(lifecycle.exchange_cancel, actor=w.coordinator, exchange=w.exchange, reason="No.")
    assert list(sent.values()) == [
        side(w.visitor_it)
        | {"host_es@example.org", "coordinator@example.org", "othercoordinator@example.org"}
    ]


def test_nothing_is_sent_when_the_change_rolls_back(registered, send):
    w = registered

    def propose_then_fail():
        with transaction.atomic():
            lifecycle.exchange_propose(
                actor=w.coordinator, application=w.application, offer=w.offer
            )
            raise RuntimeError("the request failed later")

    with pytest.raises(RuntimeError):
        send(propose_then_fail)
    assert mail.outbox == []


def test_nothing_is_sent_for_a_refused_step(cross, send):
    w = cross
    with pytest.raises(DomainError):
        send(lifecycle.exchange_cancel, actor=w.visitor_it, exchange=w.exchange, reason="")
    assert mail.outbox == []


def test_inactive_users_and_missing_addresses_are_left_out(registered, send):
    w = registered
    w.other_coordinator.is_active = False
    w.other_coordinator.save()
    w.host_es.email = ""
    w.host_es.save()
    exchange = lifecycle.exchange_propose(
        actor=w.coordinator, application=w.application, offer=w.offer
    )
    lifecycle.exchange_confirm(actor=w.visitor_it, exchange=exchange)
    sent = send(lifecycle.exchange_confirm, actor=w.host_es, exchange=exchange)
    assert list(sent.values()) == [side(w.visitor_it) | {"coordinator@example.org"}]


def test_the_task_sends_nothing_for_a_deleted_exchange(cross):
    w = cross
    pk = w.exchange.pk
    w.exchange.delete()
    assert exchange_notify("exchange_matched", exchange_id=pk) == 0
    assert mail.outbox == []
