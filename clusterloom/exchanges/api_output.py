"""What the ClusterXchange API reads and returns: the objects a caller may see, models as the
API shows them, and API input as the services take it."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema

from clusterloom.core.errors import NotFound

from . import grants, lifecycle, selectors
from .models import Exchange, ExchangeApplication, ExchangeCall, ExchangeEvidence, HostingOffer

# -- objects the caller may see ---------------------------------------------------------------


def visible_call(request: HttpRequest, slug: str) -> ExchangeCall:
    """The call with this slug if the caller may see it; NotFound otherwise."""
    call = selectors.calls_visible_to(request.user).filter(slug=slug).first()
    if call is None:
        raise NotFound(_("No call “%(slug)s”.") % {"slug": slug})
    return call


def visible_application(
    request: HttpRequest, pk: int, field: str | None = None
) -> ExchangeApplication:
    """The registration if the caller may see it; NotFound otherwise."""
    found = selectors.applications_visible_to(request.user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No registration with id %(id)s.") % {"id": pk}, field=field)
    return found


def visible_offer(request: HttpRequest, pk: int, field: str | None = None) -> HostingOffer:
    """The hosting offer if the caller may see it; NotFound otherwise."""
    found = selectors.offers_visible_to(request.user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No hosting offer with id %(id)s.") % {"id": pk}, field=field)
    return found


def visible_exchange(request: HttpRequest, pk: int) -> Exchange:
    """The exchange if the caller may see it; NotFound otherwise."""
    found = selectors.exchanges_visible_to(request.user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No exchange with id %(id)s.") % {"id": pk})
    return found


# -- output -------------------------------------------------------------------------------------


def money(value) -> str | None:
    """An amount as a decimal string, None for none."""
    return None if value is None else str(value)


def org(organisation) -> dict:
    """An organisation as the API refers to it."""
    return {
        "id": organisation.pk,
        "slug": organisation.slug,
        "name": organisation.name,
        "country": organisation.country_id or "",
        "kind": organisation.kind,
    }


def partnership(partnership) -> dict:
    """A partnership as the API refers to it."""
    return {"slug": partnership.slug, "acronym": partnership.acronym}


def progress(rows) -> list[dict]:
    """Progress rows as the API returns them."""
    return [
        {
            "code": str(r.code),
            "label": r.label,
            "target": r.target,
            "done": r.done,
            "under_way": r.under_way,
        }
        for r in rows
    ]


def call_summary(call: ExchangeCall) -> dict:
    """A call as the list shows it."""
    return {
        "slug": call.slug,
        "title": call.title,
        "status": call.status,
        "state": call.state,
        "partnership": partnership(call.partnership),
        "opens_on": call.opens_on,
        "closes_on": call.closes_on,
        "exchanges_from": call.exchanges_from,
        "exchanges_until": call.exchanges_until,
    }


def call_out(call: ExchangeCall) -> dict:
    """A call with its funding rules, targets and progress."""
    bands = call.travel_bands or grants.bands_to_rows(grants.DEFAULT_TRAVEL_BANDS)
    return {
        **call_summary(call),
        "description": call.description,
        "budget": str(call.budget),
        "target_exchanges": call.target_exchanges,
        "target_sme": call.target_sme,
        "target_non_member": call.target_non_member,
        "daily_rates": {code: str(v) for code, v in (call.daily_rates or {}).items()},
        "default_daily_rate": money(call.default_daily_rate),
        "travel_bands": [{**row, "amount": str(row["amount"])} for row in bands],
        "travel_bands_are_default": not call.travel_bands,
        "cap_per_organisation": money(call.cap_per_organisation),
        "progress": progress(selectors.call_progress(call)),
    }


def contact(registration) -> str | None:
    """The name of a registration's contact person, if any."""
    person = registration.person
    return f"{person.first_name} {person.last_name}".strip() if person is not None else None


def application_out(application: ExchangeApplication) -> dict:
    """A visitor's registration."""
    live = application.exchanges.exclude(status__in=selectors.DEAD).first()
    cluster = application.member_of
    return {
        "id": application.pk,
        "call": {"slug": application.call.slug, "title": application.call.title},
        "organisation": org(application.organisation),
        "member_of": org(cluster.organisation) if cluster is not None else None,
        "contact": contact(application),
        "status": application.status,
        "goals": application.goals,
        "offers": application.offers,
        "seeks": application.seeks,
        "languages": list(application.languages or []),
        "preferred_start": application.preferred_start,
        "preferred_end": application.preferred_end,
        "is_sme": application.is_sme,
        "is_member": application.is_member,
        "review_note": application.review_note,
        "reviewed_at": application.reviewed_at,
        "submitted_at": application.created_at,
        "exchange": live.pk if live is not None else None,
    }


def offer_out(offer: HostingOffer) -> dict:
    """A hosting offer with the places it has left."""
    return {
        "id": offer.pk,
        "title": offer.title,
        "topics": offer.topics,
        "offers": offer.offers,
        "seeks": offer.seeks,
        "languages": list(offer.languages or []),
        "capacity": offer.capacity,
        "places_left": selectors.remaining_capacity(offer),
        "available_from": offer.available_from,
        "available_until": offer.available_until,
        "status": offer.status,
        "review_note": offer.review_note,
        "partnership": partnership(offer.partnership),
        "organisation": org(offer.organisation),
        "terms": [f"{t.vocabulary}:{t.slug}" for t in offer.terms.all()],
    }


def exchange_summary(exchange: Exchange) -> dict:
    """An exchange as the list shows it."""
    call = exchange.application.call
    return {
        "id": exchange.pk,
        "status": exchange.status,
        "call": {"slug": call.slug, "title": call.title},
        "visitor": org(exchange.application.organisation),
        "host": org(exchange.offer.organisation),
        "start": exchange.start,
        "end": exchange.end,
        "grant_total": money(exchange.grant_total),
    }


def evidence_out(evidence: ExchangeEvidence) -> dict:
    """A document of the closing report: name, kind, size; never its file path."""
    return {
        "id": evidence.pk,
        "name": evidence.original_name,
        "kind": evidence.kind,
        "size": evidence.size,
        "description": evidence.description,
        "uploaded_at": evidence.created_at,
    }


def exchange_out(request: HttpRequest, exchange: Exchange) -> dict:
    """One exchange, read afresh, with what the caller may still sign."""
    exchange = selectors.exchanges_visible_to(request.user).get(pk=exchange.pk)
    signatures = exchange.signatures or {}
    return {
        **exchange_summary(exchange),
        "origin": exchange.origin,
        "fit": exchange.fit,
        "application": exchange.application_id,
        "offer": {"id": exchange.offer_id, "title": exchange.offer.title},
        "visitor_partnership": partnership(exchange.application.call.partnership),
        "host_partnership": partnership(exchange.offer.partnership),
        "confirmations": {
            "visitor": exchange.visitor_confirmed_at,
            "host": exchange.host_confirmed_at,
        },
        "objectives": exchange.objectives,
        "agenda": exchange.agenda,
        "signatures": [
            {
                "role": role,
                "name": signatures[role].get("name", ""),
                "at": signatures[role].get("at", ""),
            }
            for role in lifecycle.SIGNATORIES
            if role in signatures
        ],
        "can_sign": lifecycle.signable_roles(request.user, exchange),
        "grant": {"total": money(exchange.grant_total), "lines": exchange.grant_lines or []},
        "working_days": exchange.working_days,
        "distance_km": exchange.distance_km,
        "evidence": [evidence_out(e) for e in exchange.evidence.all()],
        "report": exchange.report,
        "reported_at": exchange.reported_at,
        "validated_at": exchange.validated_at,
        "review_note": exchange.review_note,
        "payment": {"paid_on": exchange.paid_at, "reference": exchange.payment_reference},
        "cancel_reason": exchange.cancel_reason,
    }


def call_data(payload: Schema, *, partial: bool) -> dict:
    """The service's input: decimals as strings, travel bands as rows."""
    if partial:
        data = payload.model_dump(exclude_unset=True)
    else:
        data = payload.model_dump(exclude_none=True, exclude={"partnership"})
    if data.get("daily_rates") is not None:
        data["daily_rates"] = {code: str(v) for code, v in data["daily_rates"].items()}
    if data.get("travel_bands") is not None:
        data["travel_bands"] = [
            {**row, "amount": str(row["amount"])} for row in data["travel_bands"]
        ]
    return data
