"""Feedback reminders: a day after a meeting, and when the second stage opens; each once."""

import datetime

import pytest

from clusterloom.events import meetings
from clusterloom.events.tasks import feedback_reminders_send

pytestmark = pytest.mark.django_db


def test_both_sides_are_asked_once_per_stage(eworld, mailoutbox):
    w = eworld
    slot = w.event.slots.order_by("starts_at").first()
    meeting = meetings.meeting_request(
        actor=w.buyer_es, requester=w.p_es, invitee=w.p_it, slot=slot.pk
    )
    meeting = meetings.meeting_accept(actor=w.supplier_it, meeting=meeting)
    assert meeting.status == "scheduled"
    before = slot.starts_at + datetime.timedelta(hours=2)
    assert feedback_reminders_send(now=before) == 0
    after = slot.starts_at + datetime.timedelta(days=2)
    assert feedback_reminders_send(now=after) == 2
    assert feedback_reminders_send(now=after) == 0  # once
    assert {a for m in mailoutbox for a in m.to} == {w.buyer_es.email, w.supplier_it.email}
    assert all("How was your meeting" in m.subject for m in mailoutbox)
    later = slot.starts_at + datetime.timedelta(days=152)
    assert feedback_reminders_send(now=later) == 2  # the second stage
    meeting.refresh_from_db()
    assert meeting.feedback_reminded == ["after_event", "six_months"]
