"""A ClusterXchange exchange end to end in a real browser, from registration to validation."""

import datetime
import io

import pytest
from playwright.sync_api import expect

from .conftest import screenshot
from .test_journeys import login

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password-1"


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _last_week() -> tuple[datetime.date, datetime.date]:
    """Monday to Friday of a past week without Italian public holidays on weekdays."""
    from clusterloom.exchanges.eligibility import working_days

    today = datetime.date.today()
    monday = today - datetime.timedelta(days=today.weekday() + 14)
    while working_days(monday, monday + datetime.timedelta(days=4), "IT") < 5:
        monday -= datetime.timedelta(days=7)
    return monday, monday + datetime.timedelta(days=4)


@pytest.fixture
def call_world(seeded, settings, tmp_path):
    """EXTRATEX's open call, a validated hosting offer of Next Technology Tecnotessile (IT),
    and a Czech SME member of CLUTEX with a login."""
    from django.contrib.auth import get_user_model

    from clusterloom.directory.models import ClusterMembership, Organisation, Person
    from clusterloom.directory.services import cluster_get_or_create
    from clusterloom.exchanges.services import (
        call_create,
        call_status_set,
        hosting_offer_review,
        hosting_offer_submit,
    )
    from clusterloom.geo.models import Country
    from clusterloom.partnerships.models import Partnership

    settings.MEDIA_ROOT = tmp_path
    users = get_user_model().objects
    coordinator = users.get(username="coordinator")
    coordinator.set_password(PASSWORD)
    coordinator.save()
    extratex = Partnership.objects.get(acronym="EXTRATEX")
    ntt = Organisation.objects.get(name__icontains="Tecnotessile")
    clutex = Organisation.objects.get(name__startswith="CLUTEX")
    host = users.create_user("ntt-host", "host@example.org", PASSWORD, first_name="Marco")
    ntt.managers.add(host)
    sme = Organisation.objects.create(
        name="Textil Liberec",
        slug="textil-liberec",
        kind="sme",
        is_sme=True,
        country=Country.objects.get(code="CZ"),
        description="Knitting of spacer fabrics for car seats.",
        offers="Spacer fabrics and knitted technical textiles.",
        requests="Finishing of technical textiles; textile testing labs.",
    )
    cluster, _new = cluster_get_or_create(actor=None, organisation=clutex)
    ClusterMembership.objects.create(cluster=cluster, organisation=sme)
    visitor = users.create_user("jana", "jana@example.org", PASSWORD, first_name="Jana")
    Person.objects.create(organisation=sme, user=visitor, first_name="Jana", last_name="Nová")
    today = datetime.date.today()
    call = call_create(
        actor=coordinator,
        partnership=extratex,
        data={
            "title": "ClusterXchange journey call",
            "opens_on": today - datetime.timedelta(days=30),
            "closes_on": today + datetime.timedelta(days=30),
            "exchanges_from": today - datetime.timedelta(days=120),
            "exchanges_until": today + datetime.timedelta(days=200),
            "daily_rates": {"IT": "140"},
            "default_daily_rate": "120",
        },
    )
    call_status_set(actor=coordinator, call=call, status="open")
    offer = hosting_offer_submit(
        actor=host,
        partnership=extratex,
        data={
            "organisation": ntt.pk,
            "title": "Finishing and testing labs for technical textiles",
            "topics": "Functional finishing of technical textiles, textile testing labs",
            "offers": "Finishing of technical textiles and testing",
            "seeks": "Knitted spacer fabrics for automotive seats",
            "capacity": 2,
            "available_from": call.exchanges_from,
            "available_until": call.exchanges_until,
        },
    )
    hosting_offer_review(actor=coordinator, offer=offer, decision="validate")
    return call


def _logout(page):
    page.get_by_role("button", name="Log out").click()


def _done(page) -> int:
    page.goto("/partnerships/extratex/")
    cell = page.locator('#exchange-progress tr[data-code="exchanges"] td.done')
    return int(cell.inner_text())


def test_an_exchange_from_registration_to_validation(page, call_world):
    start, end = _last_week()
    login(page, "coordinator", PASSWORD)
    before = _done(page)
    _logout(page)

    # The visitor registers for the call.
    login(page, "jana", PASSWORD)
    page.goto("/exchanges/")
    page.get_by_role("link", name="EXTRATEX: ClusterXchange journey call").click()
    page.get_by_role("link", name="Register as a visitor").click()
    page.get_by_label("Member of the cluster").select_option(
        label="CLUTEX - klastr technicke textilie, z.s."
    )
    page.get_by_label("Goals of the exchange").fill(
        "Learn finishing and testing of technical textiles for car seats."
    )
    page.get_by_label("What you seek").fill("Finishing of technical textiles, testing labs")
    page.get_by_label("Preferred first day").fill(start.isoformat())
    page.get_by_label("Preferred last day").fill(end.isoformat())
    page.get_by_role("button", name="Register").click()
    expect(page.locator("#application-status")).to_have_text("submitted")
    application_url = page.url
    _logout(page)

    # The partnership validates the registration.
    login(page, "coordinator", PASSWORD)
    page.goto(application_url)
    page.get_by_role("button", name="Validate").click()
    expect(page.locator("#application-status")).to_have_text("validated")
    _logout(page)

    # The visitor picks the suggested host.
    login(page, "jana", PASSWORD)
    page.goto(application_url)
    suggestion = page.locator(".host-suggestion").first
    expect(suggestion).to_contain_text("Finishing and testing labs")
    expect(suggestion).to_contain_text("Matched words:")
    screenshot(page, "exchange-suggested-hosts")
    suggestion.get_by_role("button", name="Propose a visit").click()
    expect(page.locator("#exchange-status")).to_have_text("proposed")
    exchange_url = page.url
    _logout(page)

    # The host confirms, drafts the commitment, sees the lump sum and signs.
    login(page, "ntt-host", PASSWORD)
    page.goto(exchange_url)
    page.get_by_role("button", name="Confirm the match").click()
    expect(page.locator("#exchange-status")).to_have_text("matched")
    page.get_by_label("Objectives").fill("Learn finishing processes; plan a joint test.")
    page.get_by_label("Agenda").fill("Mon: labs. Tue-Thu: finishing lines. Fri: workshop.")
    page.get_by_role("button", name="Save the commitment").click()
    expect(page.locator("#grant-total")).to_contain_text("EUR")
    page.get_by_role("button", name="Sign as Host").click()
    _logout(page)

    login(page, "jana", PASSWORD)
    page.goto(exchange_url)
    page.get_by_role("button", name="Sign as Visitor").click()
    _logout(page)

    login(page, "coordinator", PASSWORD)
    page.goto(exchange_url)
    page.get_by_role("button", name="Sign as Visitor's partnership").click()
    page.get_by_role("button", name="Sign as Host's partnership").click()
    expect(page.locator("#exchange-status")).to_have_text("commitment signed")
    _logout(page)

    # The visitor reports the visit with evidence.
    login(page, "jana", PASSWORD)
    page.goto(exchange_url)
    page.get_by_label("Document").set_input_files(
        files=[{"name": "boarding-pass.png", "mimeType": "image/png", "buffer": _png()}]
    )
    page.get_by_role("button", name="Attach").click()
    expect(page.locator("#evidence")).to_contain_text("boarding-pass.png")
    page.get_by_role("textbox", name="Closing report").fill(
        "Visited the labs; a joint test is planned."
    )
    page.get_by_role("button", name="File the closing report").click()
    expect(page.locator("#exchange-status")).to_have_text("reported")
    _logout(page)

    # The partnership validates it; EXTRATEX's count goes up by one.
    login(page, "coordinator", PASSWORD)
    page.goto(exchange_url)
    page.get_by_role("button", name="Validate the exchange").click()
    expect(page.locator("#exchange-status")).to_have_text("validated")
    screenshot(page, "exchange-validated")
    assert _done(page) == before + 1
    screenshot(page, "exchange-progress-extratex")
