"""The activities API for each role: anonymous, a member, a cluster manager of a partner
cluster and of another cluster, the partnership's coordinator, another partnership's
coordinator, an admin. A refused request writes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from clusterloom.activities.models import Activity

from .conftest import bearer, expect, matrix, send

pytestmark = pytest.mark.django_db

BASE = "/api/activities"
READERS = ("member", "manager", "other_manager", "other_coordinator")


def _titles(body):
    return sorted(a["title"] for a in body)


def test_the_list_shows_each_role_what_it_may_see(world):
    w = world
    bodies = matrix(
        w,
        "get",
        f"{BASE}?partnership=xtex",
        expect(dict.fromkeys(("anonymous", *READERS, "coordinator", "admin"), 200)),
    )
    # Published cancelled activities stay visible (with their status); the feed leaves them out.
    public = [
        "Cancelled newsletter",
        "Cluster management basics",
        "Learning event on circular textiles",
    ]
    for role in ("anonymous", *READERS):
        assert _titles(bodies[role]) == public, role
    assert len(bodies["coordinator"]) == len(bodies["admin"]) == 4
    training = next(a for a in bodies["anonymous"] if a["kind"] == "training")
    assert (training["attendance_count"], training["hours"], training["target_code"]) == (
        2,
        "8.0",
        "trainings",
    )


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("kind=training", ["Cluster management basics"]),
        ("status=planned", ["Learning event on circular textiles", "Secret study visit"]),
        ("status=cancelled", ["Cancelled newsletter"]),
        ("date_from=2026-11-01&date_to=2026-12-31", ["Cancelled newsletter"]),
        ("date_from=2027-01-01", ["Learning event on circular textiles", "Secret study visit"]),
        ("partnership=other", []),
    ],
)
def test_list_filters(world, client, query, titles):
    response = send(client, "get", f"{BASE}?{query}", user=world.coordinator)
    assert response.status_code == 200
    assert _titles(response.json()) == titles


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("kind=matchmaking", "kind"),
        ("status=done", "status"),
        ("date_from=tomorrow", "date_from"),
        ("date_from=2027-01-01&date_to=2026-01-01", "date_to"),
    ],
)
def test_bad_filters_are_a_400_naming_the_field(world, client, query, field):
    response = client.get(f"{BASE}?{query}")
    assert response.status_code == 400
    assert response.json()["field"] == field


def test_one_activity(world):
    w = world
    matrix(
        w,
        "get",
        f"{BASE}/{w.training.pk}",
        expect(dict.fromkeys(("anonymous", *READERS, "coordinator", "admin"), 200)),
    )
    matrix(
        w,
        "get",
        f"{BASE}/{w.hidden.pk}",
        expect({"coordinator": 200, "admin": 200}, hidden=READERS, anonymous=404),
    )


def _new(**extra):
    return {
        "partnership": "xtex",
        "kind": "study_visit",
        "title": "Visit to Liberec",
        "starts_on": "2026-09-01",
        "ends_on": "2026-09-02",
        "status": "held",
        **extra,
    }


def test_create(world):
    w = world
    bodies = matrix(
        w, "post", BASE, expect({"coordinator": 201, "admin": 201}, forbidden=READERS), body=_new()
    )
    created = bodies["coordinator"]
    assert (created["title"], created["status"], created["partnership"]) == (
        "Visit to Liberec",
        "held",
        "xtex",
    )


def test_create_for_an_unpublished_partnership_is_hidden_from_others(world):
    w = world
    w.partnership.is_published = False
    w.partnership.save()
    matrix(w, "post", BASE, expect({"coordinator": 201, "admin": 201}, hidden=READERS), body=_new())


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"ends_on": "2026-08-01"}, "ends_on"),
        ({"starts_on": "2027-09-01", "ends_on": "2027-09-02"}, "starts_on"),
        ({"kind": "dissemination", "channel": "website", "reach": -1}, "reach"),
        ({"kind": "training", "hours": "-2"}, "hours"),
        ({"channel": "website"}, "channel"),
        ({"link": "javascript:alert(1)"}, "link"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(world, client, extra, field):
    before = Activity.objects.count()
    response = send(client, "post", BASE, _new(**extra), user=world.coordinator)
    assert response.status_code == 400, response.json()
    assert response.json()["field"] == field
    assert Activity.objects.count() == before


def test_update(world):
    w = world
    url = f"{BASE}/{w.training.pk}"
    bodies = matrix(
        w,
        "patch",
        url,
        expect({"coordinator": 200, "admin": 200}, forbidden=READERS),
        body={"title": "Renamed", "hours": None},
    )
    assert (bodies["coordinator"]["title"], bodies["coordinator"]["hours"]) == ("Renamed", None)
    assert bodies["coordinator"]["topic"] == "Cluster management"  # absent: kept
    response = send(Client(), "patch", url, {"title": None}, user=w.coordinator)
    assert (response.status_code, response.json()["field"]) == (400, "title")


def test_delete(world):
    w = world
    matrix(
        w,
        "delete",
        f"{BASE}/{w.training.pk}",
        expect({"coordinator": 204, "admin": 204}, forbidden=READERS),
    )
    matrix(
        w,
        "delete",
        f"{BASE}/{w.hidden.pk}",
        expect({"coordinator": 204, "admin": 204}, hidden=READERS),
    )


def test_mark_held_and_status(world):
    w = world
    matrix(
        w,
        "post",
        f"{BASE}/{w.cancelled.pk}/held",
        expect({"coordinator": 400, "admin": 400}, forbidden=READERS),
    )  # starts 1 Dec: the future
    bodies = matrix(
        w,
        "post",
        f"{BASE}/{w.learning.pk}/status",
        expect({"coordinator": 200, "admin": 200}, forbidden=READERS),
        body={"status": "cancelled"},
    )
    assert bodies["admin"]["status"] == "cancelled"
    response = send(
        Client(), "post", f"{BASE}/{w.learning.pk}/status", {"status": "gone"}, user=w.coordinator
    )
    assert (response.status_code, response.json()["field"]) == (400, "status")


def test_the_attendance_list_is_for_the_coordinators_only(world):
    w = world
    url = f"{BASE}/{w.training.pk}/attendance"
    bodies = matrix(w, "get", url, expect({"coordinator": 200, "admin": 200}, forbidden=READERS))
    names = sorted(row["name"] for row in bodies["coordinator"])
    assert names == ["Giulia Bianchi", "Karel Novák"]
    matrix(
        w,
        "get",
        f"{BASE}/{w.hidden.pk}/attendance",
        expect({"coordinator": 200, "admin": 200}, hidden=READERS),
    )


def test_adding_and_removing_attendees(world):
    w = world
    url = f"{BASE}/{w.training.pk}/attendance"
    body = {"name": "Ana Silva", "organisation_name": "Denizli Chamber", "role": "sme"}
    bodies = matrix(
        w, "post", url, expect({"coordinator": 201, "admin": 201}, forbidden=READERS), body=body
    )
    assert bodies["coordinator"]["organisation"] == "Denizli Chamber"
    bad = send(Client(), "post", url, {"role": "sme"}, user=w.coordinator)
    assert (bad.status_code, bad.json()["field"]) == (400, "name")
    matrix(
        w,
        "delete",
        f"{url}/{w.attendee_named.pk}",
        expect({"coordinator": 204, "admin": 204}, forbidden=READERS),
    )
    missing = send(Client(), "delete", f"{url}/999999", user=w.coordinator)
    assert missing.status_code == 404


def test_importing_attendance(world):
    w = world
    url = f"{BASE}/{w.training.pk}/attendance/import"
    content = b"name,organisation,role\nAna Silva,Tessile Cluster,cluster manager\n"
    statuses = {}
    for role, user in (
        ("anonymous", None),
        ("manager", w.manager),
        ("other_coordinator", w.other_coordinator),
        ("coordinator", w.coordinator),
    ):
        headers = bearer(user) if user else {}
        response = Client().post(
            url, {"file": SimpleUploadedFile("a.csv", content)}, headers=headers
        )
        statuses[role] = response.status_code
    assert statuses == {
        "anonymous": 401,
        "manager": 403,
        "other_coordinator": 403,
        "coordinator": 201,
    }
    again = Client().post(
        url, {"file": SimpleUploadedFile("a.csv", content)}, headers=bearer(w.coordinator)
    )
    assert again.json() == {"rows": 1, "added": 0, "already": 1}
    bad = Client().post(
        url,
        {"file": SimpleUploadedFile("a.csv", b"name,role\nA,sme\n")},
        headers=bearer(w.coordinator),
    )
    assert bad.status_code == 400 and bad.json()["line"] == 1
    assert "Missing column(s): organisation" in bad.json()["detail"]


def test_null_for_a_flag_keeps_it(world, client):
    w = world
    url = f"{BASE}/{w.training.pk}"
    response = send(client, "patch", url, {"is_published": None}, user=w.coordinator)
    assert (response.status_code, response.json()["is_published"]) == (200, True)


def test_the_list_takes_a_fixed_number_of_queries(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clusterloom.activities import services

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{BASE}?partnership=xtex").status_code == 200
        return len(queries)

    few = count()
    for n in range(10):
        services.activity_create(
            actor=world.coordinator,
            partnership=world.partnership,
            data={
                "kind": "study_visit",
                "title": f"Visit {n}",
                "starts_on": "2026-05-01",
                "organiser": world.cluster_cz.pk,
                "country": "CZ",
            },
        )
    assert count() == few


def test_capacity_building_figures(world):
    w = world
    bodies = matrix(
        w,
        "get",
        f"{BASE}/capacity/xtex",
        expect({"coordinator": 200, "admin": 200}, forbidden=READERS),
    )
    body = bodies["coordinator"]
    assert (body["trainings"], body["total"]["participants"], body["total"]["hours"]) == (
        1,
        2,
        "12.0",
    )
    roles = {r["label"]: (r["participants"], r["hours"]) for r in body["by_role"]}
    assert roles["cluster manager"] == (1, "8.0") and roles["cluster staff"] == (1, "4.0")
    assert (body["exchanges"], body["exchange_days"]) == ([], 0)
    w.partnership.is_published = False
    w.partnership.save()
    matrix(
        w,
        "get",
        f"{BASE}/capacity/xtex",
        expect({"coordinator": 200, "admin": 200}, hidden=READERS),
    )
