"""In a real browser: a call opened before its applications open reads "upcoming" and offers no
Register button, saying when applications open (the form says the same); a coordinator sets a
commitment the profile states but no target kind reads as a target, and says another is not."""

import datetime

import pytest
from playwright.sync_api import expect

from .conftest import screenshot
from .test_exchange_journey import PASSWORD, call_world  # noqa: F401 - the fixture
from .test_journeys import login

pytestmark = pytest.mark.django_db(transaction=True)


def _dates(call, opens_in_days: int):
    from clusterloom.exchanges.models import ExchangeCall

    today = datetime.date.today()
    ExchangeCall.objects.filter(pk=call.pk).update(
        opens_on=today + datetime.timedelta(days=opens_in_days),
        closes_on=today + datetime.timedelta(days=60),
    )


def test_an_upcoming_call_says_when_it_opens_and_offers_register_once_open(page, call_world):  # noqa: F811
    from django.utils.formats import date_format

    opens = datetime.date.today() + datetime.timedelta(days=21)
    _dates(call_world, 21)
    login(page, "jana", PASSWORD)
    page.goto("/exchanges/")
    expect(page.locator(".call-state-upcoming").first).to_have_text("upcoming")
    page.get_by_role("link", name="EXTRATEX: ClusterXchange journey call").click()
    expect(page.locator("#call-status")).to_have_text("upcoming")
    expect(page.get_by_role("link", name="Register as a visitor")).to_have_count(0)
    expect(page.locator("#apply-refusal")).to_contain_text(
        f"Applications open on {date_format(opens, 'DATE_FORMAT')}"
    )
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "call-upcoming-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The registration form, reached by its address, refuses before anything is filled in.
    page.goto(f"/exchanges/calls/{call_world.slug}/apply/")
    expect(page.locator("#apply-refusal")).to_contain_text("Applications open on")
    expect(page.get_by_label("Goals of the exchange")).to_have_count(0)
    # Once applications are open, the button is there and leads to the form.
    _dates(call_world, -1)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/exchanges/calls/{call_world.slug}/")
    expect(page.locator("#call-status")).to_have_text("open")
    page.get_by_role("link", name="Register as a visitor").click()
    expect(page.get_by_label("Goals of the exchange")).to_be_visible()


def test_a_coordinator_sets_a_listed_commitment_and_dismisses_another(page, call_world):  # noqa: F811
    from clusterloom.partnerships.models import Action, Partnership, Target

    extratex = Partnership.objects.get(acronym="EXTRATEX")
    Action.objects.create(
        partnership=extratex,
        order=99,
        text="The partnership will organise 12 webinars and publish 2 policy briefs.",
    )
    login(page, "coordinator", PASSWORD)
    page.goto("/partnerships/extratex/")
    commitments = page.locator("#commitments .commitment")
    expect(commitments).to_have_count(2)
    webinars = commitments.filter(has=page.get_by_text("12 webinars", exact=True))
    webinars.get_by_label("Target").select_option("dissemination")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "commitments-390")
    # The kind list fits the phone's width (its longest option made the page 394 px wide).
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    webinars.get_by_role("button", name="Set as target").click()
    expect(page.locator('#targets-table tr[data-code="dissemination"]')).to_contain_text("12")
    expect(page.locator("#commitments .commitment")).to_have_count(1)
    page.locator("#commitments .commitment").get_by_role(
        "button", name="Not a target: stop listing it"
    ).click()
    expect(page.locator("#commitments")).to_have_count(0)
    target = Target.objects.get(partnership=extratex, code="dissemination")
    assert (target.value, target.status) == (12, "confirmed")
