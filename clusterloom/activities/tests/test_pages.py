"""The activity pages for each role: the public sees published activities and counts; the
partnership's coordinators record, edit, mark held, cancel, delete, manage attendance and see
the capacity-building page; bad input re-renders the form with the message at its field."""

import pytest
from django.db import transaction
from django.test import Client

from clusterloom.activities.models import Activity
from clusterloom.core.models import AuditEntry

from .conftest import ROLES, user_of

pytestmark = pytest.mark.django_db


def _page_matrix(w, method, url, data=None):
    """The status each role gets (anonymous: 302 to the login page), each in a rolled-back
    savepoint; a refused request writes nothing."""
    got = {}
    for role in ROLES:
        client = Client()
        user = user_of(w, role)
        if user is not None:
            client.force_login(user)
        with transaction.atomic():
            audited = AuditEntry.objects.count()
            response = getattr(client, method)(url, data or {})
            got[role] = response.status_code
            if response.status_code in (302, 403, 404) and role not in ("coordinator", "admin"):
                assert AuditEntry.objects.count() == audited, role
            transaction.set_rollback(True)
    return got


MANAGE = {
    "anonymous": 302,
    "member": 403,
    "manager": 403,
    "other_manager": 403,
    "coordinator": 200,
    "other_coordinator": 403,
    "admin": 200,
}
PUBLIC = dict.fromkeys(ROLES, 200)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/activities/", PUBLIC),
        ("/activities/partnerships/xtex/", PUBLIC),
        ("/activities/partnerships/xtex/feed.atom", PUBLIC),
        ("/activities/{training}/", PUBLIC),
        ("/activities/partnerships/xtex/new/", MANAGE),
        ("/activities/partnerships/xtex/capacity/", MANAGE),
        ("/activities/{training}/edit/", MANAGE),
        ("/activities/{training}/delete/", MANAGE),
        ("/activities/{training}/attendance/import/", MANAGE),
        # The unpublished activity: a 404 for all who may not manage it.
        (
            "/activities/{hidden}/",
            {
                **MANAGE,
                "anonymous": 404,
                "member": 404,
                "manager": 404,
                "other_manager": 404,
                "other_coordinator": 404,
            },
        ),
        (
            "/activities/{hidden}/edit/",
            {
                **MANAGE,
                "anonymous": 404,
                "member": 404,
                "manager": 404,
                "other_manager": 404,
                "other_coordinator": 404,
            },
        ),
    ],
)
def test_who_sees_each_page(world, path, expected):
    w = world
    url = path.format(training=w.training.pk, hidden=w.hidden.pk)
    assert _page_matrix(w, "get", url) == expected


@pytest.mark.parametrize(
    ("path", "data", "ok"),
    [
        ("/activities/{learning}/status/", {"status": "cancelled"}, 302),
        ("/activities/{training}/delete/", {}, 302),
        ("/activities/{training}/attendance/", {"name": "Ana Silva", "role": "sme"}, 302),
        ("/activities/{training}/attendance/{row}/remove/", {}, 302),
    ],
)
def test_who_may_change_what(world, path, data, ok):
    w = world
    url = path.format(training=w.training.pk, learning=w.learning.pk, row=w.attendee_named.pk)
    got = _page_matrix(w, "post", url, data)
    assert got == {**MANAGE, "coordinator": ok, "admin": ok}


def test_the_public_sees_the_number_of_participants_not_their_names(world, client):
    page = client.get(f"/activities/{world.training.pk}/").content.decode()
    assert 'id="participant-count">2<' in page
    assert "Karel Novák" not in page and "Giulia Bianchi" not in page
    client.force_login(world.manager)  # a cluster manager of a partner cluster: no names either
    page = client.get(f"/activities/{world.training.pk}/").content.decode()
    assert "Karel Novák" not in page


def test_the_coordinator_sees_the_attendance_list(world, client):
    client.force_login(world.coordinator)
    page = client.get(f"/activities/{world.training.pk}/").content.decode()
    assert "Karel Novák" in page and "Giulia Bianchi" in page
    assert "Textile Cluster CZ" in page


def test_a_coordinator_records_an_activity_through_the_form(world, client):
    w = world
    client.force_login(w.coordinator)
    form = client.get("/activities/partnerships/xtex/new/").content.decode()
    assert "Matchmaking events (B2B, C2C) are not recorded here" in form
    response = client.post(
        "/activities/partnerships/xtex/new/",
        {
            "kind": "dissemination",
            "title": "Press release on the first exchanges",
            "status": "held",
            "starts_on": "2026-11-02",
            "channel": "press",
            "reach": "15000",
            "link": "https://xtex.example.org/press/1",
            "is_published": "on",
            "organiser": w.cluster_cz.pk,
        },
    )
    activity = Activity.objects.get(title="Press release on the first exchanges")
    assert response.status_code == 302 and response["Location"] == f"/activities/{activity.pk}/"
    assert (activity.reach, activity.organiser, activity.status) == (15000, w.cluster_cz, "held")
    page = client.get(response["Location"]).content.decode()
    assert "The activity is recorded." in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"starts_on": "2026-10-05", "ends_on": "2026-10-01"},
            "The end (1 October 2026) is before the start (5 October 2026).",
        ),
        ({"starts_on": "2027-05-01"}, "cannot be recorded as held"),
        ({"hours": "-4"}, "Give a number of hours above 0"),
        ({"link": "ftp://x"}, "is not a web address"),
        ({"channel": "website"}, "Only a dissemination activity has a channel."),
    ],
)
def test_bad_input_re_renders_the_form_with_the_message(world, client, data, message):
    w = world
    client.force_login(w.coordinator)
    before = Activity.objects.count()
    body = {"kind": "training", "title": "T", "status": "held", "starts_on": "2026-10-05"}
    response = client.post("/activities/partnerships/xtex/new/", {**body, **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Activity.objects.count() == before


def test_editing_and_marking_held_and_cancelling(world, client):
    w = world
    client.force_login(w.coordinator)
    response = client.post(
        f"/activities/{w.learning.pk}/edit/",
        {
            "kind": "learning_event",
            "title": "Renamed event",
            "starts_on": "2026-11-10",
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    client.post(f"/activities/{w.learning.pk}/status/", {"status": "held"})
    w.learning.refresh_from_db()
    assert (w.learning.title, w.learning.status) == ("Renamed event", "held")
    response = client.post(f"/activities/{w.hidden.pk}/status/", {"status": "held"}, follow=True)
    assert "cannot be held before then" in response.content.decode()
    w.hidden.refresh_from_db()
    assert w.hidden.status == "planned"


def test_adding_an_attendee_with_an_error_shows_it(world, client):
    w = world
    client.force_login(w.coordinator)
    response = client.post(f"/activities/{w.training.pk}/attendance/", {"role": "sme"})
    assert response.status_code == 400
    assert "Choose a person from the directory or give a name." in response.content.decode()
    response = client.post(
        f"/activities/{w.training.pk}/attendance/",
        {"person": w.person_cz.pk, "role": "cluster_staff", "hours": "2"},
    )
    assert response.status_code == 302
    assert w.training.attendance.filter(person=w.person_cz).exists()


def test_importing_attendance_through_the_page(world, client):
    w = world
    client.force_login(w.coordinator)
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("a.csv", b"name,organisation,role\nAna,Tessile Cluster,boss\n")
    response = client.post(f"/activities/{w.training.pk}/attendance/import/", {"file": bad})
    assert response.status_code == 400
    assert "row 2, column “role”" in response.content.decode()
    good = SimpleUploadedFile("a.csv", b"name,organisation,role\nAna,Tessile Cluster,sme\n")
    response = client.post(
        f"/activities/{w.training.pk}/attendance/import/", {"file": good}, follow=True
    )
    assert "1 attendee(s) added; 0 were on the list already." in response.content.decode()


def test_capacity_building_page_sums_by_role_cluster_and_topic(world, client):
    client.force_login(world.coordinator)
    page = client.get("/activities/partnerships/xtex/capacity/").content.decode()
    # The training: 8 h per participant; the member (cluster manager) 8 h, Karel (staff) 4 h.
    assert "1 training or coaching held: 2 participants, 12 hours." in page
    by_role = page[page.index('id="by-role"') : page.index('id="by-cluster"')]
    assert 'cluster manager</td><td class="text-end">1</td><td class="text-end">8<' in by_role
    assert 'cluster staff</td><td class="text-end">1</td><td class="text-end">4<' in by_role
    by_topic = page[page.index('id="by-topic"') :]
    assert 'Cluster management</td><td class="text-end">2</td>' in by_topic


def test_the_partnership_page_lists_the_latest_activities_without_progress(world, client):
    page = client.get("/partnerships/xtex/").content.decode()
    section = page[page.index('id="joint-activities"') :]
    section = section[: section.index("</section>")]
    assert "Cluster management basics" in section
    assert "Secret study visit" not in section and "Cancelled newsletter" not in section
    assert "/activities/partnerships/xtex/feed.atom" in section
    assert " / " not in section  # no "N / target": reporting shows progress
    client.force_login(world.coordinator)
    page = client.get("/partnerships/xtex/").content.decode()
    assert "Secret study visit" in page and "/activities/partnerships/xtex/new/" in page
