"""Browser journeys: Playwright driving Debian's Chromium against the live test server."""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to
# prepare data are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium from the system (never downloaded at run time)."""
    executable = shutil.which("chromium")
    if executable is None:
        message = "Chromium is not installed (apt-get install -y chromium)"
        if os.environ.get("CI_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def live_server(live_server):
    """pytest-django's live server, stopped only once the requests the browser sent last have
    ended: a request still in one of the server's threads when the server stops uses the
    test database's connection after it was taken back ("DatabaseWrapper objects created in a
    thread can only be used in that same thread", seen at the end of a CI run under load)."""
    import threading
    import time

    yield live_server
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(
        "process_request_thread" in thread.name for thread in threading.enumerate()
    ):
        time.sleep(0.05)


@pytest.fixture
def seeded(reference_data):
    """The database as `make run` leaves it (without the CORDIS demo organisations)."""
    from clusterloom.partnerships.demo import (
        SetupReport,
        demo_logins,
        region_categories_demo,
        seed_partnerships_import,
    )

    region_categories_demo()
    seed_partnerships_import()
    report = SetupReport()
    demo_logins(report)
    return {username: password for _role, username, password in report.new_logins}


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page; `page.goto("/path")` is relative to the live server."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15000)
    yield tab
    context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


#: The password the journeys give the demo logins they use.
PASSWORD = "a-long-test-password-1"


def open_event(organiser, *, day):
    """EXTRATEX's B2B event "Textiles meet automotive" in Prato, open for registration (since
    ten days, for ten more), with a morning session on `day` and two tables."""
    import datetime

    from django.utils import timezone

    from clusterloom.events import services
    from clusterloom.events.tests.factories import textiles_event
    from clusterloom.partnerships.models import Partnership

    today = timezone.localdate()
    event = textiles_event(
        organiser,
        Partnership.objects.get(acronym="EXTRATEX"),
        opens=today - datetime.timedelta(days=10),
        closes=today + datetime.timedelta(days=10),
    )
    services.session_add(
        actor=organiser,
        event=event,
        data={"name": "Morning", "starts_at": f"{day}T09:00", "ends_at": f"{day}T11:00"},
    )
    services.tables_set(actor=organiser, event=event, count=2)
    services.event_status_set(actor=organiser, event=event, status="open")
    return event


def overflow(tab) -> int:
    """How many pixels the document is wider than the window (0: nothing scrolls sideways)."""
    return tab.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"
    )


def tab_at(browser, live_server, width):
    """A fresh browser context and page `width` pixels wide."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    tab = context.new_page()
    tab.set_default_timeout(15000)
    return context, tab


def log_in(tab, username):
    """Log in with PASSWORD; the user lands on My page."""
    tab.goto("/accounts/login/")
    tab.get_by_label("Username").fill(username)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url("**/my/")


@pytest.fixture
def homes_world(seeded):
    """The seeded logins with one password; an open EXTRATEX event the AECIM member is
    approved for, a pending registration for the coordinator to approve, and a meeting
    request waiting for the member's answer."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from clusterloom.directory.models import Organisation, Person
    from clusterloom.events import meetings, services

    users = get_user_model().objects
    for username in ("coordinator", "clutex", "member"):
        user = users.get(username=username)
        user.set_password(PASSWORD)
        user.save()
    organiser = users.get(username="coordinator")
    event = open_event(organiser, day=timezone.localdate() + datetime.timedelta(days=20))
    member = users.get(username="member")
    mine = services.registration_submit(
        actor=member,
        event=event,
        data={"organisation": member.person.organisation_id, "consent_public": True},
    )
    services.registration_review(actor=organiser, participant=mine, decision="approve")
    asker = users.create_user("giulia", "giulia@example.org", PASSWORD)
    weaver = Organisation.objects.exclude(pk=member.person.organisation_id).first()
    Person.objects.create(organisation=weaver, user=asker, first_name="Giulia", last_name="Bianchi")
    theirs = services.registration_submit(
        actor=asker, event=event, data={"organisation": weaver.pk, "consent_public": True}
    )
    services.registration_review(actor=organiser, participant=theirs, decision="approve")
    meetings.meeting_request(
        actor=asker, requester=theirs, invitee=mine, message="Seat fabrics for 2028?"
    )
    late = users.create_user("petr", "petr@example.org", PASSWORD)
    Person.objects.create(organisation=weaver, user=late, first_name="Petr", last_name="Novák")
    services.registration_submit(
        actor=late, event=event, data={"organisation": weaver.pk, "consent_public": True}
    )
    return event
