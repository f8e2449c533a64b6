"""Each role's own page in a real browser at 1366 px and on a 390 px phone, and the main pages
on a phone without sideways scrolling (the document is no wider than the screen)."""

import datetime

import pytest
from playwright.sync_api import expect

from .conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password-1"
WIDTHS = (1366, 390)


@pytest.fixture
def homes_world(seeded):
    """The seeded logins with one password; an open EXTRATEX event the AECIM member is
    approved for, a pending registration for the coordinator to approve, and a meeting
    request waiting for the member's answer."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from clusterloom.directory.models import Organisation, Person
    from clusterloom.events import meetings, services
    from clusterloom.partnerships.models import Partnership

    users = get_user_model().objects
    for username in ("coordinator", "clutex", "member"):
        user = users.get(username=username)
        user.set_password(PASSWORD)
        user.save()
    organiser = users.get(username="coordinator")
    today = timezone.localdate()
    day = today + datetime.timedelta(days=20)
    event = services.event_create(
        actor=organiser,
        partnership=Partnership.objects.get(acronym="EXTRATEX"),
        data={
            "title": "Textiles meet automotive",
            "kind": "b2b",
            "format": "onsite",
            "venue": "Prato",
            "time_zone": "Europe/Rome",
            "registration_opens": today - datetime.timedelta(days=10),
            "registration_closes": today + datetime.timedelta(days=10),
        },
    )
    services.session_add(
        actor=organiser,
        event=event,
        data={"name": "Morning", "starts_at": f"{day}T09:00", "ends_at": f"{day}T11:00"},
    )
    services.tables_set(actor=organiser, event=event, count=2)
    services.event_status_set(actor=organiser, event=event, status="open")
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


def _overflow(tab) -> int:
    """How many pixels the document is wider than the window (0: nothing scrolls sideways)."""
    return tab.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"
    )


def _tab(browser, live_server, width):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    tab = context.new_page()
    tab.set_default_timeout(15000)
    return context, tab


def _log_in(tab, username):
    tab.goto("/accounts/login/")
    tab.get_by_label("Username").fill(username)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url("**/my/")


@pytest.mark.parametrize(
    "username, needs, section",
    [
        ("coordinator", "1 registration awaits approval", "My partnerships"),
        ("clutex", None, "My organisations"),
        ("member", "1 meeting request awaits your answer", "My events"),
    ],
)
def test_each_role_lands_on_its_own_page(
    browser, live_server, homes_world, username, needs, section
):
    for width in WIDTHS:
        context, tab = _tab(browser, live_server, width)
        _log_in(tab, username)
        expect(tab.get_by_role("heading", name="Needs you")).to_be_visible()
        expect(tab.get_by_role("heading", name=section)).to_be_visible()
        if needs:
            tab.get_by_role("link", name=needs).click()
            assert "/events/" in tab.url
            tab.go_back()
        screenshot(tab, f"home-{username}-{width}")
        assert _overflow(tab) <= 0, f"{username}'s page scrolls sideways at {width} px"
        context.close()


#: Main pages, as the anonymous public and as the coordinator.
PUBLIC_PAGES = [
    "/",
    "/partnerships/extratex/",
    "/organisations/",
    "/partners/",
    "/partners/requests/",
    "/exchanges/",
    "/events/",
    "/excellence/",
    "/activities/",
    "/regions/",
    "/partnerships/network/",
]
COORDINATOR_PAGES = [
    "/my/",
    "/reporting/partnerships/extratex/",
    "/partnerships/extratex/targets/",
    "/strategies/partnership/extratex/",
]


def test_main_pages_fit_a_390_px_phone(browser, live_server, homes_world):
    event = homes_world
    context, tab = _tab(browser, live_server, 390)
    wide = {}
    for path in [*PUBLIC_PAGES, f"/events/{event.slug}/"]:
        tab.goto(path)
        wide[path] = _overflow(tab)
    _log_in(tab, "coordinator")
    for path in [
        *COORDINATOR_PAGES,
        f"/events/{event.slug}/registrations/",
        f"/events/{event.slug}/sessions/",
    ]:
        tab.goto(path)
        wide[path] = _overflow(tab)
        if path.startswith("/reporting/"):
            screenshot(tab, "phone-dashboard-390")
    tab.goto("/partnerships/extratex/")
    screenshot(tab, "phone-profile-390")
    context.close()
    assert {path: px for path, px in wide.items() if px > 0} == {}
