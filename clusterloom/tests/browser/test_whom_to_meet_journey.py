"""The demo B2B event in a real browser, as `make run` leaves it: a member registers (reading
what publishing means), the organiser approves, and the member sees people to meet, each as a
strong, good or possible match with the reasons, and how many others are hidden and why."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import screenshot
from .test_journeys import login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(seeded):
    """The seed partnerships, the demo logins and the demo matchmaking event."""
    from clusterloom.events.demo import SLUG, demo_event

    demo_event()
    return {"logins": seeded, "slug": SLUG}


def _logout(page):
    page.get_by_role("button", name="Log out").click()


def test_a_member_registers_for_the_demo_event_and_sees_people_to_meet_with_reasons(page, demo):
    logins, slug = demo["logins"], demo["slug"]
    login(page, "member", logins["member"])
    page.goto("/events/")
    page.get_by_role("link", name="Textiles meet automotive (B2B)").first.click()
    page.locator("#register").click()
    # The form says what publishing means before the member decides; it starts unticked.
    consent = page.locator("[name=consent_public]")
    expect(consent).not_to_be_checked()
    expect(page.locator("#registration-form")).to_contain_text("only the organisers see them")
    page.get_by_role("textbox", name="Profile").fill(
        "Automotive cluster: our members make car seats and need technical textiles."
    )
    page.locator("[name=item_1_kind]").select_option("request")
    page.locator("[name=item_1_title]").fill("Technical textiles for car seats")
    page.locator("[name=item_2_kind]").select_option("offer")
    page.locator("[name=item_2_title]").fill("Plastic injection moulding for car interiors")
    consent.check()
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.locator("#my-registration")).to_contain_text("awaiting approval")
    _logout(page)

    # The organiser approves; the event page counts who nobody can find.
    login(page, "coordinator", logins["coordinator"])
    page.goto(f"/events/{slug}/registrations/")
    page.locator("tr", has_text="AECIM").get_by_role("button", name="Approve").first.click()
    page.goto(f"/events/{slug}/")
    expect(page.locator("#unfindable-link")).to_contain_text(
        re.compile(r"\d+ participants? nobody can find")
    )
    page.locator("#unfindable-link").click()
    expect(page.locator("#unfindable-count")).to_contain_text("cannot be found")
    _logout(page)

    # The member sees people to meet, with the strength in words and the reasons.
    login(page, "member", logins["member"])
    page.goto(f"/events/{slug}/")
    page.locator("#suggestions-link").click()
    first = page.locator("#suggestions li.suggestion").first
    expect(first.locator(".strength")).to_contain_text(re.compile(r"(Strong|Good|Possible) match"))
    expect(first.locator(".strength")).to_contain_text("fit 0.")
    expect(first.locator(".why")).to_contain_text("they offer what you seek")
    expect(page.locator("#hidden-unpublished")).to_contain_text("unpublished")
    expect(page.locator("#findability-self")).to_have_count(0)  # published, in a group
    screenshot(page, "event-whom-to-meet")
