"""The excellence API: each endpoint per role, filters, bad input naming the field."""

import datetime

import pytest
from django.test import Client

from clusterloom.excellence.models import Benchmarking, ClusterLabel, ClusterService

from .conftest import PDF, bearer, bench, documented, label, matrix, send

pytestmark = pytest.mark.django_db
D = datetime.date
API = "/api/excellence"


def roles(**statuses):
    """Status per role: given ones, the rest as named by `default`."""
    default = statuses.pop("default")
    out = dict.fromkeys(
        (
            "anonymous",
            "member",
            "manager",
            "other_manager",
            "coordinator",
            "other_coordinator",
            "admin",
        ),
        default,
    )
    out.update(statuses)
    return out


@pytest.fixture
def data(world):
    """A published bronze label of A, an unpublished one of B, benchmarkings of both."""
    world.bench_a = bench(world, world.a, D(2024, 1, 15))
    world.bench_b = bench(world, world.b, D(2024, 1, 15), published=False)
    world.label_a = label(world, world.a, awarded_on=D(2024, 2, 1))
    world.label_b = label(world, world.b, awarded_on=D(2026, 2, 1), is_published=False)
    return world


def test_label_list_public_sees_only_published(data):
    client = Client()
    rows = client.get(f"{API}/labels").json()
    assert [r["organisation"]["slug"] for r in rows] == ["alpha"]
    assert rows[0]["status"] == "expired" and rows[0]["valid_until"] == "2026-02-28"


def test_label_status_and_filters(data):
    client = Client()
    rows = client.get(f"{API}/labels?status=expired").json()
    assert [r["id"] for r in rows] == [data.label_a.pk]  # valid until 28 Feb 2026
    assert client.get(f"{API}/labels?status=valid").json() == []
    rows = send(client, "get", f"{API}/labels?status=valid", user=data.coordinator).json()
    assert [r["id"] for r in rows] == [data.label_b.pk]
    assert client.get(f"{API}/labels?level=silver").json() == []
    assert len(client.get(f"{API}/labels?partnership=xtex").json()) == 1


def test_unpublished_label_per_role(data):
    expected = roles(default=404, manager=404, coordinator=200, admin=200, anonymous=404)
    # manager_a manages A, not B; manager_b is not in the matrix (other_manager is D's)
    matrix(data, "get", f"{API}/labels/{data.label_b.pk}", expected)
    matrix(data, "get", f"{API}/labels/{data.label_a.pk}", roles(default=200))


def test_create_label_per_role(data):
    body = {"organisation": data.a.pk, "level": "bronze", "awarded_on": "2024-03-01"}
    expected = roles(default=403, anonymous=401, manager=201, coordinator=201, admin=201)
    bodies = matrix(data, "post", f"{API}/labels", expected, body)
    assert bodies["manager"]["valid_until"] == "2026-03-31"


def test_create_label_refusals_name_the_field(data):
    client = Client()
    user = data.coordinator
    body = {"organisation": data.a.pk, "level": "bronze", "awarded_on": "2024-03-01"}
    response = send(client, "post", f"{API}/labels", {**body, "valid_until": "2024-02-29"}, user)
    assert response.status_code == 400 and response.json()["field"] == "valid_until"
    response = send(client, "post", f"{API}/labels", {**body, "awarded_on": "2027-01-01"}, user)
    assert response.json()["field"] == "awarded_on"
    response = send(client, "post", f"{API}/labels", {**body, "level": "silver"}, user)
    assert response.status_code == 400 and response.json()["field"] == "level"
    assert "18 to 24 months" in response.json()["detail"]
    assert "3 documented improvement areas" in response.json()["detail"]
    response = send(client, "post", f"{API}/labels", {**body, "level": "platinum"}, user)
    assert response.json()["field"] == "level"
    assert ClusterLabel.objects.count() == 2


def test_patch_and_delete_label_per_role(data):
    url = f"{API}/labels/{data.label_a.pk}"
    expected = roles(default=403, anonymous=401, manager=200, coordinator=200, admin=200)
    matrix(data, "patch", url, expected, {"notes": "Checked."})
    expected = roles(default=403, anonymous=401, manager=204, coordinator=204, admin=204)
    matrix(data, "delete", url, expected)


def test_certificate_upload(data):
    client = Client()
    url = f"{API}/labels/{data.label_a.pk}/certificate"
    response = client.post(url, {"file": _upload("label.pdf", PDF)}, headers=bearer(data.manager_a))
    assert response.status_code == 200
    assert response.json()["certificate"] == f"/excellence/labels/{data.label_a.pk}/certificate/"
    response = client.post(
        url, {"file": _upload("label.pdf", b"<html></html>")}, headers=bearer(data.manager_a)
    )
    assert response.status_code == 400 and response.json()["field"] == "certificate"
    assert "HTML page" in response.json()["detail"]
    response = client.post(url, {"file": _upload("x.pdf", PDF)}, headers=bearer(data.manager_d))
    assert response.status_code == 403


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_label_check(data):
    url = f"{API}/organisations/{data.a.pk}/label-check?level=silver"
    expected = roles(default=403, anonymous=401, manager=200, coordinator=200, admin=200)
    bodies = matrix(data, "get", url, expected)
    body = bodies["coordinator"]
    assert body["met"] is False
    assert [r["code"] for r in body["rules"]] == ["second_benchmarking", "improvement_areas"]
    documented(data, data.bench_a, 3)
    bench(data, data.a, D(2025, 7, 15))
    response = send(Client(), "get", url, user=data.coordinator).json()
    assert response["met"] is True and all(r["met"] for r in response["rules"])
    bad = send(Client(), "get", url.replace("silver", "tin"), user=data.coordinator)
    assert bad.status_code == 400 and bad.json()["field"] == "level"


def test_indicator_sets(data):
    client = Client()
    rows = client.get(f"{API}/indicator-sets").json()
    bronze = next(r for r in rows if r["is_preloaded"])
    assert [a["name"] for a in bronze["areas"]][:2] == [
        "Structure of the cluster",
        "Cluster management and governance",
    ]
    assert all(a["indicators"] == [] for a in bronze["areas"])
    body = {
        "name": "XTEX gold check",
        "level": "gold",
        "partnership": "xtex",
        "areas": [{"name": "Strategy", "indicators": [{"name": "Written", "threshold": 70}]}],
    }
    expected = roles(default=403, anonymous=401, coordinator=201, admin=201)
    bodies = matrix(data, "post", f"{API}/indicator-sets", expected, body)
    assert bodies["coordinator"]["areas"][0]["indicators"][0]["threshold"] == "70.00"
    shared = {**body, "partnership": None}
    expected = roles(default=403, anonymous=401, admin=201)
    matrix(data, "post", f"{API}/indicator-sets", expected, shared)
    bad = {**body, "areas": [{"name": "A", "indicators": [{"name": "x", "threshold": 120}]}]}
    response = send(client, "post", f"{API}/indicator-sets", bad, data.coordinator)
    assert response.status_code == 400
    assert response.json()["field"] == "areas[0].indicators[0]"


def test_benchmarkings(data):
    client = Client()
    assert [b["id"] for b in client.get(f"{API}/benchmarkings").json()] == [data.bench_a.pk]
    matrix(
        data,
        "get",
        f"{API}/benchmarkings/{data.bench_b.pk}",
        roles(default=404, coordinator=200, admin=200),
    )
    areas = [a.pk for a in data.areas]
    body = {
        "organisation": data.a.pk,
        "indicator_set": data.bronze.pk,
        "held_on": "2025-08-01",
        "partnership": "xtex",
        "scores": [{"area": pk, "value": 90} for pk in areas[:5]]
        + [{"area": areas[5], "value": 60}],
    }
    expected = roles(default=403, anonymous=401, manager=201, coordinator=201, admin=201)
    bodies = matrix(data, "post", f"{API}/benchmarkings", expected, body)
    assert bodies["manager"]["total_score"] == "85.00"
    assert bodies["manager"]["area_scores"][5]["score"] == "60.00"
    for value, message in (("abc", "not a number"), (-1, "0 to 100"), (100.5, "0 to 100")):
        bad = {**body, "scores": [{"area": areas[0], "value": value}]}
        response = send(client, "post", f"{API}/benchmarkings", bad, data.coordinator)
        assert response.status_code == 400, value
        assert response.json()["field"] == "scores[0]" and message in response.json()["detail"]
    from clusterloom.excellence.indicator_sets import indicator_set_create

    other = indicator_set_create(
        actor=data.coordinator,
        partnership=data.partnership,
        data={"name": "Other", "areas": [{"name": "X", "indicators": [{"name": "Y"}]}]},
    )
    foreign = other.areas.get().indicators.get().pk
    bad = {**body, "scores": [{"indicator": foreign, "value": 50}]}
    response = send(client, "post", f"{API}/benchmarkings", bad, data.coordinator)
    assert response.status_code == 400 and "not part of the set" in response.json()["detail"]
    assert Benchmarking.objects.count() == 2


def test_improvement_areas(data):
    client = Client()
    url = f"{API}/benchmarkings/{data.bench_a.pk}/improvements"
    body = {"title": "Member survey"}
    expected = roles(default=403, anonymous=401, manager=201, coordinator=201, admin=201)
    matrix(data, "post", url, expected, body)
    created = send(client, "post", url, body, data.manager_a).json()
    patch = f"{API}/improvements/{created['id']}"
    response = send(client, "patch", patch, {"status": "documented"}, data.manager_a)
    assert response.status_code == 400 and response.json()["field"] == "evidence"
    response = send(
        client,
        "patch",
        patch,
        {"status": "documented", "evidence_url": "https://example.org/survey.pdf"},
        data.manager_a,
    )
    assert response.status_code == 200 and response.json()["documented_on"] == "2026-11-22"
    response = send(client, "patch", patch, {"evidence_url": "javascript:alert(1)"}, data.admin)
    assert response.json()["field"] == "evidence_url"


def test_services(data):
    client = Client()
    body = {
        "organisation": data.a.pk,
        "name": "Textile lab",
        "novelty": "new",
        "built_with": [data.b.pk],
    }
    expected = roles(default=403, anonymous=401, manager=201, coordinator=201, admin=201)
    bodies = matrix(data, "post", f"{API}/services", expected, body)
    assert bodies["manager"]["built_with"][0]["slug"] == "beta"
    hidden = send(client, "post", f"{API}/services", {**body, "is_published": False}, data.admin)
    assert client.get(f"{API}/services").json() == []
    assert len(send(client, "get", f"{API}/services", user=data.manager_a).json()) == 1
    matrix(
        data,
        "patch",
        f"{API}/services/{hidden.json()['id']}",
        roles(default=404, anonymous=401, manager=200, coordinator=200, admin=200),
        {"name": "Renamed"},
    )
    pk = send(client, "post", f"{API}/services", body, data.admin).json()["id"]
    url = f"{API}/services/{pk}"
    expected = roles(default=403, anonymous=401, manager=200, coordinator=200, admin=200)
    matrix(data, "patch", url, expected, {"novelty": "improved"})
    response = send(client, "patch", url, {"novelty": "old"}, data.admin)
    assert response.json()["field"] == "novelty"
    expected = roles(default=403, anonymous=401, manager=204, coordinator=204, admin=204)
    matrix(data, "delete", url, expected)
    assert ClusterService.objects.count() == 2


def test_lists_cost_the_same_queries_for_more_rows(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert Client().get(url).status_code == 200
        return len(ctx.captured_queries)

    bench(world, world.a, D(2024, 1, 15))
    few = {u: count(u) for u in (f"{API}/benchmarkings", f"{API}/indicator-sets")}
    for day in range(1, 6):
        found = bench(world, world.b, D(2024, 2, day))
        documented(world, found, 1)
    assert {u: count(u) for u in few} == few
