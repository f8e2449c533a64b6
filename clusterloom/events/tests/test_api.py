"""The matchmaking-events API: events per role, setting one up (sessions, tables, groups, rules)
with bad input refused naming the field, CSRF on session writes, the OpenAPI schema."""

import json

import pytest
from django.test import Client

from clusterloom.events import services
from clusterloom.events.models import EventSession, MatchmakingEvent
from clusterloom.tests.support import session_writes_need_csrf

from .conftest import ROLES, bearer, expect, matrix, send, user_of

pytestmark = pytest.mark.django_db

EVENT = {
    "partnership": "xtex",
    "title": "Autumn matchmaking",
    "kind": "c2c",
    "format": "hybrid",
    "venue": "Brno",
    "time_zone": "Europe/Prague",
    "registration_opens": "2026-11-01",
    "registration_closes": "2027-01-31",
    "max_meetings": 8,
    "request_mode": "automatic",
    "request_expiry_hours": 48,
}


def _draft(w):
    return services.event_create(
        actor=w.organiser,
        partnership=w.partnership,
        data={
            "title": "Next year",
            "registration_opens": "2027-06-01",
            "registration_closes": "2027-07-01",
        },
    )


# -- reading events ----------------------------------------------------------------------------


def test_event_list_shows_drafts_to_their_organisers_only(eworld):
    w = eworld
    _draft(w)
    client = Client()
    for role in ROLES:
        response = send(client, "get", "/api/events", user=user_of(w, role))
        assert response.status_code == 200
        titles = sorted(e["title"] for e in response.json())
        sees_draft = role in ("organiser", "admin")
        expected = (
            ["Next year", "Textiles meet automotive"]
            if sees_draft
            else ["Textiles meet automotive"]
        )
        assert titles == expected, role
    first = send(client, "get", "/api/events").json()[0]
    assert first["partnership"] == {"slug": "xtex", "acronym": "XTEX"}
    assert first["starts_at"] == "2027-03-10T09:00:00+01:00"
    drafts = send(client, "get", "/api/events?status=draft", user=w.organiser).json()
    assert [e["title"] for e in drafts] == ["Next year"]
    assert send(client, "get", "/api/events?partnership=other").json() == []
    bad = send(client, "get", "/api/events?status=pending")
    assert bad.status_code == 400 and bad.json()["field"] == "status"


def test_event_detail_has_sessions_slots_tables_groups_rules_and_schedule(eworld):
    w = eworld
    body = Client().get(f"/api/events/{w.event.slug}").json()
    assert (body["title"], body["status"], body["kind"]) == (
        "Textiles meet automotive",
        "open",
        "b2b",
    )
    morning, afternoon = body["sessions"]
    assert morning["name"] == "Morning" and morning["starts_at"] == "2027-03-10T09:00:00+01:00"
    assert [s["starts_at"][11:16] for s in morning["slots"]] == [
        "09:00",
        "09:25",
        "09:50",
        "10:15",
        "10:40",
        "11:05",
        "11:30",
    ]
    assert len(afternoon["slots"]) == 4 and afternoon["slot_minutes"] == 25
    assert body["tables"] == 3 and body["participants"] == 4
    assert [g["name"] for g in body["groups"]] == ["Buyers", "Suppliers"]
    assert {body["rules"][0]["group_a"]["name"], body["rules"][0]["group_b"]["name"]} == {
        "Buyers",
        "Suppliers",
    }
    # The public sees whether the schedule is out, not the organisers' figures.
    assert body["schedule"] == {"published": False, "max_breaks": None, "state": None}
    assert body["registration"] is None
    mine = send(Client(), "get", f"/api/events/{w.event.slug}", user=w.supplier_it).json()
    assert mine["registration"] == {"id": w.p_it.pk, "status": "approved"}
    organiser = send(Client(), "get", f"/api/events/{w.event.slug}", user=w.organiser).json()
    assert organiser["schedule"] == {"published": False, "max_breaks": None, "state": {}}


def test_draft_event_detail_per_role(eworld):
    w = eworld
    draft = _draft(w)
    matrix(
        w,
        "get",
        f"/api/events/{draft.slug}",
        expect(
            {"organiser": 200, "admin": 200},
            hidden=("stranger", "requester", "invitee", "third", "other_coordinator"),
            anonymous=404,
        ),
    )
    assert Client().get("/api/events/nope").status_code == 404


# -- setting an event up -----------------------------------------------------------------------


def test_create_event_per_role(eworld):
    bodies = matrix(
        eworld,
        "post",
        "/api/events",
        expect(
            {"organiser": 201, "admin": 201},
            forbidden=("stranger", "requester", "invitee", "third", "other_coordinator"),
        ),
        body=EVENT,
    )
    created = bodies["organiser"]
    assert created["slug"] == "xtex-autumn-matchmaking" and created["status"] == "draft"
    assert (created["kind"], created["format"], created["request_mode"]) == (
        "c2c",
        "hybrid",
        "automatic",
    )
    assert created["time_zone"] == "Europe/Prague" and created["sessions"] == []


@pytest.mark.parametrize(
    "change, field",
    [
        ({"registration_closes": "2026-10-01"}, "registration_closes"),
        ({"time_zone": "Europe/Atlantis"}, "time_zone"),
        ({"time_zone": "Europe"}, "time_zone"),
        ({"kind": "b2c"}, "kind"),
        ({"max_meetings": 0}, "max_meetings"),
        ({"title": " "}, "title"),
    ],
)
def test_create_event_refuses_bad_settings_naming_the_field(eworld, change, field):
    response = send(Client(), "post", "/api/events", {**EVENT, **change}, eworld.organiser)
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert not MatchmakingEvent.objects.filter(title="Autumn matchmaking").exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"registration_opens": "soon"}, "registration_opens"),
        ({"max_meetings": "many"}, "max_meetings"),
    ],
)
def test_create_event_malformed_is_422_naming_the_field(eworld, change, field):
    response = send(Client(), "post", "/api/events", {**EVENT, **change}, eworld.organiser)
    assert response.status_code == 422
    assert field in json.dumps(response.json()["detail"])


def test_create_event_for_an_unknown_partnership_or_not_json(eworld):
    client = Client()
    unknown = send(client, "post", "/api/events", {**EVENT, "partnership": "x"}, eworld.admin)
    assert unknown.status_code == 404
    garbage = client.post(
        "/api/events", "{oops", content_type="application/json", headers=bearer(eworld.organiser)
    )
    assert 400 <= garbage.status_code < 500
    assert MatchmakingEvent.objects.count() == 1


def test_patch_and_status_per_role(eworld):
    w = eworld
    url = f"/api/events/{w.event.slug}"
    forbidden = ("stranger", "requester", "invitee", "third", "other_coordinator")
    bodies = matrix(
        w,
        "patch",
        url,
        expect({"organiser": 200, "admin": 200}, forbidden=forbidden),
        body={"venue": "Florence", "max_meetings": 10},
    )
    assert bodies["organiser"]["venue"] == "Florence" and bodies["organiser"]["max_meetings"] == 10
    assert bodies["organiser"]["title"] == "Textiles meet automotive"  # left out: unchanged
    bodies = matrix(
        w,
        "post",
        f"{url}/status",
        expect({"organiser": 200, "admin": 200}, forbidden=forbidden),
        body={"status": "closed"},
    )
    assert bodies["admin"]["status"] == "closed"
    # Back to draft with registrations: refused, naming the field.
    draft = send(Client(), "post", f"{url}/status", {"status": "draft"}, w.organiser)
    assert draft.status_code == 400 and draft.json()["field"] == "status"
    wrong = send(Client(), "patch", url, {"registration_closes": "2020-01-01"}, w.organiser)
    assert wrong.status_code == 400 and wrong.json()["field"] == "registration_closes"
    held = send(Client(), "post", f"{url}/held", {"held": True}, w.organiser)
    assert held.status_code == 400 and held.json()["field"] == "held"
    assert "once it has taken place" in held.json()["detail"]


def test_add_a_session_and_refuse_overlaps(eworld):
    w = eworld
    url = f"/api/events/{w.event.slug}/sessions"
    session = {
        "name": "Evening",
        "starts_at": "2027-03-10T17:00",
        "ends_at": "2027-03-10T18:00",
        "slot_minutes": 15,
        "break_minutes": 5,
    }
    bodies = matrix(
        w,
        "post",
        url,
        expect(
            {"organiser": 201, "admin": 201},
            forbidden=("stranger", "requester", "invitee", "third", "other_coordinator"),
        ),
        body=session,
    )
    created = bodies["organiser"]
    assert [s["starts_at"] for s in created["slots"]] == [
        "2027-03-10T17:00:00+01:00",
        "2027-03-10T17:20:00+01:00",
        "2027-03-10T17:40:00+01:00",
    ]
    # A time with an offset is taken as given: 08:00 UTC is 09:00 in Rome.
    clash = send(
        Client(),
        "post",
        url,
        {**session, "starts_at": "2027-03-10T08:30:00Z", "ends_at": "2027-03-10T09:30:00Z"},
        w.organiser,
    )
    assert clash.status_code == 400 and clash.json()["field"] == "starts_at"
    assert "Morning" in clash.json()["detail"]
    short = send(Client(), "post", url, {**session, "ends_at": "2027-03-10T17:10"}, w.organiser)
    assert short.status_code == 400 and short.json()["field"] == "ends_at"
    assert EventSession.objects.count() == 2


def test_tables_groups_and_rules(eworld):
    w = eworld
    url = f"/api/events/{w.event.slug}"
    organiser = w.organiser
    tables = send(
        Client(),
        "put",
        f"{url}/tables",
        {"count": 4, "link_template": "https://meet.example.org/xtex-{n}"},
        organiser,
    )
    assert tables.status_code == 200
    assert tables.json()["count"] == 4
    assert tables.json()["tables"][3] == {
        "number": 4,
        "name": "",
        "link": "https://meet.example.org/xtex-4",
    }
    zero = send(Client(), "put", f"{url}/tables", {"count": 0}, organiser)
    assert zero.status_code == 400 and zero.json()["field"] == "tables"
    refused = send(Client(), "put", f"{url}/tables", {"count": 9}, w.supplier_it)
    assert refused.status_code == 403
    group = send(Client(), "post", f"{url}/groups", {"name": "Clusters"}, organiser)
    assert group.status_code == 201 and group.json()["name"] == "Clusters"
    rules = send(
        Client(), "post", f"{url}/rules", {"group_a": "clusters", "group_b": w.buyers.pk}, organiser
    )
    assert rules.status_code == 200 and len(rules.json()) == 2
    unknown = send(
        Client(), "post", f"{url}/rules", {"group_a": "Clusters", "group_b": "Sellers"}, organiser
    )
    assert unknown.status_code == 400 and unknown.json()["field"] == "group_b"
    off = send(
        Client(),
        "post",
        f"{url}/rules",
        {"group_a": "Clusters", "group_b": "Buyers", "allowed": False},
        organiser,
    )
    assert len(off.json()) == 1
    assert send(Client(), "post", f"{url}/groups", {"name": "X"}, w.buyer_es).status_code == 403
    assert (
        send(
            Client(), "post", f"{url}/rules", {"group_a": 1, "group_b": 2}, w.other_coordinator
        ).status_code
        == 403
    )


# -- sessions and CSRF (the schema: tests/test_openapi.py) ----------------------------------------


def test_session_writes_need_the_csrf_token(eworld):
    w = eworld
    assert w.event.status == "open"
    url = f"/api/events/{w.event.slug}"
    listed, done = session_writes_need_csrf(
        w.organiser, f"{url}/status", {"status": "closed"}, w.event, read=f"{url}/meetings"
    )
    assert listed == [] and done["status"] == "closed"
