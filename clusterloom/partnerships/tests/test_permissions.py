"""Who may do what with partnerships, role by role, on every page and endpoint.

Roles: anonymous, member (a directory Person with a login), cluster manager (manages AECIM,
a partner of EXTRATEX), coordinator of EXTRATEX, coordinator of another partnership
(Hi-Tech-TEX), admin.
"""

import pytest
from django.test import Client
from django.urls import reverse

from clusterloom.core.models import ApiToken
from clusterloom.partnerships.models import Partnership, Target

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "manager", "coordinator", "other_coordinator", "admin"]
#: Roles that may change EXTRATEX.
EDITORS = {"coordinator", "admin"}


def client_for(roles, role) -> Client:
    client = Client()
    user = getattr(roles, role)
    if user is not None:
        client.force_login(user)
    return client


def token_headers(roles, role) -> dict:
    user = getattr(roles, role)
    if user is None:
        return {}
    _token, raw = ApiToken.issue(user, "permissions test")
    return {"Authorization": f"Bearer {raw}"}


def unpublish(partnership):
    partnership.is_published = False
    partnership.save()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/partnerships/",
        "/partnerships/network/",
        "/partnerships/extratex/",
        "/partnerships/extratex/print/",
        "/api/partnerships",
        "/api/partnerships/extratex",
    ],
)
def test_published_profiles_are_public(roles, role, url):
    response = client_for(roles, role).get(url)
    assert response.status_code == 200
    assert "EXTRATEX" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "url",
    [
        "/partnerships/extratex/",
        "/partnerships/extratex/print/",
        "/api/partnerships/extratex",
    ],
)
def test_unpublished_partnership_only_for_its_coordinators_and_admins(roles, seeds, role, url):
    unpublish(seeds.extratex)
    response = client_for(roles, role).get(url)
    assert response.status_code == (200 if role in EDITORS else 404)
    listed = "EXTRATEX" in client_for(roles, role).get(reverse("partnership_list")).content.decode()
    assert listed == (role in EDITORS)
    in_api = [p["slug"] for p in client_for(roles, role).get("/api/partnerships").json()]
    assert ("extratex" in in_api) == (role in EDITORS)


@pytest.mark.parametrize("role", ["anonymous", "other_coordinator", "coordinator"])
def test_unpublished_pdf(roles, seeds, role):
    unpublish(seeds.extratex)
    response = client_for(roles, role).get("/partnerships/extratex/pdf/")
    assert response.status_code == (200 if role in EDITORS else 404)


@pytest.mark.parametrize("role", ROLES)
def test_unpublished_partnership_via_api_token(roles, seeds, role):
    unpublish(seeds.extratex)
    response = Client().get("/api/partnerships/extratex", headers=token_headers(roles, role))
    assert response.status_code == (200 if role in EDITORS else 404)


@pytest.mark.parametrize("role", ROLES)
def test_consortium_check_and_controls_only_for_coordinators_and_admins(roles, role):
    text = client_for(roles, role).get("/partnerships/extratex/").content.decode()
    assert ('id="consortium-check"' in text) == (role in EDITORS)
    assert ("Confirm</button>" in text) == (role in EDITORS)
    assert ("/partnerships/extratex/edit/" in text) == (role in EDITORS)


def expected_write_status(role, ok):
    if role == "anonymous":
        return 302
    return ok if role in EDITORS else 403


@pytest.mark.parametrize("role", ROLES)
def test_edit_page(roles, role):
    response = client_for(roles, role).get("/partnerships/extratex/edit/")
    assert response.status_code == expected_write_status(role, 200)
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ROLES)
def test_edit_post(roles, seeds, role):
    response = client_for(roles, role).post(
        "/partnerships/extratex/edit/",
        {"title": "Changed title", "programme": "ESCP-4x", "is_published": "on"},
    )
    assert response.status_code == expected_write_status(role, 302)
    seeds.extratex.refresh_from_db()
    assert (seeds.extratex.title == "Changed title") == (role in EDITORS)


@pytest.mark.parametrize("role", ROLES)
def test_edit_of_another_partnerships_unpublished_profile_is_hidden(roles, seeds, role):
    unpublish(seeds.hitech)
    response = client_for(roles, role).get("/partnerships/hi-tech-tex/edit/")
    expected = {"anonymous": 302, "other_coordinator": 200, "admin": 200}.get(role, 404)
    assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_confirm_target(roles, seeds, role):
    response = client_for(roles, role).post(
        "/partnerships/extratex/targets/", {"action": "confirm", "code": "exchanges"}
    )
    assert response.status_code == expected_write_status(role, 302)
    status = Target.objects.get(partnership=seeds.extratex, code="exchanges").status
    assert (status == "confirmed") == (role in EDITORS)


@pytest.mark.parametrize("role", ROLES)
def test_set_target(roles, seeds, role):
    response = client_for(roles, role).post(
        "/partnerships/extratex/targets/", {"action": "set", "code": "trainings", "value": "4"}
    )
    assert response.status_code == expected_write_status(role, 302)
    assert Target.objects.filter(code="trainings").exists() == (role in EDITORS)


def api_status(role, ok, *, creators=frozenset({"admin"})):
    if role == "anonymous":
        return 401
    return ok if role in creators else 403


@pytest.mark.parametrize("via", ["session", "token"])
@pytest.mark.parametrize("role", ROLES)
def test_api_create(roles, role, via):
    client, headers = (
        (client_for(roles, role), {})
        if via == "session"
        else (Client(), token_headers(roles, role))
    )
    response = client.post(
        "/api/partnerships",
        {"acronym": "NEWP", "title": "A new partnership"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == api_status(role, 201)
    assert Partnership.objects.filter(acronym="NEWP").exists() == (role == "admin")


@pytest.mark.parametrize("via", ["session", "token"])
@pytest.mark.parametrize("role", ROLES)
def test_api_patch(roles, seeds, role, via):
    client, headers = (
        (client_for(roles, role), {})
        if via == "session"
        else (Client(), token_headers(roles, role))
    )
    response = client.patch(
        "/api/partnerships/extratex",
        {"origin": "Patched."},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == api_status(role, 200, creators=EDITORS)
    seeds.extratex.refresh_from_db()
    assert (seeds.extratex.origin == "Patched.") == (role in EDITORS)


@pytest.mark.parametrize("via", ["session", "token"])
@pytest.mark.parametrize("role", ROLES)
def test_api_put_target(roles, seeds, role, via):
    client, headers = (
        (client_for(roles, role), {})
        if via == "session"
        else (Client(), token_headers(roles, role))
    )
    response = client.put(
        "/api/partnerships/extratex/targets/exchanges",
        {"value": 70},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == api_status(role, 200, creators=EDITORS)
    target = Target.objects.get(partnership=seeds.extratex, code="exchanges")
    assert (target.value == 70) == (role in EDITORS)


@pytest.mark.parametrize("role", ROLES)
def test_api_patch_of_hidden_partnership_is_404_not_403(roles, seeds, role):
    unpublish(seeds.hitech)
    response = client_for(roles, role).patch(
        "/api/partnerships/hi-tech-tex", {"origin": "x"}, content_type="application/json"
    )
    expected = {"anonymous": 401, "other_coordinator": 200, "admin": 200}.get(role, 404)
    assert response.status_code == expected


def test_invalid_token_is_refused_for_writes(seeds):
    response = Client().patch(
        "/api/partnerships/extratex",
        {"origin": "x"},
        content_type="application/json",
        headers={"Authorization": "Bearer cl_not-a-token"},
    )
    assert response.status_code == 401


def test_profile_texts_are_bounded_on_the_page_and_in_the_api(roles, seeds):
    from clusterloom.core.models import ApiToken

    client = client_for(roles, "coordinator")
    response = client.post(
        "/partnerships/extratex/edit/",
        {"title": "EXTRATEX", "programme": "ESCP-4x", "objectives": "x" * 20_001},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["objectives"] == ["Too long: 20,000 characters at most."]
    _token, raw = ApiToken.issue(roles.coordinator, "ci")
    api = client.patch(
        "/api/partnerships/extratex",
        {"target_groups": "y" * 100_000},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert api.status_code == 400 and api.json()["field"] == "target_groups"
    seeds.extratex.refresh_from_db()
    assert len(seeds.extratex.objectives) < 20_000 and len(seeds.extratex.target_groups) < 20_000
