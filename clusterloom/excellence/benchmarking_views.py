"""Benchmarking pages: record and show a benchmarking, its improvement areas, indicator sets."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusterloom.core.errors import DomainError
from clusterloom.core.forms import form_error
from clusterloom.core.inputs import id_value
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


def _benchmarking_page(request, organisation, indicator_set, form, benchmarking=None):
    context = {
        "organisation": organisation,
        "indicator_set": indicator_set,
        "sets": _usable_sets(organisation).order_by("name"),
        "form": form,
        "benchmarking": benchmarking,
    }
    status = 400 if form.errors else 200
    return render(request, "excellence/benchmarking_form.html", context, status=status)


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
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "indicator_set": indicator_set.pk, "scores": form.scores()}
        try:
            found = services.benchmarking_create(
                actor=request.user, organisation=organisation, data=data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The benchmarking is recorded."))
            return redirect("excellence_benchmarking", found.pk)
    return _benchmarking_page(request, organisation, indicator_set, form)


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
    refused = page_permission(request, "excellence.change_benchmarking", benchmarking)
    if refused:
        return refused
    form = BenchmarkingForm(
        request.POST or None,
        organisation=benchmarking.organisation,
        indicator_set=benchmarking.indicator_set,
        initial=BenchmarkingForm.initial_for(benchmarking),
    )
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "scores": form.scores()}
        try:
            services.benchmarking_update(actor=request.user, benchmarking=benchmarking, data=data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The benchmarking is saved."))
            return redirect("excellence_benchmarking", benchmarking.pk)
    return _benchmarking_page(
        request, benchmarking.organisation, benchmarking.indicator_set, form, benchmarking
    )


@require_POST
def benchmarking_delete(request, pk):
    """Delete a benchmarking no label rests on."""
    benchmarking = _benchmarking_or_404(request, pk)
    refused = page_permission(request, "excellence.change_benchmarking", benchmarking)
    if refused:
        return refused
    try:
        services.benchmarking_delete(actor=request.user, benchmarking=benchmarking)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("excellence_benchmarking", benchmarking.pk)
    messages.success(request, _("The benchmarking is deleted."))
    return redirect("excellence_organisation", benchmarking.organisation.slug)


# -- improvement areas -----------------------------------------------------------------------


def _improvement_page(request, benchmarking, form, improvement=None):
    context = {"benchmarking": benchmarking, "form": form, "improvement": improvement}
    status = 400 if form.errors else 200
    return render(request, "excellence/improvement_form.html", context, status=status)


def improvement_create(request, pk):
    """Add an improvement area to a benchmarking."""
    benchmarking = _benchmarking_or_404(request, pk)
    refused = page_permission(request, "excellence.change_benchmarking", benchmarking)
    if refused:
        return refused
    form = ImprovementForm(request.POST or None, request.FILES or None, benchmarking=benchmarking)
    if request.method == "POST" and form.is_valid():
        try:
            services.improvement_create(
                actor=request.user,
                benchmarking=benchmarking,
                data=form.cleaned_data,
                evidence=upload_of(form, "evidence"),
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The improvement area is saved."))
            return redirect("excellence_benchmarking", benchmarking.pk)
    return _improvement_page(request, benchmarking, form)


def _improvement_or_404(request, pk) -> ImprovementArea:
    improvement = get_object_or_404(ImprovementArea, pk=pk)
    _benchmarking_or_404(request, improvement.benchmarking_id)
    return improvement


def improvement_edit(request, pk):
    """Move an improvement area on, with its evidence."""
    improvement = _improvement_or_404(request, pk)
    benchmarking = improvement.benchmarking
    refused = page_permission(request, "excellence.change_benchmarking", benchmarking)
    if refused:
        return refused
    initial = {
        "title": improvement.title,
        "description": improvement.description,
        "area": str(improvement.area_id or ""),
        "status": improvement.status,
        "documented_on": improvement.documented_on,
        "evidence_url": improvement.evidence_url,
    }
    form = ImprovementForm(
        request.POST or None, request.FILES or None, benchmarking=benchmarking, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.improvement_update(
                actor=request.user,
                improvement=improvement,
                data=form.cleaned_data,
                evidence=upload_of(form, "evidence"),
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The improvement area is saved."))
            return redirect("excellence_benchmarking", benchmarking.pk)
    return _improvement_page(request, benchmarking, form, improvement)


@require_POST
def improvement_delete(request, pk):
    """Delete an improvement area."""
    improvement = _improvement_or_404(request, pk)
    refused = page_permission(request, "excellence.change_benchmarking", improvement.benchmarking)
    if refused:
        return refused
    services.improvement_delete(actor=request.user, improvement=improvement)
    messages.success(request, _("The improvement area is deleted."))
    return redirect("excellence_benchmarking", improvement.benchmarking_id)


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
    refused = page_permission(request, "excellence.add_indicatorset", partnership)
    if refused:
        return refused
    form = IndicatorSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = {**form.cleaned_data, "areas": form.areas()}
            found = indicator_sets.indicator_set_create(
                actor=request.user, partnership=partnership, data=data
            )
        except DomainError as error:
            _set_error(form, error)
        else:
            messages.success(request, _("The indicator set is saved."))
            return redirect("excellence_indicator_set", found.pk)
    context = {"form": form, "partnership": partnership}
    return render(
        request, "excellence/indicator_set_form.html", context, status=400 if form.errors else 200
    )


def indicator_set_edit(request, pk):
    """Change a set; its structure only while no benchmarking uses it."""
    found = _set_or_404(request, pk)
    refused = page_permission(request, "excellence.change_indicatorset", found)
    if refused:
        return refused
    initial = {
        "name": found.name,
        "description": found.description,
        "level": found.level,
        "complete_when": found.complete_when,
        "outline": IndicatorSetForm.outline_of(found),
    }
    form = IndicatorSetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            data = dict(form.cleaned_data)
            if form.has_changed() and "outline" in form.changed_data:
                data["areas"] = form.areas()
            data.pop("outline")
            indicator_sets.indicator_set_update(actor=request.user, indicator_set=found, data=data)
        except DomainError as error:
            _set_error(form, error)
        else:
            messages.success(request, _("The indicator set is saved."))
            return redirect("excellence_indicator_set", found.pk)
    context = {"form": form, "partnership": found.partnership, "set": found}
    return render(
        request, "excellence/indicator_set_form.html", context, status=400 if form.errors else 200
    )
