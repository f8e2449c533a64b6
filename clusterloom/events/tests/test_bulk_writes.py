"""core/bulk.py: many rows written or deleted in a few statements, with what Django's
bulk_update and delete would leave, on SQLite and PostgreSQL."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clusterloom.core import bulk
from clusterloom.events.models import Booking, Meeting

from .conftest import agreed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("joins", [True, False], ids=["joined update", "bulk_update fallback"])
def test_update_rows_writes_each_objects_values(eworld, monkeypatch, joins):
    monkeypatch.setattr(bulk, "_joins", lambda connection: joins)
    monkeypatch.setattr(bulk, "CHUNK", 3)  # two statements for four rows
    w = eworld
    meetings = agreed(w)
    slots, tables = list(w.event.slots.all()), list(w.event.tables.all())
    when = timezone.now() - datetime.timedelta(days=1)
    for n, meeting in enumerate(meetings):
        meeting.slot = slots[n % len(slots)] if n % 2 == 0 else None  # None is written too
        meeting.table = tables[0] if n % 2 == 0 else None
        meeting.status = "scheduled" if n % 2 == 0 else "unscheduled"
        meeting.updated_at = when
    assert bulk.update_rows(meetings, ["slot", "table", "status", "updated_at"]) == 4
    for meeting in meetings:
        row = Meeting.objects.get(pk=meeting.pk)
        assert (row.slot_id, row.table_id, row.status, row.updated_at) == (
            meeting.slot_id,
            meeting.table_id,
            meeting.status,
            when,
        )
    assert bulk.update_rows([], ["status"]) == 0


def test_update_rows_binds_every_value(eworld):
    """A value is data, never SQL: a status holding SQL is stored as written."""
    w = eworld
    meeting = agreed(w)[0]
    meeting.message = "x'); DROP TABLE events_meeting; --"
    bulk.update_rows([meeting], ["message"])
    assert Meeting.objects.get(pk=meeting.pk).message == meeting.message


def test_delete_rows_in_chunks_without_loading_them(eworld, monkeypatch):
    monkeypatch.setattr(bulk, "CHUNK", 2)
    w = eworld
    meetings = agreed(w)
    slot = w.event.slots.first()
    Booking.objects.bulk_create(
        [Booking(meeting=m, participant_id=m.requester_id, slot=slot) for m in meetings[:1]]
        + [Booking(meeting=m, participant_id=m.invitee_id, slot=slot) for m in meetings[3:]]
    )
    kept = Booking.objects.get(meeting=meetings[3])
    with CaptureQueriesContext(connection) as queries:
        assert bulk.delete_rows(Booking, "meeting", [m.pk for m in meetings[:3]]) == 1
    assert not any(q["sql"].startswith("SELECT") for q in queries.captured_queries)
    assert list(Booking.objects.all()) == [kept]


def test_delete_rows_lets_django_cascade_where_rows_point_here(eworld):
    """Meetings have bookings pointing at them: the collector deletes those too."""
    w = eworld
    meeting = agreed(w)[0]
    Booking.objects.create(
        meeting=meeting, participant_id=meeting.requester_id, slot=w.event.slots.first()
    )
    assert bulk.delete_rows(Meeting, "id", [meeting.pk]) == 2  # the meeting and its booking
    assert not Booking.objects.exists() and not Meeting.objects.filter(pk=meeting.pk).exists()
