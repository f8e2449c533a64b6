"""What excellence puts on a cluster manager's home page: the labels and strategies of the
organisations they manage, and the labels about to expire."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from clusterloom.core.home import HomeItem, HomeSection, Task
from clusterloom.core.permissions import managed_organisation_ids

from .models import ClusterLabel, Strategy
from .selectors import with_status


def _latest_labels(ids) -> list[ClusterLabel]:
    """The newest label of each level of each organisation (an older one is replaced)."""
    latest = {}
    for label in (
        ClusterLabel.objects.filter(organisation_id__in=ids)
        .select_related("organisation")
        .order_by("valid_until")
    ):
        latest[(label.organisation_id, label.level)] = label
    return list(latest.values())


def tasks(user) -> list[Task]:
    """Labels of the user's organisations that expire soon or have expired (not renewed)."""
    ids = managed_organisation_ids(user)
    if not ids:
        return []
    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=settings.LABEL_EXPIRY_WARNING_DAYS)
    found = []
    for label in _latest_labels(ids):
        if label.valid_until > horizon:
            continue
        title = (
            _("%(level)s label expired: renew it")
            if label.valid_until < today
            else _("%(level)s label expires soon: plan the renewal")
        ) % {"level": label.get_level_display()}
        found.append(
            Task(
                title=capfirst(title),
                where=label.organisation.name,
                link=reverse("excellence_organisation", args=[label.organisation.slug]),
                due=label.valid_until,
            )
        )
    return found


def sections(user) -> list[HomeSection]:
    """Labels and strategies of the organisations the user manages."""
    ids = managed_organisation_ids(user)
    if not ids:
        return []
    labels = with_status(_latest_labels(ids))
    strategies = Strategy.objects.filter(organisation_id__in=ids).select_related("organisation")
    items = [
        HomeItem(
            title=capfirst(_("%(level)s label") % {"level": label.get_level_display()}),
            link=reverse("excellence_organisation", args=[label.organisation.slug]),
            detail=f"{label.organisation.name}, {label.status_name}",
            when=label.valid_until,
        )
        for label in sorted(labels, key=lambda label: label.valid_until)
    ]
    items += [
        HomeItem(
            title=strategy.title,
            link=reverse("strategy_detail", args=[strategy.pk]),
            detail=f"{strategy.organisation.name}, {strategy.get_status_display()}",
            when=strategy.adopted_on,
        )
        for strategy in strategies.order_by("-updated_at")[:6]
    ]
    return [
        HomeSection(
            key="labels-strategies",
            heading=_("Labels and strategies"),
            items=items,
            links=[(_("All labels"), reverse("excellence_labels"))],
            empty=_("No label or strategy is recorded for your organisations yet."),
        )
    ]
