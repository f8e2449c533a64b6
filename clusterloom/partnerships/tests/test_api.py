"""The partnerships API: shapes a client relies on, writes, and the errors it gets."""

import pytest
from django.test import Client

from clusterloom.core.models import ApiToken, AuditEntry
from clusterloom.partnerships.models import Partnership, Target

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _token, raw = ApiToken.issue(user, "test")
    return {"Authorization": f"Bearer {raw}"}


def test_list_has_the_published_partnerships(client, seeds):
    response = client.get("/api/partnerships")
    assert response.status_code == 200
    rows = {row["acronym"]: row for row in response.json()}
    assert set(rows) == {"EXTRATEX", "Hi-Tech-TEX"}
    assert rows["EXTRATEX"]["countries"] == ["CZ", "ES", "IT", "SK"]
    assert rows["EXTRATEX"]["stated_partner_count"] == 6
    assert rows["EXTRATEX"]["listed_partner_count"] == 4
    assert rows["EXTRATEX"]["start_date"] == "2020-02-03"
    response = client.get("/api/partnerships", {"q": "hi-tech"})
    assert [row["acronym"] for row in response.json()] == ["Hi-Tech-TEX"]


def test_profile_shape(client, seeds):
    response = client.get("/api/partnerships/extratex")
    assert response.status_code == 200
    body = response.json()
    assert body["acronym"] == "EXTRATEX"
    assert body["stated_partner_count"] == 6 and body["listed_partner_count"] == 4
    assert body["planned_exchanges"] == 59 and body["duration_months"] == 24
    assert body["actions"][0] == "Developing 6 individual clusters strategies"
    assert body["results_expected"] == ["trigger technological or business synergies"]
    assert body["emerging_industries"] == ["Experience industries"]
    assert body["target_groups"].startswith("Cluster organisations")
    partners = body["partners"]
    assert [p["country"] for p in partners] == ["ES", "SK", "CZ", "IT"]
    aecim = partners[0]
    assert aecim == {
        "name": "AECIM",
        "organisation_slug": seeds.aecim.slug,
        "country": "ES",
        "country_name": aecim["country_name"],
        "region": aecim["region"],
        "region_code": "ES30",
        "members": 190,
        "smes": 170,
        "role": "coordinator",
        "sectors": ["Automotive", "Metalworking Technology"],
        "technology_fields": ["Moulding, injection moulding, sintering"],
        "emerging_industries": [],
        "value_chain": [
            {
                "category": "Manufacturing & Industry",
                "name": "Basic metals & of fabricated metals products",
            }
        ],
    }
    assert "Madrid" in aecim["region"]
    assert partners[2]["region_code"] == "CZ05" and partners[2]["region"] == "Severovýchod"
    targets = {t["code"]: t for t in body["targets"]}
    assert targets["exchanges"] == {
        "code": "exchanges",
        "label": "ClusterXchange visits",
        "value": 59,
        "status": "proposed",
    }
    assert targets["exchanges_sme"]["status"] == "confirmed"


def test_unknown_or_unpublished_slug_is_404(client, seeds):
    assert client.get("/api/partnerships/nope").status_code == 404
    seeds.hitech.is_published = False
    seeds.hitech.save()
    response = client.get("/api/partnerships/hi-tech-tex")
    assert response.status_code == 404
    assert response.json()["detail"] == "No such partnership."
    assert [r["acronym"] for r in client.get("/api/partnerships").json()] == ["EXTRATEX"]


def test_coordinator_sees_own_unpublished_partnership_by_token_and_session(roles, seeds):
    seeds.hitech.is_published = False
    seeds.hitech.save()
    client = Client()
    headers = bearer(roles.other_coordinator)
    assert client.get("/api/partnerships/hi-tech-tex", headers=headers).status_code == 200
    listed = [r["acronym"] for r in client.get("/api/partnerships", headers=headers).json()]
    assert listed == ["EXTRATEX", "Hi-Tech-TEX"]
    client.force_login(roles.other_coordinator)
    assert client.get("/api/partnerships/hi-tech-tex").status_code == 200
    # A coordinator of another partnership does not.
    assert (
        Client().get("/api/partnerships/hi-tech-tex", headers=bearer(roles.coordinator)).status_code
        == 404
    )


def test_admin_creates_a_partnership(client, roles, seeds):
    response = client.post(
        "/api/partnerships",
        {"acronym": "CLOTH", "title": "Cluster Textile Hub", "start_date": "2021-03-01"},
        content_type="application/json",
        headers=bearer(roles.admin),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "cloth" and body["partners"] == [] and body["targets"] == []
    assert Partnership.objects.get(slug="cloth").title == "Cluster Textile Hub"
    assert AuditEntry.objects.filter(action="partnership.created", actor=roles.admin).exists()


def test_create_errors_say_what_is_wrong(client, roles, seeds):
    headers = bearer(roles.admin)
    response = client.post(
        "/api/partnerships",
        {"acronym": "extratex", "title": "Duplicate"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Another partnership has this acronym.",
        "field": "acronym",
    }
    response = client.post(
        "/api/partnerships",
        {"title": "No acronym"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422


def test_coordinator_patches_the_profile(client, roles, seeds):
    response = client.patch(
        "/api/partnerships/extratex",
        {"planned_exchanges": 61, "origin": "A new origin."},
        content_type="application/json",
        headers=bearer(roles.coordinator),
    )
    assert response.status_code == 200, response.content
    assert response.json()["planned_exchanges"] == 61
    seeds.extratex.refresh_from_db()
    assert (seeds.extratex.planned_exchanges, seeds.extratex.origin) == (61, "A new origin.")
    # Fields left out are unchanged.
    assert seeds.extratex.duration_months == 24


def test_patch_domain_error_is_400(client, roles, seeds):
    response = client.patch(
        "/api/partnerships/extratex",
        {"programme": "ESCP-99"},
        content_type="application/json",
        headers=bearer(roles.coordinator),
    )
    assert response.status_code == 400
    assert response.json()["field"] == "programme"


def test_put_target_confirms_it(client, roles, seeds):
    response = client.put(
        "/api/partnerships/extratex/targets/exchanges",
        {"value": 60},
        content_type="application/json",
        headers=bearer(roles.coordinator),
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "code": "exchanges",
        "label": "ClusterXchange visits",
        "value": 60,
        "status": "confirmed",
    }
    target = Target.objects.get(partnership=seeds.extratex, code="exchanges")
    assert (target.value, target.status) == (60, "confirmed")


def test_put_target_errors(client, roles, seeds):
    headers = bearer(roles.coordinator)
    response = client.put(
        "/api/partnerships/extratex/targets/unicorns",
        {"value": 1},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 400 and response.json()["field"] == "code"
    response = client.put(
        "/api/partnerships/extratex/targets/exchanges",
        {"value": -5},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    for value in (1_000_001, 999_999_999_999_999_999):
        response = client.put(
            "/api/partnerships/extratex/targets/exchanges",
            {"value": value},
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 422  # the schema's bound (core.bounds.MAX_TARGET)
    assert not Target.objects.filter(value__gt=1_000_000).exists()
    response = client.put(
        "/api/partnerships/nope/targets/exchanges",
        {"value": 5},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 404


def test_session_write_needs_csrf(roles, seeds):
    client = Client(enforce_csrf_checks=True)
    client.force_login(roles.coordinator)
    response = client.patch(
        "/api/partnerships/extratex", {"origin": "x"}, content_type="application/json"
    )
    assert response.status_code in (401, 403)
    seeds.extratex.refresh_from_db()
    assert seeds.extratex.origin != "x"


def test_openapi_documents_the_endpoints(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/partnerships" in schema["paths"]
    assert "put" in schema["paths"]["/api/partnerships/{slug}/targets/{code}"]
    partner = schema["components"]["schemas"]["PartnerOut"]["properties"]
    assert {"country", "region", "region_code", "members", "smes", "role"} <= set(partner)
