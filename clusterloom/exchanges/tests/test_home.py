"""ClusterXchange on each role's own page: the coordinator sees applications to validate and
closing reports to check; the visitor sees their visit and application; others see nothing."""

import pytest
from django.urls import reverse

from clusterloom.exchanges.services import application_submit

from .conftest import advance, application_data

pytestmark = pytest.mark.django_db


def _home(client, user):
    client.force_login(user)
    response = client.get(reverse("my_home"))
    assert response.status_code == 200
    return response.content.decode()


def test_applications_to_validate_are_the_coordinators(client, xworld):
    w = xworld
    application_submit(
        actor=w.visitor_it, call=w.call, data=application_data(organisation=w.sme_it.pk)
    )
    page = _home(client, w.coordinator)
    assert "1 application awaits validation" in page
    assert reverse("exchange_call_detail", args=[w.call.slug]) in page
    assert "application awaits validation" not in _home(client, w.other_coordinator)
    visitor = _home(client, w.visitor_it)
    assert "My exchanges" in visitor and "Application: " in visitor
    assert "awaits validation" not in visitor


def test_a_closing_report_waits_for_the_visitors_partnership(client, matched, media):
    w = matched
    exchange = advance(w, w.exchange, "reported")
    link = reverse("exchange_detail", args=[exchange.pk])
    page = _home(client, w.coordinator)
    assert "Closing report to validate" in page and link in page
    visitor = _home(client, w.visitor_it)
    assert "Closing report to validate" not in visitor
    assert link in visitor  # the visit is among the visitor's own things
    assert link not in _home(client, w.stranger)
