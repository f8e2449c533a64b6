"""The ClusterXchange API: calls per role, a whole exchange walked through the API with API
tokens, progress toward the targets, CSRF on session writes, the OpenAPI schema."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from clusterloom.core.models import AuditEntry
from clusterloom.exchanges import services
from clusterloom.exchanges.models import ExchangeCall
from clusterloom.tests.support import session_writes_need_csrf

from .api_support import (
    AFTER_THE_VISIT,
    PDF,
    ROLES,
    api_application,
    api_offer,
    bearer,
    commit,
    expect,
    matrix,
    report,
    send,
    upload,
    user_of,
    validate_report,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def validated_report(matched, settings, tmp_path):
    """An exchange whose closing report the visitor's partnership validated."""
    settings.MEDIA_ROOT = tmp_path
    return validate_report(report(commit(matched)))


# -- calls -------------------------------------------------------------------------------------


def _draft_call(w):
    return services.call_create(
        actor=w.coordinator,
        partnership=w.partnership,
        data={
            "title": "Second call",
            "opens_on": "2027-01-01",
            "closes_on": "2027-02-01",
            "exchanges_from": "2027-03-01",
            "exchanges_until": "2027-09-30",
            "default_daily_rate": "100",
        },
    )


def test_call_list_shows_drafts_to_their_coordinators_only(xworld):
    w = xworld
    _draft_call(w)
    client = Client()
    for role in ROLES:
        user = user_of(w, role)
        response = send(client, "get", "/api/exchanges/calls", user=user)
        assert response.status_code == 200
        titles = [c["title"] for c in response.json()]
        sees_draft = role in ("coordinator", "admin")
        assert titles == (["Second call", "First call"] if sees_draft else ["First call"]), role
    first = send(client, "get", "/api/exchanges/calls").json()[0]
    assert first["partnership"] == {"slug": "xtex", "acronym": "XTEX"}
    assert first["status"] == "open" and first["exchanges_from"] == "2026-12-01"
    drafts = send(client, "get", "/api/exchanges/calls?status=draft", user=w.coordinator)
    assert [c["title"] for c in drafts.json()] == ["Second call"]
    bad = send(client, "get", "/api/exchanges/calls?status=pending")
    assert bad.status_code == 400 and bad.json()["field"] == "status"


def test_call_detail_has_funding_rules_targets_and_progress(matched):
    w = matched
    body = Client().get(f"/api/exchanges/calls/{w.call.slug}").json()
    assert body["title"] == "First call"
    assert body["daily_rates"] == {"CZ": "110.00", "ES": "130.00", "IT": "140.00", "PT": "120.00"}
    assert body["default_daily_rate"] == "100.00"
    assert body["travel_bands_are_default"] is True
    assert body["travel_bands"][1] == {"min_km": 10, "max_km": 100, "amount": "23"}
    assert body["travel_bands"][-1]["max_km"] is None
    # The call's share of the partnership's targets, by default all of them.
    assert (body["target_exchanges"], body["target_sme"], body["target_non_member"]) == (59, 30, 17)
    progress = {row["code"]: row for row in body["progress"]}
    assert progress["exchanges"] == {
        "code": "exchanges",
        "label": progress["exchanges"]["label"],
        "target": 59,
        "done": 0,
        "under_way": 1,
    }
    assert progress["exchanges_sme"]["under_way"] == 1


def test_draft_call_detail_per_role(xworld):
    w = xworld
    draft = _draft_call(w)
    matrix(
        w,
        "get",
        f"/api/exchanges/calls/{draft.slug}",
        expect(
            {"coordinator": 200, "admin": 200},
            hidden=("stranger", "visitor", "host", "other_coordinator"),
            anonymous=404,
        ),
    )
    assert Client().get(f"/api/exchanges/calls/{w.call.slug}").status_code == 200
    assert Client().get("/api/exchanges/calls/nope").status_code == 404


CALL = {
    "partnership": "xtex",
    "title": "Spring call",
    "opens_on": "2026-11-01",
    "closes_on": "2027-01-31",
    "exchanges_from": "2027-02-01",
    "exchanges_until": "2027-07-31",
    "budget": "20000",
    "target_exchanges": 10,
    "target_sme": 4,
    "daily_rates": {"es": 130, "IT": "140.50"},
    "travel_bands": [
        {"min_km": 0, "max_km": 500, "amount": 100},
        {"min_km": 500, "amount": "300"},
    ],
    "target_non_member": 3,
    "cap_per_organisation": 1100,
}


def test_create_call_per_role(xworld):
    bodies = matrix(
        xworld,
        "post",
        "/api/exchanges/calls",
        expect(
            {"coordinator": 201, "admin": 201},
            forbidden=("stranger", "visitor", "host", "other_coordinator"),
        ),
        body=CALL,
    )
    created = bodies["coordinator"]
    assert created["slug"] == "xtex-spring-call" and created["status"] == "draft"
    assert created["daily_rates"] == {"ES": "130.00", "IT": "140.50"}
    assert created["travel_bands"] == [
        {"min_km": 0, "max_km": 500, "amount": "100"},
        {"min_km": 500, "max_km": None, "amount": "300"},
    ]
    assert created["travel_bands_are_default"] is False
    assert (created["target_exchanges"], created["target_sme"]) == (10, 4)
    assert created["cap_per_organisation"] == "1100.00"


def test_unknown_fields_are_ignored_as_elsewhere_in_the_api(xworld):
    body = {**CALL, "colour": "blue", "status": "open", "slug": "mine"}
    response = send(Client(), "post", "/api/exchanges/calls", body, xworld.coordinator)
    assert response.status_code == 201
    assert response.json()["status"] == "draft" and response.json()["slug"] == "xtex-spring-call"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"closes_on": "2026-10-01"}, "closes_on"),
        ({"exchanges_until": "2027-01-01"}, "exchanges_until"),
        ({"daily_rates": {"XX": 100}}, "daily_rates"),
        ({"daily_rates": {"IT": -5}}, "daily_rates"),
        ({"daily_rates": {}, "default_daily_rate": None}, "daily_rates"),
        ({"target_sme": 11}, "target_sme"),
        ({"budget": "-1"}, "budget"),
        ({"title": "  "}, "title"),
        ({"travel_bands": [{"min_km": 100, "amount": 5}]}, "travel_bands"),
    ],
)
def test_create_call_refuses_bad_rules_naming_the_field(xworld, change, field):
    response = send(
        Client(), "post", "/api/exchanges/calls", {**CALL, **change}, xworld.coordinator
    )
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert not ExchangeCall.objects.filter(title="Spring call").exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"opens_on": "soon"}, "opens_on"),
        ({"target_exchanges": "many"}, "target_exchanges"),
        ({"daily_rates": {"IT": "a lot"}}, "daily_rates"),
        ({"travel_bands": [{"max_km": 5}]}, "travel_bands"),
    ],
)
def test_create_call_malformed_is_422_naming_the_field(xworld, change, field):
    response = send(
        Client(), "post", "/api/exchanges/calls", {**CALL, **change}, xworld.coordinator
    )
    assert response.status_code == 422
    assert field in json.dumps(response.json()["detail"])
    assert not ExchangeCall.objects.filter(title="Spring call").exists()


def test_create_call_for_unknown_partnership_or_not_json(xworld):
    client = Client()
    unknown = send(
        client, "post", "/api/exchanges/calls", {**CALL, "partnership": "x"}, xworld.admin
    )
    assert unknown.status_code == 404
    garbage = client.post(
        "/api/exchanges/calls",
        "{oops",
        content_type="application/json",
        headers=bearer(xworld.coordinator),
    )
    assert 400 <= garbage.status_code < 500
    assert ExchangeCall.objects.count() == 1


def test_patch_call_per_role(xworld):
    w = xworld
    bodies = matrix(
        w,
        "patch",
        f"/api/exchanges/calls/{w.call.slug}",
        expect(
            {"coordinator": 200, "admin": 200},
            forbidden=("stranger", "visitor", "host", "other_coordinator"),
        ),
        body={"budget": 60000, "default_daily_rate": None},
    )
    assert bodies["coordinator"]["budget"] == "60000.00"
    assert bodies["coordinator"]["default_daily_rate"] is None
    assert bodies["coordinator"]["title"] == "First call"  # left out: unchanged


def test_patch_call_dates_in_the_wrong_order_change_nothing(xworld):
    w = xworld
    response = send(
        Client(),
        "patch",
        f"/api/exchanges/calls/{w.call.slug}",
        {"budget": 1, "exchanges_from": "2027-12-01"},
        w.coordinator,
    )
    assert response.status_code == 400 and response.json()["field"] == "exchanges_until"
    w.call.refresh_from_db()
    assert w.call.budget == 50000 and w.call.exchanges_from == datetime.date(2026, 12, 1)
    required = send(
        Client(), "patch", f"/api/exchanges/calls/{w.call.slug}", {"opens_on": None}, w.coordinator
    )
    assert required.status_code == 400 and required.json()["field"] == "opens_on"


def test_call_status_per_role(xworld):
    w = xworld
    url = f"/api/exchanges/calls/{w.call.slug}/status"
    bodies = matrix(
        w,
        "post",
        url,
        expect(
            {"coordinator": 200, "admin": 200},
            forbidden=("stranger", "visitor", "host", "other_coordinator"),
        ),
        body={"status": "closed"},
    )
    assert bodies["admin"]["status"] == "closed"
    bad = send(Client(), "post", url, {"status": "paused"}, w.coordinator)
    assert bad.status_code == 400 and bad.json()["field"] == "status"


def test_partnership_progress_is_public_for_a_published_partnership(validated_report):
    w = validated_report
    url = "/api/partnerships/xtex/exchange-progress"
    body = Client().get(url).json()
    rows = {row["code"]: row for row in body}
    assert set(rows) == {"exchanges", "exchanges_sme", "exchanges_non_member"}
    assert {k: rows["exchanges"][k] for k in ("target", "done", "under_way")} == {
        "target": 59,
        "done": 1,
        "under_way": 0,
    }
    assert rows["exchanges_sme"]["done"] == 1 and rows["exchanges_non_member"]["done"] == 0
    w.partnership.is_published = False
    w.partnership.save()
    assert Client().get(url).status_code == 404
    assert Client().get(url, headers=bearer(w.coordinator)).status_code == 200
    assert Client().get("/api/partnerships/other/exchange-progress").json()[0]["done"] == 0


# -- the whole walk, with API tokens -------------------------------------------------------------


def test_whole_exchange_through_the_api(xworld, settings, tmp_path, monkeypatch):
    """Registration to payment: a new call, a host in another partnership, a visitor."""
    settings.MEDIA_ROOT = tmp_path
    w = xworld
    client = Client()
    coordinator, other_coordinator = bearer(w.coordinator), bearer(w.other_coordinator)
    visitor, host = bearer(w.visitor_it), bearer(w.host_es)

    def call(method, url, token, body=None, status=200):
        kwargs = {"headers": token}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        response = getattr(client, method)(f"/api{url}", **kwargs)
        assert response.status_code == status, (url, response.content)
        return response.json() if response.content else None

    created = call("post", "/exchanges/calls", coordinator, {**CALL, "target_sme": 2}, 201)
    slug = created["slug"]
    call("post", f"/exchanges/calls/{slug}/status", coordinator, {"status": "open"})
    # The Spanish cluster offers to host under the other partnership, which validates it.
    offer = call("post", "/exchanges/offers", host, api_offer(partnership="other"), 201)
    call(
        "post",
        f"/exchanges/offers/{offer['id']}/review",
        coordinator,
        {"decision": "validate"},
        404,
    )
    call(
        "post",
        f"/exchanges/offers/{offer['id']}/review",
        other_coordinator,
        {"decision": "validate"},
    )
    application = call(
        "post", f"/exchanges/calls/{slug}/applications", visitor, api_application(), 201
    )
    call(
        "post",
        f"/exchanges/applications/{application['id']}/review",
        coordinator,
        {"decision": "validate"},
    )
    suggestions = call("get", f"/exchanges/applications/{application['id']}/suggestions", visitor)[
        "results"
    ]
    assert suggestions[0]["offer"]["id"] == offer["id"]
    exchange = call(
        "post",
        "/exchanges/exchanges",
        visitor,
        {"application": application["id"], "offer": offer["id"], "origin": "suggestion"},
        201,
    )
    url = f"/exchanges/exchanges/{exchange['id']}"
    assert call("post", f"{url}/confirm", host)["status"] == "matched"
    drafted = call(
        "patch",
        f"{url}/commitment",
        visitor,
        {"objectives": "Learn how seats are made.", "agenda": "Mon-Fri: plants."},
    )
    assert drafted["grant"]["total"] and drafted["working_days"] == 5
    assert call("get", url, other_coordinator)["can_sign"] == ["host_partnership"]
    call("post", f"{url}/sign", visitor, {"role": "visitor"})
    call("post", f"{url}/sign", host, {"role": "host"})
    call("post", f"{url}/sign", coordinator, {"role": "visitor_partnership"})
    signed = call("post", f"{url}/sign", other_coordinator, {"role": "host_partnership"})
    assert signed["status"] == "committed"
    assert [s["role"] for s in signed["signatures"]] == [
        "visitor",
        "host",
        "visitor_partnership",
        "host_partnership",
    ]
    evidence = upload(client, exchange["id"], "boarding.pdf", PDF, w.visitor_it)
    assert evidence.status_code == 201
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: AFTER_THE_VISIT)
    call("post", f"{url}/report", visitor, {"report": "We visited three seat makers."})
    # The host's partnership does not validate: the visitor's does.
    call("post", f"{url}/validate", other_coordinator, {"approve": True}, 403)
    call("post", f"{url}/validate", coordinator, {"approve": True})
    paid = call("post", f"{url}/paid", coordinator, {"reference": "PAY-1"})
    assert paid["status"] == "paid"
    assert paid["payment"] == {"paid_on": AFTER_THE_VISIT.isoformat(), "reference": "PAY-1"}
    final = call("get", url, visitor)
    assert final["evidence"][0]["name"] == "boarding.pdf"
    assert not any("/" in str(v) for v in final["evidence"][0].values() if isinstance(v, str))
    assert final["grant"]["total"] == signed["grant"]["total"]
    assert final["host_partnership"]["slug"] == "other"
    progress = {
        row["code"]: row for row in call("get", f"/exchanges/calls/{slug}", None)["progress"]
    }
    assert progress["exchanges"]["done"] == 1 and progress["exchanges"]["target"] == 10
    assert progress["exchanges_sme"] == {**progress["exchanges_sme"], "done": 1, "target": 2}
    assert call("get", "/partnerships/xtex/exchange-progress", None)[0]["done"] == 1
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"exchanges.exchange_paid", "exchanges.evidence_added"} <= actions


# -- sessions and CSRF (the schema: tests/test_openapi.py) ---------------------------------------


def test_session_writes_need_the_csrf_token(xworld):
    w = xworld
    assert w.call.status == "open"
    listed, done = session_writes_need_csrf(
        w.coordinator,
        f"/api/exchanges/calls/{w.call.slug}/status",
        {"status": "closed"},
        w.call,
        read="/api/exchanges/exchanges",
    )
    assert listed == [] and done["status"] == "closed"
