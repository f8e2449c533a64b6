"""The matchmaking-events API: meeting requests and every step of a meeting per role, bad input
refused naming the field with nothing written, the organisers' figures, and a whole meeting
from registration to feedback with API tokens."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from clusterloom.events import meetings, services
from clusterloom.events.models import Booking, Meeting

from .conftest import ROLES, ask, bearer, expect, matrix, send, slots, user_of

pytestmark = pytest.mark.django_db

OUTSIDERS = ("third", "stranger", "other_coordinator")


def _url(w, tail=""):
    return f"/api/events/{w.event.slug}/meetings{tail}"


def test_request_per_role(eworld):
    w = eworld
    bodies = matrix(
        w,
        "post",
        _url(w),
        expect(
            {"requester": 201, "third": 201, "invitee": 400},
            # Only registered participants ask: organisers and admins are not registered here.
            forbidden=("stranger", "organiser", "other_coordinator", "admin"),
        ),
        body={"invitee": w.p_es.pk, "message": "Seat fabrics for your interiors?"},
    )
    created = bodies["requester"]
    assert created["status"] == "requested" and created["invitee"]["name"] == "Lucía García"
    assert created["requester"]["organisation"]["name"] == "Tessitura Pratese"
    assert created["message"] == "Seat fabrics for your interiors?" and created["slot"] is None
    assert bodies["invitee"]["field"] == "invitee"  # a meeting with oneself


def test_bad_requests_name_the_field_and_write_nothing(eworld):
    w = eworld
    client = Client()
    services.registration_update(
        actor=w.buyer_sk, participant=w.p_sk, data={"consent_public": False}
    )
    cases = [
        ({"invitee": 999999}, 404, "invitee"),
        ({"invitee": w.p_sk.pk}, 404, "invitee"),  # did not publish the profile
        ({"invitee": w.p_cz.pk}, 400, "invitee"),  # two suppliers may not meet
        ({"invitee": w.p_es.pk, "slot": 999999}, 400, "slot"),
        ({"invitee": w.p_es.pk, "message": "x" * 2001}, 400, "message"),
    ]
    for body, status, field in cases:
        response = send(client, "post", _url(w), body, w.supplier_it)
        assert (response.status_code, response.json().get("field")) == (status, field), body
    malformed = send(client, "post", _url(w), {"invitee": "Lucía"}, w.supplier_it)
    assert malformed.status_code == 422 and "invitee" in json.dumps(malformed.json())
    assert not Meeting.objects.exists()
    ask(w)
    twice = send(client, "post", _url(w), {"invitee": w.p_es.pk}, w.supplier_it)
    assert twice.status_code == 400 and twice.json()["field"] == "invitee"
    assert Meeting.objects.count() == 1


def test_a_reverse_request_through_the_api_is_a_mutual_meeting(eworld):
    w = eworld
    first = send(Client(), "post", _url(w), {"invitee": w.p_es.pk}, w.supplier_it).json()
    second = send(Client(), "post", _url(w), {"invitee": w.p_it.pk}, w.buyer_es)
    assert second.status_code == 201
    assert second.json()["id"] == first["id"]
    assert (second.json()["status"], second.json()["mutual"]) == ("accepted", True)
    assert second.json()["weight"] == 2.0


def test_a_proposed_slot_is_booked_when_accepted(eworld):
    w = eworld
    slot = slots(w)[3]
    asked = send(
        Client(), "post", _url(w), {"invitee": w.p_es.pk, "slot": slot.pk}, w.supplier_it
    ).json()
    assert asked["slot"] == {
        "id": slot.pk,
        "starts_at": "2027-03-10T10:15:00+01:00",
        "ends_at": "2027-03-10T10:35:00+01:00",
    }
    accepted = send(Client(), "post", _url(w, f"/{asked['id']}/accept"), user=w.buyer_es).json()
    assert accepted["status"] == "scheduled" and accepted["table"]["number"] == 1
    assert Booking.objects.filter(slot=slot).count() == 2


def test_meeting_list_and_detail_per_role(eworld):
    w = eworld
    meeting = ask(w)
    other = ask(w, w.p_cz, w.p_sk)
    seen = {}
    for role in ROLES:
        response = send(Client(), "get", _url(w), user=user_of(w, role))
        seen[role] = (
            response.status_code
            if response.status_code != 200
            else sorted(m["id"] for m in response.json())
        )
    assert seen == {
        "anonymous": 401,
        "stranger": [],
        "requester": [meeting.pk],
        "invitee": [meeting.pk],
        "third": [other.pk],
        "organiser": sorted([meeting.pk, other.pk]),
        "other_coordinator": [],
        "admin": sorted([meeting.pk, other.pk]),
    }
    meetings.meeting_decline(actor=w.buyer_sk, meeting=other)
    declined = send(Client(), "get", _url(w, "?status=declined"), user=w.organiser).json()
    assert [m["id"] for m in declined] == [other.pk]
    bad = send(Client(), "get", _url(w, "?status=maybe"), user=w.organiser)
    assert bad.status_code == 400 and bad.json()["field"] == "status"
    matrix(
        w,
        "get",
        _url(w, f"/{meeting.pk}"),
        expect(
            {"requester": 200, "invitee": 200, "organiser": 200, "admin": 200},
            hidden=OUTSIDERS,
        ),
    )


def test_accept_decline_cancel_per_role(eworld):
    w = eworld
    meeting = ask(w)
    answer = expect(
        {"invitee": 200, "admin": 200},
        forbidden=("requester", "organiser"),
        hidden=OUTSIDERS,
    )
    bodies = matrix(w, "post", _url(w, f"/{meeting.pk}/accept"), answer)
    assert bodies["invitee"]["status"] == "accepted"
    assert bodies["requester"]["detail"]
    bodies = matrix(
        w, "post", _url(w, f"/{meeting.pk}/decline"), answer, body={"reason": "Not now."}
    )
    assert bodies["invitee"]["decline_reason"] == "Not now."
    bodies = matrix(
        w,
        "post",
        _url(w, f"/{meeting.pk}/cancel"),
        expect(
            {"requester": 200, "invitee": 200, "organiser": 200, "admin": 200},
            hidden=OUTSIDERS,
        ),
        body={"reason": "Changed plans."},
    )
    assert bodies["organiser"]["status"] == "cancelled"
    # A step the state does not allow is a 400 naming the status.
    meetings.meeting_decline(actor=w.buyer_es, meeting=meeting)
    late = send(Client(), "post", _url(w, f"/{meeting.pk}/accept"), user=w.buyer_es)
    assert late.status_code == 400 and late.json()["field"] == "status"


def test_reschedule_lock_priority_attendance_per_role(eworld):
    w = eworld
    meeting = ask(w, slot=slots(w)[0], accept=True)
    sides = {"requester": 200, "invitee": 200, "organiser": 200, "admin": 200}
    bodies = matrix(
        w,
        "post",
        _url(w, f"/{meeting.pk}/reschedule"),
        expect(sides, hidden=OUTSIDERS),
        body={"slot": slots(w)[1].pk},
    )
    assert bodies["requester"]["slot"]["starts_at"] == "2027-03-10T09:25:00+01:00"
    organisers = expect(
        {"organiser": 200, "admin": 200}, forbidden=("requester", "invitee"), hidden=OUTSIDERS
    )
    bodies = matrix(w, "post", _url(w, f"/{meeting.pk}/lock"), organisers, body={"locked": True})
    assert bodies["organiser"]["locked"] is True
    bodies = matrix(w, "post", _url(w, f"/{meeting.pk}/priority"), organisers, body={"priority": 4})
    assert (bodies["organiser"]["priority"], bodies["organiser"]["weight"]) == (4, 5.0)
    bodies = matrix(
        w,
        "post",
        _url(w, f"/{meeting.pk}/attendance"),
        expect(sides, hidden=OUTSIDERS),
        body={"attendance": "held"},
    )
    assert bodies["invitee"]["attendance"] == "held"
    client = Client()
    for tail, body, field in (
        ("reschedule", {"slot": 999999}, "slot"),
        ("reschedule", {"slot": slots(w)[2].pk, "table": 99}, "table"),
        ("priority", {"priority": 99}, "priority"),
        ("attendance", {"attendance": "late"}, "attendance"),
    ):
        response = send(client, "post", _url(w, f"/{meeting.pk}/{tail}"), body, w.organiser)
        assert (response.status_code, response.json()["field"]) == (400, field), tail
    meeting.refresh_from_db()
    assert meeting.slot == slots(w)[0] and meeting.priority == 0


def test_feedback_per_role(eworld, monkeypatch):
    w = eworld
    meeting = ask(w, slot=slots(w)[0], accept=True)
    url = _url(w, f"/{meeting.pk}/feedback")
    body = {"stage": "after_event", "outcome": "cooperation_possible", "comment": "Samples sent."}
    early = send(Client(), "post", url, body, w.supplier_it)
    assert early.status_code == 400 and early.json()["field"] == "stage"
    after = meeting.slot.starts_at + datetime.timedelta(hours=3)
    monkeypatch.setattr(timezone, "now", lambda: after)
    bodies = matrix(
        w,
        "post",
        url,
        expect(
            {"requester": 201, "invitee": 201},
            forbidden=("organiser", "admin"),
            hidden=OUTSIDERS,
        ),
        body=body,
    )
    assert bodies["requester"] == {
        "participant": w.p_it.pk,
        "stage": "after_event",
        "outcome": "cooperation_possible",
        "comment": "Samples sent.",
    }
    wrong = send(Client(), "post", url, {**body, "outcome": "agreement"}, w.supplier_it)
    assert wrong.status_code == 400 and wrong.json()["field"] == "outcome"
    send(Client(), "post", url, body, w.supplier_it)
    send(Client(), "post", url, {**body, "outcome": "informative"}, w.buyer_es)
    # Each side sees its own answer; the organisers see both.
    mine = send(Client(), "get", _url(w, f"/{meeting.pk}"), user=w.supplier_it).json()
    assert [f["participant"] for f in mine["feedback"]] == [w.p_it.pk]
    everyone = send(Client(), "get", _url(w, f"/{meeting.pk}"), user=w.organiser).json()
    assert sorted(f["participant"] for f in everyone["feedback"]) == sorted([w.p_it.pk, w.p_es.pk])


def test_statistics_are_for_the_organisers(eworld):
    w = eworld
    meeting = ask(w, slot=slots(w)[0], accept=True)
    meetings.meeting_decline(actor=w.buyer_sk, meeting=ask(w, w.p_cz, w.p_sk))
    meetings.attendance_set(actor=w.organiser, meeting=meeting, attendance="held")
    bodies = matrix(
        w,
        "get",
        f"/api/events/{w.event.slug}/statistics",
        expect(
            {"organiser": 200, "admin": 200},
            forbidden=("requester", "invitee", "third", "stranger", "other_coordinator"),
        ),
    )
    stats = bodies["organiser"]
    assert (stats["registrations"], stats["approved"], stats["requests"]) == (4, 4, 2)
    assert (stats["accepted"], stats["declined"], stats["acceptance_rate"]) == (1, 1, 0.5)
    assert (stats["scheduled"], stats["held"]) == (1, 1)
    assert {c["label"] for c in stats["by_country"]} == {"Italy", "Czechia", "Spain", "Slovakia"}


# -- the whole walk with API tokens -------------------------------------------------------------


def test_a_meeting_from_registration_to_feedback_through_the_api(eworld, monkeypatch):
    w = eworld
    client = Client()
    stranger, organiser, supplier = bearer(w.stranger), bearer(w.organiser), bearer(w.supplier_it)
    base = f"/api/events/{w.event.slug}"

    def call(method, url, token, body=None, status=200):
        kwargs = {"headers": token}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        response = getattr(client, method)(f"{base}{url}", **kwargs)
        assert response.status_code == status, (url, response.content)
        return response.json() if response.content else None

    me = call(
        "post",
        "/participants",
        stranger,
        {
            "group": "Buyers",
            "consent_public": True,
            "profile": "We buy technical textiles for car seats.",
            "items": [{"kind": "request", "title": "Seat fabrics, flame-retardant"}],
        },
        201,
    )
    # Waiting for approval: one sees one's own registration, nobody else's.
    assert [p["id"] for p in call("get", "/participants", stranger)] == [me["id"]]
    call("post", f"/participants/{me['id']}/review", organiser, {"decision": "approve"})
    suggested = call("get", "/suggestions?k=5", stranger)["results"]
    assert suggested and all(r["participant"]["group"] == "Suppliers" for r in suggested)
    slot = slots(w)[5]
    asked = call(
        "post",
        "/meetings",
        stranger,
        {"invitee": w.p_it.pk, "message": "Samples?", "slot": slot.pk},
        201,
    )
    accepted = call("post", f"/meetings/{asked['id']}/accept", supplier)
    assert accepted["status"] == "scheduled" and accepted["slot"]["id"] == slot.pk
    both = [call("get", "/meetings", token) for token in (stranger, supplier)]
    assert [m["id"] for m in both[0]] == [m["id"] for m in both[1]] == [asked["id"]]
    call("post", f"/participants/{me['id']}/check-in", organiser)
    monkeypatch.setattr(timezone, "now", lambda: slot.ends_at + datetime.timedelta(hours=1))
    call("post", f"/meetings/{asked['id']}/attendance", organiser, {"attendance": "held"})
    call(
        "post",
        f"/meetings/{asked['id']}/feedback",
        stranger,
        {"stage": "after_event", "outcome": "cooperation_possible"},
        201,
    )
    stats = call("get", "/statistics", organiser)
    assert stats["held"] == 1 and stats["outcomes"][0]["count"] == 1


@pytest.mark.parametrize("answer", ["accept", "decline", "cancel"])
def test_each_answer_is_the_meeting_as_read_afresh(eworld, answer):
    """A request and its answer are built from the objects the change wrote (not read again):
    each must equal the meeting read afresh, for the side that asked and for the organiser."""
    w = eworld
    client = Client()
    slot = slots(w)[0]
    created = send(client, "post", _url(w), {"invitee": w.p_es.pk, "slot": slot.pk}, w.supplier_it)
    assert created.status_code == 201
    detail = _url(w, f"/{created.json()['id']}")
    assert created.json() == send(client, "get", detail, user=w.supplier_it).json()
    who = w.supplier_it if answer == "cancel" else w.buyer_es
    body = {"reason": "Not this time."} if answer != "accept" else None
    answered = send(client, "post", f"{detail}/{answer}", body, who)
    assert answered.status_code == 200
    assert answered.json()["status"] in ("scheduled", "declined", "cancelled")
    assert answered.json() == send(client, "get", detail, user=who).json()
    organiser_view = send(client, "get", detail, user=w.organiser).json()
    assert {k: v for k, v in organiser_view.items() if k != "feedback"} == {
        k: v for k, v in answered.json().items() if k != "feedback"
    }
