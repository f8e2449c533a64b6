"""API authentication as a real client meets it: CSRF enforced, tokens, 401 vs 403."""

import json

import pytest
from django.test import Client

from clusterloom.core.models import ApiToken
from clusterloom.partnerships.models import Partnership

pytestmark = pytest.mark.django_db

URL = "/api/partnerships/demo"


@pytest.fixture
def partnership(django_user_model):
    p = Partnership.objects.create(acronym="DEMO", slug="demo", title="Demo")
    coordinator = django_user_model.objects.create_user("coord", password="x")
    p.coordinators.add(coordinator)
    return p, coordinator


def patch(client, **headers):
    return client.patch(
        URL, json.dumps({"title": "Changed"}), content_type="application/json", **headers
    )


def test_anonymous_write_is_401_not_a_csrf_error(partnership):
    response = patch(Client(enforce_csrf_checks=True))
    assert response.status_code == 401
    assert Partnership.objects.get(slug="demo").title == "Demo"


def test_session_write_without_csrf_token_is_refused(partnership):
    _p, coordinator = partnership
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    assert patch(client).status_code == 403
    assert Partnership.objects.get(slug="demo").title == "Demo"


def test_session_write_with_csrf_token_works(partnership):
    _p, coordinator = partnership
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    client.get("/accounts/me/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    assert patch(client, HTTP_X_CSRFTOKEN=token).status_code == 200
    assert Partnership.objects.get(slug="demo").title == "Changed"


def test_bearer_token_needs_no_csrf_and_acts_as_its_user(partnership, django_user_model):
    _p, coordinator = partnership
    _token, raw = ApiToken.issue(coordinator, "script")
    client = Client(enforce_csrf_checks=True)
    assert patch(client, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    stranger = django_user_model.objects.create_user("stranger", password="x")
    _token, other = ApiToken.issue(stranger, "script")
    assert patch(client, HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 403
    assert patch(client, HTTP_AUTHORIZATION="Bearer cl_wrong").status_code == 401


def test_token_of_a_deactivated_user_is_refused(partnership):
    _p, coordinator = partnership
    _token, raw = ApiToken.issue(coordinator, "script")
    coordinator.is_active = False
    coordinator.save()
    assert patch(Client(), HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
