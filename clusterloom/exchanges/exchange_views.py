"""The exchange page: one visit from the proposed match to the payment, each step a form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from clusterloom.core.errors import DomainError
from clusterloom.core.forms import form_error
from clusterloom.core.models import AuditEntry
from clusterloom.core.permissions import has_rule_perm, page_permission

from . import grants, lifecycle, selectors
from .forms import (
    CommitmentForm,
    EvidenceForm,
    PaymentForm,
    ReasonForm,
    ReportForm,
    ValidateForm,
)
from .models import SIGNATORIES, Exchange, ExchangeEvidence, ExchangeStatus

SIGNATORY_LABELS = {
    "visitor": gettext_lazy("Visitor"),
    "host": gettext_lazy("Host"),
    "visitor_partnership": gettext_lazy("Visitor's partnership"),
    "host_partnership": gettext_lazy("Host's partnership"),
}


#: The audit actions of an exchange as its history shows them.
HISTORY_LABELS = {
    "exchanges.exchange_proposed": gettext_lazy("match proposed"),
    "exchanges.exchange_confirmed": gettext_lazy("match confirmed"),
    "exchanges.exchange_matched": gettext_lazy("matched"),
    "exchanges.exchange_declined": gettext_lazy("declined"),
    "exchanges.exchange_cancelled": gettext_lazy("cancelled"),
    "exchanges.commitment_updated": gettext_lazy("commitment changed"),
    "exchanges.commitment_signed": gettext_lazy("commitment signed"),
    "exchanges.exchange_committed": gettext_lazy("commitment signed by all four"),
    "exchanges.evidence_added": gettext_lazy("evidence attached"),
    "exchanges.evidence_removed": gettext_lazy("evidence removed"),
    "exchanges.exchange_reported": gettext_lazy("closing report filed"),
    "exchanges.exchange_validated": gettext_lazy("validated"),
    "exchanges.exchange_returned": gettext_lazy("returned to the visitor"),
    "exchanges.exchange_paid": gettext_lazy("paid"),
}


def _exchange_or_404(request, pk) -> Exchange:
    if not request.user.is_authenticated:
        raise Http404
    exchange = selectors.exchanges_visible_to(request.user).filter(pk=pk).first()
    if exchange is None:
        raise Http404
    return exchange


def _grant_lines(exchange: Exchange) -> list[tuple[str, str]]:
    lines = []
    for row in exchange.grant_lines or []:
        try:
            label = grants.GrantLine(
                label=row.get("label", ""),
                code=row["code"],
                params=row.get("params", {}),
                amount=row.get("amount"),
            ).message(_)
        except (KeyError, TypeError, ValueError):
            label = row.get("label", "")
        lines.append((label, row.get("amount", "")))
    return lines


def _context(request, exchange: Exchange, **forms) -> dict:
    user = request.user
    sides = {
        "visitor": has_rule_perm(user, "exchanges.act_as_visitor", exchange),
        "host": has_rule_perm(user, "exchanges.act_as_host", exchange),
        "validator": has_rule_perm(user, "exchanges.validate_exchange", exchange),
    }
    signable = lifecycle.signable_roles(user, exchange)
    signatures = [
        (role, str(SIGNATORY_LABELS[role]), exchange.signatures.get(role), role in signable)
        for role in SIGNATORIES
    ]
    commitment_initial = {f: getattr(exchange, f) for f in lifecycle.COMMITMENT_FIELDS}
    history = (
        AuditEntry.objects.filter(object_type="exchanges.exchange", object_id=str(exchange.pk))
        .select_related("actor")
        .order_by("at")
    )
    history = [
        (entry, HISTORY_LABELS.get(entry.action, entry.action), _detail(entry)) for entry in history
    ]
    holidays = []
    if exchange.start and exchange.end and exchange.start <= exchange.end:
        from .eligibility import holidays_between

        holidays = holidays_between(
            exchange.start, exchange.end, exchange.offer.organisation.country_id
        )
    S = ExchangeStatus
    return {
        "exchange": exchange,
        "application": exchange.application,
        "offer": exchange.offer,
        "sides": sides,
        "may_confirm": exchange.status == S.PROPOSED
        and (
            (sides["visitor"] and not exchange.visitor_confirmed_at)
            or (sides["host"] and not exchange.host_confirmed_at)
        ),
        "may_decline": exchange.status == S.PROPOSED and (sides["visitor"] or sides["host"]),
        "may_cancel": exchange.status in (S.PROPOSED, S.MATCHED, S.COMMITTED, S.REPORTED)
        and (sides["visitor"] or sides["host"] or sides["validator"]),
        "may_edit_commitment": exchange.status == S.MATCHED and (sides["visitor"] or sides["host"]),
        "signatures": signatures,
        "grant_lines": _grant_lines(exchange),
        "holidays": holidays,
        "evidence": list(exchange.evidence.all()),
        "may_add_evidence": exchange.status == S.COMMITTED and sides["visitor"],
        "may_validate": exchange.status == S.REPORTED and sides["validator"],
        "may_mark_paid": exchange.status == S.VALIDATED and sides["validator"],
        "commitment_form": forms.get("commitment_form")
        or CommitmentForm(initial=commitment_initial),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(),
        "report_form": forms.get("report_form") or ReportForm(initial={"report": exchange.report}),
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "validate_form": forms.get("validate_form") or ValidateForm(),
        "payment_form": forms.get("payment_form") or PaymentForm(),
        "history": history,
        "steps": _steps(exchange),
    }


def _detail(entry) -> str:
    """What a history line adds: the role that signed, the file attached."""
    changes = entry.changes or {}
    if "role" in changes:
        return str(SIGNATORY_LABELS.get(changes["role"], changes["role"]))
    return changes.get("file", "")


def _steps(exchange: Exchange) -> list[tuple[str, str]]:
    """The path of an exchange with each step marked done, current or to come."""
    order = [
        ExchangeStatus.PROPOSED,
        ExchangeStatus.MATCHED,
        ExchangeStatus.COMMITTED,
        ExchangeStatus.REPORTED,
        ExchangeStatus.VALIDATED,
        ExchangeStatus.PAID,
    ]
    labels = dict(ExchangeStatus.choices)
    if exchange.status not in order:
        return [(str(labels[exchange.status]), "ended")]
    here = order.index(exchange.status)
    return [
        (str(labels[s]), "done" if i < here else "current" if i == here else "todo")
        for i, s in enumerate(order)
    ]


@require_safe
def exchange_detail(request, pk):
    """Everything about one exchange, with the step each user can take next."""
    if not request.user.is_authenticated:
        return page_permission(request, "exchanges.view_exchange")
    exchange = _exchange_or_404(request, pk)
    return render(request, "exchanges/exchange_detail.html", _context(request, exchange))


#: The exchange page's context name of each form a step is posted from.
FORM_KEYS = {
    ReasonForm: "reason_form",
    CommitmentForm: "commitment_form",
    EvidenceForm: "evidence_form",
    ReportForm: "report_form",
    ValidateForm: "validate_form",
    PaymentForm: "payment_form",
}


def _act(request, pk, step, *, form_class=None, success=""):
    """Run one step from a POSTed form; re-render with the error on the form if it fails."""
    form_key = FORM_KEYS.get(form_class)
    if not request.user.is_authenticated:
        return page_permission(request, "exchanges.view_exchange")
    exchange = _exchange_or_404(request, pk)
    form = None
    if form_class is not None:
        form = form_class(request.POST, request.FILES)
        if not form.is_valid():
            context = _context(request, exchange, **{form_key: form})
            return render(request, "exchanges/exchange_detail.html", context, status=400)
    try:
        step(exchange, form.cleaned_data if form else {})
    except DomainError as error:
        if form is None:
            messages.error(request, error.message)
            return redirect("exchange_detail", exchange.pk)
        form_error(form, error)
        exchange.refresh_from_db()
        context = _context(request, exchange, **{form_key: form})
        status = 403 if error.status_code == 403 else 400
        return render(request, "exchanges/exchange_detail.html", context, status=status)
    if success:
        messages.success(request, success)
    return redirect("exchange_detail", exchange.pk)


@require_POST
def exchange_confirm(request, pk):
    """The visitor or the host confirms the match."""
    return _act(
        request,
        pk,
        lambda e, d: lifecycle.exchange_confirm(actor=request.user, exchange=e),
        success=_("Confirmed."),
    )


def _with_reason(request, pk, change, success):
    """A step that takes a reason the other side reads: `change(actor, exchange, reason)`."""

    def step(exchange, data):
        return change(actor=request.user, exchange=exchange, reason=data["reason"])

    return _act(request, pk, step, form_class=ReasonForm, success=success)


@require_POST
def exchange_decline(request, pk):
    """The visitor or the host declines the proposed match."""
    return _with_reason(request, pk, lifecycle.exchange_decline, _("Declined."))


@require_POST
def exchange_cancel(request, pk):
    """Cancel the exchange (with a reason)."""
    return _with_reason(request, pk, lifecycle.exchange_cancel, _("The exchange is cancelled."))


@require_POST
def commitment_update(request, pk):
    """Save the Commitment to Quality (dates, objectives, agenda); the lump sum follows."""
    return _act(
        request,
        pk,
        lambda e, d: lifecycle.commitment_update(actor=request.user, exchange=e, data=d),
        form_class=CommitmentForm,
        success=_("The commitment is saved; the lump sum is computed below."),
    )


@require_POST
def commitment_sign(request, pk):
    """Sign the commitment in one role."""
    role = request.POST.get("role", "")
    return _act(
        request,
        pk,
        lambda e, d: lifecycle.commitment_sign(actor=request.user, exchange=e, role=role),
        success=_("Signed."),
    )


@require_POST
def evidence_upload(request, pk):
    """Attach a document proving the visit."""

    def step(exchange, data):
        upload = data["file"]
        from django.conf import settings

        if upload.size > settings.UPLOAD_MAX_BYTES:
            content = upload.read(settings.UPLOAD_MAX_BYTES + 1)
        else:
            content = upload.read()
        lifecycle.evidence_add(
            actor=request.user,
            exchange=exchange,
            file_name=upload.name,
            content=content,
            description=data.get("description", ""),
        )

    return _act(
        request,
        pk,
        step,
        form_class=EvidenceForm,
        success=_("The document is attached."),
    )


@require_safe
def evidence_download(request, pk):
    """A piece of evidence, for those who may see the exchange."""
    if not request.user.is_authenticated:
        return page_permission(request, "exchanges.view_exchange")
    evidence = ExchangeEvidence.objects.select_related("exchange").filter(pk=pk).first()
    if evidence is None:
        raise Http404
    _exchange_or_404(request, evidence.exchange_id)
    types = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type=types.get(evidence.kind, "application/octet-stream"),
        as_attachment=True,
        filename=evidence.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def evidence_delete(request, pk):
    """Remove a document before the report is filed."""
    evidence = ExchangeEvidence.objects.filter(pk=pk).first()
    if evidence is None:
        raise Http404
    exchange = _exchange_or_404(request, evidence.exchange_id)
    try:
        lifecycle.evidence_remove(actor=request.user, evidence=evidence)
    except DomainError as error:
        if error.status_code == 403:
            raise Forbidden from None
        messages.error(request, error.message)
    return redirect("exchange_detail", exchange.pk)


@require_POST
def exchange_report(request, pk):
    """File the closing report."""
    return _act(
        request,
        pk,
        lambda e, d: lifecycle.exchange_report(actor=request.user, exchange=e, report=d["report"]),
        form_class=ReportForm,
        success=_("The report is filed; your partnership will validate it."),
    )


@require_POST
def exchange_validate(request, pk):
    """The visitor's partnership validates the report or returns it."""
    return _act(
        request,
        pk,
        lambda e, d: lifecycle.exchange_validate(
            actor=request.user, exchange=e, approve=d["approve"], note=d["note"]
        ),
        form_class=ValidateForm,
        success=_("Saved."),
    )


@require_POST
def exchange_paid(request, pk):
    """Record the payment."""
    return _act(
        request,
        pk,
        lambda e, d: lifecycle.exchange_mark_paid(
            actor=request.user, exchange=e, paid_on=d["paid_on"], reference=d["reference"]
        ),
        form_class=PaymentForm,
        success=_("The payment is recorded."),
    )
