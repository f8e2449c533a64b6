"""What ClusterXchange holds about a person (GDPR): export and erasure.

Erasure anonymises the signatures the user gave and deletes the evidence they uploaded to
exchanges not yet validated; the evidence of validated or paid exchanges is kept, because the
partnership must keep proof of the grants it paid (a legal obligation), and the export says so.
"""

from django.db import transaction
from django.db.models import Q

from .models import Exchange, ExchangeApplication, ExchangeEvidence, HostingOffer
from .selectors import DONE


def _mine(user) -> Q:
    q = Q(submitted_by=user)
    person = getattr(user, "person", None)
    if person is not None:
        q |= Q(person=person)
    return q


def personal_data_export(user) -> dict | None:
    """The user's registrations, hosting offers, signatures and uploads."""
    applications = ExchangeApplication.objects.filter(_mine(user)).select_related("call")
    offers = HostingOffer.objects.filter(_mine(user))
    signed = [
        {"exchange": e.pk, "role": role, "at": s.get("at")}
        for e in Exchange.objects.filter(signatures__isnull=False).exclude(signatures={})
        for role, s in e.signatures.items()
        if s.get("user") == user.pk
    ]
    uploads = ExchangeEvidence.objects.filter(uploaded_by=user)
    reviewed = {
        "registrations_reviewed": list(
            ExchangeApplication.objects.filter(reviewed_by=user).values_list("pk", flat=True)
        ),
        "offers_reviewed": list(
            HostingOffer.objects.filter(reviewed_by=user).values_list("pk", flat=True)
        ),
        "exchanges_validated": list(
            Exchange.objects.filter(validated_by=user).values_list("pk", flat=True)
        ),
    }
    if not (applications or offers or signed or uploads or any(reviewed.values())):
        return None
    return {
        **reviewed,
        "visitor_registrations": [
            {
                "call": a.call.title,
                "organisation": a.organisation_id,
                "goals": a.goals,
                "offers": a.offers,
                "seeks": a.seeks,
                "languages": a.languages,
                "status": a.status,
                "exchanges": [
                    {
                        "id": e.pk,
                        "status": e.status,
                        "start": e.start.isoformat() if e.start else None,
                        "end": e.end.isoformat() if e.end else None,
                        "report": e.report,
                        "lump_sum": str(e.grant_total) if e.grant_total is not None else None,
                    }
                    for e in a.exchanges.all()
                ],
            }
            for a in applications
        ],
        "hosting_offers": [
            {"title": o.title, "topics": o.topics, "status": o.status} for o in offers
        ],
        "signatures": signed,
        "evidence_uploaded": [
            {
                "exchange": u.exchange_id,
                "file": u.original_name,
                "kept_as_grant_proof": u.exchange.status in DONE,
            }
            for u in uploads.select_related("exchange")
        ],
    }


def personal_data_erase(user) -> None:
    """Anonymise the user's signatures; delete their evidence of exchanges not yet validated;
    forget them as reviewer and validator (the decisions stay)."""
    ExchangeApplication.objects.filter(reviewed_by=user).update(reviewed_by=None)
    HostingOffer.objects.filter(reviewed_by=user).update(reviewed_by=None)
    Exchange.objects.filter(validated_by=user).update(validated_by=None)
    for exchange in Exchange.objects.exclude(signatures={}):
        changed = False
        for signature in exchange.signatures.values():
            if signature.get("user") == user.pk:
                signature.update(user=None, name="(erased)")
                changed = True
        if changed:
            exchange.save(update_fields=["signatures", "updated_at"])
    for evidence in ExchangeEvidence.objects.filter(uploaded_by=user).exclude(
        exchange__status__in=DONE
    ):
        storage, name = evidence.file.storage, evidence.file.name
        evidence.delete()
        transaction.on_commit(lambda s=storage, n=name: s.delete(n))  # not if erasure fails
