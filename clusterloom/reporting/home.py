"""What reporting puts on a coordinator's home page: each partnership they coordinate with its
dashboard, and what is late there (roadmap actions, partner labels, planned activities)."""

from functools import partial

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clusterloom.activities.models import Activity, ActivityStatus
from clusterloom.core.home import HomeItem, HomeSection, Task
from clusterloom.core.permissions import coordinated_partnership_ids
from clusterloom.partnerships.models import Partnership

from .selectors import labels_to_renew, late_actions


def _coordinated(user):
    return Partnership.objects.filter(pk__in=coordinated_partnership_ids(user)).order_by("acronym")


def tasks(user) -> list[Task]:
    """Late roadmap actions, partner labels to renew and planned activities past their end, per
    partnership the user coordinates; each links to the dashboard's list of what is late."""
    today = timezone.localdate()
    found = []
    for partnership in _coordinated(user):
        link = reverse("reporting_dashboard", args=[partnership.slug]) + "#late"
        task = partial(Task, where=partnership.acronym, link=link)
        actions = late_actions(partnership, today)
        if actions:
            n = len(actions)
            title = ngettext(
                "%(n)d roadmap action is late", "%(n)d roadmap actions are late", n
            ) % {"n": n}
            found.append(task(title=title, due=min(action.ends_on for action in actions)))
        labels = labels_to_renew(partnership, today)
        if labels:
            n = len(labels)
            title = ngettext(
                "%(n)d partner label expires or has expired",
                "%(n)d partner labels expire or have expired",
                n,
            ) % {"n": n}
            found.append(task(title=title, due=labels[0].valid_until))
        activities = Activity.objects.filter(
            partnership=partnership, status=ActivityStatus.PLANNED, ends_on__lt=today
        ).order_by("ends_on")
        first = activities.first()
        if first is not None:
            n = activities.count()
            title = ngettext(
                "%(n)d planned activity is past its end: record it as held or cancelled",
                "%(n)d planned activities are past their end: record them as held or cancelled",
                n,
            ) % {"n": n}
            found.append(task(title=title, due=first.ends_on))
    return found


def sections(user) -> list[HomeSection]:
    """The partnerships the user coordinates, each with its profile, dashboard and strategy."""
    rows = list(_coordinated(user))
    if not rows:
        return []
    return [
        HomeSection(
            key="my-partnerships",
            heading=_("My partnerships"),
            items=[
                HomeItem(
                    title=f"{p.acronym}: {p.title}",
                    link=reverse("reporting_dashboard", args=[p.slug]),
                    detail=_("Progress dashboard")
                    + (" · " + _("not published") if not p.is_published else ""),
                )
                for p in rows
            ],
            links=[
                link
                for p in rows[:3]
                for link in (
                    (
                        _("%(acronym)s profile") % {"acronym": p.acronym},
                        reverse("partnership_detail", args=[p.slug]),
                    ),
                    (
                        _("%(acronym)s strategy") % {"acronym": p.acronym},
                        reverse("strategy_overview", args=[p.slug]),
                    ),
                )
            ],
        )
    ]
