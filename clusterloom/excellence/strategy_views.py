"""Strategy pages: a partnership's strategies, a strategy with its roadmap and Gantt chart, its
forms (create, edit, adopt, publish), its versions and their diff, roadmap actions and
milestones. Thin: the services check the rules, the selectors decide who sees what."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusterloom.core.errors import DomainError, NotFound, PermissionDenied
from clusterloom.core.forms import form_error
from clusterloom.core.inputs import id_value
from clusterloom.core.pages import form_page
from clusterloom.core.permissions import has_rule_perm, is_admin, page_permission
from clusterloom.directory.models import Organisation
from clusterloom.partnerships.models import TargetCode
from clusterloom.partnerships.selectors import visible_to as partnerships_visible_to

from . import strategy_selectors as selectors
from . import strategy_services as services
from .models import Milestone, RoadmapAction, StrategyScope
from .strategy_forms import ActionForm, AdoptForm, MilestoneForm, StrategyForm

CHANGE = "excellence.change_strategy"


def _strategy(request, pk):
    strategy = selectors.strategies_visible_to(request.user).filter(pk=pk).first()
    if strategy is None:
        raise Http404
    return strategy


def _action(request, action_id) -> RoadmapAction:
    action = get_object_or_404(RoadmapAction.objects.select_related("strategy"), pk=action_id)
    _strategy(request, action.strategy_id)
    return action


def _done(request, strategy, text):
    messages.success(request, text)
    return redirect("strategy_detail", strategy.pk)


def _strategy_form(request, strategy, form, template, save, message, **context):
    """A form that changes `strategy` (for those who may change it): `save(data)`, then back
    to the strategy with `message`."""
    return form_page(
        request,
        form,
        permission=(CHANGE, strategy),
        template=template,
        context={"strategy": strategy, **context},
        save=save,
        message=message,
        done=("strategy_detail", strategy.pk),
        error=_strategy_error,
    )


def _strategy_error(form, failure: DomainError) -> None:
    """The error on its field; a period that leaves actions outside it offers the checkbox
    that keeps it."""
    form_error(form, failure)
    if isinstance(failure, services.PeriodLeavesActions):
        form.leaves_outside(failure.actions)


def strategy_overview(request, slug):
    """A partnership's joint strategy and its partner clusters' strategies."""
    partnership = partnerships_visible_to(request.user).filter(slug=slug).first()
    if partnership is None:
        raise Http404
    rows = selectors.partnership_strategies(request.user, partnership)
    user = request.user
    for row in rows:
        owner = partnership if row.organisation_id is None else Organisation(pk=row.organisation_id)
        row.may_add = row.strategy is None and has_rule_perm(user, "excellence.add_strategy", owner)
    context = {"partnership": partnership, "rows": rows}
    return render(request, "excellence/strategy_overview.html", context)


def strategy_create(request):
    """Start a cluster's strategy (?organisation=ID[&partnership=SLUG]) or a partnership's joint
    strategy (?partnership=SLUG&scope=joint)."""
    scope = request.GET.get("scope", StrategyScope.CLUSTER)
    slug = request.GET.get("partnership", "")
    partnership = None
    if slug:
        partnership = partnerships_visible_to(request.user).filter(slug=slug).first()
        if partnership is None:
            raise Http404
    organisation = None
    if scope == StrategyScope.JOINT:
        if partnership is None:
            raise Http404
        owner = partnership
    else:
        scope = StrategyScope.CLUSTER
        key = id_value(request.GET.get("organisation"))
        organisation = get_object_or_404(Organisation, pk=key) if key is not None else None
        if organisation is None:
            raise Http404
        owner = organisation
    return form_page(
        request,
        StrategyForm(request.POST or None),
        permission=("excellence.add_strategy", owner),
        template="excellence/strategy_form.html",
        context={"scope": scope, "partnership": partnership, "organisation": organisation},
        save=lambda data: services.strategy_create(
            actor=request.user,
            scope=scope,
            organisation=organisation,
            partnership=partnership,
            data=data,
        ),
        message=_("The strategy is saved as a draft."),
        done=lambda strategy: ("strategy_detail", strategy.pk),
    )


def strategy_detail(request, pk):
    """A strategy: its text, status, versions, roadmap and Gantt chart."""
    strategy = _strategy(request, pk)
    versions = list(strategy.versions.select_related("created_by").order_by("-number"))
    actions = selectors.roadmap(strategy)
    today = timezone.localdate()
    late_ids = selectors.late_action_ids(strategy, today)
    labels = dict(TargetCode.choices)
    for action in actions:
        action.is_late = action.pk in late_ids
        action.targets = [(code, labels.get(code, code)) for code in action.target_codes or []]
    current = versions[0] if versions else None
    context = {
        "strategy": strategy,
        "current": current,
        "html": current.html if current else "",
        "versions": versions,
        "actions": actions,
        "late_count": len(late_ids),
        "gantt": selectors.strategy_gantt(strategy, actions, today),
        "may_change": has_rule_perm(request.user, CHANGE, strategy),
        "revision": bool(
            current and strategy.adopted_version_id and current.pk != strategy.adopted_version_id
        ),
    }
    return render(request, "excellence/strategy_detail.html", context)


def strategy_edit(request, pk):
    """Change title, period and text (a changed text is saved as a new version)."""
    strategy = _strategy(request, pk)
    return _strategy_form(
        request,
        strategy,
        StrategyForm(request.POST or None, initial=StrategyForm.initial_for(strategy)),
        "excellence/strategy_form.html",
        lambda data: services.strategy_update(actor=request.user, strategy=strategy, data=data),
        _("The strategy is saved."),
        scope=strategy.scope,
    )


def strategy_adopt(request, pk):
    """Adopt a version on a date (again: the date and version move)."""
    strategy = _strategy(request, pk)
    versions = list(strategy.versions.order_by("-number"))
    initial = {
        "adopted_on": timezone.localdate(),
        "version": versions[0].number if versions else "",
    }
    return _strategy_form(
        request,
        strategy,
        AdoptForm(request.POST or None, versions=versions, initial=initial),
        "excellence/strategy_adopt.html",
        lambda data: services.strategy_adopt(
            actor=request.user,
            strategy=strategy,
            adopted_on=data["adopted_on"],
            version=data["version"],
        ),
        _("The strategy is adopted."),
        versions=versions,
    )


@require_POST
def strategy_publish(request, pk):
    """Publish the strategy or take it back."""
    strategy = _strategy(request, pk)
    refused = page_permission(request, CHANGE, strategy)
    if refused:
        return refused
    published = request.POST.get("published") == "1"
    services.strategy_publish(actor=request.user, strategy=strategy, published=published)
    if published:
        return _done(request, strategy, _("The strategy is published."))
    return _done(request, strategy, _("The strategy is no longer published."))


def strategy_versions(request, pk):
    """Every saved version of the strategy, newest first."""
    strategy = _strategy(request, pk)
    versions = strategy.versions.select_related("created_by").order_by("-number")
    context = {"strategy": strategy, "versions": versions}
    return render(request, "excellence/strategy_versions.html", context)


def strategy_version(request, pk, number):
    """One version's text, rendered."""
    strategy = _strategy(request, pk)
    version = get_object_or_404(strategy.versions, number=number)
    context = {
        "strategy": strategy,
        "version": version,
        "html": version.html,
        "may_delete": is_admin(request.user),
    }
    return render(request, "excellence/strategy_version.html", context)


@require_POST
def strategy_version_delete(request, pk, number):
    """Delete one version (platform admins only)."""
    strategy = _strategy(request, pk)
    try:
        services.strategy_version_delete(actor=request.user, strategy=strategy, number=number)
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        if isinstance(error, PermissionDenied):
            raise DjangoPermissionDenied(error.message) from None
        messages.error(request, error.message)
        return redirect("strategy_version", strategy.pk, number)
    return _done(request, strategy, _("Version %(n)d is deleted.") % {"n": number})


def strategy_diff(request, pk):
    """What changed between two versions (?from=N&to=M; by default the last two)."""
    strategy = _strategy(request, pk)
    numbers = list(strategy.versions.order_by("number").values_list("number", flat=True))
    if len(numbers) < 2:
        raise Http404
    try:
        first = int(request.GET.get("from") or numbers[-2])
        last = int(request.GET.get("to") or numbers[-1])
    except ValueError:
        raise Http404 from None
    older = get_object_or_404(strategy.versions, number=min(first, last))
    newer = get_object_or_404(strategy.versions, number=max(first, last))
    context = {
        "strategy": strategy,
        "older": older,
        "newer": newer,
        "numbers": numbers,
        "lines": selectors.version_diff(older, newer),
    }
    return render(request, "excellence/strategy_diff.html", context)


def strategy_gantt_svg(request, pk):
    """The roadmap's Gantt chart as a standalone SVG file."""
    strategy = _strategy(request, pk)
    svg = '<?xml version="1.0" encoding="UTF-8"?>\n' + selectors.strategy_gantt(strategy)
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


# -- roadmap actions and milestones -------------------------------------------------------------


def action_create(request, pk):
    """Add an action to the roadmap."""
    strategy = _strategy(request, pk)
    return _strategy_form(
        request,
        strategy,
        ActionForm(request.POST or None, owners=services.owner_choices(strategy)),
        "excellence/roadmap_action_form.html",
        lambda data: services.action_create(actor=request.user, strategy=strategy, data=data),
        _("The action is added to the roadmap."),
    )


def action_edit(request, action_id):
    """Change a roadmap action."""
    action = _action(request, action_id)
    strategy = action.strategy
    form = ActionForm(
        request.POST or None,
        owners=services.owner_choices(strategy),
        initial=ActionForm.initial_for(action),
    )
    return _strategy_form(
        request,
        strategy,
        form,
        "excellence/roadmap_action_form.html",
        lambda data: services.action_update(actor=request.user, action=action, data=data),
        _("The action is saved."),
        action=action,
    )


@require_POST
def action_delete(request, action_id):
    """Remove an action from the roadmap."""
    action = _action(request, action_id)
    refused = page_permission(request, CHANGE, action.strategy)
    if refused:
        return refused
    services.action_delete(actor=request.user, action=action)
    return _done(request, action.strategy, _("The action is removed from the roadmap."))


def milestone_create(request, action_id):
    """Add a milestone to an action."""
    action = _action(request, action_id)
    return _strategy_form(
        request,
        action.strategy,
        MilestoneForm(request.POST or None),
        "excellence/roadmap_milestone_form.html",
        lambda data: services.milestone_add(actor=request.user, action=action, data=data),
        _("The milestone is added."),
        action=action,
    )


def milestone_edit(request, milestone_id):
    """Change a milestone or record that it was reached."""
    milestone = get_object_or_404(
        Milestone.objects.select_related("action__strategy"), pk=milestone_id
    )
    action = _action(request, milestone.action_id)
    return _strategy_form(
        request,
        action.strategy,
        MilestoneForm(request.POST or None, initial=MilestoneForm.initial_for(milestone)),
        "excellence/roadmap_milestone_form.html",
        lambda data: services.milestone_update(actor=request.user, milestone=milestone, data=data),
        _("The milestone is saved."),
        action=action,
        milestone=milestone,
    )


@require_POST
def milestone_delete(request, milestone_id):
    """Remove a milestone."""
    milestone = get_object_or_404(Milestone, pk=milestone_id)
    action = _action(request, milestone.action_id)
    refused = page_permission(request, CHANGE, action.strategy)
    if refused:
        return refused
    services.milestone_delete(actor=request.user, milestone=milestone)
    return _done(request, action.strategy, _("The milestone is removed."))
