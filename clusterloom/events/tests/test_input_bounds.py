"""Work that grows with what a user sends is checked before it is done: a session spanning
centuries is refused at once, before a single slot is built."""

import time

import pytest
from django.test import Client

from clusterloom.events.models import EventSession, TimeSlot

from .conftest import send


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "field"),
    [
        ("0001-01-01T00:00", "2027-01-01T00:00", "starts_at"),  # 2.5 GB of slots before
        ("2027-01-01T00:00", "9999-12-31T23:00", "ends_at"),
        ("2027-01-01T00:00", "2028-01-01T00:00", "slot_minutes"),  # a year: 21,000 slots
    ],
)
def test_a_huge_session_is_refused_before_any_slot_is_built(eworld, starts_at, ends_at, field):
    w = eworld
    slots, sessions = TimeSlot.objects.count(), EventSession.objects.count()
    w.event.status = "draft"
    w.event.save()
    body = {"name": "Forever", "starts_at": starts_at, "ends_at": ends_at, "slot_minutes": 5}
    Client().get(f"/api/events/{w.event.slug}")  # the first request loads the URL conf
    started = time.process_time()
    response = send(Client(), "post", f"/api/events/{w.event.slug}/sessions", body, w.organiser)
    assert time.process_time() - started < 1
    assert response.status_code == 400 and response.json()["field"] == field
    assert (TimeSlot.objects.count(), EventSession.objects.count()) == (slots, sessions)


def test_exactly_the_slot_limit_is_accepted(eworld):
    from clusterloom.events.services import MAX_SLOTS_PER_SESSION, session_add

    w = eworld
    # 60 slots of 5 minutes with no break: 300 minutes.
    session = session_add(
        actor=w.organiser,
        event=w.event,
        data={
            "name": "Long",
            "starts_at": "2027-03-11T08:00",
            "ends_at": "2027-03-11T13:00",
            "slot_minutes": 5,
            "break_minutes": 0,
        },
    )
    assert session.slots.count() == MAX_SLOTS_PER_SESSION
