"""Failed logins and failed API tokens are throttled: past the limit the account or address
gets a 429 with a clear message, even with the right password, until the window ends; a
token's last use is written at most once per few minutes, so reads do not write."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from clusterloom.core.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("alice", password="right-password-1")


def _login(client, password, username="alice"):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_wrong_passwords_lock_the_account_then_even_the_right_one_is_refused(user, settings):
    client = Client()
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        assert _login(client, "wrong").status_code == 200  # the form again, with its error
    response = _login(client, "right-password-1")
    assert response.status_code == 429
    assert "Too many failed attempts. Try again in 15 minutes." in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account from another address is not affected.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert _login(other, "x", username="bob").status_code == 200


def test_a_successful_login_clears_the_account_count(user, settings):
    client = Client()
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT - 1):
        _login(client, "wrong")
    assert _login(client, "right-password-1").status_code == 302
    client.logout()
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT - 1):
        _login(client, "wrong")
    assert _login(client, "right-password-1").status_code == 302


def test_one_address_trying_many_accounts_is_refused(user, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 6
    client = Client()
    for n in range(6):
        _login(client, "wrong", username=f"user{n}")
    assert _login(client, "right-password-1").status_code == 429


def test_admin_login_goes_through_the_throttled_page():
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/admin/"


def test_unknown_tokens_are_throttled_per_address(user, settings):
    settings.TOKEN_FAILURES_PER_ADDRESS = 5
    _token, raw = ApiToken.issue(user, "ok")
    client = Client()
    url = "/api/partnerships"
    bad = {"Authorization": "Bearer cl_wrong"}
    for _ in range(5):  # a public read: an unknown token reads as anonymous
        assert client.get(url, headers=bad).status_code == 200
    response = client.get(url, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Too many failed attempts")
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.get(url, headers={"Authorization": f"Bearer {raw}"}).status_code == 200


def test_a_token_read_writes_last_used_at_most_once_per_few_minutes(user):
    token, raw = ApiToken.issue(user, "reader")
    client = Client()
    headers = {"Authorization": f"Bearer {raw}"}
    client.get("/api/partnerships", headers=headers)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/partnerships", headers=headers).status_code == 200
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert writes == []
    token.refresh_from_db()
    assert token.last_used_at == first


@pytest.mark.django_db(transaction=True)
def test_a_busy_database_does_not_fail_a_token_read(user, monkeypatch):
    from django.db import OperationalError

    _token, raw = ApiToken.issue(user, "reader")

    def locked(self, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("django.db.models.query.QuerySet.update", locked)
    response = Client().get("/api/partnerships", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
