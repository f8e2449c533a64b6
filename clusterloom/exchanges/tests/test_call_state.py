"""A call's state comes from its dates: upcoming before applications open, open while they
are, closed after; Register is offered only when registering can succeed, otherwise the call
page and the registration form say why (and when applications open)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from clusterloom.directory.tests.factories import UserFactory
from clusterloom.exchanges.models import CallState, ExchangeApplication, ExchangeCall, call_state
from clusterloom.exchanges.services import application_submit

from .conftest import TODAY, application_data

OPENS, CLOSES = datetime.date(2026, 12, 10), datetime.date(2027, 1, 31)
DAY = datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("status", "today", "state"),
    [
        ("open", OPENS - 30 * DAY, CallState.UPCOMING),
        ("open", OPENS - DAY, CallState.UPCOMING),
        ("open", OPENS, CallState.OPEN),
        ("open", CLOSES, CallState.OPEN),
        ("open", CLOSES + DAY, CallState.CLOSED),
        ("closed", OPENS - DAY, CallState.CLOSED),
        ("closed", OPENS + DAY, CallState.CLOSED),
        ("draft", OPENS - DAY, CallState.DRAFT),
        ("draft", OPENS + DAY, CallState.DRAFT),
        ("draft", CLOSES + DAY, CallState.DRAFT),
    ],
)
def test_state_from_status_and_dates(status, today, state):
    assert call_state(status, OPENS, CLOSES, today) == state


def _dates(call, opens_on, closes_on):
    ExchangeCall.objects.filter(pk=call.pk).update(opens_on=opens_on, closes_on=closes_on)
    call.refresh_from_db()


def _register_button(body: str) -> bool:
    return "Register as a visitor</a>" in body


@pytest.mark.django_db
def test_an_opened_call_before_its_applications_open_is_upcoming_everywhere(client, xworld):
    """The issue's call: opened by the coordinator, applications three weeks later."""
    w = xworld
    _dates(w.call, TODAY + 18 * DAY, TODAY + 60 * DAY)
    assert w.call.status == "open"
    listing = client.get(reverse("exchange_call_list")).content.decode()
    assert "call-state-upcoming" in listing and "call-state-open" not in listing
    client.force_login(w.visitor_it)
    page = client.get(reverse("exchange_call_detail", args=[w.call.slug])).content.decode()
    assert 'text-bg-info" id="call-status">upcoming<' in page
    assert not _register_button(page)
    assert "Applications open on 10 December 2026 and close on 21 January 2027." in page
    profile = client.get(reverse("partnership_detail", args=["xtex"])).content.decode()
    assert "call-state-upcoming" in profile
    body = Client().get(f"/api/exchanges/calls/{w.call.slug}").json()
    assert (body["status"], body["state"]) == ("open", "upcoming")
    assert Client().get("/api/exchanges/calls").json()[0]["state"] == "upcoming"


@pytest.mark.django_db
def test_the_form_refuses_before_it_is_filled_in(client, xworld):
    w = xworld
    _dates(w.call, TODAY + 18 * DAY, TODAY + 60 * DAY)
    client.force_login(w.visitor_it)
    url = reverse("exchange_application_create", args=[w.call.slug])
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 403
    assert "Applications open on 10 December 2026 and close on 21 January 2027." in body
    assert 'name="goals"' not in body
    response = client.post(url, application_data(organisation=w.sme_it.pk))
    assert response.status_code == 403
    assert not ExchangeApplication.objects.exists()


@pytest.mark.django_db
def test_a_call_past_its_closing_date_is_closed(client, xworld):
    w = xworld
    _dates(w.call, TODAY - 60 * DAY, TODAY - DAY)
    client.force_login(w.visitor_it)
    page = client.get(reverse("exchange_call_detail", args=[w.call.slug])).content.decode()
    assert 'id="call-status">closed<' in page and not _register_button(page)
    assert "Applications closed on 21 November 2026." in page
    response = client.get(reverse("exchange_application_create", args=[w.call.slug]))
    assert response.status_code == 403 and "Applications closed on" in response.content.decode()
    assert Client().get(f"/api/exchanges/calls/{w.call.slug}").json()["state"] == "closed"


@pytest.mark.django_db
def test_a_call_its_coordinator_closed_early_says_so(client, xworld):
    w = xworld
    ExchangeCall.objects.filter(pk=w.call.pk).update(status="closed")
    client.force_login(w.visitor_it)
    page = client.get(reverse("exchange_call_detail", args=[w.call.slug])).content.decode()
    assert "The partnership has closed this call to applications." in page
    assert not _register_button(page)


@pytest.mark.django_db
def test_register_is_offered_when_it_can_succeed_and_only_then(client, xworld):
    w = xworld
    detail = reverse("exchange_call_detail", args=[w.call.slug])
    create = reverse("exchange_application_create", args=[w.call.slug])
    # Anonymous: asked to log in, no button.
    page = client.get(detail).content.decode()
    assert not _register_button(page) and "Log in to register as a visitor." in page
    # Signed in, but acting for no organisation.
    client.force_login(UserFactory(username="loner"))
    page = client.get(detail).content.decode()
    assert not _register_button(page) and "your account is not linked to one" in page
    # A visitor of an SME: the call is open, the button and the form are there.
    client.force_login(w.visitor_it)
    page = client.get(detail).content.decode()
    assert 'id="call-status">open<' in page and _register_button(page)
    assert 'id="apply-refusal"' not in page
    form = client.get(create)
    assert form.status_code == 200 and 'name="goals"' in form.content.decode()
    # Once the SME has applied, registering again cannot succeed: no button, the reason.
    application_submit(actor=w.visitor_it, call=w.call, data=application_data())
    page = client.get(detail).content.decode()
    assert not _register_button(page)
    assert "Tessitura Pratese has already applied to this call." in page
    assert client.get(create).status_code == 403
    # The coordinator (who acts for no organisation of their own) is not offered it either.
    client.force_login(w.coordinator)
    assert not _register_button(client.get(detail).content.decode())


def _calls_in_every_state(w):
    """Besides the open call: a draft, an upcoming call, one past its closing date and one its
    coordinator closed early."""
    from clusterloom.exchanges.services import call_create

    made = {"open": w.call}
    for name, status, opens, closes in (
        ("draft", "draft", -10, 60),
        ("upcoming", "open", 18, 60),
        ("ended", "open", -60, -1),
        ("stopped", "closed", -10, 60),
    ):
        call = call_create(
            actor=w.coordinator,
            partnership=w.partnership,
            data={
                "title": name,
                "opens_on": TODAY - 30 * DAY,
                "closes_on": TODAY + 60 * DAY,
                "exchanges_from": datetime.date(2026, 12, 1),
                "exchanges_until": datetime.date(2027, 6, 30),
                "daily_rates": {"ES": "130"},
            },
        )
        ExchangeCall.objects.filter(pk=call.pk).update(
            status=status, opens_on=TODAY + opens * DAY, closes_on=TODAY + closes * DAY
        )
        made[name] = ExchangeCall.objects.get(pk=call.pk)
    return made


@pytest.mark.django_db
def test_the_database_filter_agrees_with_the_state_shown(xworld):
    from clusterloom.exchanges.selectors import calls_in_state

    calls = _calls_in_every_state(xworld)
    rows = ExchangeCall.objects.all()
    for state in CallState.values:
        assert {c.pk for c in calls_in_state(rows, state)} == {
            c.pk for c in calls.values() if c.state == state
        }
    assert [calls[n].state for n in ("draft", "upcoming", "open", "ended", "stopped")] == [
        "draft",
        "upcoming",
        "open",
        "closed",
        "closed",
    ]


@pytest.mark.django_db
def test_the_api_lists_calls_by_state(xworld):
    calls = _calls_in_every_state(xworld)
    client = Client()
    client.force_login(xworld.coordinator)
    for state, names in (
        ("upcoming", {"upcoming"}),
        ("open", {"First call"}),
        ("closed", {"ended", "stopped"}),
        ("draft", {"draft"}),
    ):
        rows = client.get(f"/api/exchanges/calls?state={state}").json()
        assert {r["title"] for r in rows} == names
        assert {r["state"] for r in rows} == {state}
    rows = client.get("/api/exchanges/calls?status=open").json()  # as the coordinator set it
    assert {r["title"] for r in rows} == {"First call", "upcoming", "ended"}
    bad = client.get("/api/exchanges/calls?state=soon")
    assert bad.status_code == 400
    assert bad.json()["field"] == "state" and "Unknown state “soon”" in bad.json()["detail"]
    assert len(calls) == 5


@pytest.mark.django_db
def test_the_form_offers_only_organisations_that_may_still_register(client, xworld):
    """A cluster manager acting for two organisations, one of which has applied."""
    w = xworld
    w.sme_cz.managers.add(w.visitor_it)
    application_submit(
        actor=w.visitor_it, call=w.call, data=application_data(organisation=w.sme_it.pk)
    )
    client.force_login(w.visitor_it)
    page = client.get(reverse("exchange_call_detail", args=[w.call.slug])).content.decode()
    assert _register_button(page)
    form = client.get(reverse("exchange_application_create", args=[w.call.slug]))
    choices = dict(form.context["form"].fields["organisation"].choices)
    assert w.sme_cz.pk in choices and w.sme_it.pk not in choices


@pytest.mark.django_db
def test_a_call_whose_applications_are_over_cannot_be_opened(client, xworld):
    from clusterloom.tests.api_roles import send

    w = xworld
    ExchangeCall.objects.filter(pk=w.call.pk).update(status="closed")
    _dates(w.call, TODAY - 60 * DAY, TODAY - DAY)
    reason = (
        "Applications to this call closed on 21 November 2026 (today is 22 November 2026): set "
        "a later closing date (Edit) before opening it."
    )
    client.force_login(w.coordinator)
    detail = reverse("exchange_call_detail", args=[w.call.slug])
    page = client.get(detail).content.decode()
    assert "Open the call</button>" not in page and reason in page
    response = client.post(
        reverse("exchange_call_status", args=[w.call.slug]), {"status": "open"}, follow=True
    )
    assert reason in response.content.decode()
    api = send(Client(), "post", f"/api/exchanges/calls/{w.call.slug}/status", {"status": "open"},
               w.coordinator)  # fmt: skip
    assert api.status_code == 400 and api.json() == {"detail": reason, "field": "status"}
    w.call.refresh_from_db()
    assert w.call.status == "closed"
    # Once its closing date lies ahead again, it opens.
    _dates(w.call, TODAY - 60 * DAY, TODAY)
    assert "Open the call</button>" in client.get(detail).content.decode()
    api = send(Client(), "post", f"/api/exchanges/calls/{w.call.slug}/status", {"status": "open"},
               w.coordinator)  # fmt: skip
    assert api.status_code == 200 and api.json()["status"] == "open"
