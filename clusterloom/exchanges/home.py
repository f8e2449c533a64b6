"""What ClusterXchange puts on a user's home page: registrations to validate and closing
reports to check for coordinators; the visitor's or host's own applications, offers and visits."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clusterloom.core.home import HomeItem, HomeSection, Task
from clusterloom.core.permissions import coordinated_partnership_ids

from .models import (
    Exchange,
    ExchangeApplication,
    ExchangeCall,
    ExchangeStatus,
    HostingOffer,
    ReviewStatus,
)
from .selectors import acting_for

#: At most this many of the user's applications and visits on the home page.
SHOWN = 8
#: Visits that still ask something of the visitor or the host.
UNDER_WAY = (ExchangeStatus.PROPOSED, ExchangeStatus.MATCHED, ExchangeStatus.COMMITTED)


def tasks(user) -> list[Task]:
    """Applications and offers to validate, closing reports to check (coordinators); proposed
    visits to confirm (visitors and hosts)."""
    if not user.is_authenticated:
        return []
    found = []
    ids = coordinated_partnership_ids(user)
    calls = (
        ExchangeCall.objects.filter(partnership_id__in=ids)
        .annotate(n=Count("applications", filter=Q(applications__status=ReviewStatus.SUBMITTED)))
        .filter(n__gt=0)
        .order_by("title")
    )
    for call in calls:
        found.append(
            Task(
                title=ngettext(
                    "%(n)d application awaits validation",
                    "%(n)d applications await validation",
                    call.n,
                )
                % {"n": call.n},
                where=call.title,
                link=reverse("exchange_call_detail", args=[call.slug]),
            )
        )
    offers = HostingOffer.objects.filter(partnership_id__in=ids, status=ReviewStatus.SUBMITTED)
    for offer in offers.select_related("organisation").order_by("created_at"):
        found.append(
            Task(
                title=_("Hosting offer awaits validation: %(title)s") % {"title": offer.title},
                where=offer.organisation.name,
                link=reverse("hosting_offer_detail", args=[offer.pk]),
            )
        )
    reported = Exchange.objects.filter(
        application__call__partnership_id__in=ids, status=ExchangeStatus.REPORTED
    ).select_related("application__organisation", "offer__organisation")
    for exchange in reported.order_by("reported_at", "id"):
        found.append(
            Task(
                title=_("Closing report to validate"),
                where=_("%(visitor)s at %(host)s")
                % {
                    "visitor": exchange.application.organisation.name,
                    "host": exchange.offer.organisation.name,
                },
                link=reverse("exchange_detail", args=[exchange.pk]),
                due=exchange.end,
            )
        )
    acting = acting_for(user)
    proposed = (
        Exchange.objects.filter(status=ExchangeStatus.PROPOSED)
        .filter(
            Q(application__in=ExchangeApplication.objects.filter(acting), visitor_confirmed_at=None)
            | Q(offer__in=HostingOffer.objects.filter(acting), host_confirmed_at=None)
        )
        .select_related("application__organisation", "offer__organisation")
    )
    for exchange in proposed.order_by("created_at"):
        found.append(
            Task(
                title=_("A proposed visit awaits your confirmation"),
                where=_("%(visitor)s at %(host)s")
                % {
                    "visitor": exchange.application.organisation.name,
                    "host": exchange.offer.organisation.name,
                },
                link=reverse("exchange_detail", args=[exchange.pk]),
                due=exchange.start,
            )
        )
    return found


def sections(user) -> list[HomeSection]:
    """The applications, hosting offers and visits the user acts for."""
    if not user.is_authenticated:
        return []
    acting = acting_for(user)
    applications = list(
        ExchangeApplication.objects.filter(acting)
        .select_related("call", "organisation")
        .order_by("-created_at")[:SHOWN]
    )
    offers = list(
        HostingOffer.objects.filter(acting)
        .select_related("organisation")
        .order_by("-created_at")[:SHOWN]
    )
    visits = list(
        Exchange.objects.filter(
            Q(application__in=ExchangeApplication.objects.filter(acting))
            | Q(offer__in=HostingOffer.objects.filter(acting))
        )
        .select_related("application__organisation", "offer__organisation")
        .order_by("-start", "-id")[:SHOWN]
    )
    if not (applications or offers or visits):
        return []
    items = [
        HomeItem(
            title=_("Visit: %(visitor)s at %(host)s")
            % {
                "visitor": exchange.application.organisation.name,
                "host": exchange.offer.organisation.name,
            },
            link=reverse("exchange_detail", args=[exchange.pk]),
            detail=exchange.get_status_display(),
            when=exchange.start,
        )
        for exchange in visits
    ]
    items += [
        HomeItem(
            title=_("Application: %(call)s") % {"call": application.call.title},
            link=reverse("exchange_application_detail", args=[application.pk]),
            detail=f"{application.organisation.name}, {application.get_status_display()}",
        )
        for application in applications
    ]
    items += [
        HomeItem(
            title=_("Hosting offer: %(title)s") % {"title": offer.title},
            link=reverse("hosting_offer_detail", args=[offer.pk]),
            detail=f"{offer.organisation.name}, {offer.get_status_display()}",
            when=offer.available_from,
        )
        for offer in offers
    ]
    return [
        HomeSection(
            key="my-exchanges",
            heading=_("My exchanges"),
            items=items,
            links=[(_("ClusterXchange calls"), reverse("exchange_call_list"))],
        )
    ]
