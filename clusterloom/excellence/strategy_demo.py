"""The strategies of the demo: for EXTRATEX an adopted joint strategy and adopted cluster
strategies (a draft for the fifth partner), for Hi-Tech-TEX a draft joint strategy and a few
cluster strategies; each with a roadmap of 4 to 7 actions (done, in progress, planned, one late
in each joint roadmap) and milestones. Texts are drawn from the partnerships' own objectives.
Built through the services; safe to run again (a partnership with a joint strategy is left as
it is)."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from clusterloom.partnerships.models import Partnership

from . import strategy_services as services
from .models import Strategy, StrategyScope

#: (acronym, joint strategy adopted, cluster strategies adopted, cluster strategies drafted)
PLAN = (("EXTRATEX", True, 4, 1), ("Hi-Tech-TEX", False, 1, 2))


def _months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, min(day.day, 28))


def _timeline(partnership: Partnership, today: datetime.date):
    """Start and end of the partnership (a year ago and 24 months when the profile is silent)."""
    start = partnership.start_date or _months(today, -12).replace(day=1)
    return start, _months(start, partnership.duration_months or 24)


def _bullets(lines) -> str:
    return "\n".join(f"- {line.strip().rstrip('.;')}" for line in lines if line.strip())


def _joint_text(p: Partnership, start, end, revised: bool) -> str:
    actions = _bullets(p.actions.values_list("text", flat=True)) or "- Raise cluster excellence"
    results = _bullets(p.expected_results.values_list("text", flat=True))
    first = (p.objectives or p.title).strip().split("\n")[0]
    text = (
        f"# {p.acronym} joint strategy {start.year}–{end.year + 5}\n\n"
        f"## Where we start\n\n{first}\n\n## Strategic objectives\n\n{actions}\n\n"
    )
    if results:
        text += f"## Results we commit to\n\n{results}\n\n"
    text += (
        "## How we work together\n\n"
        "The partners meet every quarter; the coordinator keeps the roadmap below up to date and "
        "reports progress against the partnership's targets.\n"
    )
    if revised:
        text += (
            "\n## Sustainability after the project\n\n"
            "The partners keep the joint service portfolio and the exchange scheme running "
            "with their own resources and regional co-funding.\n"
        )
    return text


def _cluster_text(organisation, partnership: Partnership, start) -> str:
    sectors = ", ".join(organisation.terms.values_list("name", flat=True)[:4]) or "its sector"
    return (
        f"# Strategy of {organisation.name} {start.year}–{start.year + 6}\n\n"
        f"## Vision\n\nA cluster that helps its members in {sectors} grow through innovation, "
        f"skills and international partners, building on the {partnership.acronym} "
        "partnership.\n\n## Priorities\n\n"
        "1. **Excellence of the cluster organisation**: benchmarking and the next label level.\n"
        "2. **Services for members**: new advisory services on sustainability and digital "
        "transformation.\n"
        "3. **Internationalisation**: exchanges, matchmaking and joint projects with the "
        "partner clusters.\n\n## Governance\n\nThe board reviews this strategy every year.\n"
    )


def _roadmap(strategy, partners, start, end, today, *, joint: bool) -> None:
    """4 to 7 actions spread from the partnership's start to beyond today."""
    actor = _admin()
    plan = [
        ("Benchmark the cluster management (bronze label)", 1, 6,
         ["benchmarkings", "labels_bronze"], [("Self-assessment submitted", 3)]),
        ("Peer learning on sustainable textile value chains", 4, 16,
         ["learning_events", "study_visits"], [("First study visit", 8)]),
        ("ClusterXchange visits of SMEs between the regions", 3, None,
         ["exchanges", "exchanges_sme"], [("Half of the visits done", 12)]),
        ("New member service: circularity audits", 10, "+8", ["cluster_strategies"],
         [("Pilot with five SMEs", "-2"), ("Service launched", "+5")]),
        ("Joint B2B matchmaking with the automotive sector", "+1", "+6", ["matchmaking_events"],
         [("Programme agreed", "+2")]),
        ("Dissemination: results brochure and webinar series", 6, "+12", ["dissemination"], []),
    ]  # fmt: skip
    if joint:
        plan.append(
            ("Prepare the silver label (second benchmarking)", "-10", "-1", ["labels_silver"],
             [("Second benchmarking held", "-2")])
        )  # fmt: skip
    else:
        plan = plan[: 4 + strategy.pk % 2]

    def day(offset):
        if offset is None:
            return end
        if isinstance(offset, str):
            return _months(today, int(offset))
        return _months(start, offset)

    for n, (title, first, last, codes, milestones) in enumerate(plan):
        starts, ends = day(first), day(last)
        if ends < starts:
            starts, ends = ends, starts
        # Within the strategy's period (an action outside it needs the author's confirmation).
        if strategy.period_end and ends > strategy.period_end:
            ends = strategy.period_end
            starts = min(starts, ends)
        if strategy.period_start and starts < strategy.period_start:
            starts = strategy.period_start
            ends = max(starts, ends)
        late = title.startswith("Prepare the silver")
        if late or starts <= today < ends:
            status = "in_progress"
        elif ends <= today:
            status = "done"
        else:
            status = "planned"
        owner = partners[n % len(partners)] if partners else None
        action = services.action_create(
            actor=actor,
            strategy=strategy,
            data={
                "title": title,
                "description": "",
                "owner": owner.pk if owner else None,
                "starts_on": starts,
                "ends_on": ends,
                "status": status,
                "completed_on": ends if status == "done" else None,
                "target_codes": codes,
                "order": n,
            },
        )
        for label, due in milestones:
            due_on = min(max(day(due), starts), ends)
            reached = due_on if due_on <= today and not (late or status == "planned") else None
            services.milestone_add(
                actor=actor,
                action=action,
                data={"title": label, "due_on": due_on, "reached_on": reached},
            )


def _admin():
    return get_user_model().objects.filter(is_superuser=True).order_by("pk").first()


def _strategies_of(p: Partnership, joint_adopted: bool, adopted: int, drafted: int, today) -> int:
    actor = _admin()
    start, end = _timeline(p, today)
    partners = [m.organisation for m in p.members.select_related("organisation")]
    adopt_day = min(_months(start, 10), today)
    joint = services.strategy_create(
        actor=actor,
        scope=StrategyScope.JOINT,
        partnership=p,
        data={
            "title": f"{p.acronym} joint strategy and roadmap",
            "text": _joint_text(p, start, end, revised=False),
            "note": "First draft from the partnership's objectives",
            "period_start": start,
            "period_end": _months(end, 60),
            "is_published": joint_adopted,
        },
    )
    services.strategy_update(
        actor=actor,
        strategy=joint,
        data={
            "text": _joint_text(p, start, end, revised=True),
            "note": "Sustainability section added after the partners' workshop",
        },
    )
    if joint_adopted:
        services.strategy_adopt(actor=actor, strategy=joint, adopted_on=adopt_day)
    _roadmap(joint, partners, start, end, today, joint=True)
    made = 1
    free = [o for o in partners if not Strategy.objects.filter(organisation=o).exists()]
    for n, organisation in enumerate(free[: adopted + drafted]):
        strategy = services.strategy_create(
            actor=actor,
            scope=StrategyScope.CLUSTER,
            organisation=organisation,
            partnership=p,
            data={
                "title": f"{organisation.short_name or organisation.name} cluster strategy",
                "text": _cluster_text(organisation, p, start),
                "note": "First version",
                "period_start": start,
                "period_end": _months(start, 84),
                "is_published": n < adopted,
            },
        )
        if n < adopted:
            services.strategy_adopt(
                actor=actor, strategy=strategy, adopted_on=min(_months(start, 12 + 2 * n), today)
            )
        _roadmap(strategy, [organisation], start, end, today, joint=False)
        made += 1
    return made


@transaction.atomic
def demo_strategies() -> str:
    """Create the demo strategies and roadmaps (once)."""
    if _admin() is None:
        return "Strategies demo: skipped (no admin)"
    today = timezone.localdate()
    done = []
    for acronym, joint_adopted, adopted, drafted in PLAN:
        partnership = Partnership.objects.filter(acronym=acronym).first()
        if partnership is None:
            continue
        if Strategy.objects.filter(scope=StrategyScope.JOINT, partnership=partnership).exists():
            done.append(f"{acronym} already there")
            continue
        made = _strategies_of(partnership, joint_adopted, adopted, drafted, today)
        done.append(f"{acronym} {made} strategies")
    return "Strategies demo: " + (", ".join(done) or "no seed partnership")
