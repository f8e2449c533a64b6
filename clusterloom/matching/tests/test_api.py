"""The matching API: search, suggestions, partner requests; per role and with bad input."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusterloom.core.models import ApiToken
from clusterloom.matching.models import PartnerInterest, PartnerRequest
from clusterloom.matching.strength import match_strength, strength_label

from .conftest import ROLES

pytestmark = pytest.mark.django_db

NEED = "technical textiles for car interiors"


def _search(client, **body):
    return client.post("/api/match/search", body, content_type="application/json")


def _token(user) -> dict:
    _token, raw = ApiToken.issue(user, "test")
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize("role", ROLES)
def test_search_is_public_and_explained(as_role, role):
    response = _search(as_role(role), text=NEED, k=5)
    assert response.status_code == 200
    results = response.json()["results"]
    assert 1 <= len(results) <= 5
    first = results[0]
    assert set(first["organisation"]) == {"id", "slug", "name", "country", "kind"}
    assert set(first["explanation"]) == {
        "shared_terms",
        "complementary",
        "matched_words",
        "snippet",
        "components",
    }
    assert first["score"] >= results[-1]["score"]
    # A search's score ranks for one need: it has no strength in words (suggestions do).
    assert first["strength"] == "" and first["strength_label"] == ""
    assert any("textiles" in r["explanation"]["matched_words"] for r in results)
    slugs = [r["organisation"]["slug"] for r in results]
    assert "turismo" not in slugs


def test_search_filters(client, world):
    body = {"text": NEED, "country": "CZ", "other_country_only": True, "kinds": ["sme"], "k": 20}
    results = _search(client, **body).json()["results"]
    assert results
    assert all(r["organisation"]["country"] != "CZ" for r in results)
    assert all(r["organisation"]["kind"] == "sme" for r in results)
    excluded = _search(client, text=NEED, exclude=[world.finisher_it.pk]).json()["results"]
    assert world.finisher_it.pk not in [r["organisation"]["id"] for r in excluded]


def test_search_by_terms_reports_shared_terms(client, world):
    results = _search(client, terms=["sectoral:plastics"]).json()["results"]
    assert results[0]["organisation"]["slug"] == "recyklacia"
    assert results[0]["explanation"]["shared_terms"] == [
        {"term": "sectoral:plastics", "name": "Plastics"}
    ]


def test_token_user_does_not_get_their_own_organisation(client, roles):
    response = client.post(
        "/api/match/search",
        {"text": NEED},
        content_type="application/json",
        headers=_token(roles.member),
    )
    assert "lt-textilie" not in [r["organisation"]["slug"] for r in response.json()["results"]]


@pytest.mark.parametrize(
    "body, field, words",
    [
        ({"text": ""}, "text", "Describe what you are looking for"),
        ({}, "text", "Describe what you are looking for"),
        ({"text": "the of and"}, "text", "no words"),
        ({"text": NEED, "kinds": ["spaceship"]}, "kinds", "spaceship"),
        ({"text": NEED, "country": "XX"}, "country", "XX"),
        ({"text": NEED, "terms": ["sectoral:nope"]}, "terms", "sectoral:nope"),
        ({"text": NEED, "terms": ["automotive"]}, "terms", "vocabulary:slug"),
        ({"text": NEED, "other_country_only": True}, "country", "country"),
        ({"text": NEED, "k": 0}, "k", "between 1 and 100"),
        ({"text": NEED, "k": 101}, "k", "between 1 and 100"),
    ],
)
def test_bad_search_is_a_400_naming_the_field(client, world, body, field, words):
    response = _search(client, **body)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert words in response.json()["detail"]


@pytest.mark.parametrize(
    "body", [{"text": NEED, "k": "many"}, {"text": ["a"]}, {"text": NEED, "exclude": ["x"]}]
)
def test_malformed_search_is_a_422(client, world, body):
    assert _search(client, **body).status_code == 422


def test_search_that_is_not_json_is_refused(client, world):
    response = client.post("/api/match/search", "{oops", content_type="application/json")
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("role", ["anonymous", "member", "admin"])
def test_suggestions(as_role, world, role):
    client = as_role(role)
    response = client.get(f"/api/organisations/{world.textile_cz.pk}/suggestions?k=3")
    assert response.status_code == 200
    results = response.json()["results"]
    assert 1 <= len(results) <= 3
    assert all(r["organisation"]["country"] != "CZ" for r in results)
    assert "caar" in [r["organisation"]["slug"] for r in results]
    assert "their_offers_fit_your_requests" in results[0]["explanation"]["components"]
    # Suggestions are reciprocal fits: their strength reads in words, as in whom to meet.
    for r in results:
        assert r["strength"] == match_strength(r["score"]) != ""
        assert r["strength_label"] == strength_label(r["score"])


def test_suggestions_errors(client, world):
    missing = client.get("/api/organisations/987654/suggestions")
    assert missing.status_code == 404 and "987654" in missing.json()["detail"]
    bad_k = client.get(f"/api/organisations/{world.textile_cz.pk}/suggestions?k=1000")
    assert bad_k.status_code == 400 and bad_k.json()["field"] == "k"
    assert client.get("/api/organisations/x/suggestions").status_code == 422


def test_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/match/search",
        "/api/organisations/{organisation_id}/suggestions",
        "/api/partner-requests",
        "/api/partner-requests/{request_id}/interest",
    ):
        assert path in paths


REQUEST = {
    "title": "Seat fabrics wanted",
    "sought": "Technical textiles for car seat covers.",
    "terms": ["sectoral:textile-manufacturing"],
}


@pytest.mark.parametrize(
    "role, status",
    [("plain", 403), ("member", 403), ("manager", 201), ("coordinator", 201), ("admin", 201)],
)
def test_create_request_per_role(client, roles, world, role, status):
    response = client.post(
        "/api/partner-requests",
        {**REQUEST, "organisation": world.automotive_es.pk},
        content_type="application/json",
        headers=_token(getattr(roles, role)),
    )
    assert response.status_code == status, response.content
    if status == 201:
        assert response.json()["organisation"]["slug"] == "caar"
        assert response.json()["terms"] == ["sectoral:textile-manufacturing"]


def test_create_request_needs_authentication(client, world):
    response = client.post(
        "/api/partner-requests",
        {**REQUEST, "organisation": world.automotive_es.pk},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert not PartnerRequest.objects.exists()


def test_create_request_bad_input(client, roles, world):
    headers = _token(roles.manager)

    def post(**body):
        data = {**REQUEST, "organisation": world.automotive_es.pk, **body}
        return client.post(
            "/api/partner-requests", data, content_type="application/json", headers=headers
        )

    assert post(title="").json()["field"] == "title"
    assert post(terms=["sectoral:nope"]).json()["field"] == "terms"
    assert post(deadline="2001-01-01").json()["field"] == "deadline"
    assert post(organisation=987654).status_code == 404
    assert post(deadline="soon").status_code == 422
    long = post(sought="x" * 100_000)
    assert long.status_code == 400 and long.json() == {
        "detail": "Too long: 5,000 characters at most.",
        "field": "sought",
    }
    assert not PartnerRequest.objects.exists()


def _posted(client, roles, world, **extra) -> int:
    response = client.post(
        "/api/partner-requests",
        {**REQUEST, "organisation": world.automotive_es.pk, **extra},
        content_type="application/json",
        headers=_token(roles.manager),
    )
    return response.json()["id"]


def test_public_and_members_only_requests(client, roles, world):
    public = _posted(client, roles, world)
    hidden = _posted(client, roles, world, title="Hidden", is_public=False)
    listed = [r["id"] for r in client.get("/api/partner-requests").json()]
    assert public in listed and hidden not in listed
    assert client.get(f"/api/partner-requests/{hidden}").status_code == 404
    member = _token(roles.member)
    assert client.get(f"/api/partner-requests/{hidden}", headers=member).status_code == 200
    matches = client.get(f"/api/partner-requests/{public}/matches?k=5").json()["results"]
    assert "lt-textilie" in [m["organisation"]["slug"] for m in matches]


def test_express_interest_once_and_the_poster_is_mailed(
    client, roles, world, django_capture_on_commit_callbacks
):
    roles.manager.email = "manager@caar.example.org"
    roles.manager.save()
    request_id = _posted(client, roles, world)
    member = _token(roles.member)
    url = f"/api/partner-requests/{request_id}/interest"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"message": "We make seat fabrics."},
            content_type="application/json",
            headers=member,
        )
    assert response.status_code == 201
    assert [m.to for m in mail.outbox] == [["manager@caar.example.org"]]
    again = client.post(url, {"message": "Again"}, content_type="application/json", headers=member)
    assert again.status_code == 400 and "already" in again.json()["detail"]
    own = client.post(
        url, {"message": "Me"}, content_type="application/json", headers=_token(roles.manager)
    )
    assert own.status_code == 400 and "own request" in own.json()["detail"]
    plain = client.post(
        url, {"message": "Hi"}, content_type="application/json", headers=_token(roles.plain)
    )
    assert plain.status_code == 403
    anonymous = client.post(url, {"message": "Hi"}, content_type="application/json")
    assert anonymous.status_code == 401
    empty = client.post(
        url, {"message": " "}, content_type="application/json", headers=_token(roles.coordinator)
    )
    assert empty.status_code == 400 and empty.json()["field"] == "message"
    assert PartnerInterest.objects.count() == 1
    assert len(mail.outbox) == 1


def test_close_and_follow(client, roles, world):
    request_id = _posted(client, roles, world)
    url = f"/api/partner-requests/{request_id}"
    member = _token(roles.member)
    assert client.post(f"{url}/follow", headers=member).json() == {"following": True}
    assert client.delete(f"{url}/follow", headers=member).json() == {"following": False}
    assert client.post(f"{url}/close", headers=member).status_code == 403
    closed = client.post(f"{url}/close", headers=_token(roles.manager))
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert client.post(f"{url}/close", headers=_token(roles.admin)).status_code == 400
    late = client.post(
        f"{url}/interest", {"message": "Hi"}, content_type="application/json", headers=member
    )
    assert late.status_code == 400 and "closed" in late.json()["detail"]


def test_a_follow_reads_each_row_once(client, roles, world):
    """The token's user comes with their member profile (which the rule asks for), and the
    follow reads the request's own row only: token, request, is-following, the add's own
    look-up, insert, audit entry, the page cache's counters (savepoint and commit aside)."""
    request_id = _posted(client, roles, world)
    member = _token(roles.member)
    url = f"/api/partner-requests/{request_id}/follow"
    with CaptureQueriesContext(connection) as captured:
        assert client.post(url, headers=member).json() == {"following": True}
    sql = [q["sql"] for q in captured.captured_queries]
    sql = [q for q in sql if not q.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(sql) == 7, sql
    assert not any('FROM "directory_person"' in q for q in sql), sql
    assert not any('JOIN "directory_organisation"' in q for q in sql[1:]), sql


def test_patch_request_by_poster_only(client, roles, world):
    request_id = _posted(client, roles, world)
    url = f"/api/partner-requests/{request_id}"
    body = {"title": "New title"}
    denied = client.patch(url, body, content_type="application/json", headers=_token(roles.member))
    assert denied.status_code == 403
    done = client.patch(url, body, content_type="application/json", headers=_token(roles.manager))
    assert done.status_code == 200 and done.json()["title"] == "New title"
    assert done.json()["terms"] == ["sectoral:textile-manufacturing"]  # not sent: unchanged
