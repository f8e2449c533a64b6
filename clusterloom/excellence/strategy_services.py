"""Writes of strategies: the strategy, its numbered text versions, adoption and publication,
its roadmap actions and their milestones. Every rule a user can break is a DomainError naming
the field; every change is audited."""

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clusterloom.core.audit import audit
from clusterloom.core.errors import DomainError, NotFound, PermissionDenied
from clusterloom.core.inputs import (
    date_in_range,
    dates_in_order,
    long_date,
    parse_date,
    required_date,
    text_value,
)
from clusterloom.core.permissions import is_admin, require
from clusterloom.directory.models import Organisation
from clusterloom.partnerships.models import Partnership, PartnershipMember, TargetCode

from .markdown import MAX_CHARS, render_markdown
from .models import (
    ActionStatus,
    Milestone,
    RoadmapAction,
    Strategy,
    StrategyScope,
    StrategyStatus,
    StrategyVersion,
)

MAX_ACTIONS = 200
MAX_MILESTONES = 50


def _roadmap_date(data: dict, field: str) -> datetime.date:
    """A required roadmap date the Gantt chart can draw (core.inputs.date_in_range)."""
    return date_in_range(required_date(data, field), field)


def _not_future(day: datetime.date | None, field: str, name=None) -> None:
    """Refuse a date after today: "The completion (3 March 2027) lies in the future (today is
    7 December 2026)." on its field."""
    today = timezone.localdate()
    if day is not None and day > today:
        raise DomainError(
            _("%(name)s (%(date)s) lies in the future (today is %(today)s).")
            % {"name": name or _("The date"), "date": long_date(day), "today": long_date(today)},
            field=field,
        )


def _flag(value) -> bool:
    return str(value).strip().lower() in ("1", "true", "on", "yes")


def _strategy_values(data: dict[str, Any], current: Strategy | None) -> dict[str, Any]:
    def get(name, default=None):
        if name in data:
            return data[name]
        return getattr(current, name) if current is not None else default

    values = {
        "title": text_value({"title": get("title")}, "title", required=True, limit=300),
        "period_start": parse_date(get("period_start"), "period_start"),
        "period_end": parse_date(get("period_end"), "period_end"),
    }
    dates_in_order(
        values["period_start"],
        values["period_end"],
        "period_start",
        "period_end",
        first_name=_("the start of the period"),
        last_name=_("The end of the period"),
    )
    return values


def _duplicate_message(scope: str) -> str:
    if scope == StrategyScope.JOINT:
        return _("This partnership already has a joint strategy: edit that one.")
    return _("This cluster already has a strategy: edit that one (one strategy per cluster).")


def _check_partner(organisation: Organisation, partnership: Partnership | None) -> None:
    if partnership is None:
        return
    if not PartnershipMember.objects.filter(
        partnership=partnership, organisation=organisation
    ).exists():
        raise DomainError(
            _("%(org)s is not a partner of %(p)s.")
            % {"org": organisation.name, "p": partnership.acronym},
            field="partnership",
        )


def _version_add(strategy: Strategy, actor, text: str, html: str, note: str) -> StrategyVersion:
    number = (strategy.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return StrategyVersion.objects.create(
        strategy=strategy,
        number=number,
        text=text,
        html=html,
        note=note,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _text(data) -> str:
    return text_value(data, "text", limit=MAX_CHARS)


def _text_rendered(data) -> tuple[str, str]:
    """The text given and its HTML. Called before the write transaction opens: the longest text
    takes up to a second or two to render, and no lock is held meanwhile."""
    text = _text(data) if "text" in data else ""
    return text, render_markdown(text) if text else ""


def strategy_create(
    *,
    actor,
    scope: str,
    organisation: Organisation | None = None,
    partnership: Partnership | None = None,
    data: dict[str, Any],
) -> Strategy:
    """A cluster's strategy (by its managers) or a partnership's joint strategy (by its
    coordinators), with its first version when a text is given."""
    rendered = _text_rendered(data)
    with transaction.atomic():
        return _strategy_create(actor, scope, organisation, partnership, data, rendered)


def _strategy_create(actor, scope, organisation, partnership, data, rendered) -> Strategy:
    if scope == StrategyScope.JOINT:
        if partnership is None:
            raise DomainError(_("Choose the partnership."), field="partnership")
        require(actor, "excellence.add_strategy", partnership)
        organisation = None
        taken = Strategy.objects.filter(scope=scope, partnership=partnership).exists()
    elif scope == StrategyScope.CLUSTER:
        if organisation is None:
            raise DomainError(_("Choose the cluster."), field="organisation")
        require(actor, "excellence.add_strategy", organisation)
        _check_partner(organisation, partnership)
        taken = Strategy.objects.filter(scope=scope, organisation=organisation).exists()
    else:
        raise DomainError(_("Choose a cluster or a joint strategy."), field="scope")
    if taken:
        raise DomainError(_duplicate_message(scope), field="scope")
    values = _strategy_values(data, None)
    text, html = rendered
    try:
        with transaction.atomic():
            strategy = Strategy.objects.create(
                scope=scope,
                organisation=organisation,
                partnership=partnership,
                is_published=_flag(data.get("is_published", False)),
                **values,
            )
    except IntegrityError:
        # Someone created the same strategy a moment ago.
        raise DomainError(_duplicate_message(scope), field="scope") from None
    if text:
        note = text_value(data, "note", limit=300) or _("First version")
        _version_add(strategy, actor, text, html, note)
    audit(actor, "excellence.strategy_created", strategy, to_state=strategy.status)
    return strategy


def strategy_lock(strategy: Strategy) -> Strategy:
    """The strategy's row, locked until the transaction ends (version numbers stay unique)."""
    return Strategy.objects.select_for_update().get(pk=strategy.pk)


def strategy_update(*, actor, strategy: Strategy, data: dict[str, Any]) -> Strategy:
    """Change title and period; a changed text is saved as a new version with its note."""
    require(actor, "excellence.change_strategy", strategy)
    rendered = _text_rendered(data)
    with transaction.atomic():
        return _strategy_update(actor, strategy, data, rendered)


def _strategy_update(actor, strategy: Strategy, data: dict[str, Any], rendered) -> Strategy:
    locked = strategy_lock(strategy)
    values = _strategy_values(data, locked)
    _period_change_check(locked, values, confirmed=_flag(data.get("confirm_outside_period", False)))
    changes = {k: str(v) for k, v in values.items() if getattr(locked, k) != v}
    for name, value in values.items():
        setattr(locked, name, value)
    if "is_published" in data:
        locked.is_published = _flag(data["is_published"])
    locked.save()
    if "text" in data:
        text, html = rendered
        latest = locked.versions.order_by("-number").first()
        if text and (latest is None or latest.text != text):
            note = text_value(data, "note", limit=300)
            if not note and latest is not None:
                raise DomainError(_("Say in a few words what changed."), field="note")
            version = _version_add(locked, actor, text, html, note or _("First version"))
            changes["version"] = version.number
    audit(actor, "excellence.strategy_updated", locked, changes=changes)
    strategy.refresh_from_db()
    return strategy


class PeriodLeavesActions(DomainError):
    """A new period that leaves roadmap actions outside it; `actions` are those actions."""

    def __init__(self, message: str, *, field: str, actions: list[RoadmapAction]):
        super().__init__(message, field=field)
        self.actions = actions


def _outside(day: datetime.date, first, last) -> bool:
    return bool((first and day < first) or (last and day > last))


def actions_left_outside(strategy: Strategy, first, last) -> list[RoadmapAction]:
    """The strategy's actions inside its current period that lie outside `first`..`last`
    (an action already outside the current period was confirmed by its author)."""
    left = []
    for action in strategy.actions.order_by("starts_on", "pk"):
        days = (action.starts_on, action.ends_on)
        if any(_outside(d, first, last) for d in days) and not any(
            _outside(d, strategy.period_start, strategy.period_end) for d in days
        ):
            left.append(action)
    return left


def actions_named(actions: list[RoadmapAction], shown: int = 5) -> str:
    """“A”, “B”, … : the first `shown` titles, then an ellipsis."""
    names = ", ".join(f"“{a.title}”" for a in actions[:shown])
    return names + (", …" if len(actions) > shown else "")


def _period_change_check(strategy: Strategy, values: dict[str, Any], *, confirmed: bool):
    """A new period that leaves existing roadmap actions outside it is refused on the period
    field, naming how many actions and which, unless the author confirms
    (`confirm_outside_period`), as for an action outside the period."""
    first, last = values["period_start"], values["period_end"]
    if confirmed or (first, last) == (strategy.period_start, strategy.period_end):
        return
    left = actions_left_outside(strategy, first, last)
    if not left:
        return
    early = any(first and a.starts_on < first for a in left)
    message = ngettext(
        "The new period (%(first)s to %(last)s) leaves %(count)s roadmap action outside it: "
        "%(actions)s. Change the period or the action's dates, or confirm that it lies "
        "outside the period.",
        "The new period (%(first)s to %(last)s) leaves %(count)s roadmap actions outside it: "
        "%(actions)s. Change the period or the actions' dates, or confirm that they lie "
        "outside the period.",
        len(left),
    ) % {
        "first": long_date(first) if first else "…",
        "last": long_date(last) if last else "…",
        "count": len(left),
        "actions": actions_named(left),
    }
    raise PeriodLeavesActions(
        message, field="period_start" if early else "period_end", actions=left
    )


@transaction.atomic
def strategy_adopt(
    *, actor, strategy: Strategy, adopted_on, version: int | None = None
) -> Strategy:
    """Adopt the latest version (or the one given) on a date not in the future; adopting again
    moves the date and the adopted version."""
    require(actor, "excellence.change_strategy", strategy)
    locked = strategy_lock(strategy)
    day = required_date({"adopted_on": adopted_on}, "adopted_on")
    _not_future(day, "adopted_on", _("The adoption"))
    versions = locked.versions.order_by("-number")
    chosen = versions.filter(number=version).first() if version else versions.first()
    if chosen is None:
        if version:
            raise DomainError(_("This strategy has no such version."), field="version")
        raise DomainError(_("Write the strategy's text before adopting it."), field="text")
    previous = locked.status
    locked.status, locked.adopted_on, locked.adopted_version = (
        StrategyStatus.ADOPTED,
        day,
        chosen,
    )
    locked.save(update_fields=["status", "adopted_on", "adopted_version", "updated_at"])
    audit(
        actor,
        "excellence.strategy_adopted",
        locked,
        from_state=previous,
        to_state=locked.status,
        changes={"adopted_on": day.isoformat(), "version": chosen.number},
    )
    strategy.refresh_from_db()
    return strategy


@transaction.atomic
def strategy_version_delete(*, actor, strategy: Strategy, number: int) -> None:
    """Delete one saved version (platform admins only: versions are the strategy's history, so
    this is for text that must go, such as someone's personal data or an abusive text). The
    adopted version stays until another one is adopted."""
    if not is_admin(actor):
        raise PermissionDenied(_("Only a platform admin may delete a version."))
    locked = strategy_lock(strategy)
    version = locked.versions.filter(number=number).first()
    if version is None:
        raise NotFound(_("No such version."))
    if locked.adopted_version_id == version.pk:
        raise DomainError(
            _("This is the adopted version: adopt another version before deleting it."),
            field="version",
        )
    version.delete()
    audit(actor, "excellence.strategy_version_deleted", locked, changes={"version": number})


@transaction.atomic
def strategy_publish(*, actor, strategy: Strategy, published: bool) -> Strategy:
    """Show the strategy to the public, or take it back."""
    require(actor, "excellence.change_strategy", strategy)
    previous = "published" if strategy.is_published else "unpublished"
    strategy.is_published = bool(published)
    strategy.save(update_fields=["is_published", "updated_at"])
    now = "published" if strategy.is_published else "unpublished"
    audit(actor, "excellence.strategy_published", strategy, from_state=previous, to_state=now)
    return strategy


# -- roadmap actions ---------------------------------------------------------------------------


def owner_choices(strategy: Strategy):
    """Organisations that may own an action: the strategy's cluster and its partnership's
    partners."""
    ids = set()
    if strategy.organisation_id:
        ids.add(strategy.organisation_id)
    if strategy.partnership_id:
        ids |= set(
            PartnershipMember.objects.filter(partnership_id=strategy.partnership_id).values_list(
                "organisation_id", flat=True
            )
        )
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def _owner(value, strategy: Strategy) -> Organisation | None:
    if value in (None, ""):
        return None
    key = value.pk if isinstance(value, Organisation) else value
    try:
        key = int(key)
    except (TypeError, ValueError):
        raise DomainError(_("Choose an organisation of the partnership."), field="owner") from None
    owner = owner_choices(strategy).filter(pk=key).first()
    if owner is None:
        raise DomainError(_("Choose an organisation of the partnership."), field="owner")
    return owner


def target_codes_value(value) -> list[str]:
    """Target codes from a list (or a comma-separated text); an unknown code is refused."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [part for part in value.split(",")]
    if not isinstance(value, list | tuple):
        raise DomainError(_("Give a list of target codes."), field="target_codes")
    codes: list[str] = []
    for raw in value:
        code = str(raw).strip()
        if not code:
            continue
        if code not in TargetCode.values:
            raise DomainError(
                _("“%(code)s” is not a target code (one of: %(codes)s).")
                % {"code": code, "codes": ", ".join(TargetCode.values)},
                field="target_codes",
            )
        if code not in codes:
            codes.append(code)
    return codes


def _action_values(data: dict[str, Any], strategy: Strategy, current) -> dict[str, Any]:
    def get(name, default=None):
        if name in data:
            return data[name]
        return getattr(current, name) if current is not None else default

    status = str(get("status", ActionStatus.PLANNED) or ActionStatus.PLANNED)
    if status not in ActionStatus.values:
        raise DomainError(
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": status, "choices": ", ".join(ActionStatus.values)},
            field="status",
        )
    owner = data.get("owner", current.owner if current is not None else None)
    values = {
        "title": text_value({"title": get("title")}, "title", required=True, limit=300),
        "description": text_value({"description": get("description", "")}, "description"),
        "owner": _owner(owner, strategy),
        "owner_name": text_value({"owner_name": get("owner_name", "")}, "owner_name", limit=200),
        "starts_on": _roadmap_date({"starts_on": get("starts_on")}, "starts_on"),
        "ends_on": _roadmap_date({"ends_on": get("ends_on")}, "ends_on"),
        "status": status,
        "target_codes": target_codes_value(get("target_codes", [])),
        "completed_on": parse_date(get("completed_on"), "completed_on"),
    }
    if values["ends_on"] < values["starts_on"]:
        raise DomainError(
            _("The action ends (%(end)s) before it starts (%(start)s).")
            % {"end": values["ends_on"].isoformat(), "start": values["starts_on"].isoformat()},
            field="ends_on",
        )
    _completion_check(values)
    if current is None or (current.starts_on, current.ends_on) != (
        values["starts_on"],
        values["ends_on"],
    ):
        _period_check(values, strategy, confirmed=_flag(data.get("confirm_outside_period")))
    if "order" in data and data["order"] not in (None, ""):
        try:
            values["order"] = max(0, min(int(data["order"]), 32767))
        except (TypeError, ValueError):
            raise DomainError(_("Give a whole number."), field="order") from None
    return values


def _completion_check(values: dict[str, Any]) -> None:
    """An action is done only once it has started, and its completion lies between its start
    and today (today when left empty); any other status has no completion date."""
    if values["status"] != ActionStatus.DONE:
        values["completed_on"] = None
        return
    today = timezone.localdate()
    if values["starts_on"] > today:
        raise DomainError(
            _(
                "An action can be marked done once it has started: this one starts on "
                "%(start)s (today is %(today)s)."
            )
            % {"start": long_date(values["starts_on"]), "today": long_date(today)},
            field="status",
        )
    values["completed_on"] = values["completed_on"] or today
    dates_in_order(
        values["starts_on"],
        values["completed_on"],
        "starts_on",
        "completed_on",
        first_name=_("the start of the action"),
        last_name=_("The completion"),
    )
    _not_future(values["completed_on"], "completed_on", _("The completion"))


def _period_check(values: dict[str, Any], strategy: Strategy, *, confirmed: bool) -> None:
    """An action outside its strategy's period is refused, saying the period, unless the author
    confirms it (`confirm_outside_period`). Checked when an action is added or its dates change,
    so an action already outside stays editable."""
    first, last = strategy.period_start, strategy.period_end
    if confirmed or not (first or last):
        return

    if _outside(values["starts_on"], first, last):
        field = "starts_on"
    elif _outside(values["ends_on"], first, last):
        field = "ends_on"
    else:
        return
    raise DomainError(
        _(
            "The action (%(start)s to %(end)s) lies outside the strategy's period (%(first)s to "
            "%(last)s). Change its dates, or confirm that it lies outside the period."
        )
        % {
            "start": long_date(values["starts_on"]),
            "end": long_date(values["ends_on"]),
            "first": long_date(first) if first else "…",
            "last": long_date(last) if last else "…",
        },
        field=field,
    )


@transaction.atomic
def action_create(*, actor, strategy: Strategy, data: dict[str, Any]) -> RoadmapAction:
    """Add an action to the strategy's roadmap."""
    require(actor, "excellence.change_strategy", strategy)
    if strategy.actions.count() >= MAX_ACTIONS:
        raise DomainError(
            _("A roadmap holds at most %(n)s actions.") % {"n": MAX_ACTIONS}, field="title"
        )
    values = _action_values(data, strategy, None)
    action = RoadmapAction.objects.create(strategy=strategy, **values)
    audit(actor, "excellence.action_created", action, to_state=action.status)
    return action


@transaction.atomic
def action_update(*, actor, action: RoadmapAction, data: dict[str, Any]) -> RoadmapAction:
    """Change a roadmap action (its dates, status, owner, targets)."""
    require(actor, "excellence.change_strategy", action.strategy)
    previous = action.status
    values = _action_values(data, action.strategy, action)
    changes = {k: str(v) for k, v in values.items() if getattr(action, k) != v}
    for name, value in values.items():
        setattr(action, name, value)
    action.save()
    audit(
        actor,
        "excellence.action_updated",
        action,
        from_state=previous,
        to_state=action.status,
        changes=changes,
    )
    return action


@transaction.atomic
def action_delete(*, actor, action: RoadmapAction) -> None:
    """Remove an action (and its milestones) from the roadmap."""
    require(actor, "excellence.change_strategy", action.strategy)
    audit(actor, "excellence.action_deleted", action, from_state=action.status)
    action.delete()


def _milestone_values(data: dict[str, Any], current) -> dict[str, Any]:
    def get(name, default=None):
        if name in data:
            return data[name]
        return getattr(current, name) if current is not None else default

    values = {
        "title": text_value({"title": get("title")}, "title", required=True, limit=300),
        "due_on": _roadmap_date({"due_on": get("due_on")}, "due_on"),
        "reached_on": parse_date(get("reached_on"), "reached_on"),
    }
    _not_future(values["reached_on"], "reached_on", _("The day it was reached"))
    return values


@transaction.atomic
def milestone_add(*, actor, action: RoadmapAction, data: dict[str, Any]) -> Milestone:
    """Add a dated milestone to an action."""
    require(actor, "excellence.change_strategy", action.strategy)
    if action.milestones.count() >= MAX_MILESTONES:
        raise DomainError(
            _("An action holds at most %(n)s milestones.") % {"n": MAX_MILESTONES}, field="title"
        )
    milestone = Milestone.objects.create(action=action, **_milestone_values(data, None))
    audit(actor, "excellence.milestone_added", milestone)
    return milestone


@transaction.atomic
def milestone_update(*, actor, milestone: Milestone, data: dict[str, Any]) -> Milestone:
    """Change a milestone, or record that it was reached."""
    require(actor, "excellence.change_strategy", milestone.action.strategy)
    values = _milestone_values(data, milestone)
    changes = {k: str(v) for k, v in values.items() if getattr(milestone, k) != v}
    for name, value in values.items():
        setattr(milestone, name, value)
    milestone.save()
    audit(actor, "excellence.milestone_updated", milestone, changes=changes)
    return milestone


@transaction.atomic
def milestone_delete(*, actor, milestone: Milestone) -> None:
    """Remove a milestone."""
    require(actor, "excellence.change_strategy", milestone.action.strategy)
    audit(actor, "excellence.milestone_deleted", milestone)
    milestone.delete()


# -- personal data (GDPR) ----------------------------------------------------------------------


def personal_data_export(user) -> list[dict] | None:
    """The strategy versions the user saved (the texts belong to the clusters, not to them)."""
    rows = StrategyVersion.objects.filter(created_by=user).select_related("strategy")
    out = [
        {
            "strategy": v.strategy.title,
            "version": v.number,
            "note": v.note,
            "saved": v.created_at.isoformat(),
        }
        for v in rows.order_by("created_at")
    ]
    return out or None


def personal_data_erase(user) -> None:
    """Forget who saved the user's versions (the versions stay, unsigned)."""
    StrategyVersion.objects.filter(created_by=user).update(created_by=None)
