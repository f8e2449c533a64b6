"""Excellence API, mounted at /api/excellence: labels, indicator sets, benchmarkings,
improvement areas and cluster services.

Published items are public; unpublished ones are seen by the cluster's managers, the
coordinators of its partnerships and admins (anything else is a 404). Writes take a session
with its CSRF token or an API token; a step the caller may not take is a 403, a broken rule a
400 naming the field.
"""

from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from clusterloom.core.api_auth import READ_AUTH, WRITE_AUTH
from clusterloom.core.errors import DomainError, NotFound
from clusterloom.core.permissions import has_rule_perm, require
from clusterloom.directory.models import Organisation
from clusterloom.partnerships.models import Partnership
from clusterloom.partnerships.selectors import visible_to as partnerships_visible_to

from . import indicator_sets, label_rules, selectors, services
from .api_schemas import (
    ERRORS,
    BenchmarkingIn,
    BenchmarkingOut,
    ClusterServiceIn,
    ClusterServiceOut,
    ClusterServicePatch,
    ImprovementIn,
    ImprovementOut,
    ImprovementPatch,
    IndicatorSetIn,
    IndicatorSetOut,
    LabelCheckOut,
    LabelIn,
    LabelOut,
    LabelPatch,
)
from .models import ImprovementArea, LabelLevel, LabelStatus

router = Router(tags=["excellence"])


MAX_ROWS = 1000


def _org(o) -> dict:
    return {"id": o.pk, "slug": o.slug, "name": o.name}


def _slug(partnership, user) -> str | None:
    """The partnership's slug, unless the caller may not see the partnership (unpublished)."""
    if partnership is None or not has_rule_perm(user, "partnerships.view_partnership", partnership):
        return None
    return partnership.slug


def label_out(label, user=None) -> dict:
    """A label as the API shows it."""
    return {
        "id": label.pk,
        "organisation": _org(label.organisation),
        "level": label.level,
        "awarding_body": label.awarding_body,
        "awarded_on": label.awarded_on,
        "valid_until": label.valid_until,
        "status": selectors.status_of(label),
        "benchmarking": label.benchmarking_id,
        "partnership": _slug(label.partnership, user),
        "certificate_number": label.certificate_number,
        "certificate": reverse("excellence_certificate", args=[label.pk])
        if label.evidence
        else None,
        "evidence_url": label.evidence_url,
        "notes": label.notes,
        "is_published": label.is_published,
    }


def _visible(rows, pk: int, what: str):
    found = rows.filter(pk=pk).first()
    if found is None:
        # The model's translated name, not the English word `what` (kept for readers).
        raise NotFound(_("There is no such %(what)s.") % {"what": rows.model._meta.verbose_name})
    return found


def _organisation(pk: int) -> Organisation:
    found = Organisation.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound(_("There is no such organisation."), field="organisation")
    return found


# -- labels ----------------------------------------------------------------------------------


@router.get("/labels", response={200: list[LabelOut], **ERRORS}, auth=READ_AUTH)
def label_list(
    request: HttpRequest,
    level: str = "",
    status: str = "",
    partnership: str = "",
    organisation: int | None = None,
):
    """Labels the caller may see; filter by level, status today, partnership (labels of its
    partner clusters or recorded for it) or cluster (organisation id)."""
    rows = selectors.labels_visible_to(request.user).select_related("organisation", "partnership")
    if level in LabelLevel.values:
        rows = rows.filter(level=level)
    if status in LabelStatus.values:
        rows = selectors.status_filter(rows, status)
    if partnership:
        rows = selectors.labels_of_partnership(rows, request.user, partnership)
    if organisation is not None:
        rows = rows.filter(organisation__pk=organisation)
    return [label_out(x, request.user) for x in rows[:MAX_ROWS]]


@router.get("/labels/{pk}", response={200: LabelOut, **ERRORS}, auth=READ_AUTH)
def label_detail(request: HttpRequest, pk: int):
    """One label."""
    return label_out(_visible(selectors.labels_visible_to(request.user), pk, "label"), request.user)


@router.post("/labels", response={201: LabelOut, **ERRORS}, auth=WRITE_AUTH)
def label_create(request: HttpRequest, payload: LabelIn):
    """Record a label; refused (400, field "level") with every unmet rule of its level."""
    data = payload.model_dump(exclude={"organisation"}, exclude_none=True)
    label = services.label_create(
        actor=request.user, organisation=_organisation(payload.organisation), data=data
    )
    return Status(201, label_out(label, request.user))


@router.patch("/labels/{pk}", response={200: LabelOut, **ERRORS}, auth=WRITE_AUTH)
def label_patch(request: HttpRequest, pk: int, payload: LabelPatch):
    """Change a label (its rules are checked again when level, date or benchmarking change)."""
    label = _visible(selectors.labels_visible_to(request.user), pk, "label")
    data = payload.model_dump(exclude_unset=True)
    return label_out(
        services.label_update(actor=request.user, label=label, data=data), request.user
    )


@router.delete("/labels/{pk}", response={204: None, **ERRORS}, auth=WRITE_AUTH)
def label_delete(request: HttpRequest, pk: int):
    """Delete a label."""
    label = _visible(selectors.labels_visible_to(request.user), pk, "label")
    services.label_delete(actor=request.user, label=label)
    return Status(204, None)


@router.post("/labels/{pk}/certificate", response={200: LabelOut, **ERRORS}, auth=WRITE_AUTH)
def label_certificate(request: HttpRequest, pk: int, file: UploadedFile = File(...)):  # noqa: B008
    """Upload the certificate (multipart field "file"): PDF, JPEG or PNG, checked by content."""
    label = _visible(selectors.labels_visible_to(request.user), pk, "label")
    require(request.user, "excellence.change_label", label)
    if file.size is not None and file.size > settings.UPLOAD_MAX_BYTES:
        raise DomainError(
            _("%(name)s is larger than %(limit)s MB; upload a smaller file.")
            % {"name": file.name, "limit": round(settings.UPLOAD_MAX_BYTES / 1024 / 1024, 1)},
            field="certificate",
        )
    label = services.label_certificate_set(
        actor=request.user, label=label, file_name=file.name or "", content=file.read()
    )
    return label_out(label, request.user)


@router.get(
    "/organisations/{pk}/label-check", response={200: LabelCheckOut, **ERRORS}, auth=WRITE_AUTH
)
def label_check(request: HttpRequest, pk: int, level: str = "bronze", on: str = ""):
    """The rules of a level for a cluster (its managers, its partnerships' coordinators)."""
    organisation = _organisation(pk)
    require(request.user, "excellence.add_label", organisation)
    if level not in LabelLevel.values:
        raise DomainError(_("Choose bronze, silver or gold."), field="level")
    from clusterloom.core.inputs import parse_date

    day = parse_date(on, "on") or timezone.localdate()
    results = selectors.label_check(organisation, level, on=day)
    return {
        "organisation": organisation.pk,
        "level": level,
        "on": day,
        "met": not label_rules.unmet(results),
        "rules": [
            {
                "code": r.code,
                "rule": r.rule(_),
                "met": r.met,
                "found": r.message(_),
                "advisory": r.advisory,
            }
            for r in results
        ],
    }


# -- indicator sets --------------------------------------------------------------------------


def set_out(found) -> dict:
    """An indicator set with its areas and indicators."""
    return {
        "id": found.pk,
        "name": found.name,
        "description": found.description,
        "level": found.level,
        # Sets are listed only for shared, published or coordinated partnerships.
        "partnership": found.partnership.slug if found.partnership_id else None,
        "is_preloaded": found.is_preloaded,
        "benchmarkings": found.used if hasattr(found, "used") else found.benchmarkings.count(),
        "areas": [
            {
                "id": a.pk,
                "name": a.name,
                "order": a.order,
                "indicators": [
                    {
                        "id": i.pk,
                        "name": i.name,
                        "description": i.description,
                        "threshold": i.threshold,
                    }
                    for i in a.indicators.all()
                ],
            }
            for a in found.areas.all()
        ],
    }


@router.get("/indicator-sets", response={200: list[IndicatorSetOut], **ERRORS}, auth=READ_AUTH)
def indicator_set_list(request: HttpRequest):
    """Indicator sets: the shared ones and those of published or coordinated partnerships."""
    rows = (
        selectors.indicator_sets_visible_to(request.user)
        .annotate(used=Count("benchmarkings"))
        .prefetch_related("areas__indicators")
    )
    return [set_out(s) for s in rows[:MAX_ROWS]]


@router.get("/indicator-sets/{pk}", response={200: IndicatorSetOut, **ERRORS}, auth=READ_AUTH)
def indicator_set_detail(request: HttpRequest, pk: int):
    """One indicator set."""
    return set_out(_visible(selectors.indicator_sets_visible_to(request.user), pk, "set"))


@router.post("/indicator-sets", response={201: IndicatorSetOut, **ERRORS}, auth=WRITE_AUTH)
def indicator_set_create(request: HttpRequest, payload: IndicatorSetIn):
    """Define a set for a partnership (its coordinators); without one, admins only."""
    partnership = None
    if payload.partnership:
        partnership = Partnership.objects.filter(slug=payload.partnership).first()
        if partnership is None:
            raise NotFound(_("There is no such partnership."), field="partnership")
    data = payload.model_dump(exclude={"partnership"})
    found = indicator_sets.indicator_set_create(
        actor=request.user, partnership=partnership, data=data
    )
    return Status(201, set_out(found))


# -- benchmarkings ---------------------------------------------------------------------------


def improvement_out(i) -> dict:
    """An improvement area."""
    return {
        "id": i.pk,
        "benchmarking": i.benchmarking_id,
        "title": i.title,
        "description": i.description,
        "area": i.area_id,
        "status": i.status,
        "documented_on": i.documented_on,
        "evidence": reverse("excellence_improvement_evidence", args=[i.pk]) if i.evidence else None,
        "evidence_url": i.evidence_url,
    }


def benchmarking_out(b, user=None) -> dict:
    """A benchmarking with its scores, area scores and improvement areas."""
    per_area = selectors.area_scores_of(b)
    return {
        "id": b.pk,
        "organisation": _org(b.organisation),
        "indicator_set": b.indicator_set_id,
        "held_on": b.held_on,
        "assessor": b.assessor,
        "partnership": _slug(b.partnership, user),
        "notes": b.notes,
        "is_published": b.is_published,
        "total_score": b.total_score,
        "area_scores": [
            {"area": a.pk, "name": a.name, "score": per_area.get(a.pk)}
            for a in b.indicator_set.areas.all()
        ],
        "scores": [
            {"area": s.area_id, "indicator": s.indicator_id, "value": s.value, "comment": s.comment}
            for s in b.scores.all()
        ],
        "improvement_areas": [improvement_out(i) for i in b.improvement_areas.all()],
    }


@router.get("/benchmarkings", response={200: list[BenchmarkingOut], **ERRORS}, auth=READ_AUTH)
def benchmarking_list(request: HttpRequest, organisation: int | None = None, partnership: str = ""):
    """Benchmarkings the caller may see."""
    rows = selectors.benchmarkings_visible_to(request.user).prefetch_related(
        *selectors.BENCHMARKING_PREFETCH
    )
    if organisation is not None:
        rows = rows.filter(organisation__pk=organisation)
    if partnership:
        rows = rows.filter(
            partnership__in=partnerships_visible_to(request.user).filter(slug=partnership)
        )
    return [benchmarking_out(b, request.user) for b in rows[:MAX_ROWS]]


@router.get("/benchmarkings/{pk}", response={200: BenchmarkingOut, **ERRORS}, auth=READ_AUTH)
def benchmarking_detail(request: HttpRequest, pk: int):
    """One benchmarking."""
    rows = selectors.benchmarkings_visible_to(request.user)
    return benchmarking_out(_visible(rows, pk, "benchmarking"), request.user)


@router.post("/benchmarkings", response={201: BenchmarkingOut, **ERRORS}, auth=WRITE_AUTH)
def benchmarking_create(request: HttpRequest, payload: BenchmarkingIn):
    """Record a benchmarking with its scores (0-100 each); the total score is computed."""
    data = payload.model_dump(exclude={"organisation"})
    found = services.benchmarking_create(
        actor=request.user, organisation=_organisation(payload.organisation), data=data
    )
    return Status(201, benchmarking_out(found, request.user))


@router.post(
    "/benchmarkings/{pk}/improvements", response={201: ImprovementOut, **ERRORS}, auth=WRITE_AUTH
)
def improvement_create(request: HttpRequest, pk: int, payload: ImprovementIn):
    """Add an improvement area to a benchmarking."""
    found = _visible(selectors.benchmarkings_visible_to(request.user), pk, "benchmarking")
    improvement = services.improvement_create(
        actor=request.user, benchmarking=found, data=payload.model_dump()
    )
    return Status(201, improvement_out(improvement))


@router.patch("/improvements/{pk}", response={200: ImprovementOut, **ERRORS}, auth=WRITE_AUTH)
def improvement_patch(request: HttpRequest, pk: int, payload: ImprovementPatch):
    """Move an improvement area on (documented needs evidence)."""
    improvement = ImprovementArea.objects.filter(pk=pk).first()
    visible = selectors.benchmarkings_visible_to(request.user)
    if improvement is None or not visible.filter(pk=improvement.benchmarking_id).exists():
        raise NotFound(_("There is no such improvement area."))
    improvement = services.improvement_update(
        actor=request.user, improvement=improvement, data=payload.model_dump(exclude_unset=True)
    )
    return improvement_out(improvement)


# -- services --------------------------------------------------------------------------------


def service_out(s, user=None) -> dict:
    """A service of a cluster's portfolio."""
    return {
        "id": s.pk,
        "organisation": _org(s.organisation),
        "name": s.name,
        "description": s.description,
        "novelty": s.novelty,
        "launched_on": s.launched_on,
        "target_groups": s.target_groups,
        "built_with": [_org(o) for o in s.built_with.all()],
        "partnership": _slug(s.partnership, user),
        "is_published": s.is_published,
    }


@router.get("/services", response={200: list[ClusterServiceOut], **ERRORS}, auth=READ_AUTH)
def service_list(request: HttpRequest, organisation: int | None = None, partnership: str = ""):
    """Cluster services the caller may see."""
    rows = selectors.services_visible_to(request.user).prefetch_related("built_with")
    if organisation is not None:
        rows = rows.filter(organisation__pk=organisation)
    if partnership:
        rows = rows.filter(
            partnership__in=partnerships_visible_to(request.user).filter(slug=partnership)
        )
    return [service_out(s, request.user) for s in rows[:MAX_ROWS]]


@router.post("/services", response={201: ClusterServiceOut, **ERRORS}, auth=WRITE_AUTH)
def service_create(request: HttpRequest, payload: ClusterServiceIn):
    """Add a service to a cluster's portfolio."""
    data = payload.model_dump(exclude={"organisation"})
    found = services.service_create(
        actor=request.user, organisation=_organisation(payload.organisation), data=data
    )
    return Status(201, service_out(found, request.user))


@router.patch("/services/{pk}", response={200: ClusterServiceOut, **ERRORS}, auth=WRITE_AUTH)
def service_patch(request: HttpRequest, pk: int, payload: ClusterServicePatch):
    """Change a service."""
    found = _visible(selectors.services_visible_to(request.user), pk, "service")
    data = payload.model_dump(exclude_unset=True)
    return service_out(
        services.service_update(actor=request.user, service=found, data=data), request.user
    )


@router.delete("/services/{pk}", response={204: None, **ERRORS}, auth=WRITE_AUTH)
def service_delete(request: HttpRequest, pk: int):
    """Delete a service."""
    found = _visible(selectors.services_visible_to(request.user), pk, "service")
    services.service_delete(actor=request.user, service=found)
    return Status(204, None)
