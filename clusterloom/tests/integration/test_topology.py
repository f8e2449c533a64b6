"""The reference deployment end to end: PostgreSQL, Redis (broker and shared cache), two
gunicorn web processes behind one address, a Celery worker and beat, an SMTP sink.

A journey through both web processes (register, approve, request, accept), a partner-index
change made through one process and found by a search on the other (delay measured), a
1,000-participant event scheduled in the background by the worker, the worker SIGKILLed during
the job and another started: the job finishes once, the schedule is valid and published, and
every e-mail arrives once, in the site's language (German here).

Needs PostgreSQL and Redis on this machine (`.ci/run` starts them); `make test` elsewhere skips
it and says why. Settings: TOPOLOGY_DATABASE_URL (a database it drops and creates),
TOPOLOGY_REDIS_URL (a Redis database it empties), TOPOLOGY_PORT (the shared address; web n on
PORT+n, the SMTP sink on PORT+3; default: the first free block from 18015).
"""

import http.cookiejar
import json
import mailbox
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from email.header import decode_header, make_header
from pathlib import Path

import pytest

from clusterloom.core.topology import Topology, free_port_block

pytestmark = pytest.mark.integration

DATABASE_URL = os.environ.get(
    "TOPOLOGY_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/clusterloom_topology"
)
REDIS_URL = os.environ.get("TOPOLOGY_REDIS_URL", "redis://127.0.0.1:6379/15")


PORT = int(os.environ.get("TOPOLOGY_PORT") or free_port_block())
PARTICIPANTS = int(os.environ.get("TOPOLOGY_PARTICIPANTS", 1000))


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _services_missing() -> str:
    db = urllib.parse.urlparse(DATABASE_URL)
    redis = urllib.parse.urlparse(REDIS_URL)
    missing = []
    if not _reachable(db.hostname or "127.0.0.1", db.port or 5432):
        missing.append(f"PostgreSQL at {db.hostname}:{db.port or 5432}")
    if not _reachable(redis.hostname or "127.0.0.1", redis.port or 6379):
        missing.append(f"Redis at {redis.hostname}:{redis.port or 6379}")
    return " and ".join(missing)


@pytest.fixture(scope="module")
def topology(tmp_path_factory):
    """Fresh database and Redis, migrated and seeded; every process started."""
    missing = _services_missing()
    if missing:
        reason = f"the integration test needs {missing} (.ci/run starts them)"
        if os.environ.get("CI_REQUIRE_INTEGRATION"):
            pytest.fail(reason)
        pytest.skip(reason)
    import psycopg
    import redis

    base, name = DATABASE_URL.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    redis.Redis.from_url(REDIS_URL).flushdb()
    var = tmp_path_factory.mktemp("topology")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
        "DJANGO_SETTINGS_MODULE": "clusterloom.settings",
        "DATABASE_URL": DATABASE_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "CACHE_URL": REDIS_URL,
        "CLUSTERLOOM_VAR_DIR": str(var),
        "SECRET_KEY": "integration-test-key-" + "x" * 40,
        "LANGUAGE_CODE": "de",
        "SITE_URL": f"http://127.0.0.1:{PORT}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(PORT + 3),
        # A task whose worker died goes to another worker after 20 s (production: 15 min).
        "CELERY_VISIBILITY_TIMEOUT": "20",
        "EVENT_SCHEDULE_TIME_LIMIT": "12",
        "PAGE_CACHE_SECONDS": "600",
        "LOG_LEVEL": "WARNING",
    }
    root = Path(__file__).resolve().parents[3]
    for argv in (
        [str(Path(sys.executable).parent / "clusterloom"), "migrate", "--noinput"],
        [sys.executable, "-m", "clusterloom.tests.integration.seed",
         "--participants", str(PARTICIPANTS)],
    ):  # fmt: skip
        done = subprocess.run(argv, env=env, cwd=root, capture_output=True, text=True)  # noqa: S603
        assert done.returncode == 0, done.stderr[-3000:]
    seeded = json.loads(done.stdout.strip().splitlines()[-1])
    running = Topology(env=env, port=PORT, smtp_port=PORT + 3, log_dir=var / "topology")
    try:
        running.start(timeout=120)
        running.seeded = seeded
        yield running
    finally:
        running.stop()


def api(base: str, path: str, token: str, body=None, method=None) -> tuple[int, dict]:
    """Call the JSON API with a bearer token."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310 - http on loopback
        base + "/api" + path,
        data=data,
        method=method or ("POST" if body is not None else "GET"),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


class Browser:
    """A logged-in session on the pages (cookies, CSRF), on one web process."""

    def __init__(self, base: str, username: str, password: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.get("/accounts/login/")
        self.post("/accounts/login/", {"username": username, "password": password})

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode()

    def post(self, path: str, fields: dict) -> str:
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": self.csrf()}).encode()
        request = urllib.request.Request(  # noqa: S310 - http on loopback
            self.base + path, data=data, headers={"Referer": self.base + path}
        )
        with self.opener.open(request, timeout=60) as response:
            return response.read().decode()

    def on(self, base: str) -> "Browser":
        """The same session, talking to another web process."""
        self.base = base
        return self


def messages(topology) -> list:
    """Every message the SMTP sink received: (recipient, subject, body)."""
    found = []
    for message in mailbox.Maildir(topology.mail_dir, create=False):
        subject = str(make_header(decode_header(message["Subject"]))).strip()
        body = message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")
        for to in message["X-RcptTo"].split(","):
            found.append((to.strip(), subject, body))
    return found


def wait_for(check, timeout: float, what: str):
    """Poll `check` until it returns something true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _db():
    import psycopg

    return psycopg.connect(DATABASE_URL.replace("postgres://", "postgresql://"), autocommit=True)


def test_the_reference_deployment_end_to_end(topology):
    s = topology.seeded
    web1, web2, shared = topology.web_url(1), topology.web_url(2), topology.url
    slug = s["event"]
    alice, bob, organiser = s["alice"], s["bob"], s["organiser"]

    # -- the shared address answers, served by both processes ------------------------------
    for _ in range(6):
        status, _body = api(shared, f"/events/{slug}", organiser["token"])
        assert status == 200

    # -- a journey through both web processes --------------------------------------------
    status, mine = api(web1, f"/events/{slug}/participants", alice["token"],
                       {"organisation": alice["organisation"], "consent_public": True})  # fmt: skip
    assert status == 201, mine
    status, theirs = api(web2, f"/events/{slug}/participants", bob["token"],
                         {"organisation": bob["organisation"], "consent_public": True})  # fmt: skip
    assert status == 201, theirs
    for participant, base in ((mine, web2), (theirs, web1)):
        status, body = api(base, f"/events/{slug}/participants/{participant['id']}/review",
                           organiser["token"], {"decision": "approve"})  # fmt: skip
        assert status == 200 and body["status"] == "approved", body
    status, meeting = api(web2, f"/events/{slug}/meetings", alice["token"],
                          {"invitee": theirs["id"], "message": "Treffen wir uns?"})  # fmt: skip
    assert status == 201, meeting
    accept = f"/events/{slug}/meetings/{meeting['id']}/accept"
    status, accepted = api(web1, accept, bob["token"], {})
    assert status == 200 and accepted["status"] == "accepted", accepted

    # -- one partner index across processes ----------------------------------------------
    word = "zygomorphic"
    organisation = s["changed_organisation"]
    change = {"description": f"Looms for {word} technical textiles."}
    status, body = api(web1, f"/organisations/{organisation}", s["admin_token"], change, "PATCH")
    assert status == 200, body
    changed_at = time.monotonic()

    def found_on_web2():
        _status, found = api(web2, "/match/search", organiser["token"], {"text": word, "k": 5})
        return any(r["organisation"]["slug"] == organisation for r in found.get("results", []))

    wait_for(found_on_web2, 30, "the change made on web-1 to be found on web-2")
    delay = time.monotonic() - changed_at
    print(f"\nindex change on web-1 found by a search on web-2 after {delay:.2f} s")  # noqa: T201
    assert delay < 10

    # -- the large event, scheduled in the background by the worker -----------------------
    organiser_pages = Browser(web2, organiser["username"], organiser["password"])
    page = organiser_pages.post(f"/events/{slug}/schedule/", {})
    assert "Der Planer läuft im Hintergrund" in page, page[:3000]

    def progress_seen():
        html = organiser_pages.on(web1).get(f"/events/{slug}/schedule/progress/")
        match = re.search(r"(\d+)\s*%", html)
        return match and int(match.group(1)) > 0 and html

    wait_for(progress_seen, 120, "the worker's progress to show on web-1")
    topology.kill("worker-1")  # SIGKILL mid-job, as on a lost machine
    killed_at = time.monotonic()
    with _db() as db:
        state = db.execute(
            "SELECT schedule_state FROM events_matchmakingevent WHERE slug = %s", [slug]
        ).fetchone()[0]
    assert state["running"] and "done_job" not in state
    topology.start_worker("worker-2")

    def finished():
        html = organiser_pages.on(web1).get(f"/events/{slug}/schedule/progress/")
        return "hx-trigger" not in html and html

    wait_for(finished, 240, "the job to finish on the second worker")
    after_kill = time.monotonic() - killed_at

    with _db() as db:
        state = db.execute(
            "SELECT schedule_state FROM events_matchmakingevent WHERE slug = %s", [slug]
        ).fetchone()[0]
        runs = db.execute(
            "SELECT COUNT(*) FROM core_auditentry WHERE action = 'events.scheduled'"
        ).fetchone()[0]
        scheduled = db.execute(
            "SELECT COUNT(*) FROM events_meeting WHERE status = 'scheduled'"
        ).fetchone()[0]
        clashes = db.execute(
            """SELECT COUNT(*) FROM (SELECT slot_id, table_id FROM events_meeting
               WHERE status = 'scheduled' GROUP BY slot_id, table_id HAVING COUNT(*) > 1) t"""
        ).fetchone()[0]
        double_booked = db.execute(
            """SELECT COUNT(*) FROM (SELECT participant_id, slot_id FROM events_booking
               GROUP BY participant_id, slot_id HAVING COUNT(*) > 1) t"""
        ).fetchone()[0]
        unavailable = db.execute(
            """SELECT COUNT(*) FROM events_booking b WHERE NOT EXISTS (
               SELECT 1 FROM events_participant_available_slots a
               WHERE a.participant_id = b.participant_id AND a.timeslot_id = b.slot_id)"""
        ).fetchone()[0]
    assert state["done_job"] == state["job"] and state.get("attempts", 0) >= 2, state
    assert not state.get("error"), state
    assert runs == 1  # finished once, though started twice
    assert scheduled == state["scheduled"] > 0.8 * 2.1 * PARTICIPANTS
    assert clashes == double_booked == unavailable == 0
    print(  # noqa: T201
        f"worker SIGKILLed mid-job; the job finished {after_kill:.1f} s later on the second "
        f"worker (attempts {state['attempts']}, audited runs {runs}): {scheduled} of "
        f"{int(2.1 * PARTICIPANTS) + 1} meetings placed, status {state.get('status')}"
    )

    # -- publish; every e-mail arrives once, in German -----------------------------------
    status, published = api(web2, f"/events/{slug}/schedule/publish", organiser["token"], {})
    assert status == 200, published
    expected = PARTICIPANTS + 2

    def agendas():
        rows = [m for m in messages(topology) if "Terminplan" in m[1]]
        return len(rows) >= expected and rows

    rows = wait_for(agendas, 180, f"{expected} agenda e-mails")
    time.sleep(2)  # anything sent twice would arrive now
    rows = [m for m in messages(topology) if "Terminplan" in m[1]]
    recipients = [to for to, _subject, _body in rows]
    assert len(recipients) == len(set(recipients)) == expected
    assert "participant0@example.test" in recipients and "alice@example.test" in recipients
    subject, body = rows[0][1], rows[0][2]
    assert subject == "Ihr Terminplan für Textiles meet automotive ist fertig"
    assert f"http://127.0.0.1:{PORT}/events/{slug}/agenda/" in body
    every = messages(topology)
    by_kind = {
        "requested": [m for m in every if "möchte Sie bei" in m[1]],
        "accepted": [m for m in every if m[1].startswith("Termin angenommen")],
        "reviewed": [m for m in every if m[1].startswith("Ihre Registrierung für")],
    }
    assert [m[0] for m in by_kind["requested"]] == ["bob@example.test"]
    assert [m[0] for m in by_kind["accepted"]] == ["alice@example.test"]
    assert sorted(m[0] for m in by_kind["reviewed"]) == ["alice@example.test", "bob@example.test"]
    print(f"{len(every)} e-mails received, {len(rows)} agendas: one per participant")  # noqa: T201
