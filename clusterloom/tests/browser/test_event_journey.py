"""A matchmaking event in a real browser: register, get a suggestion, request a meeting, the
other side accepts, the organiser schedules, both agendas show the meeting, feedback."""

import datetime

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, open_event, screenshot
from .test_journeys import login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def event_world(seeded):
    """EXTRATEX's open B2B event whose meeting day was yesterday (so feedback is open at once),
    an approved Italian supplier with a login, and a Czech SME member who is not registered."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from clusterloom.directory.models import Organisation, Person
    from clusterloom.events import services
    from clusterloom.geo.models import Country

    users = get_user_model().objects
    organiser = users.get(username="coordinator")
    organiser.set_password(PASSWORD)
    organiser.save()
    event = open_event(organiser, day=timezone.localdate() - datetime.timedelta(days=1))

    def person(username, first, last, name, code, description, offers="", requests=""):
        org = Organisation.objects.create(
            name=name,
            slug=username,
            kind="sme",
            is_sme=True,
            country=Country.objects.get(code=code),
            description=description,
            offers=offers,
            requests=requests,
        )
        user = users.create_user(
            username, f"{username}@example.org", PASSWORD, first_name=first, last_name=last
        )
        Person.objects.create(organisation=org, user=user, first_name=first, last_name=last)
        return user, org

    supplier, weaver = person(
        "giulia",
        "Giulia",
        "Bianchi",
        "Tessitura Pratese",
        "IT",
        "Weaving of flame-retardant technical textiles for car seats.",
        offers="Technical textiles for car seats.",
    )
    participant = services.registration_submit(
        actor=supplier,
        event=event,
        data={
            "organisation": weaver.pk,
            "consent_public": True,
            "profile": "We weave flame-retardant technical textiles for car seats.",
            "items": [
                {
                    "kind": "offer",
                    "title": "Technical textiles for car seats",
                    "description": "Flame-retardant seat fabrics",
                }
            ],
        },
    )
    services.registration_review(actor=organiser, participant=participant, decision="approve")
    person(
        "petr",
        "Petr",
        "Novák",
        "Sedačky Liberec",
        "CZ",
        "Upholstery of car seats.",
        requests="Technical textiles for car seats.",
    )
    return event


def _logout(page):
    page.get_by_role("button", name="Log out").click()


def test_a_meeting_from_registration_to_feedback(page, event_world):
    event = event_world
    # Petr registers with a request.
    login(page, "petr", PASSWORD)
    page.goto("/events/")
    page.get_by_role("link", name="Textiles meet automotive").first.click()
    page.locator("#register").click()
    page.get_by_role("textbox", name="Profile").fill(
        "We upholster car seats and need technical textiles."
    )
    page.locator("[name=item_1_kind]").select_option("request")
    page.locator("[name=item_1_title]").fill("Technical textiles for car seats")
    page.locator("[name=consent_public]").check()
    page.get_by_role("button", name="Register", exact=True).click()
    _logout(page)

    # The organiser approves the registration.
    login(page, "coordinator", PASSWORD)
    page.goto(f"/events/{event.slug}/registrations/")
    page.locator("tr", has_text="Sedačky Liberec").get_by_role("button", name="Approve").click()
    _logout(page)

    # Petr gets Giulia suggested, with the reasons, and requests a meeting.
    login(page, "petr", PASSWORD)
    page.goto(f"/events/{event.slug}/suggestions/")
    suggestion = page.locator("#suggestions li", has_text="Giulia Bianchi").first
    expect(suggestion).to_contain_text("Matched words:")
    screenshot(page, "event-suggestions")
    suggestion.get_by_role("button", name="Request a meeting").click()
    _logout(page)

    # Giulia accepts.
    login(page, "giulia", PASSWORD)
    page.goto(f"/events/{event.slug}/meetings/")
    page.locator("#received").get_by_role("button", name="Accept").first.click()
    _logout(page)

    # The organiser schedules and publishes.
    login(page, "coordinator", PASSWORD)
    page.goto(f"/events/{event.slug}/schedule/")
    page.locator("#run-scheduler").click()
    expect(page.locator("#share")).to_contain_text("%")
    page.locator("#publish").click()
    screenshot(page, "event-schedule")
    _logout(page)

    # Both agendas show the meeting.
    for username, other in (("petr", "Giulia Bianchi"), ("giulia", "Petr Novák")):
        login(page, username, PASSWORD)
        page.goto(f"/events/{event.slug}/agenda/")
        expect(page.locator("#agenda")).to_contain_text(other)
        if username == "petr":
            screenshot(page, "event-agenda")
            # Feedback: the meeting day is over.
            page.locator("#agenda a", has_text="Giulia Bianchi").first.click()
            form = page.locator('.feedback-form[data-stage="after_event"]')
            form.get_by_label("Cooperation possible").check()
            form.get_by_role("button", name="Send the feedback").click()
            given = page.locator('.feedback-form[data-stage="after_event"]')
            expect(given).to_contain_text("given")
            screenshot(page, "event-feedback")
        _logout(page)
