"""The end of an exchange: evidence, closing report, validation or return, payment, audit."""

import datetime

import pytest

from clusterloom.core.errors import DomainError
from clusterloom.core.models import AuditEntry
from clusterloom.exchanges import lifecycle
from clusterloom.exchanges.models import ExchangeEvidence

from .conftest import AFTER_VISIT, advance, minimal_pdf, snapshot, trail


@pytest.fixture
def committed(cross, media):
    """The cross-partnership exchange with its commitment signed by all four."""
    cross.exchange = advance(cross, cross.exchange, "committed")
    return cross


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("ticket.pdf", b"MZ\x90\x00 this is a Windows program"),
        ("invoice.pdf", b"PK\x03\x04 a zip archive"),
        ("photo.jpg", b"\x89PNG\r\n\x1a\n broken png"),
        ("ticket.pdf", b"%PDF-1.4 cut off"),
        ("empty.pdf", b""),
    ],
)
def test_evidence_that_is_not_a_pdf_jpeg_or_png_is_refused_and_nothing_kept(
    committed, media, name, content
):
    w = committed
    before = snapshot(w.exchange)
    with pytest.raises(DomainError) as caught:
        lifecycle.evidence_add(
            actor=w.visitor_it, exchange=w.exchange, file_name=name, content=content
        )
    assert caught.value.field == "file"
    assert snapshot(w.exchange) == before  # no ExchangeEvidence row, no audit entry
    assert [p for p in media.rglob("*") if p.is_file()] == []


def test_accepted_evidence_is_stored_under_the_exchange_not_its_name(committed, media):
    w = committed
    evidence = lifecycle.evidence_add(
        actor=w.visitor_it,
        exchange=w.exchange,
        file_name="../../etc/boarding pass.pdf",
        content=minimal_pdf(),
        description="Boarding pass MXP-MAD",
    )
    assert evidence.kind == "pdf"
    assert evidence.original_name == "../../etc/boarding pass.pdf"
    files = [p for p in media.rglob("*") if p.is_file()]
    assert len(files) == 1
    assert files[0].parent == media / "exchanges" / str(w.exchange.pk)
    assert files[0].read_bytes() == minimal_pdf()
    lifecycle.evidence_remove(actor=w.visitor_it, evidence=evidence)
    assert not ExchangeEvidence.objects.exists()


def test_the_report_is_filed_after_the_visit_with_evidence(committed):
    w = committed
    exchange = w.exchange
    before = snapshot(exchange)
    with pytest.raises(DomainError, match="can be filed from the last day") as caught:
        lifecycle.exchange_report(
            actor=w.visitor_it,
            exchange=exchange,
            report="Done.",
            today=exchange.end - datetime.timedelta(days=1),
        )
    assert caught.value.field == "report"
    with pytest.raises(DomainError, match="Attach the evidence") as caught:
        lifecycle.exchange_report(
            actor=w.visitor_it, exchange=exchange, report="Done.", today=AFTER_VISIT
        )
    assert caught.value.field == "file"
    with pytest.raises(DomainError) as caught:
        lifecycle.exchange_report(
            actor=w.visitor_it, exchange=exchange, report="", today=AFTER_VISIT
        )
    assert caught.value.field == "report"
    assert snapshot(exchange) == before
    lifecycle.evidence_add(
        actor=w.visitor_it, exchange=exchange, file_name="invoice.pdf", content=minimal_pdf()
    )
    exchange = lifecycle.exchange_report(
        actor=w.visitor_it, exchange=exchange, report="We met three suppliers.", today=AFTER_VISIT
    )
    assert exchange.status == "reported"
    assert exchange.reported_at is not None
    # evidence is frozen with the report
    with pytest.raises(DomainError, match="not possible now"):
        lifecycle.evidence_add(
            actor=w.visitor_it, exchange=exchange, file_name="more.pdf", content=minimal_pdf()
        )


def test_a_returned_report_needs_a_note_and_goes_back_to_the_visitor(committed):
    w = committed
    lifecycle.evidence_add(
        actor=w.visitor_it, exchange=w.exchange, file_name="invoice.pdf", content=minimal_pdf()
    )
    exchange = lifecycle.exchange_report(
        actor=w.visitor_it, exchange=w.exchange, report="Short.", today=AFTER_VISIT
    )
    before = snapshot(exchange)
    with pytest.raises(DomainError) as caught:
        lifecycle.exchange_validate(actor=w.coordinator, exchange=exchange, approve=False)
    assert caught.value.field == "note"
    assert snapshot(exchange) == before
    exchange = lifecycle.exchange_validate(
        actor=w.coordinator, exchange=exchange, approve=False, note="Add the hotel invoice."
    )
    assert (exchange.status, exchange.review_note) == ("committed", "Add the hotel invoice.")
    assert trail(exchange)[-1] == ("reported", "committed")
    lifecycle.evidence_add(
        actor=w.visitor_it, exchange=exchange, file_name="hotel.png", content=_png()
    )
    exchange = lifecycle.exchange_report(
        actor=w.visitor_it, exchange=exchange, report="Short, with the hotel.", today=AFTER_VISIT
    )
    assert exchange.status == "reported"


def test_validation_then_payment(committed):
    w = committed
    exchange = advance(w, w.exchange, "reported")
    with pytest.raises(DomainError, match="not possible now"):
        lifecycle.exchange_mark_paid(actor=w.coordinator, exchange=exchange)
    exchange = lifecycle.exchange_validate(actor=w.coordinator, exchange=exchange, approve=True)
    assert exchange.status == "validated"
    assert exchange.validated_by == w.coordinator and exchange.validated_at is not None
    exchange = lifecycle.exchange_mark_paid(
        actor=w.coordinator,
        exchange=exchange,
        paid_on="2027-03-01",
        reference="SEPA 42",
        today=datetime.date(2027, 3, 2),
    )
    assert (exchange.status, exchange.paid_at) == ("paid", datetime.date(2027, 3, 1))
    assert exchange.payment_reference == "SEPA 42"
    with pytest.raises(DomainError, match="not possible now"):
        lifecycle.exchange_mark_paid(actor=w.coordinator, exchange=exchange)


@pytest.mark.parametrize(
    ("paid_on", "today", "words"),
    [
        # A payment dated before the visit took place (the issue: 2020-01-01 for a 2026 visit).
        ("2020-01-01", AFTER_VISIT, "The payment (1 January 2020) is dated before the visit"),
        ("2027-02-04", AFTER_VISIT, "The payment (4 February 2027) is dated before the visit"),
        # Left out, the payment is dated today: refused while the visit is not over.
        (None, datetime.date(2027, 2, 4), "The payment (4 February 2027) is dated before"),
        ("2027-02-07", AFTER_VISIT, "The payment (7 February 2027) is dated in the future"),
    ],
)
def test_a_payment_is_dated_from_the_visits_last_day_to_today(committed, paid_on, today, words):
    w = committed
    exchange = advance(w, w.exchange, "validated")
    before = snapshot(exchange)
    with pytest.raises(DomainError) as caught:
        lifecycle.exchange_mark_paid(
            actor=w.coordinator, exchange=exchange, paid_on=paid_on, today=today
        )
    assert caught.value.field == "paid_on"
    assert words in caught.value.message
    assert "the visit ran from 1 February 2027 to 5 February 2027" in caught.value.message
    assert snapshot(exchange) == before
    exchange.refresh_from_db()
    assert (exchange.status, exchange.paid_at) == ("validated", None)
    exchange = lifecycle.exchange_mark_paid(
        actor=w.coordinator, exchange=exchange, paid_on="2027-02-05", today=AFTER_VISIT
    )
    assert (exchange.status, exchange.paid_at) == ("paid", datetime.date(2027, 2, 5))


def test_every_state_change_is_audited_from_and_to(cross, media):
    w = cross
    exchange = advance(w, w.exchange, "paid")
    assert exchange.status == "paid"
    assert trail(exchange) == [
        ("", "proposed"),
        ("proposed", "matched"),
        ("matched", "committed"),
        ("committed", "reported"),
        ("reported", "validated"),
        ("validated", "paid"),
    ]
    actors = AuditEntry.objects.filter(
        object_type="exchanges.exchange", to_state__in=["validated", "paid"]
    ).values_list("actor__username", flat=True)
    assert set(actors) == {"coordinator"}


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, format="PNG")
    return out.getvalue()


def test_the_admin_refuses_a_payment_dated_before_the_visit_ended(committed):
    from django.core.exceptions import ValidationError

    exchange = advance(committed, committed.exchange, "validated")
    exchange.paid_at = datetime.date(2020, 1, 1)
    with pytest.raises(ValidationError) as raised:
        exchange.clean()
    assert "is dated before the visit ended" in raised.value.message_dict["paid_at"][0]
    exchange.paid_at = AFTER_VISIT  # after the visit, but today is 22 November 2026
    with pytest.raises(ValidationError) as raised:
        exchange.clean()
    assert "is dated in the future" in raised.value.message_dict["paid_at"][0]
