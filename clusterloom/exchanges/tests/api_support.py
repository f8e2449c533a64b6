"""Helpers of the ClusterXchange API tests: a user per role, requests with API tokens, the
per-role matrix, and states of the exchange reached through the services."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from clusterloom.exchanges import lifecycle, services
from clusterloom.tests.api_roles import bearer, role_matrix, send, statuses  # noqa: F401
from clusterloom.tests.support import player

from .conftest import application_data, offer_data

ROLES = ("anonymous", "stranger", "visitor", "host", "coordinator", "other_coordinator", "admin")
#: A minimal PDF as evidence_kind judges one: the header, and %%EOF at the end.
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
AFTER_THE_VISIT = datetime.date(2027, 2, 10)


def api_application(**overrides) -> dict:
    """A valid registration as the API takes it (languages as a list)."""
    return application_data(**{"languages": ["en", "it"], **overrides})


def api_offer(**overrides) -> dict:
    """A valid hosting offer as the API takes it."""
    return offer_data(**{"languages": ["en", "es"], "partnership": "xtex", **overrides})


def user_of(w, role):
    """The xworld user who plays `role` (None: anonymous)."""
    return player(w, role, {"visitor": "visitor_it", "host": "host_es"})


def matrix(w, method, url, expected: dict, body=None, users=None):
    """The same request as each role of the world (see clusterloom.tests.api_roles)."""
    return role_matrix(
        lambda role: (users or {}).get(role) or user_of(w, role), method, url, expected, body
    )


def expect(allowed: dict, *, hidden=(), forbidden=(), anonymous=401) -> dict:
    """The status per role: `allowed` as given, `hidden` roles 404, `forbidden` 403."""
    return statuses(ROLES, allowed, hidden=hidden, forbidden=forbidden, anonymous=anonymous)


# -- states of the world, reached through the services ------------------------------------


def submitted_application(w, user=None, organisation=None):
    """The Czech SME's registration, awaiting validation."""
    return services.application_submit(
        actor=user or w.visitor_cz,
        call=w.call,
        data=application_data(organisation=(organisation or w.sme_cz).pk),
    )


def hosting_offer(w, *, validate=True, user=None, organisation=None, partnership=None):
    """The Spanish cluster's offer (or another host's), validated unless told."""
    offer = services.hosting_offer_submit(
        actor=user or w.host_es,
        partnership=partnership or w.partnership,
        data=offer_data(organisation=(organisation or w.es_cluster.organisation).pk),
    )
    if validate:
        services.hosting_offer_review(actor=w.coordinator, offer=offer, decision="validate")
    return offer


def validate_pair(w):
    """A validated Italian visitor and a validated Spanish offer, not yet matched."""
    w.offer = hosting_offer(w)
    w.application = services.application_submit(
        actor=w.visitor_it, call=w.call, data=application_data(organisation=w.sme_it.pk)
    )
    services.application_review(actor=w.coordinator, application=w.application, decision="validate")
    return w


def propose(w):
    """The visitor proposed the match; the host has not confirmed yet."""
    w.exchange = lifecycle.exchange_propose(
        actor=w.visitor_it, application=w.application, offer=w.offer
    )
    return w


def complete_commitment(w):
    """Objectives and agenda drafted: the commitment can be signed."""
    return lifecycle.commitment_update(
        actor=w.visitor_it,
        exchange=w.exchange,
        data={"objectives": "Meet seat makers.", "agenda": "Day 1: plant visit."},
    )


def commit(w):
    """All four signed the Commitment to Quality (after `matched`)."""
    complete_commitment(w)
    for user, role in (
        (w.visitor_it, "visitor"),
        (w.host_es, "host"),
        (w.coordinator, "visitor_partnership"),
        (w.coordinator, "host_partnership"),
    ):
        w.exchange = lifecycle.commitment_sign(actor=user, exchange=w.exchange, role=role)
    assert w.exchange.status == "committed"
    return w


def report(w):
    """The visitor attached a boarding pass and filed the closing report."""
    lifecycle.evidence_add(
        actor=w.visitor_it, exchange=w.exchange, file_name="boarding.pdf", content=PDF
    )
    w.exchange = lifecycle.exchange_report(
        actor=w.visitor_it, exchange=w.exchange, report="We met.", today=AFTER_THE_VISIT
    )
    return w


def validate_report(w):
    """The visitor's partnership validated the report."""
    w.exchange = lifecycle.exchange_validate(actor=w.coordinator, exchange=w.exchange, approve=True)
    return w


def upload(client, exchange_id, name, content, user, description="Boarding pass"):
    """POST one evidence file as multipart form data."""
    return client.post(
        f"/api/exchanges/exchanges/{exchange_id}/evidence",
        {"file": SimpleUploadedFile(name, content), "description": description},
        headers=bearer(user) if user else {},
    )
