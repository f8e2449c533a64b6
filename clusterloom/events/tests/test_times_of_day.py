"""A meeting's time of day (morning, afternoon, a session, a window) and the cap on anyone's
breaks: who may set them, what bad input says, and that the scheduler keeps to them."""

import pytest
from django.test import Client

from clusterloom.core.errors import DomainError, PermissionDenied
from clusterloom.core.models import AuditEntry
from clusterloom.events import meetings as m
from clusterloom.events import scheduling
from clusterloom.events.models import Meeting

from .conftest import ask, expect, matrix, send, slots

pytestmark = pytest.mark.django_db


def test_either_side_or_the_organisers_keep_a_meeting_to_the_afternoon(eworld):
    w = eworld
    meeting = ask(w, accept=True)
    day = slots(w)
    scheduling.meeting_times_set(actor=w.supplier_it, meeting=meeting, when="afternoon")
    assert set(meeting.allowed_slots.all()) == set(day[7:])  # 7 morning, 4 afternoon slots
    scheduling.meeting_times_set(actor=w.buyer_es, meeting=meeting, when="morning")
    assert set(meeting.allowed_slots.all()) == set(day[:7])
    session = day[0].session_id
    scheduling.meeting_times_set(
        actor=w.organiser, meeting=meeting, when="session", session=session
    )
    assert set(meeting.allowed_slots.all()) == set(day[:7])
    scheduling.meeting_times_set(
        actor=w.organiser, meeting=meeting, when="window", start=day[2].pk, end=day[4].pk
    )
    assert list(meeting.allowed_slots.order_by("starts_at")) == day[2:5]
    entry = AuditEntry.objects.filter(action="events.meeting_times_set").order_by("pk").last()
    assert entry.actor == w.organiser and entry.changes["slots"] == [s.pk for s in day[2:5]]
    scheduling.event_schedule(actor=w.organiser, event=w.event, time_limit=3)
    meeting.refresh_from_db()
    assert meeting.slot in day[2:5]
    scheduling.meeting_times_set(actor=w.supplier_it, meeting=meeting, when="any")
    assert not meeting.allowed_slots.exists()


def test_others_may_not_and_published_meetings_are_the_organisers(eworld):
    w = eworld
    meeting = ask(w, accept=True)
    for user in (w.supplier_cz, w.stranger, w.other_coordinator):
        with pytest.raises(PermissionDenied):
            scheduling.meeting_times_set(actor=user, meeting=meeting, when="morning")
    scheduling.event_schedule(actor=w.organiser, event=w.event, time_limit=3)
    scheduling.schedule_publish(actor=w.organiser, event=w.event)
    with pytest.raises(DomainError, match="Only the organisers"):
        scheduling.meeting_times_set(actor=w.supplier_it, meeting=meeting, when="morning")
    assert not meeting.allowed_slots.exists()
    scheduling.meeting_times_set(actor=w.organiser, meeting=meeting, when="morning")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"when": "tea time"}, "when", "is not one of: any, morning"),
        ({"when": "session", "session": 999999}, "session", "Choose one of the event's sessions"),
        ({"when": "session", "session": "²"}, "session", "Choose one of the event's sessions"),
        ({"when": "window", "start": None, "end": None}, "start", "Choose one of the event's"),
        ({"when": "window", "start": "late", "end": 1}, "start", "Choose one of the event's"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(eworld, data, field, message):
    w = eworld
    meeting = ask(w, accept=True)
    with pytest.raises(DomainError, match=message) as caught:
        scheduling.meeting_times_set(actor=w.organiser, meeting=meeting, **data)
    assert caught.value.field == field and not meeting.allowed_slots.exists()


def test_a_window_ending_before_it_starts_or_when_nobody_is_free(eworld):
    w = eworld
    meeting = ask(w, accept=True)
    day = slots(w)
    with pytest.raises(DomainError, match="must end after it starts") as caught:
        scheduling.meeting_times_set(
            actor=w.organiser, meeting=meeting, when="window", start=day[4].pk, end=day[2].pk
        )
    assert caught.value.field == "end"
    w.p_es.available_slots.remove(*day[7:])
    with pytest.raises(DomainError, match="Neither side is free then"):
        scheduling.meeting_times_set(actor=w.organiser, meeting=meeting, when="afternoon")
    assert not meeting.allowed_slots.exists()


def test_cancelled_meetings_keep_no_time_of_day(eworld):
    w = eworld
    meeting = ask(w, accept=True)
    m.meeting_cancel(actor=w.supplier_it, meeting=meeting, reason="Plans changed")
    with pytest.raises(DomainError) as caught:
        scheduling.meeting_times_set(actor=w.organiser, meeting=meeting, when="morning")
    assert caught.value.field == "status"


def test_the_cap_on_breaks_is_the_organisers_and_checked(eworld):
    w = eworld
    for user in (w.supplier_it, w.stranger, w.other_coordinator):
        with pytest.raises(PermissionDenied):
            scheduling.schedule_cap_set(actor=user, event=w.event, max_breaks=1)
    for bad in (-1, 21, "two", "²", True, 1.5):
        with pytest.raises(DomainError, match="from 0 to 20") as caught:
            scheduling.schedule_cap_set(actor=w.organiser, event=w.event, max_breaks=bad)
        assert caught.value.field == "max_breaks"
    w.event.refresh_from_db()
    assert w.event.max_breaks is None
    assert (
        scheduling.schedule_cap_set(actor=w.organiser, event=w.event, max_breaks=0).max_breaks == 0
    )
    assert (
        scheduling.schedule_cap_set(actor=w.organiser, event=w.event, max_breaks="2").max_breaks
        == 2
    )
    assert (
        scheduling.schedule_cap_set(actor=w.organiser, event=w.event, max_breaks="").max_breaks
        is None
    )
    entry = AuditEntry.objects.filter(action="events.schedule_cap_set").order_by("pk").last()
    assert entry.changes == {"max_breaks": [2, None]}


# -- through the API and the pages ----------------------------------------------------------------


def test_times_and_cap_through_the_api(eworld):
    w = eworld
    meeting = ask(w, accept=True)
    url = f"/api/events/{w.event.slug}/meetings/{meeting.pk}/times"
    bodies = matrix(
        w,
        "post",
        url,
        expect(
            {"requester": 200, "invitee": 200, "organiser": 200, "admin": 200},
            hidden=("stranger", "third", "other_coordinator"),
        ),
        body={"when": "afternoon"},
    )
    day = slots(w)
    assert bodies["organiser"]["slots"] == sorted(s.pk for s in day[7:])
    bad = send(Client(), "post", url, {"when": "window", "start": day[3].pk}, w.organiser)
    assert bad.status_code == 400 and "end" in str(bad.json())
    cap = f"/api/events/{w.event.slug}/schedule/cap"
    answers = matrix(
        w,
        "post",
        cap,
        expect(
            {"organiser": 200, "admin": 200},
            forbidden=("stranger", "requester", "invitee", "third", "other_coordinator"),
        ),
        body={"max_breaks": 1},
    )
    assert answers["organiser"] == {"max_breaks": 1}
    assert send(Client(), "post", cap, {"max_breaks": 99}, w.organiser).status_code == 400
    assert send(Client(), "post", cap, {"max_breaks": 1}, w.organiser).status_code == 200
    detail = send(Client(), "get", f"/api/events/{w.event.slug}", user=w.organiser).json()
    assert detail["schedule"]["max_breaks"] == 1


def test_times_and_cap_on_the_pages(eworld):
    w = eworld
    meeting = ask(w, accept=True)
    page = Client()
    page.force_login(w.supplier_it)
    detail = f"/events/{w.event.slug}/meetings/{meeting.pk}/"
    shown = page.get(detail)
    assert shown.status_code == 200 and b'id="times-form"' in shown.content
    day = slots(w)
    url = f"/events/{w.event.slug}/meetings/{meeting.pk}/times/"
    bad = page.post(url, {"when": "window", "start": day[5].pk, "end": day[1].pk})
    assert bad.status_code == 400 and "must end after it starts" in bad.content.decode()
    done = page.post(url, {"when": "window", "start": day[1].pk, "end": day[2].pk}, follow=True)
    assert done.status_code == 200 and b"only in these slots" in done.content
    assert list(Meeting.objects.get(pk=meeting.pk).allowed_slots.order_by("starts_at")) == day[1:3]
    third = Client()
    third.force_login(w.supplier_cz)
    assert third.post(url, {"when": "any"}).status_code in (403, 404)
    organiser = Client()
    organiser.force_login(w.organiser)
    cap = f"/events/{w.event.slug}/schedule/cap/"
    assert organiser.post(cap, {"max_breaks": "-3"}).status_code == 400
    organiser.post(cap, {"max_breaks": "1"})
    w.event.refresh_from_db()
    assert w.event.max_breaks == 1
    schedule = organiser.get(f"/events/{w.event.slug}/schedule/")
    assert b'id="cap-form"' in schedule.content
    assert page.post(cap, {"max_breaks": "0"}).status_code in (403, 404)
    w.event.refresh_from_db()
    assert w.event.max_breaks == 1
