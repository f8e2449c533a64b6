"""Benchmarking pages: record and show a benchmarking, its improvement areas, indicator sets."""

from functools import partial

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusterloom.core.errors import DomainError
from clusterloom.core.forms import form_error
from clusterloom.core.inputs import id_value
from clusterloom.core.pages import form_page, step
from clusterloom.core.permissions import has_rule_perm, page_permission
from clusterloom.partnerships.models import Partnership

from . import indicator_sets, selectors, services
from .forms import BenchmarkingForm, ImprovementForm, IndicatorSetForm, upload_of
from .models import Benchmarking, ImprovementArea, IndicatorSet
from .scores import completeness_of
from .views import benchmarking_charts, cluster_or_404, evidence_response


def _benchmarking_or_404(request, pk) -> Benchmarking:
    return get_object_or_404(selectors.benchmarkings_visible_to(request.user), pk=pk)


def _usable_sets(organisation):
    partnerships = organisation.partnership_memberships.values_list("partnership", flat=True)
    return IndicatorSet.objects.filter(partnership__isnull=True) | IndicatorSet.objects.filter(
        partnership__in=partnerships
    )


def _benchmarking_context(organisation, indicator_set, benchmarking=None) -> dict:
    return {
        "organisation": organisation,
        "indicator_set": indicator_set,
        "sets": _usable_sets(organisation).order_by("name"),
        "benchmarking": benchmarking,
    }


def benchmarking_create(request, slug):
    """Record a benchmarking of a cluster on a set (chosen first, then scored)."""
    organisation = cluster_or_404(slug)
    refused = page_permission(request, "excellence.add_benchmarking", organisation)
    if refused:
        return refused
    sets = _usable_sets(organisation)
    chosen = id_value(request.GET.get("set"))
    indicator_set = sets.filter(pk=chosen).first() if chosen is not None else None
    if indicator_set is None:
        indicator_set = sets.filter(is_preloaded=True).first() or sets.first()
    if indicator_set is None:
        raise Http404
    form = BenchmarkingForm(
        request.POST or None, organisation=organisation, indicator_set=indicator_set
    )
    return form_page(
        request,
        form,
        template="excellence/benchmarking_form.html",
        context=_benchmarking_context(organisation, indicator_set),
        save=lambda data: services.benchmarking_create(
            actor=request.user,
            organisation=organisation,
            data={**data, "indicator_set": indicator_set.pk, "scores": form.scores()},
        ),
        message=_("The benchmarking is recorded."),
        done=lambda found: ("excellence_benchmarking", found.pk),
    )


def benchmarking_detail(request, pk):
    """A benchmarking: scores per area, charts, improvement areas."""
    benchmarking = _benchmarking_or_404(request, pk)
    context = {
        "benchmarking": benchmarking,
        "organisation": benchmarking.organisation,
        "scores": benchmarking.scores.select_related("area", "indicator"),
        "improvements": benchmarking.improvement_areas.select_related("area"),
        "may_change": has_rule_perm(request.user, "excellence.change_benchmarking", benchmarking),
        "completeness": completeness_of(benchmarking),
    }
    context.update(benchmarking_charts(benchmarking, request.user))
    return render(request, "excellence/benchmarking_detail.html", context)


def benchmarking_edit(request, pk):
    """Change a benchmarking and its scores."""
    benchmarking = _benchmarking_or_404(request, pk)
    form = BenchmarkingForm(
        request.POST or None,
        organisation=benchmarking.organisation,
        indicator_set=benchmarking.indicator_set,
        initial=BenchmarkingForm.initial_for(benchmarking),
    )
    return form_page(
        request,
        form,
        permission=("excellence.change_benchmarking", benchmarking),
        template="excellence/benchmarking_form.html",
        context=_benchmarking_context(
            benchmarking.organisation, benchmarking.indicator_set, benchmarking
        ),
        save=lambda data: services.benchmarking_update(
            actor=request.user, benchmarking=benchmarking, data={**data, "scores": form.scores()}
        ),
        message=_("The benchmarking is saved."),
        done=("excellence_benchmarking", benchmarking.pk),
    )


@require_POST
def benchmarking_delete(request, pk):
    """Delete a benchmarking no label rests on."""
    benchmarking = _benchmarking_or_404(request, pk)
    return step(
        request,
        lambda: services.benchmarking_delete(actor=request.user, benchmarking=benchmarking),
        permission=("excellence.change_benchmarking", benchmarking),
        message=_("The benchmarking is deleted."),
        done=("excellence_organisation", benchmarking.organisation.slug),
        failed=("excellence_benchmarking", benchmarking.pk),
    )


# -- improvement areas -----------------------------------------------------------------------


def _improvement_form(request, benchmarking, save, initial=None, improvement=None):
    """The improvement area form of `benchmarking`: `save(data=..., evidence=...)` records it."""
    form = ImprovementForm(
        request.POST or None, request.FILES or None, benchmarking=benchmarking, initial=initial
    )
    return form_page(
        request,
        form,
        permission=("excellence.change_benchmarking", benchmarking),
        template="excellence/improvement_form.html",
        context={"benchmarking": benchmarking, "improvement": improvement},
        save=lambda data: save(data=data, evidence=upload_of(form, "evidence")),
        message=_("The improvement area is saved."),
        done=("excellence_benchmarking", benchmarking.pk),
    )


def improvement_create(request, pk):
    """Add an improvement area to a benchmarking."""
    benchmarking = _benchmarking_or_404(request, pk)
    save = partial(services.improvement_create, actor=request.user, benchmarking=benchmarking)
    return _improvement_form(request, benchmarking, save)


def _improvement_or_404(request, pk) -> ImprovementArea:
    improvement = get_object_or_404(ImprovementArea, pk=pk)
    _benchmarking_or_404(request, improvement.benchmarking_id)
    return improvement


def improvement_edit(request, pk):
    """Move an improvement area on, with its evidence."""
    improvement = _improvement_or_404(request, pk)
    initial = {
        "title": improvement.title,
        "description": improvement.description,
        "area": str(improvement.area_id or ""),
        "status": improvement.status,
        "documented_on": improvement.documented_on,
        "evidence_url": improvement.evidence_url,
    }
    save = partial(services.improvement_update, actor=request.user, improvement=improvement)
    return _improvement_form(request, improvement.benchmarking, save, initial, improvement)


@require_POST
def improvement_delete(request, pk):
    """Delete an improvement area."""
    improvement = _improvement_or_404(request, pk)
    return step(
        request,
        lambda: services.improvement_delete(actor=request.user, improvement=improvement),
        permission=("excellence.change_benchmarking", improvement.benchmarking),
        message=_("The improvement area is deleted."),
        done=("excellence_benchmarking", improvement.benchmarking_id),
    )


def improvement_evidence(request, pk):
    """An improvement area's evidence file, for those who may see its benchmarking."""
    return evidence_response(_improvement_or_404(request, pk))


# -- indicator sets --------------------------------------------------------------------------


def indicator_set_list(request):
    """Indicator sets: the preloaded ones and those of the partnerships."""
    user = request.user
    coordinated = (
        Partnership.objects.order_by("acronym")
        if user.is_superuser
        else Partnership.objects.filter(coordinators=user).order_by("acronym")
        if user.is_authenticated
        else Partnership.objects.none()
    )
    context = {
        "sets": selectors.indicator_sets_visible_to(user).prefetch_related("areas"),
        "coordinated": coordinated,
    }
    return render(request, "excellence/indicator_set_list.html", context)


def _set_or_404(request, pk) -> IndicatorSet:
    return get_object_or_404(selectors.indicator_sets_visible_to(request.user), pk=pk)


def indicator_set_detail(request, pk):
    """A set's areas and indicators, and whether it may still change."""
    found = _set_or_404(request, pk)
    context = {
        "set": found,
        "areas": found.areas.prefetch_related("indicators"),
        "used": found.benchmarkings.count(),
        "may_change": has_rule_perm(request.user, "excellence.change_indicatorset", found),
    }
    return render(request, "excellence/indicator_set_detail.html", context)


def _set_error(form, error: DomainError) -> None:
    if error.field and (error.field.startswith("areas") or error.field == "outline"):
        form.add_error("outline", str(error))
    else:
        form_error(form, error)


def indicator_set_create(request):
    """A coordinator defines a set for their partnership."""
    partnership = get_object_or_404(Partnership, slug=request.GET.get("partnership", ""))
    form = IndicatorSetForm(request.POST or None)
    return form_page(
        request,
        form,
        permission=("excellence.add_indicatorset", partnership),
        template="excellence/indicator_set_form.html",
        context={"partnership": partnership},
        error=_set_error,
        save=lambda data: indicator_sets.indicator_set_create(
            actor=request.user, partnership=partnership, data={**data, "areas": form.areas()}
        ),
        message=_("The indicator set is saved."),
        done=lambda found: ("excellence_indicator_set", found.pk),
    )


def indicator_set_edit(request, pk):
    """Change a set; its structure only while no benchmarking uses it."""
    found = _set_or_404(request, pk)
    initial = {
        "name": found.name,
        "description": found.description,
        "level": found.level,
        "complete_when": found.complete_when,
        "outline": IndicatorSetForm.outline_of(found),
    }
    form = IndicatorSetForm(request.POST or None, initial=initial)

    def save(data):
        data = dict(data)
        if form.has_changed() and "outline" in form.changed_data:
            data["areas"] = form.areas()
        data.pop("outline")
        indicator_sets.indicator_set_update(actor=request.user, indicator_set=found, data=data)

    return form_page(
        request,
        form,
        permission=("excellence.change_indicatorset", found),
        template="excellence/indicator_set_form.html",
        context={"partnership": found.partnership, "set": found},
        error=_set_error,
        save=save,
        message=_("The indicator set is saved."),
        done=("excellence_indicator_set", found.pk),
    )
