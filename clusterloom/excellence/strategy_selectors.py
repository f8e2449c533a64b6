"""Reads of strategies: who sees which, a partnership's strategies, late roadmap actions (for
the pages and the reporting dashboard), the Gantt chart's rows and the diff of two versions."""

import datetime
import difflib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterloom.core.errors import NotFound
from clusterloom.core.permissions import (
    coordinated_partnership_ids,
    is_admin,
    managed_organisation_ids,
    organisations_of_coordinated,
)
from clusterloom.partnerships.models import Partnership, PartnershipMember

from .gantt import GanttAction, GanttMilestone, GanttText, gantt_svg
from .models import (
    ActionStatus,
    Milestone,
    RoadmapAction,
    Strategy,
    StrategyScope,
    StrategyVersion,
)

CLOSED = (ActionStatus.DONE, ActionStatus.CANCELLED)


def strategies_visible_to(user) -> QuerySet[Strategy]:
    """Published strategies for everyone; unpublished ones for those who may change them."""
    rows = Strategy.objects.select_related("organisation", "partnership", "adopted_version")
    if is_admin(user):
        return rows
    mine = Q(scope=StrategyScope.JOINT, partnership_id__in=coordinated_partnership_ids(user)) | Q(
        scope=StrategyScope.CLUSTER,
        organisation_id__in=managed_organisation_ids(user) | organisations_of_coordinated(user),
    )
    return rows.filter(Q(is_published=True) | mine)


def strategy_get_visible(user, pk) -> Strategy:
    """The strategy if the user may see it; NotFound otherwise."""
    strategy = strategies_visible_to(user).filter(pk=pk).first()
    if strategy is None:
        raise NotFound(_("No such strategy."))
    return strategy


def _partnership_ids(partnerships) -> list[int]:
    if isinstance(partnerships, Partnership):
        return [partnerships.pk]
    if isinstance(partnerships, int):
        return [partnerships]
    return [p.pk if isinstance(p, Partnership) else int(p) for p in partnerships]


def partnership_strategy_filter(partnerships) -> Q:
    """Strategies of the partnerships: their joint ones and their partner clusters' ones."""
    ids = _partnership_ids(partnerships)
    partners = PartnershipMember.objects.filter(partnership_id__in=ids).values("organisation_id")
    return Q(scope=StrategyScope.JOINT, partnership_id__in=ids) | Q(
        scope=StrategyScope.CLUSTER, organisation_id__in=partners
    )


def late_filter(today: datetime.date, prefix: str = "") -> Q:
    """Late: not done or cancelled, and ended before today or with a milestone due before today
    and not reached (the same rule as gantt.is_late)."""
    overdue_milestone = Milestone.objects.filter(
        action_id=OuterRef(f"{prefix}pk"), due_on__lt=today, reached_on__isnull=True
    )
    return ~Q(**{f"{prefix}status__in": CLOSED}) & (
        Q(**{f"{prefix}ends_on__lt": today}) | Q(Exists(overdue_milestone))
    )


def late_actions(
    partnerships: Partnership | int | Iterable[int | Partnership],
    today: datetime.date | None = None,
) -> QuerySet[RoadmapAction]:
    """Late roadmap actions of the partnerships' joint strategies and of their partner clusters'
    strategies (one query; `today` defaults to the local date)."""
    today = today or timezone.localdate()
    strategies = Strategy.objects.filter(partnership_strategy_filter(partnerships))
    return (
        RoadmapAction.objects.filter(strategy__in=strategies)
        .filter(late_filter(today))
        .select_related("strategy", "strategy__organisation", "owner")
        .order_by("ends_on", "id")
    )


def late_action_ids(strategy: Strategy, today: datetime.date | None = None) -> set[int]:
    """Ids of the strategy's late actions."""
    today = today or timezone.localdate()
    rows = RoadmapAction.objects.filter(strategy=strategy).filter(late_filter(today))
    return set(rows.values_list("pk", flat=True))


def late_action_counts(
    partnership_ids: Iterable[int], today: datetime.date | None = None
) -> dict[int, int]:
    """Number of late actions per partnership (two queries, whatever the number)."""
    ids = list(partnership_ids)
    today = today or timezone.localdate()
    owners: dict[int, set[int]] = defaultdict(set)
    for pid, org in PartnershipMember.objects.filter(partnership_id__in=ids).values_list(
        "partnership_id", "organisation_id"
    ):
        owners[org].add(pid)
    counts = dict.fromkeys(ids, 0)
    rows = late_actions(ids, today).values_list(
        "strategy__scope", "strategy__partnership_id", "strategy__organisation_id"
    )
    for scope, pid, org in rows:
        for target in [pid] if scope == StrategyScope.JOINT else owners.get(org, ()):
            if target in counts:
                counts[target] += 1
    return counts


@dataclass
class StrategyRow:
    """One line of a partnership's strategies overview."""

    label: str
    organisation_id: int | None
    strategy: Strategy | None
    late: int


def partnership_strategies(user, partnership: Partnership, today=None) -> list[StrategyRow]:
    """The joint strategy, then each partner cluster's strategy (None when missing or not
    visible), with their late-action counts."""
    today = today or timezone.localdate()
    visible = {
        (s.scope, s.organisation_id if s.scope == StrategyScope.CLUSTER else None): s
        for s in strategies_visible_to(user).filter(partnership_strategy_filter(partnership))
    }
    late: dict[int, int] = defaultdict(int)
    for strategy_id in late_actions(partnership, today).values_list("strategy_id", flat=True):
        late[strategy_id] += 1
    joint = visible.get((StrategyScope.JOINT, None))
    rows = [StrategyRow(_("Joint strategy"), None, joint, late[joint.pk] if joint else 0)]
    for member in partnership.partners_listed:
        strategy = visible.get((StrategyScope.CLUSTER, member.organisation_id))
        rows.append(
            StrategyRow(
                member.organisation.name,
                member.organisation_id,
                strategy,
                late[strategy.pk] if strategy else 0,
            )
        )
    return rows


def roadmap(strategy: Strategy) -> list[RoadmapAction]:
    """The strategy's actions with their owners and milestones, in order."""
    return list(
        strategy.actions.select_related("owner").prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "id"))
        )
    )


def gantt_rows(actions: list[RoadmapAction]) -> list[GanttAction]:
    """The actions as the pure Gantt module takes them."""
    return [
        GanttAction(
            title=a.title,
            starts_on=a.starts_on,
            ends_on=a.ends_on,
            status=a.status,
            status_label=str(a.get_status_display()),
            milestones=tuple(
                GanttMilestone(m.title, m.due_on, m.reached_on) for m in a.milestones.all()
            ),
        )
        for a in actions
    ]


def gantt_words(strategy: Strategy) -> GanttText:
    """The chart's words in the user's language."""
    return GanttText(
        title=_("Roadmap of %(title)s") % {"title": strategy.title},
        late=_("late"),
        today=_("today"),
        empty=_("No roadmap actions yet."),
        milestone=_("milestone"),
        reached=_("reached"),
        statuses={key: str(label) for key, label in ActionStatus.choices},
    )


def strategy_gantt(strategy: Strategy, actions=None, today=None) -> str:
    """The strategy's roadmap as an SVG Gantt chart."""
    actions = roadmap(strategy) if actions is None else actions
    return gantt_svg(
        gantt_rows(actions),
        today=today or timezone.localdate(),
        words=gantt_words(strategy),
        ident=f"gantt-{strategy.pk}",
    )


#: Above this many line pairs (after the common start and end), the diff shows the changed
#: middle as removed and added instead of a line-by-line match: difflib's matching grows with
#: the product of the two lengths (4,000 repeated lines against 4,000 took 2 s; 50,000 minutes).
DIFF_MAX_PAIRS = 1_000_000
DIFF_CONTEXT = 3


def version_diff(older: StrategyVersion, newer: StrategyVersion) -> list[tuple[str, str]]:
    """The line diff of two versions as (kind, line): kind is "+", "-", " " or "@"."""
    a, b = older.text.splitlines(), newer.text.splitlines()
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    if (len(a) - start - end) * (len(b) - start - end) > DIFF_MAX_PAIRS:
        return _coarse_diff(a, b, start, end)
    lines = difflib.unified_diff(
        a, b, fromfile=f"v{older.number}", tofile=f"v{newer.number}", lineterm=""
    )
    out = []
    for n, line in enumerate(lines):
        if n < 2:  # the "--- v1" and "+++ v2" headers
            continue
        kind = line[:1] if line[:1] in "+-@" else " "
        out.append((kind, line[1:] if kind != "@" else line))
    return out


def _coarse_diff(a: list[str], b: list[str], start: int, end: int) -> list[tuple[str, str]]:
    """One hunk: the lines between the common start and end, removed and added (linear time)."""
    first = max(0, start - DIFF_CONTEXT)
    before = a[first:start]
    after = a[len(a) - end : len(a) - end + DIFF_CONTEXT] if end else []
    removed, added = a[start : len(a) - end], b[start : len(b) - end]
    old_count = len(before) + len(removed) + len(after)
    new_count = len(before) + len(added) + len(after)
    out = [("@", f"@@ -{first + 1},{old_count} +{first + 1},{new_count} @@")]
    out += [(" ", line) for line in before]
    out += [("-", line) for line in removed]
    out += [("+", line) for line in added]
    out += [(" ", line) for line in after]
    return out
