"""ClusterXchange API, mounted at /api/exchanges (and /api/partnerships/{slug}/exchange-progress).

Calls are public once open (drafts: the partnership's coordinators). Registrations, hosting
offers and exchanges need a login (session or API token, else 401) and show what the selectors'
`*_visible_to(user)` let the caller see: anything else is a 404. A step the caller may not take
is a 403 (the services' `require`); a rule the input breaks a 400 naming the field, and an
eligibility rule a 400 that also lists every failing rule. Writes take a session with its CSRF
token or an API token (`WRITE_AUTH`).
"""

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from clusterloom.core.api_auth import READ_AUTH, WRITE_AUTH
from clusterloom.core.errors import DomainError, NotFound
from clusterloom.core.inputs import status_filter
from clusterloom.core.permissions import require
from clusterloom.partnerships.selectors import partnership_get_visible

from . import api_output as out
from . import call_allocation, fit, lifecycle, selectors, services
from .api_schemas import (
    ERRORS,
    AllocationConfirmIn,
    AllocationConfirmOut,
    AllocationIn,
    AllocationOut,
    ApplicationIn,
    ApplicationOut,
    ApplicationPatch,
    CallIn,
    CallOut,
    CallPatch,
    CallStatusIn,
    CallSummaryOut,
    CommitmentIn,
    EvidenceOut,
    ExchangeIn,
    ExchangeOut,
    ExchangeSummaryOut,
    HostSuggestionsOut,
    OfferIn,
    OfferOut,
    OfferPatch,
    PaidIn,
    ProgressOut,
    ReasonIn,
    ReportIn,
    ReviewIn,
    SignIn,
    ValidateIn,
)
from .models import (
    CallState,
    CallStatus,
    ExchangeStatus,
    ReviewStatus,
)

router = Router(tags=["ClusterXchange"])
#: /api/partnerships/{slug}/exchange-progress, beside the partnership's profile.
partnership_router = Router(tags=["ClusterXchange"])


#: Registrations, offers and exchanges are for logged-in users: no session or token is a 401.
LOGIN_AUTH = WRITE_AUTH
#: Lists stop at this many rows.
MAX_ROWS = 500
MAX_SUGGESTIONS = 50


# -- calls -------------------------------------------------------------------------------------


@router.get("/calls", response={200: list[CallSummaryOut], **ERRORS}, auth=READ_AUTH)
def call_list(request: HttpRequest, status: str = "", state: str = ""):
    """Calls of published partnerships that are open or closed; drafts for their coordinators.
    `status` filters on what the coordinators set, `state` on what people are shown (from the
    application dates: draft, upcoming, open, closed)."""
    rows = selectors.calls_visible_to(request.user)
    if status_filter(status, CallStatus.values):
        rows = rows.filter(status=status)
    if status_filter(state, CallState.values, field="state"):
        rows = selectors.calls_in_state(rows, state)
    return [out.call_summary(c) for c in rows[:MAX_ROWS]]


@router.get("/calls/{slug}", response={200: CallOut, **ERRORS}, auth=READ_AUTH)
def call_detail(request: HttpRequest, slug: str):
    """One call: dates, funding rules, its share of the targets and the progress toward them."""
    return out.call_out(out.visible_call(request, slug))


@router.post("/calls", response={201: CallOut, **ERRORS}, auth=WRITE_AUTH)
def call_create(request: HttpRequest, payload: CallIn):
    """Open a draft call for a partnership (its coordinators, admins)."""
    partnership = partnership_get_visible(request.user, payload.partnership)
    require(request.user, "exchanges.add_exchangecall", partnership)
    call = services.call_create(
        actor=request.user, partnership=partnership, data=out.call_data(payload, partial=False)
    )
    return Status(201, out.call_out(call))


@router.patch("/calls/{slug}", response={200: CallOut, **ERRORS}, auth=WRITE_AUTH)
def call_patch(request: HttpRequest, slug: str, payload: CallPatch):
    """Change a call's dates, targets or funding rules (its coordinators, admins)."""
    call = out.visible_call(request, slug)
    require(request.user, "exchanges.change_exchangecall", call)
    call = services.call_update(
        actor=request.user, call=call, data=out.call_data(payload, partial=True)
    )
    return out.call_out(call)


@router.post("/calls/{slug}/status", response={200: CallOut, **ERRORS}, auth=WRITE_AUTH)
def call_status(request: HttpRequest, slug: str, payload: CallStatusIn):
    """Open, close or reopen a call (its coordinators, admins)."""
    call = out.visible_call(request, slug)
    call = services.call_status_set(actor=request.user, call=call, status=payload.status)
    return out.call_out(call)


# -- visitor registrations -----------------------------------------------------------------------


@router.get(
    "/calls/{slug}/applications", response={200: list[ApplicationOut], **ERRORS}, auth=LOGIN_AUTH
)
def application_list(request: HttpRequest, slug: str, status: str = ""):
    """The call's registrations: all for its coordinators, one's own for everybody else."""
    call = out.visible_call(request, slug)
    rows = selectors.applications_visible_to(request.user).filter(call=call)
    if status_filter(status, ReviewStatus.values):
        rows = rows.filter(status=status)
    return [
        out.application_out(a) for a in rows.select_related("member_of__organisation")[:MAX_ROWS]
    ]


@router.post(
    "/calls/{slug}/applications", response={201: ApplicationOut, **ERRORS}, auth=WRITE_AUTH
)
def application_create(request: HttpRequest, slug: str, payload: ApplicationIn):
    """Register as a visitor to an open call, for an organisation you act for."""
    call = out.visible_call(request, slug)
    application = services.application_submit(
        actor=request.user, call=call, data=payload.model_dump()
    )
    return Status(201, out.application_out(application))


@router.get(
    "/applications/{application_id}", response={200: ApplicationOut, **ERRORS}, auth=LOGIN_AUTH
)
def application_detail(request: HttpRequest, application_id: int):
    """One registration (the visitor's side, the call's coordinators)."""
    return out.application_out(out.visible_application(request, application_id))


@router.patch(
    "/applications/{application_id}", response={200: ApplicationOut, **ERRORS}, auth=WRITE_AUTH
)
def application_patch(request: HttpRequest, application_id: int, payload: ApplicationPatch):
    """Change a registration before it is validated (the visitor's side)."""
    application = services.application_update(
        actor=request.user,
        application=out.visible_application(request, application_id),
        data=payload.model_dump(exclude_unset=True),
    )
    return out.application_out(application)


@router.post(
    "/applications/{application_id}/review",
    response={200: ApplicationOut, **ERRORS},
    auth=WRITE_AUTH,
)
def application_review(request: HttpRequest, application_id: int, payload: ReviewIn):
    """Validate or reject a registration (the call's coordinators, admins)."""
    application = out.visible_application(request, application_id)
    require(request.user, "exchanges.review_application", application)
    application = services.application_review(
        actor=request.user, application=application, decision=payload.decision, note=payload.note
    )
    return out.application_out(application)


@router.post(
    "/applications/{application_id}/withdraw",
    response={200: ApplicationOut, **ERRORS},
    auth=WRITE_AUTH,
)
def application_withdraw(request: HttpRequest, application_id: int):
    """Withdraw a registration (the visitor's side; not while an exchange is under way)."""
    application = services.application_withdraw(
        actor=request.user, application=out.visible_application(request, application_id)
    )
    return out.application_out(application)


@router.post("/calls/{slug}/allocation", response={200: AllocationOut, **ERRORS}, auth=WRITE_AUTH)
def call_allocation_propose(request: HttpRequest, slug: str, payload: AllocationIn):
    """The optimiser's plan for the whole call (the call's coordinators); saves nothing."""
    call = out.visible_call(request, slug)
    proposal = call_allocation.call_allocation_propose(
        actor=request.user, call=call, time_limit=payload.time_limit
    )
    result = proposal.result
    return {
        "status": result.status,
        "score": result.score,
        "bound": result.bound,
        "gap": result.gap,
        "totals": result.totals,
        "shortfall": result.shortfall,
        "messages": result.messages,
        "visitors": proposal.visitors,
        "hosts": proposal.hosts,
        "candidate_pairs": proposal.candidate_pairs,
        "pairs": [
            {
                "application": p.application.pk,
                "offer": p.offer.pk,
                "visitor": p.application.organisation.name,
                "visitor_country": p.application.organisation.country_id,
                "host": p.offer.organisation.name,
                "host_country": p.offer.organisation.country_id,
                "fit": p.fit,
                "sme": p.application.is_sme,
                "member": p.application.is_member,
                "agreed": p.agreed,
            }
            for p in proposal.pairs
        ],
    }


@router.post(
    "/calls/{slug}/allocation/confirm",
    response={201: AllocationConfirmOut, **ERRORS},
    auth=WRITE_AUTH,
)
def call_allocation_confirm(request: HttpRequest, slug: str, payload: AllocationConfirmIn):
    """Turn the kept pairs into proposed matches (all or none); visitor and host confirm."""
    call = out.visible_call(request, slug)
    created = call_allocation.call_allocation_confirm(
        actor=request.user, call=call, pairs=[(p.application, p.offer) for p in payload.pairs]
    )
    return Status(201, {"exchanges": [e.pk for e in created]})


@router.get(
    "/applications/{application_id}/suggestions",
    response={200: HostSuggestionsOut, **ERRORS},
    auth=LOGIN_AUTH,
)
def application_suggestions(request: HttpRequest, application_id: int, k: int = 10):
    """Validated hosting offers with places left in other countries that fit the visitor."""
    application = out.visible_application(request, application_id)
    if not 1 <= k <= MAX_SUGGESTIONS:
        raise DomainError(
            _("The number of results must be between 1 and %(max)d.") % {"max": MAX_SUGGESTIONS},
            field="k",
        )
    return {
        "results": [
            {
                "offer": out.offer_out(s.offer),
                "score": s.result.score,
                "strength": s.result.strength,
                "strength_label": s.result.strength_label,
                "explanation": s.result.explanation_dict(),
            }
            for s in fit.host_suggestions(application, k=k)
        ]
    }


# -- hosting offers ------------------------------------------------------------------------------


@router.get("/offers", response={200: list[OfferOut], **ERRORS}, auth=LOGIN_AUTH)
def offer_list(request: HttpRequest, q: str = "", country: str = "", status: str = "validated"):
    """The catalogue of validated offers; `q` searches title, topics and host name. With
    `status`, one's own offers or those of a partnership one coordinates in that state."""
    rows = selectors.offers_visible_to(request.user).prefetch_related("terms")
    if status_filter(status, ReviewStatus.values):
        rows = rows.filter(status=status)
    for word in q.split():
        rows = rows.filter(
            Q(title__icontains=word)
            | Q(topics__icontains=word)
            | Q(organisation__name__icontains=word)
        )
    if country.strip():
        rows = rows.filter(organisation__country_id=country.strip().upper())
    return [out.offer_out(o) for o in rows[:MAX_ROWS]]


@router.post("/offers", response={201: OfferOut, **ERRORS}, auth=WRITE_AUTH)
def offer_create(request: HttpRequest, payload: OfferIn):
    """Publish a hosting offer for an organisation you act for; the partnership validates it."""
    partnership = partnership_get_visible(request.user, payload.partnership)
    offer = services.hosting_offer_submit(
        actor=request.user,
        partnership=partnership,
        data=payload.model_dump(exclude={"partnership"}),
    )
    return Status(201, out.offer_out(offer))


@router.get("/offers/{offer_id}", response={200: OfferOut, **ERRORS}, auth=LOGIN_AUTH)
def offer_detail(request: HttpRequest, offer_id: int):
    """One hosting offer (validated ones: any logged-in user; others: the host, the partnership)."""
    return out.offer_out(out.visible_offer(request, offer_id))


@router.patch("/offers/{offer_id}", response={200: OfferOut, **ERRORS}, auth=WRITE_AUTH)
def offer_patch(request: HttpRequest, offer_id: int, payload: OfferPatch):
    """Change an offer (the host's side)."""
    offer = services.hosting_offer_update(
        actor=request.user,
        offer=out.visible_offer(request, offer_id),
        data=payload.model_dump(exclude_unset=True),
    )
    return out.offer_out(offer)


@router.post("/offers/{offer_id}/review", response={200: OfferOut, **ERRORS}, auth=WRITE_AUTH)
def offer_review(request: HttpRequest, offer_id: int, payload: ReviewIn):
    """Validate or reject an offer (coordinators of its partnership, admins)."""
    offer = out.visible_offer(request, offer_id)
    require(request.user, "exchanges.review_hostingoffer", offer)
    offer = services.hosting_offer_review(
        actor=request.user, offer=offer, decision=payload.decision, note=payload.note
    )
    return out.offer_out(offer)


@router.post("/offers/{offer_id}/withdraw", response={200: OfferOut, **ERRORS}, auth=WRITE_AUTH)
def offer_withdraw(request: HttpRequest, offer_id: int):
    """Withdraw an offer (the host's side); matches already made stay."""
    offer = services.hosting_offer_withdraw(
        actor=request.user, offer=out.visible_offer(request, offer_id)
    )
    return out.offer_out(offer)


# -- exchanges ---------------------------------------------------------------------------------


@router.get("/exchanges", response={200: list[ExchangeSummaryOut], **ERRORS}, auth=LOGIN_AUTH)
def exchange_list(request: HttpRequest, status: str = ""):
    """Exchanges the caller is the visitor, the host or a coordinator of either partnership of."""
    rows = selectors.exchanges_visible_to(request.user)
    if status_filter(status, ExchangeStatus.values):
        rows = rows.filter(status=status)
    return [out.exchange_summary(e) for e in rows[:MAX_ROWS]]


@router.get("/exchanges/{exchange_id}", response={200: ExchangeOut, **ERRORS}, auth=LOGIN_AUTH)
def exchange_detail(request: HttpRequest, exchange_id: int):
    """One exchange: dates, confirmations, commitment, signatures, grant, evidence, payment."""
    return out.exchange_out(request, out.visible_exchange(request, exchange_id))


@router.post("/exchanges", response={201: ExchangeOut, **ERRORS}, auth=WRITE_AUTH)
def exchange_create(request: HttpRequest, payload: ExchangeIn):
    """Propose a match (the visitor's side, the call's coordinators); the proposer confirms."""
    application = out.visible_application(request, payload.application, field="application")
    offer = out.visible_offer(request, payload.offer, field="offer")
    exchange = lifecycle.exchange_propose(
        actor=request.user,
        application=application,
        offer=offer,
        origin=payload.origin,
        start=payload.start,
        end=payload.end,
    )
    return Status(201, out.exchange_out(request, exchange))


def _exchange_change(method: str, change: str):
    """An endpoint that changes an exchange and answers with it."""
    return getattr(router, method)(
        f"/exchanges/{{exchange_id}}/{change}",
        response={200: ExchangeOut, **ERRORS},
        auth=WRITE_AUTH,
    )


def _changed(request: HttpRequest, exchange_id: int, change, **fields):
    """`change(actor=..., exchange=..., **fields)` on an exchange the caller sees; the exchange
    as it is then."""
    exchange = change(
        actor=request.user, exchange=out.visible_exchange(request, exchange_id), **fields
    )
    return out.exchange_out(request, exchange)


@_exchange_change("post", "confirm")
def exchange_confirm(request: HttpRequest, exchange_id: int):
    """Confirm a proposed match (the visitor's or the host's side); both: matched."""
    return _changed(request, exchange_id, lifecycle.exchange_confirm)


@_exchange_change("post", "decline")
def exchange_decline(request: HttpRequest, exchange_id: int, payload: ReasonIn):
    """Decline a proposed match (the visitor's or the host's side)."""
    return _changed(request, exchange_id, lifecycle.exchange_decline, reason=payload.reason)


@_exchange_change("post", "cancel")
def exchange_cancel(request: HttpRequest, exchange_id: int, payload: ReasonIn):
    """Cancel an exchange not yet validated (visitor, host, the visitor's partnership)."""
    return _changed(request, exchange_id, lifecycle.exchange_cancel, reason=payload.reason)


@_exchange_change("patch", "commitment")
def exchange_commitment(request: HttpRequest, exchange_id: int, payload: CommitmentIn):
    """Draft the Commitment to Quality (visitor or host); a change clears the signatures."""
    data = payload.model_dump(exclude_unset=True)
    return _changed(request, exchange_id, lifecycle.commitment_update, data=data)


@_exchange_change("post", "sign")
def exchange_sign(request: HttpRequest, exchange_id: int, payload: SignIn):
    """Sign the commitment as one of the four signatories; the fourth makes it committed."""
    return _changed(request, exchange_id, lifecycle.commitment_sign, role=payload.role)


@router.post(
    "/exchanges/{exchange_id}/evidence", response={201: EvidenceOut, **ERRORS}, auth=WRITE_AUTH
)
def exchange_evidence_add(
    request: HttpRequest,
    exchange_id: int,
    file: UploadedFile = File(...),  # noqa: B008
    description: str = Form(""),  # noqa: B008
):
    """Attach evidence of the visit (multipart field `file`: PDF, JPEG or PNG, checked by
    content; the visitor's side, once the commitment is signed)."""
    exchange = out.visible_exchange(request, exchange_id)
    # One byte past the limit is enough to refuse the file as too large.
    content = file.read(settings.UPLOAD_MAX_BYTES + 1)
    evidence = lifecycle.evidence_add(
        actor=request.user,
        exchange=exchange,
        file_name=file.name or "",
        content=content,
        description=description,
    )
    return Status(201, out.evidence_out(evidence))


@router.delete(
    "/exchanges/{exchange_id}/evidence/{evidence_id}",
    response={204: None, **ERRORS},
    auth=WRITE_AUTH,
)
def exchange_evidence_remove(request: HttpRequest, exchange_id: int, evidence_id: int):
    """Remove a document before the report is filed (the visitor's side)."""
    evidence = out.visible_exchange(request, exchange_id).evidence.filter(pk=evidence_id).first()
    if evidence is None:
        raise NotFound(_("No document with id %(id)s.") % {"id": evidence_id})
    lifecycle.evidence_remove(actor=request.user, evidence=evidence)
    return Status(204, None)


@_exchange_change("post", "report")
def exchange_report(request: HttpRequest, exchange_id: int, payload: ReportIn):
    """File the closing report after the visit, with evidence attached (the visitor's side)."""
    return _changed(request, exchange_id, lifecycle.exchange_report, report=payload.report)


@_exchange_change("post", "validate")
def exchange_validate(request: HttpRequest, exchange_id: int, payload: ValidateIn):
    """Validate the report or return it (coordinators of the visitor's partnership)."""
    fields = {"approve": payload.approve, "note": payload.note}
    return _changed(request, exchange_id, lifecycle.exchange_validate, **fields)


@_exchange_change("post", "paid")
def exchange_paid(request: HttpRequest, exchange_id: int, payload: PaidIn):
    """Record the payment of the lump sum (coordinators of the visitor's partnership)."""
    fields = {"paid_on": payload.paid_on, "reference": payload.reference}
    return _changed(request, exchange_id, lifecycle.exchange_mark_paid, **fields)


# -- progress of a partnership --------------------------------------------------------------------


@partnership_router.get(
    "/{slug}/exchange-progress", response={200: list[ProgressOut], **ERRORS}, auth=READ_AUTH
)
def partnership_exchange_progress(request: HttpRequest, slug: str):
    """The partnership's exchanges (validated, under way) against its exchange targets."""
    partnership = partnership_get_visible(request.user, slug)
    return out.progress(selectors.partnership_progress(partnership))
