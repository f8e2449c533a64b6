"""GDPR: a visitor's ClusterXchange data is exported, and erased where the law allows."""

import io

import pytest
from PIL import Image

from clusterloom.core.services import account_erase, personal_data_export
from clusterloom.exchanges import lifecycle
from clusterloom.exchanges.models import ExchangeEvidence

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    return buffer.getvalue()


def _committed(w):
    exchange = lifecycle.commitment_update(
        actor=w.visitor_it,
        exchange=w.exchange,
        data={"start": "2027-02-01", "end": "2027-02-05", "objectives": "o", "agenda": "a"},
    )
    for user, role in [
        (w.visitor_it, "visitor"),
        (w.host_es, "host"),
        (w.coordinator, "visitor_partnership"),
        (w.coordinator, "host_partnership"),
    ]:
        exchange = lifecycle.commitment_sign(actor=user, exchange=exchange, role=role)
    return exchange


def test_export_holds_registration_signature_and_uploads(matched, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    exchange = _committed(matched)
    lifecycle.evidence_add(
        actor=matched.visitor_it, exchange=exchange, file_name="pass.png", content=_png()
    )
    data = personal_data_export(user=matched.visitor_it)["clusterxchange"]
    assert data["visitor_registrations"][0]["goals"].startswith("Learn how automotive")
    assert data["signatures"] == [
        {"exchange": exchange.pk, "role": "visitor", "at": exchange.signatures["visitor"]["at"]}
    ]
    assert data["evidence_uploaded"][0]["file"] == "pass.png"
    assert personal_data_export(user=matched.stranger).get("clusterxchange") is None


def test_erasure_anonymises_signatures_and_deletes_pending_evidence(
    matched, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    exchange = _committed(matched)
    evidence = lifecycle.evidence_add(
        actor=matched.visitor_it, exchange=exchange, file_name="pass.png", content=_png()
    )
    path = tmp_path / evidence.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        account_erase(user=matched.visitor_it)
    exchange.refresh_from_db()
    assert exchange.signatures["visitor"]["name"] == "(erased)"
    assert exchange.signatures["visitor"]["user"] is None
    assert exchange.signatures["host"]["name"] != "(erased)"
    assert not ExchangeEvidence.objects.filter(pk=evidence.pk).exists()
    assert not path.exists()
