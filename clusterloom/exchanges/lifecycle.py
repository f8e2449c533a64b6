"""An exchange from the match to the payment: every state change, who may make it, its audit.

proposed --both confirm--> matched --all four sign the Commitment to Quality--> committed
--visitor reports with evidence--> reported --visitor's partnership validates--> validated
--payment recorded--> paid.  A proposed match can be declined; anything before validation can
be cancelled; a report can be returned to the visitor (back to committed).
"""

import secrets
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterloom.core.audit import audit, status_expect, status_move
from clusterloom.core.errors import DomainError
from clusterloom.core.evidence import EvidenceRejected, evidence_kind
from clusterloom.core.inputs import date_value, dates_in_order, long_date
from clusterloom.core.inputs import text_value as _text
from clusterloom.core.names import display_name
from clusterloom.core.permissions import has_rule_perm, is_admin, require

from . import grants
from .eligibility import check_exchange, working_days
from .errors import raise_failures
from .models import (
    SIGNATORIES,
    Exchange,
    ExchangeApplication,
    ExchangeEvidence,
    ExchangeStatus,
    HostingOffer,
    MatchOrigin,
    ReviewStatus,
)
from .notifications import notify
from .selectors import (
    DEAD,
    already_granted,
    application_facts,
    call_budget,
    distance_km,
    funding_rules,
    remaining_capacity,
)


def _set_status(actor, exchange: Exchange, status: str, action: str, **changes) -> None:
    status_move(actor, exchange, status, action, **changes)
    notify(action.split(".", 1)[1], exchange=exchange)


def _expect(exchange: Exchange, *states: str) -> None:
    status_expect(
        exchange, states, _("This exchange is %(status)s; that step is not possible now.")
    )


def exchange_check(exchange: Exchange) -> None:
    """Raise IneligibleError naming every rule the exchange (with its dates) breaks."""
    facts = application_facts(
        exchange.application,
        exchange.offer,
        start=exchange.start,
        end=exchange.end,
        exclude_exchange=exchange.pk,
    )
    # The dates may be agreed later, in the commitment; commitment_sign requires them.
    failures = check_exchange(facts)
    raise_failures([f for f in failures if f.rule not in ("start_missing", "end_missing")])
    call = exchange.application.call
    for field, day in (("start", exchange.start), ("end", exchange.end)):
        if day and not call.exchanges_from <= day <= call.exchanges_until:
            raise DomainError(
                _("Exchanges under this call take place between %(a)s and %(b)s.")
                % {"a": call.exchanges_from.isoformat(), "b": call.exchanges_until.isoformat()},
                field=field,
            )
        offer = exchange.offer
        if day and not offer.available_from <= day <= offer.available_until:
            raise DomainError(
                _("The host receives visitors between %(a)s and %(b)s.")
                % {"a": offer.available_from.isoformat(), "b": offer.available_until.isoformat()},
                field=field,
            )


def grant_compute(exchange: Exchange) -> grants.Grant | None:
    """The lump sum for the exchange's dates (None until both dates are set)."""
    if not (exchange.start and exchange.end) or exchange.end < exchange.start:
        return None
    host_country = exchange.offer.organisation.country_id
    days = working_days(exchange.start, exchange.end, host_country)
    try:
        return grants.lump_sum(
            rules=funding_rules(exchange.application.call),
            host_country=host_country,
            days=days,
            distance_km=distance_km(exchange.application.organisation, exchange.offer.organisation),
            already_granted=already_granted(exchange),
        )
    except grants.GrantError as error:
        raise DomainError(str(error), field=getattr(error, "field", None) or "grant") from None


def _store_grant(exchange: Exchange) -> None:
    grant = grant_compute(exchange)
    if grant is None:
        exchange.working_days = exchange.distance_km = exchange.grant_total = None
        exchange.grant_lines = []
        return
    exchange.working_days = grant.days
    exchange.distance_km = grant.distance_km
    exchange.grant_total = grant.total
    exchange.grant_lines = [
        {
            "code": line.code,
            "label": line.label,
            "params": _jsonable(line.params),
            "amount": str(line.amount),
        }
        for line in grant.lines
    ]


def _jsonable(params: dict) -> dict:
    return {
        k: (v if isinstance(v, int | float | str | bool) or v is None else str(v))
        for k, v in params.items()
    }


@transaction.atomic
def exchange_propose(
    *,
    actor,
    application: ExchangeApplication,
    offer: HostingOffer,
    origin: str = MatchOrigin.CATALOGUE,
    start=None,
    end=None,
    fit: float | None = None,
) -> Exchange:
    """Match a visitor with a host; the side that proposes confirms at once."""
    application = ExchangeApplication.objects.select_for_update().get(pk=application.pk)
    offer = HostingOffer.objects.select_for_update().get(pk=offer.pk)
    as_visitor = has_rule_perm(actor, "exchanges.change_application", application)
    as_coordinator = has_rule_perm(actor, "exchanges.review_application", application)
    if not (as_visitor or as_coordinator):
        require(actor, "exchanges.change_application", application)
    if origin not in MatchOrigin.values:
        raise DomainError(_("Unknown origin “%(o)s”.") % {"o": origin}, field="origin")
    if application.status != ReviewStatus.VALIDATED:
        raise DomainError(
            _("The visitor's registration must be validated by the partnership first."),
            field="application",
        )
    if offer.status != ReviewStatus.VALIDATED:
        raise DomainError(_("This hosting offer is not validated."), field="offer")
    if application.exchanges.exclude(status__in=DEAD).exists():
        raise DomainError(_("This visitor already has an exchange."), field="application")
    if remaining_capacity(offer) < 1:
        raise DomainError(
            _("%(host)s has no place left for visitors.") % {"host": offer.organisation.name},
            field="offer",
        )
    start = date_value(start, "start") or application.preferred_start
    end = date_value(end, "end") or application.preferred_end
    dates_in_order(start, end, "start", "end", **HOST_DAYS)
    exchange = Exchange(
        application=application, offer=offer, origin=origin, fit=fit, start=start, end=end
    )
    exchange_check(exchange)
    now = timezone.now()
    # Proposing confirms only the proposer's own side: an admin (who passes every rule) or a
    # coordinator proposing leaves both confirmations to the visitor and the host.
    if as_visitor and not is_admin(actor):
        exchange.visitor_confirmed_at = now
    if not is_admin(actor) and has_rule_perm(actor, "exchanges.change_hostingoffer", offer):
        exchange.host_confirmed_at = now
    _store_grant(exchange)
    try:
        with transaction.atomic():
            exchange.save()
    except IntegrityError:
        raise DomainError(_("This visitor already has an exchange."), field="application") from None
    audit(
        actor,
        "exchanges.exchange_proposed",
        exchange,
        to_state=exchange.status,
        changes={"origin": origin},
    )
    notify("exchange_proposed", exchange=exchange)
    if exchange.visitor_confirmed_at and exchange.host_confirmed_at:
        _set_status(actor, exchange, ExchangeStatus.MATCHED, "exchanges.exchange_matched")
    return exchange


def _side(actor, exchange: Exchange) -> list[str]:
    sides = []
    if has_rule_perm(actor, "exchanges.act_as_visitor", exchange):
        sides.append("visitor")
    if has_rule_perm(actor, "exchanges.act_as_host", exchange):
        sides.append("host")
    return sides


@transaction.atomic
def exchange_confirm(*, actor, exchange: Exchange) -> Exchange:
    """The visitor or the host confirms a proposed match; once both have, it is matched."""
    exchange = Exchange.objects.select_for_update().get(pk=exchange.pk)
    sides = _side(actor, exchange)
    if not sides:
        require(actor, "exchanges.act_as_visitor", exchange)
    _expect(exchange, ExchangeStatus.PROPOSED)
    exchange_check(exchange)
    now = timezone.now()
    if "visitor" in sides and not exchange.visitor_confirmed_at:
        exchange.visitor_confirmed_at = now
    if "host" in sides and not exchange.host_confirmed_at:
        exchange.host_confirmed_at = now
    exchange.save()
    audit(actor, "exchanges.exchange_confirmed", exchange, changes={"sides": sides})
    if exchange.visitor_confirmed_at and exchange.host_confirmed_at:
        _set_status(actor, exchange, ExchangeStatus.MATCHED, "exchanges.exchange_matched")
    return exchange


@transaction.atomic
def exchange_decline(*, actor, exchange: Exchange, reason: str = "") -> Exchange:
    """The visitor or the host declines a proposed match; the application is free again."""
    exchange = Exchange.objects.select_for_update().get(pk=exchange.pk)
    if not _side(actor, exchange):
        require(actor, "exchanges.act_as_host", exchange)
    _expect(exchange, ExchangeStatus.PROPOSED)
    exchange.cancel_reason = _text({"reason": reason}, "reason")
    _set_status(actor, exchange, ExchangeStatus.DECLINED, "exchanges.exchange_declined")
    return exchange


@transaction.atomic
def exchange_cancel(*, actor, exchange: Exchange, reason: str) -> Exchange:
    """Visitor, host or the visitor's partnership cancels an exchange not yet validated."""
    exchange = Exchange.objects.select_for_update().get(pk=exchange.pk)
    if not (
        _side(actor, exchange) or has_rule_perm(actor, "exchanges.validate_exchange", exchange)
    ):
        require(actor, "exchanges.act_as_visitor", exchange)
    _expect(
        exchange,
        ExchangeStatus.PROPOSED,
        ExchangeStatus.MATCHED,
        ExchangeStatus.COMMITTED,
        ExchangeStatus.REPORTED,
    )
    exchange.cancel_reason = _text({"reason": reason}, "reason", required=True)
    _set_status(actor, exchange, ExchangeStatus.CANCELLED, "exchanges.exchange_cancelled")
    return exchange


#: How the exchange's dates are named when their order is wrong.
HOST_DAYS = {
    "first_name": gettext_lazy("the first day at the host"),
    "last_name": gettext_lazy("The last day at the host"),
}
COMMITMENT_FIELDS = ("start", "end", "objectives", "agenda")


@transaction.atomic
def commitment_update(*, actor, exchange: Exchange, data: dict[str, Any]) -> Exchange:
    """Visitor or host drafts the Commitment to Quality; any change clears the signatures."""
    exchange = Exchange.objects.select_for_update().get(pk=exchange.pk)
    if not _side(actor, exchange):
        require(actor, "exchanges.act_as_visitor", exchange)
    _expect(exchange, ExchangeStatus.MATCHED)
    changes = {}
    for field in COMMITMENT_FIELDS:
        if field not in data:
            continue
        if field in ("start", "end"):
            value = date_value(data[field], field)
        else:
            value = _text(data, field, limit=20000)
        if getattr(exchange, field) != value:
            changes[field] = str(value)
            setattr(exchange, field, value)
    dates_in_order(exchange.start, exchange.end, "start", "end", **HOST_DAYS)
    exchange_check(exchange)
    if changes and exchange.signatures:
        changes["signatures_cleared"] = sorted(exchange.signatures)
        exchange.signatures = {}
    if not exchange.signatures:  # once signed, the lump sum stays what was signed
        _store_grant(exchange)
    exchange.save()
    audit(actor, "exchanges.commitment_updated", exchange, changes=changes)
    return exchange


def _check_budget(exchange: Exchange) -> None:
    """Refuse a lump sum the call's budget can no longer pay (a budget of 0 means none set)."""
    call = exchange.application.call
    if not call.budget or exchange.grant_total is None:
        return
    left = call_budget(call).left
    if exchange.grant_total > left:
        raise DomainError(
            _(
                "The call's budget has EUR %(left)s left; this lump sum is EUR %(total)s. "
                "The coordinator can raise the budget or shorten the visit."
            )
            % {"left": left, "total": exchange.grant_total},
            field="role",
        )


SIGN_PERMISSIONS = {
    "visitor": "exchanges.act_as_visitor",
    "host": "exchanges.act_as_host",
    "visitor_partnership": "exchanges.sign_for_visitor_partnership",
    "host_partnership": "exchanges.sign_for_host_partnership",
}


def signable_roles(actor, exchange: Exchange) -> list[str]:
    """The signatures the actor may still give on this exchange."""
    if exchange.status != ExchangeStatus.MATCHED:
        return []
    return [
        role
        for role in SIGNATORIES
        if role not in exchange.signatures
        and has_rule_perm(actor, SIGN_PERMISSIONS[role], exchange)
    ]


@transaction.atomic
def commitment_sign(*, actor, exchange: Exchange, role: str) -> Exchange:
    """Sign the Commitment to Quality as one of the four signatories; the fourth commits."""
    exchange = Exchange.objects.select_for_update().get(pk=exchange.pk)
    if role not in SIGN_PERMISSIONS:
        raise DomainError(_("Unknown signatory “%(r)s”.") % {"r": role}, field="role")
    require(actor, SIGN_PERMISSIONS[role], exchange)
    _expect(exchange, ExchangeStatus.MATCHED)
    if role in exchange.signatures:
        raise DomainError(_("This signature has already been given."), field="role")
    missing = [f for f in COMMITMENT_FIELDS if not getattr(exchange, f)]
    if missing:
        raise DomainError(
            _("Complete the commitment first: the dates, the objectives and the agenda."),
            field=missing[0],
        )
    exchange_check(exchange)
    if not exchange.signatures:  # the first signature fixes the lump sum the others sign
        _store_grant(exchange)
    _check_budget(exchange)
    exchange.signatures = {
        **exchange.signatures,
        role: {
            "user": actor.pk,
            "name": display_name(actor),
            "at": timezone.now().isoformat(timespec="seconds"),
            "grant": str(exchange.grant_total),
        },
    }
    exchange.save()
    audit(actor, "exchanges.commitment_signed", exchange, changes={"role": role})
    if all(r in exchange.signatures for r in SIGNATORIES):
        _set_status(actor, exchange, ExchangeStatus.COMMITTED, "exchanges.exchange_committed")
    return exchange


@transaction.atomic
def evidence_add(
    *, actor, exchange: Exchange, file_name: str, content: bytes, description: str = ""
) -> ExchangeEvidence:
    """Attach a document proving the visit (PDF, JPEG or PNG, checked by content)."""
    require(actor, "exchanges.act_as_visitor", exchange)
    _expect(exchange, ExchangeStatus.COMMITTED)
    try:
        kind = evidence_kind(file_name, content, max_bytes=settings.UPLOAD_MAX_BYTES)
    except EvidenceRejected as error:
        raise DomainError(error.message(_), field="file") from None
    if exchange.evidence.count() >= 20:
        raise DomainError(_("20 documents at most per exchange."), field="file")
    evidence = ExchangeEvidence(
        exchange=exchange,
        kind=kind,
        token=secrets.token_hex(8),
        original_name=file_name[-200:] or "evidence",
        size=len(content),
        description=_text({"description": description}, "description", limit=200),
        uploaded_by=actor,
    )
    evidence.file.save("evidence", ContentFile(content), save=False)
    evidence.save()
    audit(actor, "exchanges.evidence_added", exchange, changes={"file": evidence.original_name})
    return evidence


@transaction.atomic
def evidence_remove(*, actor, evidence: ExchangeEvidence) -> None:
    """Remove a document before the report is filed."""
    require(actor, "exchanges.act_as_visitor", evidence.exchange)
    _expect(evidence.exchange, ExchangeStatus.COMMITTED)
    name = evidence.original_name
    storage, path = evidence.file.storage, evidence.file.name
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(path))
    audit(actor, "exchanges.evidence_removed", evidence.exchange, changes={"file": name})


@transaction.atomic
def exchange_report(*, actor, exchange: Exchange, report: str, today=None) -> Exchange:
    """The visitor files the closing report once the visit is over, with evidence attached."""
    exchange = Exchange.objects.select_for_update().get(pk=exchange.pk)
    require(actor, "exchanges.act_as_visitor", exchange)
    _expect(exchange, ExchangeStatus.COMMITTED)
    today = today or timezone.localdate()
    if exchange.end and today < exchange.end:
        raise DomainError(
            _("The closing report can be filed from the last day of the visit (%(end)s).")
            % {"end": exchange.end.isoformat()},
            field="report",
        )
    exchange.report = _text({"report": report}, "report", required=True, limit=20000)
    if not exchange.evidence.exists():
        raise DomainError(
            _("Attach the evidence of the visit (boarding passes, invoices) first."), field="file"
        )
    exchange.reported_at = timezone.now()
    _set_status(actor, exchange, ExchangeStatus.REPORTED, "exchanges.exchange_reported")
    return exchange


@transaction.atomic
def exchange_validate(*, actor, exchange: Exchange, approve: bool, note: str = "") -> Exchange:
    """The visitor's partnership validates the report (it then counts) or returns it."""
    exchange = Exchange.objects.select_for_update().get(pk=exchange.pk)
    require(actor, "exchanges.validate_exchange", exchange)
    _expect(exchange, ExchangeStatus.REPORTED)
    exchange.review_note = _text({"note": note}, "note")
    if approve:
        exchange.validated_by = actor
        exchange.validated_at = timezone.now()
        _set_status(actor, exchange, ExchangeStatus.VALIDATED, "exchanges.exchange_validated")
    else:
        if not exchange.review_note:
            raise DomainError(_("Say what the visitor must complete."), field="note")
        _set_status(actor, exchange, ExchangeStatus.COMMITTED, "exchanges.exchange_returned")
    return exchange


def payment_date(exchange: Exchange, paid_on, *, today=None):
    """The date of the lump sum's payment (today when none is given): on or after the visit's
    last day, never in the future; a refusal on `paid_on` says the visit's dates."""
    today = today or timezone.localdate()
    day = date_value(paid_on, "paid_on") or today
    visit = {
        "paid": long_date(day),
        "start": long_date(exchange.start) if exchange.start else "—",
        "end": long_date(exchange.end) if exchange.end else "—",
    }
    if exchange.end and day < exchange.end:
        raise DomainError(
            _(
                "The payment (%(paid)s) is dated before the visit ended: the visit ran from "
                "%(start)s to %(end)s; a payment is dated on or after its last day."
            )
            % visit,
            field="paid_on",
        )
    if day > today:
        raise DomainError(
            _(
                "The payment (%(paid)s) is dated in the future (today is %(today)s): record it "
                "once it is made; the visit ran from %(start)s to %(end)s."
            )
            % {**visit, "today": long_date(today)},
            field="paid_on",
        )
    return day


@transaction.atomic
def exchange_mark_paid(
    *, actor, exchange: Exchange, paid_on=None, reference: str = "", today=None
) -> Exchange:
    """Record the payment of the lump sum, dated on or after the visit's last day and not in the
    future (`payment_date`)."""
    exchange = Exchange.objects.select_for_update().get(pk=exchange.pk)
    require(actor, "exchanges.validate_exchange", exchange)
    _expect(exchange, ExchangeStatus.VALIDATED)
    exchange.paid_at = payment_date(exchange, paid_on, today=today)
    exchange.payment_reference = _text({"reference": reference}, "reference", limit=100)
    _set_status(
        actor,
        exchange,
        ExchangeStatus.PAID,
        "exchanges.exchange_paid",
        reference=exchange.payment_reference,
    )
    return exchange
