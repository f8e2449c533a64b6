"""Accounts: login, password reset by e-mail, API tokens, personal-data export and erasure."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from clusterloom import settings as project_settings
from clusterloom.core.models import ApiToken, AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user(
        "alice", email="alice@example.org", password="correct horse battery"
    )


def test_passwords_are_hashed_with_argon2_in_production_settings():
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_login_and_logout(client, alice):
    response = client.post(
        reverse("login"), {"username": "alice", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert client.get(reverse("account")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("account")).status_code == 302


def test_wrong_password_shows_a_message_not_an_error(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_password_reset_sends_a_link_by_email(client, alice):
    response = client.post(reverse("password_reset"), {"email": "alice@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_account_pages_need_login(client):
    for name in ("account", "account_export"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert reverse("login") in response["Location"]
    assert client.post(reverse("account_erase"), {"confirm": "erase"}).status_code == 302


def test_csrf_is_enforced_on_forms(alice):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    response = strict.post(reverse("account"), {"token_name": "ci"})
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_token_is_shown_once_and_stored_hashed(client, alice):
    client.force_login(alice)
    response = client.post(reverse("account"), {"token_name": "my script"})
    raw = response.context["new_token"]
    token = ApiToken.objects.get(user=alice)
    assert raw.startswith("cl_") and raw not in token.key_hash
    assert token.key_hash == ApiToken.hash(raw)
    assert raw not in client.get(reverse("account")).content.decode()


def test_personal_data_export(client, alice):
    client.force_login(alice)
    response = client.get(reverse("account_export"))
    data = json.loads(response.content)
    assert data["account"]["email"] == "alice@example.org"
    assert response["Content-Disposition"].startswith("attachment")


def test_erasure_needs_confirmation_then_removes_login(client, alice):
    client.force_login(alice)
    client.post(reverse("account_erase"), {"confirm": "no"})
    assert get_user_model().objects.filter(username="alice").exists()
    client.post(reverse("account_erase"), {"confirm": "erase"})
    assert not get_user_model().objects.filter(username="alice").exists()


def test_erasure_anonymises_the_person_record(client, alice):
    from clusterloom.directory.models import Organisation, Person

    org = Organisation.objects.create(name="Demo SME", slug="demo-sme", country_id="IT")
    person = Person.objects.create(
        organisation=org,
        user=alice,
        first_name="Alice",
        last_name="Rossi",
        email="alice@example.org",
        phone="+39 0574 000",
    )
    client.force_login(alice)
    client.post(reverse("account_erase"), {"confirm": "erase"})
    person.refresh_from_db()
    assert (person.first_name, person.email, person.phone, person.user) == ("—", "", "", None)
    assert AuditEntry.objects.filter(action="person.erased", object_id=str(person.pk)).exists()


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_unknown_page_is_a_404_not_a_500(client):
    assert client.get("/partnerships/no-such-partnership/").status_code == 404


def test_favicon_is_found_on_every_site_path(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("/static/img/favicon.ico")
    page = client.get("/accounts/login/").content.decode()
    assert 'rel="icon" href="/static/img/favicon.svg"' in page
