"""The ClusterXchange API: visitor registrations and hosting offers, per role and with bad
input; eligibility errors list every failing rule."""

import datetime
import json

import pytest
from django.test import Client

from clusterloom.directory.tests.factories import UserFactory
from clusterloom.exchanges import services
from clusterloom.exchanges.models import ExchangeApplication, HostingOffer
from clusterloom.matching.strength import match_strength, strength_label

from .api_support import (
    ROLES,
    api_application,
    api_offer,
    bearer,
    expect,
    hosting_offer,
    matrix,
    send,
    submitted_application,
    user_of,
    validate_pair,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def validated(xworld):
    """A validated Italian visitor and a validated Spanish offer, not yet matched."""
    return validate_pair(xworld)


# -- visitor registrations ---------------------------------------------------------------------


def test_application_list_per_role(matched):
    w = matched
    other = submitted_application(w)
    url = f"/api/exchanges/calls/{w.call.slug}/applications"
    client = Client()
    seen = {}
    for role in ROLES:
        response = send(client, "get", url, user=user_of(w, role))
        seen[role] = (
            response.status_code
            if response.status_code != 200
            else sorted(a["id"] for a in response.json())
        )
    everyone = sorted([w.application.pk, other.pk])
    assert seen == {
        "anonymous": 401,
        "stranger": [],
        "visitor": [w.application.pk],
        "host": [],
        "coordinator": everyone,
        "other_coordinator": [],
        "admin": everyone,
    }
    mine = send(client, "get", url, user=w.visitor_it).json()[0]
    assert mine["exchange"] == w.exchange.pk and mine["status"] == "validated"
    assert mine["organisation"]["slug"] == "tessitura-pratese"
    assert mine["is_sme"] is True and mine["is_member"] is True
    submitted = send(client, "get", f"{url}?status=submitted", user=w.coordinator).json()
    assert [a["id"] for a in submitted] == [other.pk]


def test_register_as_visitor_per_role(xworld):
    w = xworld
    bodies = matrix(
        w,
        "post",
        f"/api/exchanges/calls/{w.call.slug}/applications",
        expect(
            # The stranger's organisation is in no cluster; the admin acts for no organisation.
            {"visitor": 201, "host": 201, "stranger": 400, "admin": 400},
            forbidden=("coordinator", "other_coordinator"),
        ),
        body=api_application(),
    )
    created = bodies["visitor"]
    assert created["status"] == "submitted" and created["exchange"] is None
    assert created["organisation"]["slug"] == "tessitura-pratese"
    assert created["languages"] == ["en", "it"]
    assert created["preferred_start"] == "2027-02-01"
    assert bodies["host"]["organisation"]["slug"] == "caar"
    assert bodies["stranger"]["failures"][0]["rule"] == "visitor_not_cluster_member"
    assert bodies["admin"]["field"] == "organisation"


def test_ineligible_visitor_gets_every_failing_rule(xworld):
    w = xworld
    response = send(
        Client(),
        "post",
        f"/api/exchanges/calls/{w.call.slug}/applications",
        api_application(),
        w.host_pt,
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "field", "failures"}
    assert body["field"] == "organisation"
    rules = [f["rule"] for f in body["failures"]]
    assert "visitor_kind_host_only" in rules
    for failure in body["failures"]:
        assert set(failure) == {"rule", "field", "message"} and failure["message"]
        assert failure["message"] in body["detail"]
    assert not ExchangeApplication.objects.filter(organisation=w.large_pt).exists()


def test_register_with_dates_in_the_wrong_order_or_outside_the_call(xworld):
    w = xworld
    url = f"/api/exchanges/calls/{w.call.slug}/applications"
    client = Client()
    wrong_order = send(
        client, "post", url, api_application(preferred_end="2027-01-20"), w.visitor_it
    )
    assert wrong_order.status_code == 400 and wrong_order.json()["field"] == "preferred_end"
    outside = send(
        client,
        "post",
        url,
        api_application(preferred_start="2028-01-10", preferred_end="2028-01-14"),
        w.visitor_it,
    )
    assert outside.status_code == 400 and outside.json()["field"] == "preferred_start"
    malformed = send(client, "post", url, api_application(preferred_end="soon"), w.visitor_it)
    assert malformed.status_code == 422
    missing = send(client, "post", url, api_application(goals=" "), w.visitor_it)
    assert missing.status_code == 400 and missing.json()["field"] == "goals"
    assert not ExchangeApplication.objects.exists()


def test_closed_call_takes_no_registration(xworld):
    w = xworld
    services.call_status_set(actor=w.coordinator, call=w.call, status="closed")
    response = send(
        Client(),
        "post",
        f"/api/exchanges/calls/{w.call.slug}/applications",
        api_application(),
        w.visitor_it,
    )
    assert response.status_code in (400, 403)
    assert not ExchangeApplication.objects.exists()


def test_application_detail_per_role(matched):
    w = matched
    bodies = matrix(
        w,
        "get",
        f"/api/exchanges/applications/{w.application.pk}",
        expect(
            {"visitor": 200, "coordinator": 200, "admin": 200},
            hidden=("stranger", "host", "other_coordinator"),
        ),
    )
    assert bodies["visitor"]["call"] == {"slug": w.call.slug, "title": "First call"}
    assert bodies["visitor"]["member_of"] is None
    assert Client().get("/api/exchanges/applications/x", headers=bearer(w.admin)).status_code == 422


def test_review_application_per_role(xworld):
    w = xworld
    application = submitted_application(w)
    url = f"/api/exchanges/applications/{application.pk}/review"
    bodies = matrix(
        w,
        "post",
        url,
        expect(
            {"coordinator": 200, "admin": 200},
            hidden=("stranger", "host", "other_coordinator"),
            forbidden=("visitor",),
        ),
        body={"decision": "validate"},
        users={"visitor": w.visitor_cz},
    )
    assert bodies["coordinator"]["status"] == "validated"
    assert bodies["coordinator"]["is_member"] is False  # a Czech SME outside the partnership
    no_note = send(Client(), "post", url, {"decision": "reject"}, w.coordinator)
    assert no_note.status_code == 400 and no_note.json()["field"] == "note"
    unknown = send(Client(), "post", url, {"decision": "maybe"}, w.coordinator)
    assert unknown.status_code == 400 and unknown.json()["field"] == "decision"
    application.refresh_from_db()
    assert application.status == "submitted"


def test_patch_and_withdraw_application_per_role(xworld):
    w = xworld
    application = submitted_application(w)
    url = f"/api/exchanges/applications/{application.pk}"
    roles = expect(
        {"visitor": 200, "admin": 200},
        hidden=("stranger", "host", "other_coordinator"),
        forbidden=("coordinator",),
    )
    patched = matrix(
        w, "patch", url, roles, body={"goals": "New goals."}, users={"visitor": w.visitor_cz}
    )
    assert patched["visitor"]["goals"] == "New goals."
    assert patched["visitor"]["seeks"] == application.seeks  # left out: unchanged
    withdrawn = matrix(w, "post", f"{url}/withdraw", roles, users={"visitor": w.visitor_cz})
    assert withdrawn["visitor"]["status"] == "withdrawn"


def test_withdraw_refused_while_an_exchange_is_under_way(matched):
    w = matched
    response = send(
        Client(), "post", f"/api/exchanges/applications/{w.application.pk}/withdraw", None, w.admin
    )
    assert response.status_code == 400 and response.json()["field"] == "status"


def test_host_suggestions_are_explained(validated):
    w = validated
    portuguese = hosting_offer(w, user=w.host_pt, organisation=w.large_pt)
    hosting_offer(w, user=w.visitor_it, organisation=w.sme_it)  # the visitor's own, in its country
    url = f"/api/exchanges/applications/{w.application.pk}/suggestions?k=5"
    bodies = matrix(
        w,
        "get",
        url,
        expect(
            {"visitor": 200, "coordinator": 200, "admin": 200},
            hidden=("stranger", "host", "other_coordinator"),
        ),
    )
    results = bodies["visitor"]["results"]
    assert {r["offer"]["id"] for r in results} == {w.offer.pk, portuguese.pk}
    assert results[0]["score"] >= results[-1]["score"] > 0
    assert set(results[0]["explanation"]) == {
        "shared_terms",
        "complementary",
        "matched_words",
        "snippet",
        "components",
    }
    assert results[0]["offer"]["places_left"] == 2
    assert all(r["strength"] == match_strength(r["score"]) != "" for r in results)
    assert all(r["strength_label"] == strength_label(r["score"]) for r in results)
    bad = send(Client(), "get", url.replace("k=5", "k=0"), user=w.visitor_it)
    assert bad.status_code == 400 and bad.json()["field"] == "k"


# -- hosting offers ------------------------------------------------------------------------------


def test_offer_catalogue_per_role_and_filters(xworld):
    w = xworld
    spanish = hosting_offer(w)
    portuguese = hosting_offer(w, user=w.host_pt, organisation=w.large_pt, validate=False)
    client = Client()
    seen = {}
    for role in ROLES:
        response = send(client, "get", "/api/exchanges/offers", user=user_of(w, role))
        seen[role] = response.status_code
        if response.status_code == 200:
            assert [o["id"] for o in response.json()] == [spanish.pk], role
    assert seen == {role: (401 if role == "anonymous" else 200) for role in ROLES}
    offer = send(client, "get", "/api/exchanges/offers", user=w.stranger).json()[0]
    assert offer["places_left"] == 2 and offer["partnership"]["slug"] == "xtex"
    assert offer["organisation"]["country"] == "ES" and offer["status"] == "validated"

    def ids(query, user=w.stranger):
        return [
            o["id"] for o in send(client, "get", f"/api/exchanges/offers?{query}", user=user).json()
        ]

    assert ids("q=seat production") == [spanish.pk]
    assert ids("q=aragón") == [spanish.pk]
    assert ids("q=aerospace") == []
    assert ids("country=es") == [spanish.pk] and ids("country=PT") == []
    # Submitted offers: their host and the partnership's coordinators, on asking.
    assert ids("status=submitted", w.host_pt) == [portuguese.pk]
    assert ids("status=submitted", w.coordinator) == [portuguese.pk]
    assert ids("status=submitted", w.stranger) == []
    bad = send(client, "get", "/api/exchanges/offers?status=maybe", user=w.stranger)
    assert bad.status_code == 400 and bad.json()["field"] == "status"


def test_create_offer_per_role(xworld):
    w = xworld
    bodies = matrix(
        w,
        "post",
        "/api/exchanges/offers",
        expect(
            # Members (stranger, visitor) and cluster managers may host; the admin acts for no
            # organisation; coordinators without one may not.
            {"stranger": 201, "visitor": 201, "host": 201, "admin": 400},
            forbidden=("coordinator", "other_coordinator"),
        ),
        body=api_offer(terms=["sectoral:automotive"]),
    )
    created = bodies["host"]
    assert created["status"] == "submitted" and created["organisation"]["slug"] == "caar"
    assert created["terms"] == ["sectoral:automotive"] and created["languages"] == ["en", "es"]
    assert bodies["admin"]["field"] == "organisation"


@pytest.mark.parametrize(
    "change, status, field",
    [
        ({"capacity": 0}, 400, "capacity"),
        ({"available_until": "2026-11-30"}, 400, "available_until"),
        ({"terms": ["sectoral:unicorns"]}, 400, "terms"),
        ({"title": ""}, 400, "title"),
        ({"capacity": "many"}, 422, "capacity"),
        ({"available_from": "tomorrow"}, 422, "available_from"),
        ({"partnership": "nope"}, 404, None),
    ],
)
def test_create_offer_bad_input(xworld, change, status, field):
    body = api_offer(**change)
    response = send(Client(), "post", "/api/exchanges/offers", body, xworld.host_es)
    assert response.status_code == status, response.content
    if status == 400:
        assert response.json()["field"] == field
    elif status == 422:
        assert field in json.dumps(response.json()["detail"])
    assert not HostingOffer.objects.exists()


def test_host_outside_cosme_is_ineligible(xworld):
    w = xworld
    manager = UserFactory(username="carolina")
    w.us_org.managers.add(manager)
    response = send(Client(), "post", "/api/exchanges/offers", api_offer(), manager)
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "organisation"
    assert body["failures"] == [
        {"rule": "host_country_not_cosme", "field": "organisation", "message": body["detail"]}
    ]
    assert not HostingOffer.objects.exists()


def test_offer_detail_per_role(xworld):
    w = xworld
    submitted = hosting_offer(w, validate=False)
    matrix(
        w,
        "get",
        f"/api/exchanges/offers/{submitted.pk}",
        expect(
            {"host": 200, "coordinator": 200, "admin": 200},
            hidden=("stranger", "visitor", "other_coordinator"),
        ),
    )
    services.hosting_offer_review(actor=w.coordinator, offer=submitted, decision="validate")
    matrix(
        w,
        "get",
        f"/api/exchanges/offers/{submitted.pk}",
        expect({role: 200 for role in ROLES if role != "anonymous"}),
    )


def test_patch_offer_per_role(xworld):
    w = xworld
    offer = hosting_offer(w)
    url = f"/api/exchanges/offers/{offer.pk}"
    bodies = matrix(
        w,
        "patch",
        url,
        expect(
            {"host": 200, "admin": 200},
            forbidden=("stranger", "visitor", "coordinator", "other_coordinator"),
        ),
        body={"capacity": 3, "terms": ["sectoral:automotive"]},
    )
    assert bodies["host"]["capacity"] == 3 and bodies["host"]["places_left"] == 3
    assert bodies["host"]["title"] == offer.title
    wrong = send(Client(), "patch", url, {"available_until": "2026-01-01"}, w.host_es)
    assert wrong.status_code == 400 and wrong.json()["field"] == "available_until"
    offer.refresh_from_db()
    assert offer.available_until == datetime.date(2027, 6, 30)


def test_patch_offer_below_the_visitors_matched(matched):
    w = matched
    response = send(
        Client(), "patch", f"/api/exchanges/offers/{w.offer.pk}", {"capacity": 0}, w.host_es
    )
    assert response.status_code == 400 and response.json()["field"] == "capacity"


def test_review_offer_per_role(xworld):
    w = xworld
    offer = hosting_offer(w, validate=False)
    bodies = matrix(
        w,
        "post",
        f"/api/exchanges/offers/{offer.pk}/review",
        expect(
            {"coordinator": 200, "admin": 200},
            hidden=("stranger", "visitor", "other_coordinator"),
            forbidden=("host",),
        ),
        body={"decision": "reject", "note": "Say more about the visits."},
    )
    assert bodies["coordinator"]["status"] == "rejected"
    assert bodies["coordinator"]["review_note"] == "Say more about the visits."


def test_withdraw_offer_per_role(xworld):
    w = xworld
    offer = hosting_offer(w)
    bodies = matrix(
        w,
        "post",
        f"/api/exchanges/offers/{offer.pk}/withdraw",
        expect(
            {"host": 200, "admin": 200},
            forbidden=("stranger", "visitor", "coordinator", "other_coordinator"),
        ),
    )
    assert bodies["host"]["status"] == "withdrawn"


def test_a_cluster_registering_as_a_member_of_itself_is_refused(xworld):
    w = xworld
    url = f"/api/exchanges/calls/{w.call.slug}/applications"
    own = api_application(organisation=w.es_cluster.organisation.pk, member_of=w.es_cluster.pk)
    response = send(Client(), "post", url, own, w.host_es)
    assert response.status_code == 400 and response.json() == {
        "detail": "Clúster de Automoción de Aragón cannot be a member of its own cluster.",
        "field": "member_of",
    }
    assert not ExchangeApplication.objects.exists()
