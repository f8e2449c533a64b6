"""Partner-matching pages: search, suggested partners, partner requests, sector affinities."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusterloom.core.errors import DomainError
from clusterloom.core.page_cache import public_page
from clusterloom.core.pages import form_page, step
from clusterloom.core.permissions import page_permission
from clusterloom.directory.models import Organisation

from . import request_services, selectors, services
from .forms import AffinityForm, InterestForm, PartnerRequestForm, PartnerSearchForm
from .models import PartnerRequest, RequestStatus

#: Results shown on the search page and in the suggestions block.
SEARCH_RESULTS = 20
SUGGESTIONS = 8


@public_page
def partner_search(request):
    """Describe a need in words; ranked organisations with the reasons they fit."""
    home = selectors.user_home_country(request.user)
    form = PartnerSearchForm(request.GET or None, home_country=home)
    results, searched, status = [], False, 200
    if request.GET and form.is_valid():
        data = form.cleaned_data
        params = selectors.SearchParams(
            text=data["text"],
            terms=list(data["terms"]),
            country=data["country"] or home,
            other_country_only=data["other_country_only"],
            kinds=list(data["kinds"]),
            k=SEARCH_RESULTS,
        )
        try:
            results = selectors.partner_search(params, user=request.user)
            searched = True
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    if form.errors:
        status = 400
    context = {"form": form, "results": results, "searched": searched}
    if request.headers.get("HX-Request"):
        return render(request, "matching/_search_results.html", context, status=status)
    return render(request, "matching/search.html", context, status=status)


@public_page
def partner_suggestions(request, slug):
    """Suggested partners of an organisation (a fragment for htmx, a page otherwise)."""
    organisation = get_object_or_404(Organisation, slug=slug)
    all_countries = request.GET.get("all_countries") == "1"
    results = selectors.partner_suggestions(
        organisation, k=SUGGESTIONS, other_country_only=not all_countries, user=request.user
    )
    context = {"organisation": organisation, "results": results, "all_countries": all_countries}
    if request.headers.get("HX-Request"):
        return render(request, "matching/_suggestions.html", context)
    return render(request, "matching/suggestions.html", context)


@public_page
def partner_request_list(request):
    """Open partner requests (and, on request, closed ones) the visitor may read."""
    show_closed = request.GET.get("status") == "closed"
    rows = selectors.partner_requests_visible_to(request.user).prefetch_related("terms")
    rows = rows.filter(status=RequestStatus.CLOSED if show_closed else RequestStatus.OPEN)
    context = {
        "requests": rows[:200],
        "show_closed": show_closed,
        "may_post": request.user.has_perm("matching.add_partnerrequest"),
    }
    return render(request, "matching/request_list.html", context)


def _visible_request(request, pk) -> PartnerRequest:
    return get_object_or_404(selectors.partner_requests_visible_to(request.user), pk=pk)


def _detail(request, partner_request, *, interest_form=None, status=200):
    user = request.user
    may_edit = user.has_perm("matching.change_partnerrequest", partner_request)
    context = {
        "partner_request": partner_request,
        "terms": partner_request.terms.order_by("vocabulary", "name"),
        "matches": selectors.partner_request_matches(partner_request, k=10),
        "may_edit": may_edit,
        "may_follow": user.has_perm("matching.follow_partnerrequest", partner_request)
        and partner_request.posted_by_id != user.pk,
        "may_express": partner_request.is_open
        and partner_request.posted_by_id != user.pk
        and user.has_perm("matching.express_interest", partner_request),
        "following": user.is_authenticated
        and partner_request.followers.filter(pk=user.pk).exists(),
        "already_interested": user.is_authenticated
        and partner_request.interests.filter(user=user).exists(),
        "interests": partner_request.interests.select_related("user", "organisation")
        if may_edit
        else None,
        "interest_count": partner_request.interests.count(),
        "interest_form": interest_form or InterestForm(),
    }
    return render(request, "matching/request_detail.html", context, status=status)


@public_page
def partner_request_detail(request, pk):
    """A partner request: what is sought and offered, who may fit, follow and interest."""
    return _detail(request, _visible_request(request, pk))


def partner_request_create(request):
    """Post a partner request for one of your organisations."""
    organisations = request_services.organisations_for_requests(request.user)

    def save(data):
        data = dict(data)
        organisation = data.pop("organisation")
        return request_services.partner_request_create(
            actor=request.user, organisation=organisation, data=data
        )

    return form_page(
        request,
        PartnerRequestForm(request.POST or None, organisations=organisations),
        permission=("matching.add_partnerrequest",),
        template="matching/request_form.html",
        context={"editing": False},
        save=save,
        message=_("Your partner request has been posted."),
        done=lambda created: reverse("partner_request_detail", kwargs={"pk": created.pk}),
    )


def partner_request_edit(request, pk):
    """Edit a partner request (its poster, admins)."""
    partner_request = _visible_request(request, pk)
    initial = {
        "title": partner_request.title,
        "sought": partner_request.sought,
        "offered": partner_request.offered,
        "terms": [f"{t.vocabulary}:{t.slug}" for t in partner_request.terms.all()],
        "deadline": partner_request.deadline,
        "is_public": partner_request.is_public,
    }

    def save(data):
        data = dict(data)
        if data.get("deadline") == partner_request.deadline:
            data.pop("deadline")  # an unchanged past deadline is not an error
        request_services.partner_request_update(
            actor=request.user, partner_request=partner_request, data=data
        )

    return form_page(
        request,
        PartnerRequestForm(request.POST or None, initial=initial, editing=True),
        permission=("matching.change_partnerrequest", partner_request),
        template="matching/request_form.html",
        context={"editing": True, "partner_request": partner_request},
        save=save,
        message=_("The partner request has been saved."),
        done=partner_request_url(partner_request),
    )


@require_POST
def partner_request_close(request, pk):
    """Close a partner request (its poster, admins)."""
    partner_request = _visible_request(request, pk)
    return step(
        request,
        lambda: request_services.partner_request_close(
            actor=request.user, partner_request=partner_request
        ),
        permission=("matching.change_partnerrequest", partner_request),
        message=_("The partner request is closed."),
        done=partner_request_url(partner_request),
    )


@require_POST
def partner_request_follow(request, pk):
    """Follow or stop following a partner request."""
    partner_request = _visible_request(request, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(partner_request_url(partner_request))
    follow = request.POST.get("follow") != "0"
    try:
        request_services.partner_request_follow(
            actor=request.user, partner_request=partner_request, follow=follow
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _detail(request, partner_request, status=exc.status_code)
    if follow:
        messages.success(request, _("You follow this request."))
    else:
        messages.success(request, _("You no longer follow this request."))
    return redirect("partner_request_detail", pk=partner_request.pk)


def partner_request_url(partner_request) -> str:
    """The request's page (where a login sends the visitor back to)."""
    return reverse("partner_request_detail", args=[partner_request.pk])


@require_POST
def partner_interest_express(request, pk):
    """Express interest in a request; the poster is told by e-mail."""
    partner_request = _visible_request(request, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(partner_request_url(partner_request))
    form = InterestForm(request.POST)
    if form.is_valid():
        try:
            request_services.partner_interest_express(
                actor=request.user,
                partner_request=partner_request,
                message=form.cleaned_data["message"],
            )
        except DomainError as exc:
            form.add_error("message" if exc.field == "message" else None, exc.message)
            return _detail(request, partner_request, interest_form=form, status=exc.status_code)
        messages.success(request, _("Your interest has been sent to the poster."))
        return redirect("partner_request_detail", pk=partner_request.pk)
    return _detail(request, partner_request, interest_form=form, status=400)


def affinity_list(request):
    """The strongest sector affinities; coordinators adjust them or relearn from the data."""
    term = request.GET.get("term", "")
    return form_page(
        request,
        AffinityForm(request.POST if request.method == "POST" else None),
        permission=("matching.change_sectoraffinity",),
        template="matching/affinities.html",
        context=lambda form: {
            "rows": selectors.affinities_strongest(limit=100, term=term),
            "term": term,
        },
        save=lambda data: services.sector_affinity_adjust(
            actor=request.user, term_a=data["term_a"], term_b=data["term_b"], value=data["value"]
        ),
        message=_("The affinity has been saved."),
        done="affinity_list",
    )


@require_POST
def affinity_relearn(request):
    """Learn the affinities again from partnerships and CORDIS projects."""
    denied = page_permission(request, "matching.change_sectoraffinity")
    if denied:
        return denied
    learned = services.sector_affinities_relearn(actor=request.user)
    messages.success(
        request, _("%(n)d affinities learned from the platform's data.") % {"n": learned}
    )
    return redirect("affinity_list")
