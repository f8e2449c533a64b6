"""The allocation of a whole call through the API: only its coordinators, a proposal that
saves nothing, a confirmation that creates the matches."""

import pytest

from clusterloom.exchanges.models import Exchange

from .api_support import send, user_of
from .conftest import hosting_offer, visitor_application

pytestmark = pytest.mark.django_db

URL = "/api/exchanges/calls/{slug}/allocation"


@pytest.fixture
def applicants(xworld):
    offer = hosting_offer(xworld)
    italian = visitor_application(xworld)
    czech = visitor_application(xworld, actor=xworld.visitor_cz, organisation=xworld.sme_cz)
    return xworld, offer, [italian, czech]


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 401),
        ("stranger", 403),
        ("visitor", 403),
        ("host", 403),
        ("other_coordinator", 403),
        ("coordinator", 200),
        ("admin", 200),
    ],
)
def test_who_may_propose_an_allocation(client, applicants, role, status):
    w, _offer, _applications = applicants
    response = send(client, "post", URL.format(slug=w.call.slug), {}, user=user_of(w, role))
    assert response.status_code == status, response.content
    assert Exchange.objects.count() == 0  # a proposal saves nothing


def test_proposal_then_confirmation(client, applicants):
    w, offer, applications = applicants
    response = send(
        client, "post", URL.format(slug=w.call.slug), {"time_limit": 5}, user=w.coordinator
    )
    body = response.json()
    assert body["status"] == "optimal"
    assert body["totals"]["exchanges"] == 2  # the Spanish offer takes both (capacity 2)
    assert {p["application"] for p in body["pairs"]} == {a.pk for a in applications}
    assert body["score"] <= body["bound"] + 1e-9
    kept = [{"application": p["application"], "offer": p["offer"]} for p in body["pairs"]]
    confirm = send(
        client,
        "post",
        URL.format(slug=w.call.slug) + "/confirm",
        {"pairs": kept},
        user=w.coordinator,
    )
    assert confirm.status_code == 201, confirm.content
    created = Exchange.objects.filter(pk__in=confirm.json()["exchanges"])
    assert {e.origin for e in created} == {"allocation"} and created.count() == 2
    assert all(e.offer_id == offer.pk and e.status == "proposed" for e in created)


def test_bad_time_limit_and_unknown_pairs_are_refused(client, applicants):
    w, offer, _applications = applicants
    response = send(
        client, "post", URL.format(slug=w.call.slug), {"time_limit": 0}, user=w.coordinator
    )
    assert response.status_code in (400, 422)
    confirm = send(
        client,
        "post",
        URL.format(slug=w.call.slug) + "/confirm",
        {"pairs": [{"application": 999999, "offer": offer.pk}]},
        user=w.coordinator,
    )
    assert confirm.status_code == 400
    assert Exchange.objects.count() == 0
