"""Excellence pages: the list of labels, a cluster's excellence page, labels and services.

Benchmarkings, improvement areas and indicator sets are in `benchmarking_views.py`.
"""

from functools import partial

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusterloom.core.errors import DomainError
from clusterloom.core.forms import form_error
from clusterloom.core.inputs import id_value
from clusterloom.core.pages import form_page, step
from clusterloom.directory.models import Organisation
from clusterloom.partnerships.models import Partnership

from . import charts, label_rules, selectors, services
from .forms import LabelForm, ServiceForm, upload_of
from .models import ClusterLabel, ClusterService, ImprovementArea, LabelLevel, LabelStatus
from .selectors import with_status

TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}


def cluster_or_404(slug) -> Organisation:
    """A cluster organisation (kind cluster or business network, or with a Cluster record)."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not (organisation.is_cluster_like or hasattr(organisation, "cluster")):
        raise Http404
    return organisation


def rule_checks(organisation, on=None, benchmarking_id=None):
    """(level, level name, results, all met) for the three levels."""
    out = []
    for level, name in LabelLevel.choices:
        results = selectors.label_check(organisation, level, on=on, benchmarking_id=benchmarking_id)
        rows = [(r.rule(_), r.message(_), r.met, r.advisory) for r in results]
        out.append((level, name, rows, not label_rules.unmet(results)))
    return out


def label_list(request):
    """Labels the user may see; filters by level, status and partnership."""
    rows = selectors.labels_visible_to(request.user).order_by("-awarded_on", "id")
    level = request.GET.get("level", "")
    status = request.GET.get("status", "")
    partnership = request.GET.get("partnership", "")
    if level in LabelLevel.values:
        rows = rows.filter(level=level)
    if status in LabelStatus.values:
        rows = selectors.status_filter(rows, status)
    if partnership:
        rows = selectors.labels_of_partnership(rows, request.user, partnership)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "labels": with_status(page.object_list),
        "levels": LabelLevel.choices,
        "statuses": LabelStatus.choices,
        "partnerships": Partnership.objects.filter(is_published=True).order_by("acronym"),
        "level": level,
        "status": status,
        "partnership": partnership,
    }
    return render(request, "excellence/label_list.html", context)


def organisation_page(request, slug):
    """A cluster's excellence: labels, benchmarking history with charts, improvements and
    services."""
    organisation = cluster_or_404(slug)
    user = request.user
    labels = with_status(selectors.labels_visible_to(user).filter(organisation=organisation))
    benchmarkings = list(
        selectors.benchmarkings_visible_to(user)
        .filter(organisation=organisation)
        .order_by("-held_on", "-id")
    )
    context = {
        "organisation": organisation,
        "labels": labels,
        "benchmarkings": benchmarkings,
        "services": selectors.services_visible_to(user)
        .filter(organisation=organisation)
        .prefetch_related("built_with"),
        "improvements": ImprovementArea.objects.filter(benchmarking__in=benchmarkings)
        .select_related("benchmarking", "area")
        .order_by("-benchmarking__held_on", "id"),
        "may_change": user.has_perm("excellence.add_label", organisation),
    }
    if benchmarkings:
        latest = benchmarkings[0]
        context.update(benchmarking_charts(latest, user))
        context["latest"] = latest
    if context["may_change"]:
        context["checks"] = rule_checks(organisation)
    return render(request, "excellence/organisation.html", context)


def benchmarking_charts(benchmarking, user) -> dict:
    """The comparison of a benchmarking: with its previous one and with its peers (SVG)."""
    data = selectors.comparison(benchmarking, user)
    names = [row.name for row in data["rows"]]
    own = [row.score for row in data["rows"]]
    context = {"comparison": data}
    if data["previous"]:
        context["chart_previous"] = charts.area_chart(
            names,
            [
                (_("This benchmarking"), own),
                (
                    _("Previous (%(day)s)") % {"day": data["previous"].held_on},
                    [row.previous for row in data["rows"]],
                ),
            ],
            title=_("Area scores compared with the previous benchmarking"),
            ident=f"chart-previous-{benchmarking.pk}",
        )
    if any(row.peer_count for row in data["rows"]):
        context["chart_peers"] = charts.area_chart(
            names,
            [
                (_("This cluster"), own),
                (_("Partners' mean"), [row.peer_mean for row in data["rows"]]),
                (_("Partners' median"), [row.peer_median for row in data["rows"]]),
            ],
            title=_("Area scores compared with the other partner clusters"),
            ident=f"chart-peers-{benchmarking.pk}",
        )
    return context


def _label_context(organisation, label=None):
    """The label form's page around the form: the rules checked on the date and benchmarking
    chosen."""

    def context(form) -> dict:
        benchmarking_id = form.data.get("benchmarking") if form.is_bound else None
        on = None
        if form.is_bound and form.is_valid():
            on = form.cleaned_data.get("awarded_on")
        checks = rule_checks(organisation, on=on, benchmarking_id=id_value(benchmarking_id))
        return {"organisation": organisation, "label": label, "checks": checks}

    return context


def label_error(form, error: DomainError) -> None:
    """Unmet label rules go on top of the form, one line each; other errors on their field."""
    if isinstance(error, services.LabelRulesUnmet):
        for _rule, _field, text in error.failures:
            form.add_error(None, text)
    else:
        form_error(form, error)


def _label_data(form) -> dict:
    data = dict(form.cleaned_data)
    data.pop("certificate", None)
    return data


def _label_form(request, form, permission, save, message, label=None):
    """The label form of `permission`'s organisation or label: `save(data=..., certificate=...)`
    records it."""
    organisation = label.organisation if label else permission[1]
    return form_page(
        request,
        form,
        permission=permission,
        template="excellence/label_form.html",
        context=_label_context(organisation, label),
        error=label_error,
        save=lambda _data: save(data=_label_data(form), certificate=upload_of(form, "certificate")),
        message=message,
        done=("excellence_organisation", organisation.slug),
    )


def label_create(request, slug):
    """Record a label of a cluster (its managers, its partnerships' coordinators)."""
    organisation = cluster_or_404(slug)
    initial = {"level": request.GET.get("level", "bronze")}
    form = LabelForm(
        request.POST or None, request.FILES or None, organisation=organisation, initial=initial
    )
    save = partial(services.label_create, actor=request.user, organisation=organisation)
    permission = ("excellence.add_label", organisation)
    return _label_form(request, form, permission, save, _("The label is recorded."))


def _label_or_404(request, pk) -> ClusterLabel:
    return get_object_or_404(selectors.labels_visible_to(request.user), pk=pk)


def label_edit(request, pk):
    """Change a label."""
    label = _label_or_404(request, pk)
    form = LabelForm(
        request.POST or None,
        request.FILES or None,
        organisation=label.organisation,
        initial=LabelForm.initial_for(label),
    )
    save = partial(services.label_update, actor=request.user, label=label)
    permission = ("excellence.change_label", label)
    return _label_form(request, form, permission, save, _("The label is saved."), label)


@require_POST
def label_delete(request, pk):
    """Delete a label."""
    label = _label_or_404(request, pk)
    return step(
        request,
        lambda: services.label_delete(actor=request.user, label=label),
        permission=("excellence.change_label", label),
        message=_("The label is deleted."),
        done=("excellence_organisation", label.organisation.slug),
    )


def evidence_response(obj):
    """A stored certificate or evidence file, under its original name."""
    if not obj.evidence:
        raise Http404
    try:
        handle = obj.evidence.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type=TYPES.get(obj.evidence_kind, "application/octet-stream"),
        filename=obj.evidence_name or f"evidence.{obj.evidence_kind}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def label_certificate(request, pk):
    """A label's certificate, for those who may see the label."""
    return evidence_response(_label_or_404(request, pk))


# -- services --------------------------------------------------------------------------------


def service_create(request, slug):
    """Add a service to a cluster's portfolio."""
    organisation = cluster_or_404(slug)
    return form_page(
        request,
        ServiceForm(request.POST or None, organisation=organisation),
        permission=("excellence.add_clusterservice", organisation),
        template="excellence/service_form.html",
        context={"organisation": organisation, "service": None},
        save=lambda data: services.service_create(
            actor=request.user, organisation=organisation, data=data
        ),
        message=_("The service is saved."),
        done=("excellence_organisation", organisation.slug),
    )


def _service_or_404(request, pk) -> ClusterService:
    return get_object_or_404(selectors.services_visible_to(request.user), pk=pk)


def service_edit(request, pk):
    """Change a service of the portfolio."""
    service = _service_or_404(request, pk)
    initial = {
        "name": service.name,
        "description": service.description,
        "novelty": service.novelty,
        "launched_on": service.launched_on,
        "target_groups": service.target_groups,
        "built_with": [str(pk) for pk in service.built_with.values_list("pk", flat=True)],
        "partnership": service.partnership.slug if service.partnership_id else "",
        "is_published": service.is_published,
    }
    return form_page(
        request,
        ServiceForm(request.POST or None, organisation=service.organisation, initial=initial),
        permission=("excellence.change_clusterservice", service),
        template="excellence/service_form.html",
        context={"organisation": service.organisation, "service": service},
        save=lambda data: services.service_update(actor=request.user, service=service, data=data),
        message=_("The service is saved."),
        done=("excellence_organisation", service.organisation.slug),
    )


@require_POST
def service_delete(request, pk):
    """Remove a service from the portfolio."""
    service = _service_or_404(request, pk)
    return step(
        request,
        lambda: services.service_delete(actor=request.user, service=service),
        permission=("excellence.change_clusterservice", service),
        message=_("The service is deleted."),
        done=("excellence_organisation", service.organisation.slug),
    )
