"""ClusterXchange pages: calls, registrations, the catalogue of hosting offers, allocation.

The exchange page itself (match to payment) is in `exchange_views.py`.
"""

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from clusterloom.core.errors import DomainError
from clusterloom.core.pages import form_page, step
from clusterloom.core.permissions import page_permission
from clusterloom.directory.models import Cluster
from clusterloom.partnerships.models import Partnership

from . import call_allocation as allocation_services
from . import selectors, services
from .errors import IneligibleError
from .fit import host_suggestions
from .forms import (
    ApplicationForm,
    CallForm,
    CatalogueForm,
    OfferForm,
    ProposeForm,
    ReviewForm,
)
from .lifecycle import exchange_propose
from .models import ExchangeApplication, ExchangeCall, HostingOffer, MatchOrigin, ReviewStatus
from .selectors import DEAD


def _call_or_404(request, slug) -> ExchangeCall:
    call = selectors.calls_visible_to(request.user).filter(slug=slug).first()
    if call is None:
        raise Http404
    return call


def call_list(request):
    """Calls for exchanges, the catalogue and what waits for the user."""
    calls = selectors.calls_visible_to(request.user).order_by("-opens_on")
    coordinated = Partnership.objects.none()
    if request.user.is_authenticated:
        coordinated = (
            Partnership.objects.all()
            if request.user.is_superuser
            else request.user.coordinated_partnerships.all()
        )
    context = {
        "calls": calls,
        "coordinated": coordinated,
        "mine": _mine(request.user) if request.user.is_authenticated else None,
    }
    return render(request, "exchanges/call_list.html", context)


def _mine(user) -> dict:
    return {
        "applications": selectors.applications_visible_to(user).filter(
            Q(submitted_by=user)
            | Q(organisation_id__in=user.managed_organisations.all())
            | Q(person__user=user)
        )[:50],
        "offers": selectors.offers_visible_to(user).filter(
            Q(submitted_by=user)
            | Q(organisation_id__in=user.managed_organisations.all())
            | Q(person__user=user)
        )[:50],
        "exchanges": selectors.exchanges_visible_to(user).exclude(status__in=DEAD)[:100],
    }


def call_create(request):
    """A coordinator opens a call for one of their partnerships (as a draft)."""
    partnership = get_object_or_404(Partnership, slug=request.GET.get("partnership", ""))
    initial = services._partnership_targets(partnership) | {"cap_per_organisation": "1100.00"}
    return form_page(
        request,
        CallForm(request.POST or None, initial=initial),
        permission=("exchanges.add_exchangecall", partnership),
        template="exchanges/call_form.html",
        context={"partnership": partnership},
        save=lambda data: services.call_create(
            actor=request.user, partnership=partnership, data=data
        ),
        message=_("The call is saved as a draft. Open it when ready."),
        done=lambda call: ("exchange_call_detail", call.slug),
    )


def call_edit(request, slug):
    """Change a call's dates, targets and funding rules."""
    call = _call_or_404(request, slug)
    return form_page(
        request,
        CallForm(request.POST or None, initial=CallForm.initial_for(call)),
        permission=("exchanges.change_exchangecall", call),
        template="exchanges/call_form.html",
        context={"partnership": call.partnership, "call": call},
        save=lambda data: services.call_update(actor=request.user, call=call, data=data),
        message=_("The call is saved."),
        done=("exchange_call_detail", call.slug),
    )


@require_POST
def call_status(request, slug):
    """Open or close a call."""
    call = _call_or_404(request, slug)
    denied = page_permission(request, "exchanges.change_exchangecall", call)
    if denied:
        return denied
    return step(
        request,
        lambda: services.call_status_set(
            actor=request.user, call=call, status=request.POST.get("status")
        ),
        done=("exchange_call_detail", call.slug),
    )


def call_detail(request, slug):
    """A call: dates, funding rules, progress against its targets, and the next step."""
    call = _call_or_404(request, slug)
    may_manage = request.user.has_perm("exchanges.change_exchangecall", call)
    applications = None
    if may_manage:
        applications = call.applications.select_related("organisation__country").prefetch_related(
            "exchanges"
        )
    funding = selectors.funding_rules(call)
    context = {
        "call": call,
        "progress": selectors.call_progress(call),
        "counts": selectors.call_counts(call),
        "money": selectors.call_budget(call),
        "may_manage": may_manage,
        "apply_refusal": selectors.registration_refusal(call, request.user),
        "open_refusal": selectors.open_refusal(call) if may_manage else None,
        "applications": applications,
        "bands": funding.travel_bands,
    }
    return render(request, "exchanges/call_detail.html", context)


def _clusters():
    return Cluster.objects.select_related("organisation").order_by("organisation__name")


def application_create(request, slug):
    """Register as a visitor for a call."""
    call = _call_or_404(request, slug)
    denied = page_permission(request, "exchanges.apply", call)
    if denied:
        return denied
    refusal = selectors.registration_refusal(call, request.user)
    if refusal is not None:
        # Said before anyone fills the form in, not after (the service would refuse anyway).
        return render(
            request,
            "exchanges/application_form.html",
            {"call": call, "refusal": refusal},
            status=403,
        )
    # Only the organisations that may still register (not one that already has).
    organisations = selectors.organisations_free_to_apply(call, request.user)
    return form_page(
        request,
        ApplicationForm(request.POST or None, organisations=organisations, clusters=_clusters()),
        template="exchanges/application_form.html",
        context={"call": call},
        save=lambda data: services.application_submit(actor=request.user, call=call, data=data),
        message=_("Registered. The partnership will validate your registration."),
        done=lambda application: ("exchange_application_detail", application.pk),
    )


def _application_or_404(request, pk) -> ExchangeApplication:
    application = selectors.applications_visible_to(request.user).filter(pk=pk).first()
    if application is None:
        if not request.user.is_authenticated:
            raise Http404
        raise Http404
    return application


def application_detail(request, pk):
    """A visitor's registration: its state, the partnership's review, suggested hosts."""
    if not request.user.is_authenticated:
        denied = page_permission(request, "exchanges.view_application")
        return denied
    application = _application_or_404(request, pk)
    may_review = request.user.has_perm("exchanges.review_application", application)
    may_change = request.user.has_perm("exchanges.change_application", application)
    live = application.exchanges.exclude(status__in=DEAD).first()
    suggestions = []
    if application.status == ReviewStatus.VALIDATED and live is None and may_change:
        suggestions = host_suggestions(application, k=8)
    context = {
        "application": application,
        "may_review": may_review,
        "may_change": may_change,
        "exchange": live,
        "past_exchanges": application.exchanges.filter(status__in=DEAD),
        "suggestions": suggestions,
        "review_form": ReviewForm(),
    }
    return render(request, "exchanges/application_detail.html", context)


def _review(request, permission, review, *, said, done):
    """Validate or reject from the review form, for those with `permission` (perm, object):
    the service's `review(decision, note)`, then `said()` as the message."""
    refused = page_permission(request, *permission)
    if refused:
        return refused
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to validate or reject."))
        return redirect(*done)
    data = form.cleaned_data
    return step(
        request,
        lambda: review(data["decision"], data["note"]),
        message=lambda _result: said(),
        done=done,
    )


@require_POST
def application_review(request, pk):
    """The partnership validates or rejects a registration."""
    application = _application_or_404(request, pk)
    return _review(
        request,
        ("exchanges.review_application", application),
        lambda decision, note: services.application_review(
            actor=request.user, application=application, decision=decision, note=note
        ),
        said=lambda: (
            _("The registration is %(status)s.") % {"status": application.get_status_display()}
        ),
        done=("exchange_application_detail", application.pk),
    )


@require_POST
def application_withdraw(request, pk):
    """The visitor withdraws a registration."""
    application = _application_or_404(request, pk)
    return step(
        request,
        lambda: services.application_withdraw(actor=request.user, application=application),
        permission=("exchanges.change_application", application),
        message=_("The registration is withdrawn."),
        done=("exchange_application_detail", application.pk),
    )


def offer_list(request):
    """The catalogue of validated hosting offers, searchable."""
    if not request.user.is_authenticated:
        return page_permission(request, "exchanges.view_hostingoffer", None)
    rows = (
        HostingOffer.objects.filter(status=ReviewStatus.VALIDATED)
        .select_related("organisation__country", "partnership")
        .prefetch_related("terms")
    )
    countries = sorted(
        {(o.organisation.country_id, o.organisation.country.name) for o in rows},
        key=lambda c: c[1],
    )
    form = CatalogueForm(request.GET or None, countries=countries)
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        if q:
            rows = rows.filter(
                Q(title__icontains=q)
                | Q(topics__icontains=q)
                | Q(offers__icontains=q)
                | Q(organisation__name__icontains=q)
            )
        if form.cleaned_data["country"]:
            rows = rows.filter(organisation__country_id=form.cleaned_data["country"])
    offers = [(o, selectors.remaining_capacity(o)) for o in rows.order_by("title")[:200]]
    context = {
        "form": form,
        "offers": offers,
        "may_offer": request.user.has_perm("exchanges.add_hostingoffer"),
    }
    return render(request, "exchanges/offer_list.html", context)


def _offer_form(request, data, offer=None):
    partnerships = Partnership.objects.filter(is_published=True).order_by("acronym")
    return OfferForm(
        data,
        organisations=selectors.user_organisations(request.user),
        partnerships=partnerships,
        initial=_offer_initial(offer) if offer else None,
    )


def _offer_initial(offer: HostingOffer) -> dict:
    data = {f: getattr(offer, f) for f in OfferForm.base_fields if hasattr(offer, f)}
    data.update(
        partnership=offer.partnership.slug,
        organisation=offer.organisation_id,
        languages=", ".join(offer.languages),
        terms=[f"{t.vocabulary}:{t.slug}" for t in offer.terms.all()],
    )
    return data


def _offer_submit(request, data):
    partnership = Partnership.objects.filter(slug=data["partnership"]).first()
    if partnership is None:
        raise DomainError(_("Unknown partnership."), field="partnership")
    return services.hosting_offer_submit(actor=request.user, partnership=partnership, data=data)


def offer_create(request):
    """A host publishes a hosting offer (validated by the partnership it chooses)."""
    return form_page(
        request,
        _offer_form(request, request.POST or None),
        permission=("exchanges.add_hostingoffer",),
        template="exchanges/offer_form.html",
        save=lambda data: _offer_submit(request, data),
        message=_("Published. The partnership will validate your offer."),
        done=lambda offer: ("hosting_offer_detail", offer.pk),
    )


def _offer_or_404(request, pk) -> HostingOffer:
    offer = selectors.offers_visible_to(request.user).filter(pk=pk).first()
    if offer is None:
        raise Http404
    return offer


def offer_edit(request, pk):
    """Change a hosting offer."""
    offer = _offer_or_404(request, pk)
    form = _offer_form(request, request.POST or None, offer)
    form.fields["partnership"].disabled = True
    form.fields["organisation"].disabled = True
    return form_page(
        request,
        form,
        permission=("exchanges.change_hostingoffer", offer),
        template="exchanges/offer_form.html",
        context={"offer": offer},
        save=lambda data: services.hosting_offer_update(actor=request.user, offer=offer, data=data),
        message=_("The offer is saved."),
        done=("hosting_offer_detail", offer.pk),
    )


def _proposable_applications(user, offer):
    """The user's validated registrations with no exchange yet, from another country."""
    rows = selectors.applications_visible_to(user).filter(status=ReviewStatus.VALIDATED)
    rows = rows.exclude(exchanges__in=selectors.live_exchanges())
    return [
        a
        for a in rows
        if user.has_perm("exchanges.change_application", a)
        and a.organisation.country_id != offer.organisation.country_id
    ]


def offer_detail(request, pk):
    """A hosting offer: what the host offers, places left; visitors propose a visit here."""
    if not request.user.is_authenticated:
        return page_permission(request, "exchanges.view_hostingoffer", None)
    offer = _offer_or_404(request, pk)
    applications = _proposable_applications(request.user, offer)
    propose_form = ProposeForm(applications=applications) if applications else None
    if propose_form is not None and request.GET.get("application"):
        propose_form.initial["application"] = request.GET["application"]
    context = {
        "offer": offer,
        "places": selectors.remaining_capacity(offer),
        "may_change": request.user.has_perm("exchanges.change_hostingoffer", offer),
        "may_review": request.user.has_perm("exchanges.review_hostingoffer", offer),
        "propose_form": propose_form,
        "review_form": ReviewForm(),
        "exchanges": selectors.exchanges_visible_to(request.user).filter(offer=offer),
    }
    return render(request, "exchanges/offer_detail.html", context)


@require_POST
def offer_review(request, pk):
    """The host's partnership validates or rejects a hosting offer."""
    offer = _offer_or_404(request, pk)
    return _review(
        request,
        ("exchanges.review_hostingoffer", offer),
        lambda decision, note: services.hosting_offer_review(
            actor=request.user, offer=offer, decision=decision, note=note
        ),
        said=lambda: _("The offer is %(status)s.") % {"status": offer.get_status_display()},
        done=("hosting_offer_detail", offer.pk),
    )


@require_POST
def offer_withdraw(request, pk):
    """The host withdraws an offer."""
    offer = _offer_or_404(request, pk)
    denied = page_permission(request, "exchanges.change_hostingoffer", offer)
    if denied:
        return denied
    services.hosting_offer_withdraw(actor=request.user, offer=offer)
    messages.success(request, _("The offer is withdrawn."))
    return redirect("hosting_offer_detail", offer.pk)


@require_POST
def offer_propose(request, pk):
    """A visitor proposes a visit to this host (from a suggestion, the catalogue or a prior
    agreement); the host then confirms."""
    offer = _offer_or_404(request, pk)
    if not request.user.is_authenticated:
        return page_permission(request, "exchanges.apply")
    applications = _proposable_applications(request.user, offer)

    def save(data):
        origin = request.POST.get("origin")
        if data["prior_agreement"]:
            origin = MatchOrigin.PRIOR_AGREEMENT
        elif origin != MatchOrigin.SUGGESTION:
            origin = MatchOrigin.CATALOGUE
        fit = request.POST.get("fit")
        return exchange_propose(
            actor=request.user,
            application=next(a for a in applications if a.pk == data["application"]),
            offer=offer,
            origin=origin,
            start=data["start"],
            end=data["end"],
            fit=float(fit) if fit and fit.replace(".", "", 1).isdigit() else None,
        )

    return form_page(
        request,
        ProposeForm(request.POST, applications=applications),
        template="exchanges/offer_detail.html",
        context=lambda form: {
            "offer": offer,
            "places": selectors.remaining_capacity(offer),
            "may_change": request.user.has_perm("exchanges.change_hostingoffer", offer),
            "may_review": request.user.has_perm("exchanges.review_hostingoffer", offer),
            "propose_form": form,
            "review_form": ReviewForm(),
            "exchanges": selectors.exchanges_visible_to(request.user).filter(offer=offer),
        },
        save=save,
        message=_("Proposed. The host is asked to confirm."),
        done=lambda exchange: ("exchange_detail", exchange.pk),
    )


def call_allocation(request, slug):
    """The coordinator's allocation of the whole call: propose (OR-Tools), edit, confirm."""
    call = _call_or_404(request, slug)
    denied = page_permission(request, "exchanges.allocate_call", call)
    if denied:
        return denied
    proposal, error = None, None
    if request.method == "POST" and request.POST.get("action") == "confirm":
        pairs = []
        for value in request.POST.getlist("pair"):
            try:
                a, o = (int(x) for x in value.split("-", 1))
            except ValueError:
                continue
            pairs.append((a, o))
        try:
            created = allocation_services.call_allocation_confirm(
                actor=request.user, call=call, pairs=pairs
            )
        except IneligibleError as exc:
            error = exc.message
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)s match proposed; the visitor and the host are asked to confirm.",
                    "%(n)s matches proposed; visitors and hosts are asked to confirm.",
                    len(created),
                )
                % {"n": len(created)},
            )
            return redirect("exchange_call_detail", call.slug)
    elif request.method == "POST":
        try:
            proposal = allocation_services.call_allocation_propose(actor=request.user, call=call)
        except DomainError as exc:
            error = exc.message
    context = {"call": call, "proposal": proposal, "error": error}
    return render(request, "exchanges/allocation.html", context, status=400 if error else 200)
