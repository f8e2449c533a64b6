"""A participant's meetings as iCalendar, read back with the `icalendar` package: one VEVENT per
published meeting with a UID that never changes, a SEQUENCE that grows when the meeting moves,
and a cancelled meeting kept as CANCELLED so calendars remove it instead of keeping a ghost."""

import datetime

import pytest
from django.utils import timezone
from icalendar import Calendar

from clusterloom.events import meetings as m
from clusterloom.events import services
from clusterloom.events.calendar import meeting_uid, participant_calendar
from clusterloom.events.models import MatchmakingEvent, Meeting

from .conftest import ask, slots

pytestmark = pytest.mark.django_db


def _publish(w):
    """Publish what is scheduled, as the organisers' "publish" does."""
    Meeting.objects.filter(event=w.event, status="scheduled").update(published=True)
    MatchmakingEvent.objects.filter(pk=w.event.pk).update(schedule_published=True)


def _events(participant):
    calendar = Calendar.from_ical(participant_calendar(participant))
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def _later(monkeypatch, seconds):
    """Move the clock on, as between two changes a person makes."""
    moment = timezone.now() + datetime.timedelta(seconds=seconds)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_one_event_per_published_meeting_with_a_stable_uid(eworld):
    w = eworld
    first = ask(w, slot=slots(w)[0], accept=True)
    second = ask(w, w.p_it, w.p_sk, slot=slots(w)[1], accept=True)
    ask(w, w.p_cz, w.p_es)  # a request: not in anybody's calendar
    assert _events(w.p_it) == {}  # nothing published yet
    _publish(w)
    late = ask(w, w.p_cz, w.p_sk, slot=slots(w)[2], accept=True)  # scheduled, not published
    calendar = Calendar.from_ical(participant_calendar(w.p_it))
    assert str(calendar["x-wr-timezone"]) == "Europe/Rome"
    events = _events(w.p_it)
    assert set(events) == {meeting_uid(first), meeting_uid(second)}
    assert meeting_uid(first) == f"meeting-{first.pk}@127.0.0.1"
    one = events[meeting_uid(first)]
    assert str(one["summary"]) == "Lucía García (Interiores Zaragoza)"
    assert one.decoded("dtstart") == slots(w)[0].starts_at
    assert one.decoded("dtend") == slots(w)[0].ends_at
    assert str(one["location"]) == "Table 1, Prato, Museo del Tessuto"
    assert str(one["status"]) == "CONFIRMED"
    assert "url" not in one  # an on-site event has no meeting link
    assert "Let us meet." in str(one["description"])
    # The other side's calendar has the same meeting under the same UID.
    assert meeting_uid(first) in _events(w.p_es)
    assert meeting_uid(late) not in _events(w.p_cz)
    # Read twice, the same UIDs: a calendar that imports the file again updates, not duplicates.
    assert set(_events(w.p_it)) == set(events)


def test_a_moved_meeting_keeps_its_uid_and_gets_a_higher_sequence(eworld, monkeypatch):
    w = eworld
    meeting = ask(w, slot=slots(w)[0], accept=True)
    _publish(w)
    before = _events(w.p_it)[meeting_uid(meeting)]
    _later(monkeypatch, 90)
    m.meeting_reschedule(actor=w.organiser, meeting=meeting, slot=slots(w)[3], table=2)
    after = _events(w.p_it)[meeting_uid(meeting)]
    assert int(after["sequence"]) > int(before["sequence"])
    assert after.decoded("dtstart") == slots(w)[3].starts_at
    assert str(after["location"]).startswith("Table 2")
    assert len(_events(w.p_it)) == 1


def test_a_cancelled_published_meeting_stays_as_cancelled(eworld, monkeypatch):
    w = eworld
    meeting = ask(w, slot=slots(w)[0], accept=True)
    unpublished_then_cancelled = ask(w, w.p_cz, w.p_es, slot=slots(w)[1])
    _publish(w)
    before = _events(w.p_es)[meeting_uid(meeting)]
    _later(monkeypatch, 90)
    m.meeting_cancel(actor=w.buyer_es, meeting=meeting, reason="Ill.")
    m.meeting_cancel(actor=w.buyer_es, meeting=unpublished_then_cancelled)
    for participant in (w.p_it, w.p_es):
        events = _events(participant)
        assert set(events) == {meeting_uid(meeting)}
        cancelled = events[meeting_uid(meeting)]
        assert str(cancelled["status"]) == "CANCELLED"
        assert int(cancelled["sequence"]) > int(before["sequence"])
        # Calendar apps match a cancellation by UID and time: it keeps the meeting's own.
        assert cancelled.decoded("dtstart") == slots(w)[0].starts_at
        assert cancelled.decoded("dtend") == slots(w)[0].ends_at


def test_every_change_in_the_same_second_raises_the_sequence(eworld, monkeypatch):
    """Moved twice and cancelled within one second, the feed read after each change shows a
    higher SEQUENCE and the time it then had, so no calendar keeps a stale copy."""
    w = eworld
    frozen = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: frozen)
    meeting = ask(w, slot=slots(w)[0], accept=True)
    _publish(w)
    seen = [_events(w.p_it)[meeting_uid(meeting)]]
    for slot, table in ((slots(w)[2], 2), (slots(w)[4], 1)):
        m.meeting_reschedule(actor=w.organiser, meeting=meeting, slot=slot, table=table)
        now = _events(w.p_it)[meeting_uid(meeting)]
        assert now.decoded("dtstart") == slot.starts_at
        assert str(now["status"]) == "CONFIRMED"
        seen.append(now)
    m.meeting_cancel(actor=w.supplier_it, meeting=meeting, reason="Clash.")
    seen.append(_events(w.p_it)[meeting_uid(meeting)])
    assert str(seen[-1]["status"]) == "CANCELLED"
    assert seen[-1].decoded("dtstart") == slots(w)[4].starts_at
    sequences = [int(e["sequence"]) for e in seen]
    assert sequences == sorted(set(sequences)), sequences  # strictly increasing
    assert {str(e["dtstamp"]) for e in seen} and len({e["uid"] for e in seen}) == 1


def test_a_participant_who_leaves_cancels_with_the_time_kept(eworld):
    w = eworld
    meeting = ask(w, slot=slots(w)[1], accept=True)
    _publish(w)
    before = _events(w.p_es)[meeting_uid(meeting)]
    m.cancel_all_of(actor=w.organiser, participant=w.p_it, reason="Left the event.")
    after = _events(w.p_es)[meeting_uid(meeting)]
    assert str(after["status"]) == "CANCELLED"
    assert after.decoded("dtstart") == slots(w)[1].starts_at
    assert int(after["sequence"]) > int(before["sequence"])


def test_virtual_meetings_carry_their_link(eworld):
    w = eworld
    services.event_update(actor=w.organiser, event=w.event, data={"format": "virtual"})
    services.tables_set(
        actor=w.organiser, event=w.event, count=3, link_template="https://meet.example.org/r{n}"
    )
    # Rooms made before the template keep no link: the participants' own link is used.
    services.registration_update(
        actor=w.supplier_it, participant=w.p_it, data={"meeting_link": "https://video.example/gb"}
    )
    services.tables_set(actor=w.organiser, event=w.event, count=1)
    services.tables_set(
        actor=w.organiser, event=w.event, count=2, link_template="https://meet.example.org/r{n}"
    )
    ask(w, slot=slots(w)[0], accept=True)  # room 1: no link of its own
    ask(w, w.p_cz, w.p_sk, slot=slots(w)[0], accept=True)  # room 2
    _publish(w)
    for_es = next(iter(_events(w.p_es).values()))
    assert str(for_es["url"]) == "https://video.example/gb"
    for_sk = next(iter(_events(w.p_sk).values()))
    assert str(for_sk["url"]) == "https://meet.example.org/r2"
    assert "https://meet.example.org/r2" in str(for_sk["description"])
