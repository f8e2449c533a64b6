"""Strategies API, mounted at /api/strategies.

Published strategies are public; unpublished ones are seen by those who may change them (the
cluster's managers and its partnerships' coordinators; for a joint strategy the partnership's
coordinators): anything else is a 404. A change the caller may not make is a 403; a rule the
input breaks a 400 naming the field. Writes take a session with its CSRF token or an API token.
"""

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from clusterloom.core.api_auth import READ_AUTH, WRITE_AUTH
from clusterloom.core.errors import NotFound
from clusterloom.directory.models import Organisation
from clusterloom.partnerships.selectors import partnership_get_visible

from . import strategy_selectors as selectors
from . import strategy_services as services
from .gantt import GanttAction, GanttMilestone, is_late
from .models import Milestone, RoadmapAction, Strategy, StrategyScope, StrategyStatus
from .strategy_schemas import (
    ERRORS,
    LateRoadmapActionOut,
    RoadmapActionIn,
    RoadmapActionOut,
    RoadmapActionPatch,
    RoadmapMilestoneIn,
    RoadmapMilestoneOut,
    RoadmapMilestonePatch,
    StrategyAdoptIn,
    StrategyIn,
    StrategyOut,
    StrategyPatch,
    StrategyPublishIn,
    StrategySummaryOut,
    StrategyVersionTextOut,
)

router = Router(tags=["strategies and roadmaps"])
MAX_ROWS = 1000


# -- output -------------------------------------------------------------------------------------


def _org(organisation):
    if organisation is None:
        return None
    return {"id": organisation.pk, "name": organisation.name, "slug": organisation.slug}


def _partnership(partnership):
    if partnership is None:
        return None
    return {"id": partnership.pk, "name": partnership.acronym, "slug": partnership.slug}


def _summary(strategy: Strategy, current=None) -> dict:
    if current is None:
        current = strategy.versions.order_by("-number").first()
    return {
        "id": strategy.pk,
        "scope": strategy.scope,
        "title": strategy.title,
        "status": strategy.status,
        "adopted_on": strategy.adopted_on,
        "adopted_version": strategy.adopted_version.number if strategy.adopted_version else None,
        "period_start": strategy.period_start,
        "period_end": strategy.period_end,
        "is_published": strategy.is_published,
        "organisation": _org(strategy.organisation),
        "partnership": _partnership(strategy.partnership),
        "current_version": current.number if current else None,
    }


def _version(version) -> dict:
    return {
        "number": version.number,
        "note": version.note,
        "created_at": version.created_at,
        "created_by": version.created_by.get_username() if version.created_by else None,
    }


def _milestone(m: Milestone) -> dict:
    return {"id": m.pk, "title": m.title, "due_on": m.due_on, "reached_on": m.reached_on}


def _action(action: RoadmapAction, today=None) -> dict:
    milestones = list(action.milestones.all())
    row = GanttAction(
        action.title,
        action.starts_on,
        action.ends_on,
        action.status,
        milestones=tuple(GanttMilestone(m.title, m.due_on, m.reached_on) for m in milestones),
    )
    return {
        "id": action.pk,
        "strategy": action.strategy_id,
        "title": action.title,
        "description": action.description,
        "owner": _org(action.owner),
        "owner_name": action.owner_name,
        "starts_on": action.starts_on,
        "ends_on": action.ends_on,
        "status": action.status,
        "completed_on": action.completed_on,
        "target_codes": list(action.target_codes or []),
        "order": action.order,
        "late": is_late(row, today or timezone.localdate()),
        "milestones": [_milestone(m) for m in milestones],
    }


def _detail(strategy: Strategy) -> dict:
    versions = list(strategy.versions.select_related("created_by").order_by("-number"))
    current = versions[0] if versions else None
    today = timezone.localdate()
    return {
        **_summary(strategy, current),
        "text": current.text if current else "",
        "html": current.html if current else "",
        "versions": [_version(v) for v in versions],
        "actions": [_action(a, today) for a in selectors.roadmap(strategy)],
    }


def _visible_action(request, action_id: int) -> RoadmapAction:
    action = RoadmapAction.objects.filter(pk=action_id).first()
    if action is None:
        raise NotFound(_("No such roadmap action."))
    selectors.strategy_get_visible(request.user, action.strategy_id)
    return action


def _visible_milestone(request, milestone_id: int) -> Milestone:
    milestone = Milestone.objects.select_related("action").filter(pk=milestone_id).first()
    if milestone is None:
        raise NotFound(_("No such milestone."))
    selectors.strategy_get_visible(request.user, milestone.action.strategy_id)
    return milestone


# -- strategies ---------------------------------------------------------------------------------


@router.get("", response={200: list[StrategySummaryOut], **ERRORS}, auth=READ_AUTH)
def strategy_list(request: HttpRequest, partnership: str = "", scope: str = "", status: str = ""):
    """Strategies the caller may see; filters: partnership (slug: its joint strategy and its
    partner clusters'), scope (cluster, joint), status (draft, adopted)."""
    rows = selectors.strategies_visible_to(request.user).prefetch_related("versions")
    if partnership.strip():
        found = partnership_get_visible(request.user, partnership.strip())
        rows = rows.filter(selectors.partnership_strategy_filter(found))
    if scope in StrategyScope.values:
        rows = rows.filter(scope=scope)
    if status in StrategyStatus.values:
        rows = rows.filter(status=status)
    out = []
    for strategy in rows.order_by("scope", "title", "pk")[:MAX_ROWS]:
        versions = sorted(strategy.versions.all(), key=lambda v: -v.number)
        out.append(_summary(strategy, versions[0] if versions else None))
    return out


@router.get("/late", response={200: list[LateRoadmapActionOut], **ERRORS}, auth=READ_AUTH)
def late_action_list(request: HttpRequest, partnership: str):
    """Late actions of a partnership's joint strategy and its partner clusters' strategies
    (those the caller may see)."""
    found = partnership_get_visible(request.user, partnership.strip())
    visible = selectors.strategies_visible_to(request.user).values("pk")
    rows = (
        selectors.late_actions(found)
        .filter(strategy__in=visible)
        .prefetch_related("milestones")[:MAX_ROWS]
    )
    return [{**_action(a), "strategy_title": a.strategy.title} for a in rows]


@router.get("/{int:strategy_id}", response={200: StrategyOut, **ERRORS}, auth=READ_AUTH)
def strategy_detail(request: HttpRequest, strategy_id: int):
    """One strategy: current text (raw and rendered), versions and roadmap."""
    return _detail(selectors.strategy_get_visible(request.user, strategy_id))


@router.post("", response={201: StrategyOut, **ERRORS}, auth=WRITE_AUTH)
def strategy_create(request: HttpRequest, payload: StrategyIn):
    """Create a cluster strategy (its managers, its partnerships' coordinators) or a joint
    strategy (the partnership's coordinators)."""
    partnership = None
    if payload.partnership:
        partnership = partnership_get_visible(request.user, payload.partnership)
    organisation = None
    if payload.organisation is not None:
        organisation = Organisation.objects.filter(pk=payload.organisation).first()
        if organisation is None:
            raise NotFound(_("No such organisation."), field="organisation")
    strategy = services.strategy_create(
        actor=request.user,
        scope=payload.scope,
        organisation=organisation,
        partnership=partnership,
        data=payload.model_dump(exclude={"scope", "organisation", "partnership"}),
    )
    return Status(201, _detail(strategy))


@router.patch("/{int:strategy_id}", response={200: StrategyOut, **ERRORS}, auth=WRITE_AUTH)
def strategy_patch(request: HttpRequest, strategy_id: int, payload: StrategyPatch):
    """Change title and period; a changed text becomes a new version (with a note)."""
    strategy = selectors.strategy_get_visible(request.user, strategy_id)
    data = payload.model_dump(exclude_unset=True)
    strategy = services.strategy_update(actor=request.user, strategy=strategy, data=data)
    return _detail(strategy)


@router.get(
    "/{int:strategy_id}/versions/{int:number}",
    response={200: StrategyVersionTextOut, **ERRORS},
    auth=READ_AUTH,
)
def strategy_version(request: HttpRequest, strategy_id: int, number: int):
    """One saved version with its text, raw and rendered."""
    strategy = selectors.strategy_get_visible(request.user, strategy_id)
    version = strategy.versions.filter(number=number).first()
    if version is None:
        raise NotFound(_("No such version."))
    return {**_version(version), "text": version.text, "html": version.html}


@router.delete(
    "/{int:strategy_id}/versions/{int:number}", response={204: None, **ERRORS}, auth=WRITE_AUTH
)
def strategy_version_delete(request: HttpRequest, strategy_id: int, number: int):
    """Delete one saved version (platform admins only; not the adopted version)."""
    strategy = selectors.strategy_get_visible(request.user, strategy_id)
    services.strategy_version_delete(actor=request.user, strategy=strategy, number=number)
    return Status(204, None)


@router.post("/{int:strategy_id}/adopt", response={200: StrategyOut, **ERRORS}, auth=WRITE_AUTH)
def strategy_adopt(request: HttpRequest, strategy_id: int, payload: StrategyAdoptIn):
    """Adopt a version (the latest by default) on a date; again: the date moves."""
    strategy = selectors.strategy_get_visible(request.user, strategy_id)
    strategy = services.strategy_adopt(
        actor=request.user,
        strategy=strategy,
        adopted_on=payload.adopted_on,
        version=payload.version,
    )
    return _detail(strategy)


@router.post("/{int:strategy_id}/publish", response={200: StrategyOut, **ERRORS}, auth=WRITE_AUTH)
def strategy_publish(request: HttpRequest, strategy_id: int, payload: StrategyPublishIn):
    """Publish the strategy or take it back."""
    strategy = selectors.strategy_get_visible(request.user, strategy_id)
    strategy = services.strategy_publish(
        actor=request.user, strategy=strategy, published=payload.published
    )
    return _detail(strategy)


@router.get("/{int:strategy_id}/gantt.svg", auth=READ_AUTH, response={200: None, **ERRORS})
def strategy_gantt(request: HttpRequest, strategy_id: int):
    """The roadmap as an SVG Gantt chart."""
    strategy = selectors.strategy_get_visible(request.user, strategy_id)
    svg = '<?xml version="1.0" encoding="UTF-8"?>\n' + selectors.strategy_gantt(strategy)
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


# -- roadmap actions and milestones ---------------------------------------------------------------


@router.get(
    "/{int:strategy_id}/actions", response={200: list[RoadmapActionOut], **ERRORS}, auth=READ_AUTH
)
def action_list(request: HttpRequest, strategy_id: int):
    """The strategy's roadmap actions with their milestones and whether they are late."""
    strategy = selectors.strategy_get_visible(request.user, strategy_id)
    today = timezone.localdate()
    return [_action(a, today) for a in selectors.roadmap(strategy)]


@router.post(
    "/{int:strategy_id}/actions", response={201: RoadmapActionOut, **ERRORS}, auth=WRITE_AUTH
)
def action_create(request: HttpRequest, strategy_id: int, payload: RoadmapActionIn):
    """Add a roadmap action."""
    strategy = selectors.strategy_get_visible(request.user, strategy_id)
    action = services.action_create(
        actor=request.user, strategy=strategy, data=payload.model_dump(exclude_unset=True)
    )
    return Status(201, _action(action))


@router.get("/actions/{int:action_id}", response={200: RoadmapActionOut, **ERRORS}, auth=READ_AUTH)
def action_detail(request: HttpRequest, action_id: int):
    """One roadmap action."""
    return _action(_visible_action(request, action_id))


@router.patch(
    "/actions/{int:action_id}", response={200: RoadmapActionOut, **ERRORS}, auth=WRITE_AUTH
)
def action_patch(request: HttpRequest, action_id: int, payload: RoadmapActionPatch):
    """Change a roadmap action (fields left out stay)."""
    action = _visible_action(request, action_id)
    action = services.action_update(
        actor=request.user, action=action, data=payload.model_dump(exclude_unset=True)
    )
    return _action(action)


@router.delete("/actions/{int:action_id}", response={204: None, **ERRORS}, auth=WRITE_AUTH)
def action_delete(request: HttpRequest, action_id: int):
    """Remove a roadmap action and its milestones."""
    services.action_delete(actor=request.user, action=_visible_action(request, action_id))
    return Status(204, None)


@router.post(
    "/actions/{int:action_id}/milestones",
    response={201: RoadmapMilestoneOut, **ERRORS},
    auth=WRITE_AUTH,
)
def milestone_create(request: HttpRequest, action_id: int, payload: RoadmapMilestoneIn):
    """Add a milestone to an action."""
    action = _visible_action(request, action_id)
    milestone = services.milestone_add(actor=request.user, action=action, data=payload.model_dump())
    return Status(201, _milestone(milestone))


@router.patch(
    "/milestones/{int:milestone_id}", response={200: RoadmapMilestoneOut, **ERRORS}, auth=WRITE_AUTH
)
def milestone_patch(request: HttpRequest, milestone_id: int, payload: RoadmapMilestonePatch):
    """Change a milestone or record that it was reached."""
    milestone = _visible_milestone(request, milestone_id)
    milestone = services.milestone_update(
        actor=request.user, milestone=milestone, data=payload.model_dump(exclude_unset=True)
    )
    return _milestone(milestone)


@router.delete("/milestones/{int:milestone_id}", response={204: None, **ERRORS}, auth=WRITE_AUTH)
def milestone_delete(request: HttpRequest, milestone_id: int):
    """Remove a milestone."""
    services.milestone_delete(
        actor=request.user, milestone=_visible_milestone(request, milestone_id)
    )
    return Status(204, None)
