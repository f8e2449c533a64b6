"""Another transaction holds the write lock (a long import, a slow save): token-authenticated API
reads, public pages and a member's pages keep answering without waiting, writing nothing; a
write that needs the lock waits DATABASE_LOCK_TIMEOUT at most, then answers 503 with a clear
message and Retry-After instead of a 500 after 20 s; once the lock is released it goes through.

On SQLite the test's database is moved to a file in WAL mode, as in production (the in-memory
test database shares its cache between connections, whose table locks behave otherwise), and
another connection holds BEGIN IMMEDIATE with a row written. On PostgreSQL another connection
holds every table in EXCLUSIVE mode (what SQLite's write lock is: all writes wait, plain reads
go on) with a row written. Run on both: `DATABASE_URL=postgres://... pytest this file`."""

import contextlib
import datetime
import sqlite3
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clusterloom.core.locks import busy_message, is_lock_timeout
from clusterloom.core.models import ApiToken
from clusterloom.directory.tests.factories import MemberUserFactory
from clusterloom.matching.request_services import partner_request_create
from clusterloom.partnerships.tests.factories import PartnershipFactory, PartnershipMemberFactory

pytestmark = pytest.mark.django_db(transaction=True)

#: The lock timeout in these tests (production's default is 5 s).
TIMEOUT = 2.0
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@contextlib.contextmanager
def _sqlite_on_disk(path):
    """Point the default connection at a file copy of the in-memory test database."""
    conn = connection
    conn.ensure_connection()
    memory = conn.connection
    disk = sqlite3.connect(path)
    memory.backup(disk)
    disk.close()
    name = conn.settings_dict["NAME"]
    conn.connection = None
    conn.settings_dict["NAME"] = str(path)
    try:
        conn.ensure_connection()  # the settings' init_command turns WAL on, as in production
        yield
    finally:
        conn.close()
        conn.settings_dict["NAME"] = name
        conn.connection = memory


@pytest.fixture
def on_disk(transactional_db, tmp_path, settings):
    """The database as production has it, with the lock timeout of these tests."""
    settings.DATABASE_LOCK_TIMEOUT = TIMEOUT
    settings.PAGE_CACHE_SECONDS = 600  # production's page cache: it writes only to the cache
    if connection.vendor == "sqlite":
        with _sqlite_on_disk(tmp_path / "db.sqlite3"):
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode")
                assert cursor.fetchone()[0] == "wal"
                cursor.execute(f"PRAGMA busy_timeout = {int(TIMEOUT * 1000)}")
            yield
    else:
        with connection.cursor() as cursor:
            # set_config, not SET: SET takes no bound parameters (server-side binding).
            cursor.execute(
                "SELECT set_config('lock_timeout', %s, false)", [f"{int(TIMEOUT * 1000)}ms"]
            )
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")


@contextlib.contextmanager
def write_lock_held(organisation):
    """Another connection in the middle of a write transaction, holding its lock."""
    if connection.vendor == "sqlite":
        other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute(
            "UPDATE directory_organisation SET name = name || ' (saving)' WHERE id = ?",
            [organisation.pk],
        )
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            tables = ", ".join(f'"{t}"' for t in connection.introspection.table_names())
            cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
            cursor.execute(
                "UPDATE directory_organisation SET name = name || ' (saving)' WHERE id = %s",
                [organisation.pk],
            )
        yield
    finally:
        other.rollback()
        other.close()


@pytest.fixture
def world(on_disk):
    from types import SimpleNamespace

    partnership = PartnershipFactory(acronym="XTEX", slug="xtex", is_published=True)
    member = MemberUserFactory(username="member")
    organisation = member.person.organisation
    PartnershipMemberFactory(partnership=partnership, organisation=organisation)
    poster = MemberUserFactory(username="poster")
    posted = partner_request_create(
        actor=poster,
        organisation=poster.person.organisation,
        data={"title": "Textiles for car interiors", "sought": "A maker of seat covers."},
    )
    fresh, fresh_raw = ApiToken.issue(member, "used a minute ago")
    stale, stale_raw = ApiToken.issue(member, "last used an hour ago")
    ApiToken.objects.filter(pk=fresh.pk).update(last_used_at=timezone.now())
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    ApiToken.objects.filter(pk=stale.pk).update(last_used_at=hour_ago)
    return SimpleNamespace(
        partnership=partnership,
        member=member,
        organisation=organisation,
        request=posted,
        fresh=fresh,
        stale=stale,
        hour_ago=hour_ago,
        fresh_headers={"Authorization": f"Bearer {fresh_raw}"},
        stale_headers={"Authorization": f"Bearer {stale_raw}"},
    )


def _api_reads(w) -> list[str]:
    org, pk = w.organisation, w.request.pk
    return [
        "/api/partnerships",
        "/api/partnerships/xtex",
        "/api/partnerships/xtex/kpis",
        "/api/organisations",
        f"/api/organisations/{org.slug}",
        f"/api/organisations/{org.pk}/suggestions",
        "/api/partner-requests",
        f"/api/partner-requests/{pk}",
        f"/api/partner-requests/{pk}/matches",
        "/api/events",
        "/api/exchanges/calls",
        "/api/excellence/labels",
        "/api/strategies",
        "/api/activities",
    ]


def _public_pages(w) -> list[str]:
    return [
        reverse("home"),
        reverse("partnership_list"),
        reverse("partnership_detail", args=["xtex"]),
        reverse("organisation_list"),
        reverse("organisation_detail", args=[w.organisation.slug]),
        reverse("partner_search") + "?text=technical+textiles+for+car+seats",
        reverse("partner_request_list"),
        reverse("partner_request_detail", args=[w.request.pk]),
        reverse("event_list"),
        reverse("excellence_labels"),
        reverse("activity_index"),
    ]


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


def test_reads_answer_and_writes_fail_fast_while_another_transaction_holds_the_write_lock(world):
    w = world
    api, anonymous, member = Client(), Client(), Client()
    member.force_login(w.member)
    # Warm up outside the lock: URL conf, the partner index, the cached pages' first build.
    for url in _api_reads(w):
        assert api.get(url, headers=w.fresh_headers).status_code == 200, url
    for url in _public_pages(w):
        assert anonymous.get(url).status_code == 200, url
    follow_api = f"/api/partner-requests/{w.request.pk}/follow"
    follow_page = reverse("partner_request_follow", args=[w.request.pk])

    with write_lock_held(w.organisation):
        # Token reads: every answer given, nothing written (the token was used a minute ago).
        with CaptureQueriesContext(connection) as queries:
            for url in _api_reads(w):
                response = api.get(url, headers=w.fresh_headers)
                assert response.status_code == 200, (url, response.content[:300])
            for url in _public_pages(w):  # anonymous: from the page cache or built afresh
                response = anonymous.get(url)
                assert response.status_code == 200, (url, response.content[:300])
            for url in [reverse("my_home"), reverse("account"), *_public_pages(w)]:
                response = member.get(url)  # logged in: never cached, built now
                assert response.status_code == 200, (url, response.content[:300])
        assert _writes(queries) == []
        # Reads see the last committed state, not the write in progress.
        page = anonymous.get(reverse("organisation_detail", args=[w.organisation.slug]))
        assert "(saving)" not in page.content.decode()

        # A token used an hour ago: its last use is due, the write gives up at once (50 ms,
        # not the lock timeout) and the read answers.
        with CaptureQueriesContext(connection) as queries:
            response = api.get("/api/partnerships", headers=w.stale_headers)
        assert response.status_code == 200
        touches = [q for q in queries if "core_apitoken" in q["sql"] and "UPDATE" in q["sql"]]
        assert len(touches) == 1
        assert float(touches[0]["time"]) < TIMEOUT / 2
        w.stale.refresh_from_db()
        assert w.stale.last_used_at == w.hour_ago

        # Writes wait the lock timeout, then a 503 that says why, as JSON in the API...
        started = time.monotonic()
        response = api.post(follow_api, headers=w.fresh_headers)
        waited = time.monotonic() - started
        assert response.status_code == 503, response.content[:500]
        assert response.json() == {"detail": busy_message()}
        assert response["Retry-After"] == str(round(TIMEOUT))
        assert TIMEOUT * 0.9 <= waited < TIMEOUT + 8  # bounded: not 20 s, not forever
        # ... and as a page for a form.
        started = time.monotonic()
        response = member.post(follow_page, {"follow": "1"})
        waited = time.monotonic() - started
        assert response.status_code == 503
        assert "Busy for a moment" in response.content.decode()
        assert busy_message() in response.content.decode()
        assert TIMEOUT * 0.9 <= waited < TIMEOUT + 8
        assert not w.request.followers.exists()

    # Lock released: the same writes go through, the stale token's use is recorded.
    assert api.post(follow_api, headers=w.fresh_headers).status_code == 200
    assert w.request.followers.filter(pk=w.member.pk).exists()
    assert api.get("/api/partnerships", headers=w.stale_headers).status_code == 200
    w.stale.refresh_from_db()
    assert w.stale.last_used_at > w.hour_ago


def test_the_lock_timeout_is_set_on_every_connection(transactional_db, settings):
    """Production's connections wait DATABASE_LOCK_TIMEOUT (5 s unless set) for a lock."""
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        cursor = raw.cursor()
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == int(settings.DATABASE_LOCK_TIMEOUT * 1000)
        else:
            cursor.execute("SHOW lock_timeout")
            shown = cursor.fetchone()[0]
            assert shown == f"{round(settings.DATABASE_LOCK_TIMEOUT * 1000)}ms" or shown == (
                f"{round(settings.DATABASE_LOCK_TIMEOUT)}s"
            )
    finally:
        raw.close()


def test_only_lock_timeouts_count_as_busy():
    from django.db import OperationalError
    from psycopg import errors

    assert is_lock_timeout(OperationalError("database is locked"))  # SQLite's busy timeout
    for cause, expected in [
        (errors.LockNotAvailable, True),  # PostgreSQL's lock_timeout
        (errors.DeadlockDetected, True),
        (errors.QueryCanceled, False),  # statement_timeout: not a lock
    ]:
        error = OperationalError("canceling statement")
        error.__cause__ = cause("canceling statement")
        assert is_lock_timeout(error) is expected
    assert not is_lock_timeout(OperationalError("no such table: x"))
    assert not is_lock_timeout(ValueError("database is locked"))


class LockedOnTheWayOut:
    """A middleware whose write runs into the lock timeout after the view (as the session
    middleware's save would): handled by handler500, not by a view's exception hook."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.db import OperationalError

        self.get_response(request)
        raise OperationalError("database is locked")


@pytest.mark.django_db
def test_a_lock_timeout_outside_a_view_is_a_503_too(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.LockedOnTheWayOut"]
    client = Client(raise_request_exception=False)
    api = client.get("/api/partnerships")
    assert api.status_code == 503
    assert api.json() == {"detail": busy_message()}
    page = client.get("/healthz")
    assert page.status_code == 503
    assert busy_message() in page.content.decode()
    assert page["Retry-After"] == str(round(settings.DATABASE_LOCK_TIMEOUT))
