"""What the directory puts on a cluster manager's home page: the organisations they manage,
with their members."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clusterloom.core.home import HomeItem, HomeSection
from clusterloom.core.permissions import managed_organisation_ids

from .models import Organisation


def sections(user) -> list[HomeSection]:
    """The organisations the user manages, with the number of members on the platform."""
    ids = managed_organisation_ids(user)
    if not ids:
        return []
    rows = (
        Organisation.objects.filter(pk__in=ids)
        .select_related("country", "cluster")
        .annotate(members=Count("cluster__memberships"))
        .order_by("name")
    )
    items = []
    for organisation in rows:
        declared = getattr(getattr(organisation, "cluster", None), "member_count", None)
        detail = ngettext(
            "%(n)d member on the platform", "%(n)d members on the platform", organisation.members
        ) % {"n": organisation.members}
        if declared:
            detail += ", " + _("%(n)d declared") % {"n": declared}
        items.append(
            HomeItem(
                title=organisation.name,
                link=reverse("organisation_detail", args=[organisation.slug]),
                detail=detail,
            )
        )
    return [
        HomeSection(
            key="my-organisations",
            heading=_("My organisations"),
            items=items,
            links=[(_("Directory"), reverse("organisation_list"))],
        )
    ]
