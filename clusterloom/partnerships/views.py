"""Partnership pages: home, list, profile (screen, print, PDF), edit, targets, network.

Permissions (core/permissions.py): profiles of published partnerships are public; unpublished
ones exist only for their coordinators and admins (404 for everyone else). Editing the profile
and setting or confirming targets need `partnerships.change_partnership` /
`partnerships.confirm_target` on that partnership.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from clusterloom.core.errors import DomainError, NotFound
from clusterloom.core.page_cache import public_page
from clusterloom.core.pages import form_page

from . import selectors
from .contact import partnership_contact_set, public_contact
from .forms import CommitmentDismissForm, PartnershipForm, TargetConfirmForm, TargetForm
from .models import Partnership, TargetCode
from .network import layout, render_svg
from .partner_map import partner_map_svg
from .pdf import html_to_pdf
from .sections import render_sections
from .services import (
    commitment_dismiss,
    consortium_check,
    partnership_update,
    target_confirm,
    target_set,
)


def _visible_or_404(request, slug: str) -> Partnership:
    try:
        return selectors.partnership_get_visible(request.user, slug)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _require(request, perm: str, partnership: Partnership) -> None:
    """Users without the permission get a 403 (views send anonymous users to log in first)."""
    if not request.user.has_perm(perm, partnership):
        raise PermissionDenied


def _login_first(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def _add_domain_error(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


@require_safe
@public_page
def home(request):
    """Home: the partnerships on the platform, a directory search box and a text filter."""
    text = request.GET.get("q", "")
    return render(
        request,
        "partnerships/home.html",
        {"cards": selectors.partnership_cards(request.user, text), "q": text, "is_home": True},
    )


@require_safe
@public_page
def partnership_list(request):
    """The partnerships the user may see, filtered by text."""
    text = request.GET.get("q", "")
    return render(
        request,
        "partnerships/home.html",
        {"cards": selectors.partnership_cards(request.user, text), "q": text, "is_home": False},
    )


#: Headings of the consortium rules of the ESCP call, by rule code.
RULE_LABELS = {
    "min_partners": _lazy("At least 3 partners"),
    "min_countries": _lazy("Partners from at least 3 EU/COSME countries"),
    "cohesion_region": _lazy("A partner in a less developed or transition region"),
    "partner_kinds": _lazy("Every partner a cluster or business-network organisation"),
}


def _consortium_results(partnership: Partnership) -> list[dict]:
    return [
        {
            "name": RULE_LABELS.get(result.rule, result.rule),
            "status": result.status,
            "message": result.message,
        }
        for result in consortium_check(partnership)
    ]


def _profile_context(request, partnership: Partnership) -> dict:
    profile = selectors.partnership_profile(partnership)
    can_edit = request.user.has_perm("partnerships.change_partnership", partnership)
    can_confirm = request.user.has_perm("partnerships.confirm_target", partnership)
    title = _("Partners of %(acronym)s") % {"acronym": partnership.acronym}
    return {
        "partnership": partnership,
        "profile": profile,
        "can_edit": can_edit,
        "can_confirm": can_confirm,
        "contact": public_contact(partnership, request.user),
        "partner_map": mark_safe(  # noqa: S308 - every text in it is escaped by partner_map
            partner_map_svg(selectors.partners_on_map(partnership), title=title)
        ),
    }


@require_safe
@public_page
def partnership_detail(request, slug):
    """A partnership's profile, laid out like its ECCP page."""
    partnership = _visible_or_404(request, slug)
    context = _profile_context(request, partnership)
    context["sections"] = render_sections(request, partnership)
    if context["can_edit"]:
        context["consortium"] = _consortium_results(partnership)
        context["target_form"] = TargetForm()
        context["code_choices"] = TargetCode.choices
    return render(request, "partnerships/partnership_detail.html", context)


@require_safe
@public_page
def partnership_print(request, slug):
    """The profile as a printer-friendly page: same content, no navigation."""
    partnership = _visible_or_404(request, slug)
    context = _profile_context(request, partnership)
    return render(request, "partnerships/partnership_print.html", context)


@require_safe
@public_page
def partnership_pdf(request, slug):
    """The printer-friendly profile as a PDF (WeasyPrint, static files only)."""
    partnership = _visible_or_404(request, slug)
    context = _profile_context(request, partnership) | {"for_pdf": True}
    html = render_to_string("partnerships/partnership_print.html", context, request=request)
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{partnership.slug}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
def partnership_edit(request, slug):
    """Edit the profile (coordinators of this partnership and admins)."""
    if (login := _login_first(request)) is not None:
        return login
    partnership = _visible_or_404(request, slug)
    _require(request, "partnerships.change_partnership", partnership)
    # The form works on its own copy so the service sees the unchanged partnership.
    draft = Partnership.objects.get(pk=partnership.pk)
    form = PartnershipForm.for_partnership(draft, request.POST or None)

    def save(data):
        with transaction.atomic():
            partnership_update(actor=request.user, partnership=partnership, data=form.update_data())
            partnership_contact_set(
                actor=request.user, partnership=partnership, person=data["contact_person"]
            )

    return form_page(
        request,
        form,
        template="partnerships/partnership_edit.html",
        context={"partnership": partnership},
        error=_add_domain_error,
        save=save,
        message=_("The profile has been saved."),
        done=("partnership_detail", partnership.slug),
    )


@require_http_methods(["GET", "POST"])
def partnership_targets(request, slug):
    """Set a target's value or confirm a proposed one (coordinators and admins)."""
    if (login := _login_first(request)) is not None:
        return login
    partnership = _visible_or_404(request, slug)
    _require(request, "partnerships.change_partnership", partnership)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "confirm":
        _require(request, "partnerships.confirm_target", partnership)
        form = TargetConfirmForm(request.POST)

        def save(data):
            target = partnership.targets.filter(code=data["code"]).first()
            if target is None:
                raise DomainError(_("This partnership has no such target yet."), field="code")
            target_confirm(actor=request.user, target=target)
            return target

        def message(target):
            return _("Target “%(target)s” confirmed.") % {"target": target.get_code_display()}

    elif action == "dismiss":
        form = CommitmentDismissForm(request.POST)

        def save(data):
            commitment_dismiss(actor=request.user, partnership=partnership, **data)

        message = _("The sentence is no longer listed.")
    else:
        form = TargetForm(request.POST if request.method == "POST" else None)

        def save(data):
            target_set(
                actor=request.user,
                partnership=partnership,
                code=data["code"],
                value=data["value"],
                source_text=data["source_text"],
            )

        message = _("The target has been saved.")
    return form_page(
        request,
        form,
        template="partnerships/partnership_targets.html",
        context=lambda form: (
            _profile_context(request, partnership)
            | {"target_form": form, "code_choices": TargetCode.choices}
        ),
        error=_add_domain_error,
        save=save,
        message=message,
        done=reverse("partnership_detail", args=[slug]) + "#targets",
    )


@require_safe
@public_page
def network(request):
    """Partnerships and the clusters they share, as an SVG with a table alternative."""
    data = selectors.partnership_network(
        request.user,
        partnership_url=lambda p: reverse("partnership_detail", args=[p.slug]),
        organisation_url=lambda o: reverse("organisation_detail", args=[o.slug]),
    )
    net = layout(data.partnerships, data.clusters, data.edges)
    shared = len(net.shared_clusters)
    description = " ".join(
        [
            ngettext("%(count)d partnership", "%(count)d partnerships", len(net.partnerships))
            % {"count": len(net.partnerships)},
            ngettext("and %(count)d cluster;", "and %(count)d clusters;", len(net.clusters))
            % {"count": len(net.clusters)},
            ngettext(
                "%(count)d cluster takes part in more than one partnership.",
                "%(count)d clusters take part in more than one partnership.",
                shared,
            )
            % {"count": shared},
        ]
    )
    svg = render_svg(
        net,
        title=_("Partnerships and their clusters"),
        description=description,
        shared_note=_("in more than one partnership"),
    )
    return render(
        request,
        "partnerships/network.html",
        {
            # render_svg escapes every label it writes.
            "svg": mark_safe(svg),  # noqa: S308
            "description": description,
            "table": data.table,
            "shared_count": shared,
        },
    )
