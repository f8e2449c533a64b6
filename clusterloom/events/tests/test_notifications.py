"""Who is told what by e-mail, once the change is committed: the invitee of a request, the
requester of an answer, both sides of a cancellation, every participant when the schedule is
published, the organisers of a new registration; reminders go out once."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from clusterloom.core.errors import DomainError
from clusterloom.events import meetings as m
from clusterloom.events import services
from clusterloom.events.models import Meeting
from clusterloom.events.tasks import reminders_send

from .conftest import ask, member, slots

pytestmark = pytest.mark.django_db


def _sent():
    """(recipients, subject) of every e-mail sent, then forget them."""
    out = [(sorted(message.to), message.subject) for message in mail.outbox]
    mail.outbox.clear()
    return out


def test_the_invitee_is_told_of_a_request_and_the_requester_of_the_answer(
    eworld, django_capture_on_commit_callbacks
):
    w = eworld
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = ask(w)
    assert _sent() == [
        ([w.buyer_es.email], "Giulia Bianchi asks to meet you at Textiles meet automotive")
    ]
    with django_capture_on_commit_callbacks(execute=True):
        m.meeting_accept(actor=w.buyer_es, meeting=meeting)
    assert _sent() == [([w.supplier_it.email], "Meeting accepted: Giulia Bianchi ↔ Lucía García")]
    other = ask(w, w.p_cz, w.p_sk)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        m.meeting_decline(actor=w.buyer_sk, meeting=other, reason="No budget.")
    assert _sent() == [([w.supplier_cz.email], "Meeting declined: Petr Novák ↔ Ján Kováč")]


def test_the_link_in_the_mail_leads_to_the_meeting(eworld, django_capture_on_commit_callbacks):
    w = eworld
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = ask(w)
    assert f"/events/{w.event.slug}/meetings/{meeting.pk}/" in mail.outbox[0].body


def test_both_sides_are_told_of_a_cancellation(eworld, django_capture_on_commit_callbacks):
    w = eworld
    meeting = ask(w, slot=slots(w)[0], accept=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        m.meeting_cancel(actor=w.organiser, meeting=meeting, reason="Room closed.")
    assert _sent() == [
        (
            sorted([w.supplier_it.email, w.buyer_es.email]),
            "Meeting cancelled: Giulia Bianchi ↔ Lucía García",
        )
    ]


def test_a_step_that_fails_sends_nothing(eworld, django_capture_on_commit_callbacks):
    w = eworld
    slot = slots(w)[1]
    # The Italian asks the Slovak buyer for a slot, then takes another meeting at that time.
    pending = ask(w, w.p_it, w.p_sk, slot=slot)
    ask(w, slot=slot, accept=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(DomainError):
            m.meeting_accept(actor=w.buyer_sk, meeting=pending)
    assert callbacks == [] and mail.outbox == []


def test_organisers_are_told_of_a_registration_and_the_participant_of_the_decision(
    eworld, django_capture_on_commit_callbacks
):
    w = eworld
    w.organiser.email = "chiara@xtex.example"
    w.organiser.save()
    from clusterloom.directory.tests.factories import OrganisationFactory, country

    organisation = OrganisationFactory(name="Filati Biellesi", country=country("IT"))
    user = member(organisation, "newcomer", "Marco", "Verdi")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        participant = services.registration_submit(actor=user, event=w.event, data={})
    assert _sent() == [
        (["chiara@xtex.example"], "New registration to approve: Marco Verdi (Filati Biellesi)")
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_review(actor=w.organiser, participant=participant, decision="approve")
    assert _sent() == [([user.email], "Your registration for Textiles meet automotive: approved")]


def test_every_participant_is_told_when_the_schedule_is_published(
    eworld, django_capture_on_commit_callbacks
):
    try:
        from clusterloom.events import scheduling
    except ImportError:
        pytest.skip("events/scheduler.py, which scheduling.py imports, is not there yet")
    w = eworld
    ask(w, slot=slots(w)[0], accept=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert scheduling.schedule_publish(actor=w.organiser, event=w.event) == 1
    assert f"/events/{w.event.slug}/agenda/" in mail.outbox[0].body
    sent = _sent()
    assert sorted(to[0] for to, _subject in sent) == sorted(
        u.email for u in (w.supplier_it, w.supplier_cz, w.buyer_es, w.buyer_sk)
    )
    assert {subject for _to, subject in sent} == {
        "Your agenda for Textiles meet automotive is ready"
    }


# -- reminders -----------------------------------------------------------------------------------


def _at(monkeypatch, moment):
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_a_request_about_to_expire_is_reminded_once(eworld, monkeypatch):
    w = eworld
    meeting = ask(w)
    ask(w, w.p_cz, w.p_sk)  # expires in three days: not yet
    Meeting.objects.filter(pk=meeting.pk).update(
        expires_at=timezone.now() + datetime.timedelta(hours=12)
    )
    mail.outbox.clear()
    assert reminders_send() == 1
    assert _sent() == [
        (
            [w.buyer_es.email],
            "A meeting request waits for your answer: Giulia Bianchi ↔ Lucía García",
        )
    ]
    assert reminders_send() == 0 and mail.outbox == []


def test_tomorrows_meetings_are_reminded_once_to_both_even_after_a_request_reminder(
    eworld, monkeypatch
):
    w = eworld
    slot = slots(w)[0]
    meeting = ask(w, slot=slot)
    Meeting.objects.filter(pk=meeting.pk).update(
        expires_at=timezone.now() + datetime.timedelta(hours=12)
    )
    assert reminders_send() == 1  # the request
    m.meeting_accept(actor=w.buyer_es, meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(published=True)
    mail.outbox.clear()
    _at(monkeypatch, slot.starts_at - datetime.timedelta(hours=20))
    assert reminders_send() == 2
    assert _sent() == [
        (
            sorted([w.supplier_it.email, w.buyer_es.email]),
            "Tomorrow at Textiles meet automotive: Giulia Bianchi ↔ Lucía García",
        )
    ]
    assert reminders_send() == 0
