"""Review findings: odd ids give a 4xx, never a 500; a partnership filter tells nothing about
a partnership the user may not see."""

import datetime

import pytest

from .conftest import bench, label, label_post, send

pytestmark = pytest.mark.django_db
D = datetime.date
HUGE = "99999999999999999999999"


def test_digit_like_set_in_the_query_is_not_a_500(client, world):
    client.force_login(world.manager_a)
    response = client.get("/excellence/organisations/alpha/benchmarkings/new/?set=²")
    assert response.status_code == 200  # the preloaded set, as without a choice


def test_digit_like_benchmarking_in_the_label_form_is_a_form_error(client, world):
    bench(world, world.a, D(2026, 1, 1))
    client.force_login(world.manager_a)
    response = label_post(client, awarded_on="2026-03-01", benchmarking="²")
    assert response.status_code == 400


@pytest.mark.parametrize("what", ["labels", "benchmarkings", "services"])
def test_api_organisation_filter_beyond_any_id_is_an_empty_list(client, world, what):
    response = send(client, "get", f"/api/excellence/{what}?organisation={HUGE}")
    assert response.status_code == 200 and response.json() == []


def test_api_service_built_with_beyond_any_id_is_refused(client, world):
    body = {
        "organisation": world.a.pk,
        "name": "Scouting",
        "novelty": "new",
        "built_with": [10**30],
    }
    response = send(client, "post", "/api/excellence/services", body, user=world.manager_a)
    assert response.status_code == 400
    assert response.json()["field"] == "built_with"


def test_label_list_partnership_filter_says_nothing_of_an_unpublished_partnership(client, world):
    world.other.is_published = False
    world.other.save()
    bench(world, world.d, D(2026, 1, 1), partnership=False)
    label(world, world.d, awarded_on=D(2026, 3, 1), partnership=None)  # published, of cluster D
    assert "Delta Cluster" in client.get("/excellence/").content.decode()
    assert "Delta Cluster" not in client.get("/excellence/?partnership=other").content.decode()
    rows = send(client, "get", "/api/excellence/labels?partnership=other").json()
    assert rows == []
    client.force_login(world.other_coordinator)  # who may see OTHER
    assert "Delta Cluster" in client.get("/excellence/?partnership=other").content.decode()


def test_api_digit_like_partnership_is_a_400(client, world):
    body = {"organisation": world.a.pk, "level": "bronze", "awarded_on": "2026-03-01"}
    response = send(
        client, "post", "/api/excellence/labels", {**body, "partnership": "²"}, user=world.manager_a
    )
    assert response.status_code == 400
    assert response.json()["field"] == "partnership"


def test_a_published_label_does_not_name_a_partnership_the_reader_may_not_see(client, world):
    """The label is public; the unpublished partnership it counts for is named only to those
    who may see that partnership (its coordinators, admins), in the API and the list."""
    w = world
    bench(w, w.a, D(2026, 1, 1))
    found = label(w, w.a, "bronze", D(2026, 2, 1))
    w.partnership.is_published = False
    w.partnership.save()
    public = send(client, "get", f"/api/excellence/labels/{found.pk}")
    assert public.status_code == 200 and public.json()["partnership"] is None
    own = send(client, "get", f"/api/excellence/labels/{found.pk}", user=w.coordinator)
    assert own.json()["partnership"] == "xtex"
    page = client.get("/excellence/")
    assert page.status_code == 200 and "XTEX" not in page.content.decode()
