"""The ClusterXchange pages: each step through the forms, and who may see and do what."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from clusterloom.exchanges.models import Exchange, ExchangeApplication, HostingOffer
from clusterloom.tests.connections import connection_kept

from .conftest import application_data, hosting_offer, offer_data, visitor_application

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_call_pages_for_the_public_and_the_coordinator(client, xworld):
    w = xworld
    response = client.get(reverse("exchange_call_list"))
    assert response.status_code == 200
    assert "First call" in response.content.decode()
    detail = client.get(reverse("exchange_call_detail", args=[w.call.slug]))
    body = detail.content.decode()
    assert detail.status_code == 200
    assert 'id="travel-bands"' in body and "Register as a visitor" not in body
    assert client.get(reverse("exchange_call_edit", args=[w.call.slug])).status_code == 302
    client.force_login(w.stranger)
    assert client.get(reverse("exchange_call_edit", args=[w.call.slug])).status_code == 403
    assert client.get(reverse("exchange_call_allocation", args=[w.call.slug])).status_code == 403
    client.force_login(w.coordinator)
    page = client.get(reverse("exchange_call_detail", args=[w.call.slug])).content.decode()
    assert "Allocate the call" in page and 'id="applications"' not in page  # none yet


def call_post(client, **fields):
    """POST XTEX's new-call form: dates in order and targets set, the rest from `fields`."""
    data = {
        "title": "Bad",
        "opens_on": "2026-12-01",
        "closes_on": "2027-01-31",
        "exchanges_from": "2027-02-01",
        "exchanges_until": "2027-09-30",
        "target_exchanges": 20,
        "target_sme": 10,
        "target_non_member": 5,
    }
    return client.post(reverse("exchange_call_create") + "?partnership=xtex", data | fields)


def test_a_draft_call_is_hidden_from_everyone_but_its_coordinators(client, xworld):
    w = xworld
    client.force_login(w.coordinator)
    response = call_post(
        client, title="Second call", daily_rates="IT 140\nES 130", cap_per_organisation="1100"
    )
    assert response.status_code == 302
    slug = response.url.rstrip("/").rsplit("/", 1)[-1]
    client.logout()
    assert client.get(reverse("exchange_call_detail", args=[slug])).status_code == 404
    client.force_login(w.other_coordinator)
    assert client.get(reverse("exchange_call_detail", args=[slug])).status_code == 404


def test_call_form_names_the_field_at_fault(client, xworld):
    client.force_login(xworld.coordinator)
    response = call_post(
        client, opens_on="2027-01-31", closes_on="2026-12-01", daily_rates="IT 140"
    )
    assert response.status_code == 400
    assert (
        "The close of applications (1 December 2026) is before the opening of applications "
        "(31 January 2027)." in response.content.decode()
    )
    response = call_post(client, daily_rates="XX 140")
    assert response.status_code == 400
    assert "“XX” is not a COSME country code" in response.content.decode()


def test_the_whole_exchange_through_the_pages(client, xworld, settings, tmp_path):
    w = xworld
    settings.MEDIA_ROOT = tmp_path
    # The Spanish cluster publishes an offer; the partnership validates it.
    client.force_login(w.host_es)
    response = client.post(
        reverse("hosting_offer_create"),
        offer_data(partnership="xtex", organisation=w.es_cluster.organisation.pk),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    offer = HostingOffer.objects.get()
    client.force_login(w.coordinator)
    client.post(reverse("hosting_offer_review", args=[offer.pk]), {"decision": "validate"})
    # The Italian SME registers; the partnership validates.
    client.force_login(w.visitor_it)
    response = client.post(
        reverse("exchange_application_create", args=[w.call.slug]),
        application_data(organisation=w.sme_it.pk),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    application = ExchangeApplication.objects.get()
    client.force_login(w.coordinator)
    client.post(
        reverse("exchange_application_review", args=[application.pk]), {"decision": "validate"}
    )
    # The visitor sees the Spanish offer suggested, with reasons, and proposes a visit.
    client.force_login(w.visitor_it)
    page = client.get(reverse("exchange_application_detail", args=[application.pk]))
    body = page.content.decode()
    assert 'id="host-suggestions"' in body and "Car interior production lines" in body
    assert "Matched words" in body
    suggestion = page.context["suggestions"][0]
    assert f"{suggestion.result.strength_label.capitalize()} <span" in body  # in words
    response = client.post(
        reverse("hosting_offer_propose", args=[offer.pk]),
        {
            "application": application.pk,
            "origin": "suggestion",
            "fit": "0.3",
            "start": "2027-02-01",
            "end": "2027-02-05",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    exchange = Exchange.objects.get()
    assert exchange.origin == "suggestion" and exchange.visitor_confirmed_at
    # The host confirms.
    client.force_login(w.host_es)
    client.post(reverse("exchange_confirm", args=[exchange.pk]))
    exchange.refresh_from_db()
    assert exchange.status == "matched"
    # The commitment: the lump sum shows before anyone signs.
    response = client.post(
        reverse("exchange_commitment", args=[exchange.pk]),
        {
            "start": "2027-02-01",
            "end": "2027-02-05",
            "objectives": "Learn supplier audits.",
            "agenda": "Day 1: plant visit. Day 2-5: supplier meetings.",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("exchange_detail", args=[exchange.pk])).content.decode()
    assert 'id="grant-total">EUR 925.00' in page
    for user, role in [
        (w.host_es, "host"),
        (w.visitor_it, "visitor"),
        (w.coordinator, "visitor_partnership"),
        (w.coordinator, "host_partnership"),
    ]:
        client.force_login(user)
        assert (
            client.post(reverse("exchange_sign", args=[exchange.pk]), {"role": role}).status_code
            == 302
        )
    exchange.refresh_from_db()
    assert exchange.status == "committed"
    # Evidence: a renamed HTML page is refused, a PNG accepted; then the report.
    client.force_login(w.visitor_it)
    fake = io.BytesIO(b"<html><body>not a pdf</body></html>")
    fake.name = "boarding-pass.pdf"
    response = client.post(reverse("exchange_evidence_upload", args=[exchange.pk]), {"file": fake})
    assert response.status_code == 400 and exchange.evidence.count() == 0
    image = io.BytesIO(_png())
    image.name = "boarding-pass.png"
    client.post(reverse("exchange_evidence_upload", args=[exchange.pk]), {"file": image})
    assert exchange.evidence.count() == 1
    Exchange.objects.filter(pk=exchange.pk).update(start="2026-11-02", end="2026-11-06")
    response = client.post(
        reverse("exchange_report", args=[exchange.pk]), {"report": "Met four suppliers."}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    # The partnership validates; the progress counts go up by one.
    client.force_login(w.coordinator)
    client.post(reverse("exchange_validate", args=[exchange.pk]), {"approve": "1", "note": ""})
    exchange.refresh_from_db()
    assert exchange.status == "validated"
    page = client.get(reverse("partnership_detail", args=["xtex"])).content.decode()
    assert 'id="exchange-progress"' in page
    # A payment dated before the visit's last day, or in the future, is refused on its field.
    for paid_on, words in (
        ("2020-01-01", "The payment (1 January 2020) is dated before the visit ended"),
        ("2026-11-05", "The payment (5 November 2026) is dated before the visit ended"),
        ("2026-11-23", "The payment (23 November 2026) is dated in the future"),
    ):
        refused = client.post(reverse("exchange_paid", args=[exchange.pk]), {"paid_on": paid_on})
        assert refused.status_code == 400
        errors = refused.context["payment_form"].errors
        assert words in errors["paid_on"][0]
        assert "the visit ran from 2 November 2026 to 6 November 2026" in errors["paid_on"][0]
        exchange.refresh_from_db()
        assert (exchange.status, exchange.paid_at) == ("validated", None)
    client.post(reverse("exchange_paid", args=[exchange.pk]), {"paid_on": "2026-11-22"})
    exchange.refresh_from_db()
    assert exchange.status == "paid"
    # Evidence is served to those who may see the exchange only.
    evidence = exchange.evidence.get()
    download = client.get(reverse("exchange_evidence_download", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == _png()
    with connection_kept():  # closing the response fires request_finished (see the helper)
        download.close()
    client.force_login(w.stranger)
    assert client.get(reverse("exchange_evidence_download", args=[evidence.pk])).status_code == 404
    assert client.get(reverse("exchange_detail", args=[exchange.pk])).status_code == 404


#: Who sees the matched exchange's page and its registration's page (status of each).
SEES = {
    "anonymous": (302, 302),
    "stranger": (404, 404),
    "visitor_it": (200, 200),
    "host_es": (200, 404),
    "coordinator": (200, 200),
    "other_coordinator": (404, 404),
    "admin": (200, 200),
}


@pytest.mark.parametrize("who", SEES)
def test_who_sees_an_exchange_and_its_application(client, matched, who):
    if who != "anonymous":
        client.force_login(getattr(matched, who))
    exchange = client.get(reverse("exchange_detail", args=[matched.exchange.pk]))
    application = client.get(reverse("exchange_application_detail", args=[matched.application.pk]))
    assert (exchange.status_code, application.status_code) == SEES[who]


def test_only_the_signatory_signs(client, matched):
    w = matched
    client.post(
        reverse("exchange_commitment", args=[w.exchange.pk]),
        {"start": "2027-02-01", "end": "2027-02-05", "objectives": "x", "agenda": "y"},
    )
    client.force_login(w.host_es)
    response = client.post(reverse("exchange_sign", args=[w.exchange.pk]), {"role": "visitor"})
    assert response.status_code == 302
    w.exchange.refresh_from_db()
    assert w.exchange.signatures == {}


def test_allocation_page_proposes_and_confirms(client, xworld):
    w = xworld
    offer = hosting_offer(w)
    for user, org in ((w.visitor_it, w.sme_it), (w.visitor_cz, w.sme_cz)):
        visitor_application(w, actor=user, organisation=org)
    client.force_login(w.coordinator)
    page = client.post(
        reverse("exchange_call_allocation", args=[w.call.slug]), {"action": "propose"}
    )
    body = page.content.decode()
    assert page.status_code == 200, body[:2000]
    assert 'id="allocation-pairs"' in body
    pairs = [f"{a.pk}-{offer.pk}" for a in ExchangeApplication.objects.all()]
    response = client.post(
        reverse("exchange_call_allocation", args=[w.call.slug]),
        {"action": "confirm", "pair": pairs},
    )
    assert response.status_code == 302
    assert Exchange.objects.filter(origin="allocation").count() == 2


def test_the_registration_form_refuses_a_cluster_as_a_member_of_itself(client, xworld):
    w = xworld
    client.force_login(w.host_es)
    response = client.post(
        reverse("exchange_application_create", args=[w.call.slug]),
        application_data(organisation=w.es_cluster.organisation.pk, member_of=w.es_cluster.pk),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["member_of"] == [
        "Clúster de Automoción de Aragón cannot be a member of its own cluster."
    ]
    assert not ExchangeApplication.objects.exists()


def test_a_matched_exchange_is_cancelled_from_its_page_with_a_reason(client, matched):
    w = matched
    client.force_login(w.visitor_it)
    url = reverse("exchange_cancel", args=[w.exchange.pk])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and 'id="id_reason"' in refused.content.decode()
    w.exchange.refresh_from_db()
    assert w.exchange.status == "matched"
    response = client.post(url, {"reason": "Our plans changed."}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("exchange_detail", args=[w.exchange.pk])
    assert "The exchange is cancelled." in response.content.decode()
    w.exchange.refresh_from_db()
    assert (w.exchange.status, w.exchange.cancel_reason) == ("cancelled", "Our plans changed.")


def test_a_proposed_match_is_declined_from_its_page_and_a_matched_one_is_not(client, matched):
    from clusterloom.exchanges.lifecycle import exchange_propose

    w = matched
    client.force_login(w.host_es)
    refused = client.post(reverse("exchange_decline", args=[w.exchange.pk]), {"reason": "No."})
    assert refused.status_code == 400
    assert "This exchange is matched; that step is not possible now." in refused.content.decode()
    application = visitor_application(w, actor=w.visitor_cz, organisation=w.sme_cz)
    proposed = exchange_propose(actor=w.visitor_cz, application=application, offer=w.offer)
    response = client.post(
        reverse("exchange_decline", args=[proposed.pk]), {"reason": "Full that week."}
    )
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert (proposed.status, proposed.cancel_reason) == ("declined", "Full that week.")
