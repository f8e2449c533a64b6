"""The ClusterXchange API: an exchange from the proposed match to the payment, per role;
evidence uploads judged by content; refused steps write nothing."""

import datetime
import json

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from clusterloom.exchanges import lifecycle
from clusterloom.exchanges.models import Exchange, ExchangeEvidence

from .api_support import (
    AFTER_THE_VISIT,
    PDF,
    PNG_MAGIC,
    ROLES,
    bearer,
    commit,
    complete_commitment,
    expect,
    matrix,
    propose,
    report,
    send,
    upload,
    user_of,
    validate_pair,
    validate_report,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def validated(xworld):
    """A validated Italian visitor and a validated Spanish offer, not yet matched."""
    return validate_pair(xworld)


@pytest.fixture
def proposed(validated):
    """The visitor proposed the match; the host has not confirmed yet."""
    return propose(validated)


@pytest.fixture
def committed(matched, settings, tmp_path):
    """All four signed the Commitment to Quality; uploads go to a fresh directory."""
    settings.MEDIA_ROOT = tmp_path
    return commit(matched)


@pytest.fixture
def reported(committed):
    """The visitor attached a boarding pass and filed the closing report."""
    return report(committed)


@pytest.fixture
def validated_report(reported):
    """The visitor's partnership validated the report."""
    return validate_report(reported)


# -- exchanges ---------------------------------------------------------------------------------


def test_exchange_list_per_role(matched):
    w = matched
    client = Client()
    seen = {}
    for role in ROLES:
        response = send(client, "get", "/api/exchanges/exchanges", user=user_of(w, role))
        seen[role] = (
            response.status_code
            if response.status_code != 200
            else [e["id"] for e in response.json()]
        )
    mine = [w.exchange.pk]
    assert seen == {
        "anonymous": 401,
        "stranger": [],
        "visitor": mine,
        "host": mine,
        "coordinator": mine,
        "other_coordinator": [],
        "admin": mine,
    }
    row = send(client, "get", "/api/exchanges/exchanges?status=matched", user=w.host_es).json()
    assert row[0]["visitor"]["slug"] == "tessitura-pratese" and row[0]["host"]["slug"] == "caar"
    assert row[0]["grant_total"] is not None
    assert send(client, "get", "/api/exchanges/exchanges?status=paid", user=w.admin).json() == []
    bad = send(client, "get", "/api/exchanges/exchanges?status=done", user=w.admin)
    assert bad.status_code == 400 and bad.json()["field"] == "status"


def test_exchange_detail_per_role(matched):
    w = matched
    bodies = matrix(
        w,
        "get",
        f"/api/exchanges/exchanges/{w.exchange.pk}",
        expect(
            {"visitor": 200, "host": 200, "coordinator": 200, "admin": 200},
            hidden=("stranger", "other_coordinator"),
        ),
    )
    body = bodies["visitor"]
    assert body["status"] == "matched" and body["origin"] == "catalogue"
    assert body["start"] == "2027-02-01" and body["end"] == "2027-02-05"
    assert body["confirmations"]["visitor"] and body["confirmations"]["host"]
    assert (
        body["visitor_partnership"]
        == body["host_partnership"]
        == {
            "slug": "xtex",
            "acronym": "XTEX",
        }
    )
    assert body["working_days"] == 5 and body["distance_km"] > 0
    lines = body["grant"]["lines"]
    assert lines and sum(float(line["amount"]) for line in lines) >= float(body["grant"]["total"])
    assert body["can_sign"] == ["visitor"]
    assert bodies["coordinator"]["can_sign"] == ["visitor_partnership", "host_partnership"]
    assert body["signatures"] == [] and body["evidence"] == []
    assert body["payment"] == {"paid_on": None, "reference": ""}


def test_propose_exchange_per_role(validated):
    w = validated
    bodies = matrix(
        w,
        "post",
        "/api/exchanges/exchanges",
        expect(
            # The host cannot see visitors' registrations: it is matched from the visitor's side.
            {"visitor": 201, "coordinator": 201, "admin": 201},
            hidden=("stranger", "host", "other_coordinator"),
        ),
        body={"application": w.application.pk, "offer": w.offer.pk, "origin": "suggestion"},
    )
    proposed = bodies["visitor"]
    assert proposed["status"] == "proposed" and proposed["origin"] == "suggestion"
    assert proposed["confirmations"]["visitor"] and proposed["confirmations"]["host"] is None
    assert bodies["coordinator"]["confirmations"] == {"visitor": None, "host": None}
    assert bodies["host"]["field"] == "application"


@pytest.mark.parametrize(
    "change, status, field",
    [
        ({"start": "2027-02-05", "end": "2027-02-01"}, 400, "end"),
        ({"start": "2027-02-01", "end": "2027-02-02"}, 400, "end"),  # 2 working days
        ({"start": "2028-02-01", "end": "2028-02-04"}, 400, "start"),  # after the call
        ({"origin": "friendship"}, 400, "origin"),
        ({"application": 987654}, 404, "application"),
        ({"offer": 987654}, 404, "offer"),
        ({"start": "1 Feb"}, 422, "start"),
        ({"application": "mine"}, 422, "application"),
    ],
)
def test_propose_bad_input_writes_nothing(validated, change, status, field):
    w = validated
    body = {"application": w.application.pk, "offer": w.offer.pk, **change}
    response = send(Client(), "post", "/api/exchanges/exchanges", body, w.visitor_it)
    assert response.status_code == status, response.content
    if status == 422:
        assert field in json.dumps(response.json()["detail"])
    else:
        assert response.json().get("field") == field
    assert not Exchange.objects.exists()


def test_too_short_exchange_lists_the_rule(validated):
    w = validated
    body = {"application": w.application.pk, "offer": w.offer.pk, "start": "2027-02-01"}
    body["end"] = "2027-02-02"
    response = send(Client(), "post", "/api/exchanges/exchanges", body, w.visitor_it)
    assert [f["rule"] for f in response.json()["failures"]] == ["too_few_working_days"]


def test_confirm_per_role(proposed):
    w = proposed
    bodies = matrix(
        w,
        "post",
        f"/api/exchanges/exchanges/{w.exchange.pk}/confirm",
        expect(
            {"visitor": 200, "host": 200, "admin": 200},
            hidden=("stranger", "other_coordinator"),
            forbidden=("coordinator",),
        ),
    )
    assert bodies["visitor"]["status"] == "proposed"  # the host has yet to confirm
    assert bodies["host"]["status"] == "matched"


def test_decline_per_role(proposed):
    w = proposed
    bodies = matrix(
        w,
        "post",
        f"/api/exchanges/exchanges/{w.exchange.pk}/decline",
        expect(
            {"visitor": 200, "host": 200, "admin": 200},
            hidden=("stranger", "other_coordinator"),
            forbidden=("coordinator",),
        ),
        body={"reason": "Our plant is closed in February."},
    )
    assert bodies["host"]["status"] == "declined"
    assert bodies["host"]["cancel_reason"] == "Our plant is closed in February."


def test_cancel_per_role(matched):
    w = matched
    url = f"/api/exchanges/exchanges/{w.exchange.pk}/cancel"
    bodies = matrix(
        w,
        "post",
        url,
        expect(
            {"visitor": 200, "host": 200, "coordinator": 200, "admin": 200},
            hidden=("stranger", "other_coordinator"),
        ),
        body={"reason": "Travel ban."},
    )
    assert bodies["coordinator"]["status"] == "cancelled"
    no_reason = send(Client(), "post", url, {}, w.visitor_it)
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "reason"
    decline_late = send(
        Client(), "post", url.replace("cancel", "decline"), {"reason": "x"}, w.host_es
    )
    assert decline_late.status_code == 400 and decline_late.json()["field"] == "status"


def test_commitment_per_role(matched):
    w = matched
    body = {"objectives": "Meet seat makers.", "agenda": "Day 1: plant visit.", "end": "2027-02-04"}
    bodies = matrix(
        w,
        "patch",
        f"/api/exchanges/exchanges/{w.exchange.pk}/commitment",
        expect(
            {"visitor": 200, "host": 200, "admin": 200},
            hidden=("stranger", "other_coordinator"),
            forbidden=("coordinator",),
        ),
        body=body,
    )
    drafted = bodies["host"]
    assert drafted["objectives"] == "Meet seat makers." and drafted["end"] == "2027-02-04"
    assert drafted["start"] == "2027-02-01" and drafted["working_days"] == 4


def test_commitment_dates_in_the_wrong_order_keep_the_signatures(matched):
    w = matched
    complete_commitment(w)
    lifecycle.commitment_sign(actor=w.visitor_it, exchange=w.exchange, role="visitor")
    url = f"/api/exchanges/exchanges/{w.exchange.pk}/commitment"
    response = send(Client(), "patch", url, {"agenda": "New.", "end": "2027-01-20"}, w.host_es)
    assert response.status_code == 400 and response.json()["field"] == "end"
    w.exchange.refresh_from_db()
    assert list(w.exchange.signatures) == ["visitor"]
    assert w.exchange.agenda == "Day 1: plant visit."
    changed = send(Client(), "patch", url, {"agenda": "New."}, w.host_es)
    assert changed.status_code == 200 and changed.json()["signatures"] == []


def test_sign_per_role(matched):
    w = matched
    complete_commitment(w)
    url = f"/api/exchanges/exchanges/{w.exchange.pk}/sign"
    for role, signatory in (
        ("visitor", "visitor"),
        ("host", "host"),
        ("coordinator", "visitor_partnership"),
    ):
        expected = expect(
            {role: 200, "admin": 200},
            hidden=("stranger", "other_coordinator"),
            forbidden=[r for r in ("visitor", "host", "coordinator") if r != role],
        )
        bodies = matrix(w, "post", url, expected, body={"role": signatory})
        assert [s["role"] for s in bodies[role]["signatures"]] == [signatory]
    unknown = send(Client(), "post", url, {"role": "boss"}, w.coordinator)
    assert unknown.status_code == 400 and unknown.json()["field"] == "role"


def test_sign_an_incomplete_commitment_is_refused(matched):
    w = matched
    response = send(
        Client(),
        "post",
        f"/api/exchanges/exchanges/{w.exchange.pk}/sign",
        {"role": "host"},
        w.host_es,
    )
    assert response.status_code == 400 and response.json()["field"] == "objectives"


def test_evidence_upload_per_role(committed, tmp_path):
    w = committed
    client = Client()
    got = {}
    for role in ROLES:
        with transaction.atomic():
            response = upload(client, w.exchange.pk, "boarding.pdf", PDF, user_of(w, role))
            got[role] = response.status_code
            if role == "visitor":
                created = response.json()
            transaction.set_rollback(True)
    assert got == expect(
        {"visitor": 201, "admin": 201},
        hidden=("stranger", "other_coordinator"),
        forbidden=("host", "coordinator"),
    )
    assert created["name"] == "boarding.pdf" and created["kind"] == "pdf"
    assert created["size"] == len(PDF) and created["description"] == "Boarding pass"
    assert "url" not in created and "file" not in created


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("boarding.pdf", PNG_MAGIC, "PNG image"),  # a PNG that says it is a PDF
        ("invoice.pdf", b"<html><body>Invoice</body></html>", "HTML page"),
        ("invoice.pdf", b"%PDF-1.4\n1 0 obj", "incomplete"),
        ("photo.png", PNG_MAGIC, "damaged"),
        ("invoice.pdf", b"", "empty"),
    ],
)
def test_upload_refused_by_content(committed, tmp_path, name, content, words):
    w = committed
    response = upload(Client(), w.exchange.pk, name, content, w.visitor_it)
    assert response.status_code == 400, response.content
    assert response.json()["field"] == "file" and words in response.json()["detail"]
    assert not ExchangeEvidence.objects.exists()
    assert not list(tmp_path.rglob("*.*"))


def test_upload_too_large_or_missing(committed, settings, tmp_path):
    w = committed
    settings.UPLOAD_MAX_BYTES = 200
    response = upload(Client(), w.exchange.pk, "invoice.pdf", PDF + b" " * 500, w.visitor_it)
    assert response.status_code == 400 and "at most" in response.json()["detail"]
    missing = Client().post(
        f"/api/exchanges/exchanges/{w.exchange.pk}/evidence", {}, headers=bearer(w.visitor_it)
    )
    assert missing.status_code == 422
    assert not ExchangeEvidence.objects.exists()


def test_upload_before_the_commitment_is_signed(matched, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = upload(Client(), matched.exchange.pk, "boarding.pdf", PDF, matched.visitor_it)
    assert response.status_code == 400 and response.json()["field"] == "status"


def test_evidence_removed_by_the_visitor(committed, tmp_path):
    w = committed
    client = Client()
    uploaded = upload(client, w.exchange.pk, "boarding.pdf", PDF, w.visitor_it).json()
    url = f"/api/exchanges/exchanges/{w.exchange.pk}/evidence/{uploaded['id']}"
    assert client.delete(url, headers=bearer(w.host_es)).status_code == 403
    assert client.delete(url, headers=bearer(w.stranger)).status_code == 404
    assert client.delete(url, headers=bearer(w.visitor_it)).status_code == 204
    assert not ExchangeEvidence.objects.exists()
    assert client.delete(url, headers=bearer(w.visitor_it)).status_code == 404


def test_report_per_role(committed, monkeypatch):
    w = committed
    lifecycle.evidence_add(
        actor=w.visitor_it, exchange=w.exchange, file_name="boarding.pdf", content=PDF
    )
    url = f"/api/exchanges/exchanges/{w.exchange.pk}/report"
    early = send(Client(), "post", url, {"report": "We met."}, w.visitor_it)
    assert early.status_code == 400 and "2027-02-05" in early.json()["detail"]
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: AFTER_THE_VISIT)
    bodies = matrix(
        w,
        "post",
        url,
        expect(
            {"visitor": 200, "admin": 200},
            hidden=("stranger", "other_coordinator"),
            forbidden=("host", "coordinator"),
        ),
        body={"report": "We met the seat makers."},
    )
    assert bodies["visitor"]["status"] == "reported"
    assert bodies["visitor"]["report"] == "We met the seat makers."
    empty = send(Client(), "post", url, {"report": " "}, w.visitor_it)
    assert empty.status_code == 400 and empty.json()["field"] == "report"


def test_report_needs_evidence(committed, monkeypatch):
    w = committed
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: AFTER_THE_VISIT)
    response = send(
        Client(),
        "post",
        f"/api/exchanges/exchanges/{w.exchange.pk}/report",
        {"report": "x"},
        w.visitor_it,
    )
    assert response.status_code == 400 and response.json()["field"] == "file"
    w.exchange.refresh_from_db()
    assert w.exchange.status == "committed" and w.exchange.report == ""


def test_validate_per_role(reported):
    w = reported
    url = f"/api/exchanges/exchanges/{w.exchange.pk}/validate"
    bodies = matrix(
        w,
        "post",
        url,
        expect(
            {"coordinator": 200, "admin": 200},
            hidden=("stranger", "other_coordinator"),
            forbidden=("visitor", "host"),
        ),
        body={"approve": True},
    )
    assert bodies["coordinator"]["status"] == "validated"
    assert bodies["coordinator"]["validated_at"]
    returned = send(Client(), "post", url, {"approve": False}, w.coordinator)
    assert returned.status_code == 400 and returned.json()["field"] == "note"
    malformed = send(Client(), "post", url, {"approve": "perhaps"}, w.coordinator)
    assert malformed.status_code == 422
    back = send(
        Client(), "post", url, {"approve": False, "note": "Add the invoice."}, w.coordinator
    )
    assert back.json()["status"] == "committed" and back.json()["review_note"] == "Add the invoice."


def test_paid_per_role(validated_report, monkeypatch):
    w = validated_report
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: datetime.date(2027, 3, 2))
    url = f"/api/exchanges/exchanges/{w.exchange.pk}/paid"
    bodies = matrix(
        w,
        "post",
        url,
        expect(
            {"coordinator": 200, "admin": 200},
            hidden=("stranger", "other_coordinator"),
            forbidden=("visitor", "host"),
        ),
        body={"paid_on": "2027-03-01", "reference": "XTEX-2027-001"},
    )
    assert bodies["coordinator"]["status"] == "paid"
    assert bodies["coordinator"]["payment"] == {
        "paid_on": "2027-03-01",
        "reference": "XTEX-2027-001",
    }
    malformed = send(Client(), "post", url, {"paid_on": "March"}, w.coordinator)
    assert malformed.status_code == 422


@pytest.mark.parametrize(
    ("paid_on", "words"),
    [
        ("2020-01-01", "The payment (1 January 2020) is dated before the visit ended"),
        ("2027-02-04", "The payment (4 February 2027) is dated before the visit ended"),
        ("2027-03-03", "The payment (3 March 2027) is dated in the future (today is 2 March 2027)"),
    ],
)
def test_a_payment_before_the_visit_ends_or_in_the_future_is_refused(
    validated_report, monkeypatch, paid_on, words
):
    w = validated_report
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: datetime.date(2027, 3, 2))
    url = f"/api/exchanges/exchanges/{w.exchange.pk}/paid"
    response = send(Client(), "post", url, {"paid_on": paid_on}, w.coordinator)
    assert response.status_code == 400 and response.json()["field"] == "paid_on"
    assert words in response.json()["detail"]
    assert "from 1 February 2027 to 5 February 2027" in response.json()["detail"]
    w.exchange.refresh_from_db()
    assert (w.exchange.status, w.exchange.paid_at) == ("validated", None)
    on_the_last_day = send(Client(), "post", url, {"paid_on": "2027-02-05"}, w.coordinator)
    assert on_the_last_day.json()["payment"]["paid_on"] == "2027-02-05"
