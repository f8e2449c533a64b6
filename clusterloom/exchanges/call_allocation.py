"""The coordinator's allocation of a whole call: propose with OR-Tools, edit, confirm."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from clusterloom.core.audit import audit
from clusterloom.core.errors import DomainError
from clusterloom.core.permissions import require

from . import allocation
from .fit import call_fit
from .lifecycle import exchange_propose
from .models import Exchange, ExchangeApplication, ExchangeCall, HostingOffer, MatchOrigin
from .selectors import DEAD, other_live_exchanges_of


@dataclass
class ProposedPair:
    """One line of the proposal: a visitor, a host, the fit, whether it is already agreed."""

    application: ExchangeApplication
    offer: HostingOffer
    fit: float
    agreed: bool


@dataclass
class AllocationProposal:
    """The solver's plan for a call, for the coordinator to edit and confirm."""

    pairs: list[ProposedPair]
    result: allocation.Allocation
    visitors: int
    hosts: int
    candidate_pairs: int


def call_allocation_propose(*, actor, call: ExchangeCall, time_limit: float = 10.0):
    """Plan the call's exchanges: host capacity and every rule respected, never above the
    target, the SME and non-member minimums reached where the applicants allow, most fit."""
    require(actor, "exchanges.allocate_call", call)
    data = call_fit(call)
    applications = {a.pk: a for a in data.applications}
    offers = {o.pk: o for o in data.offers}
    live = Exchange.objects.filter(application__call=call).exclude(status__in=DEAD)
    agreed = set()
    for e in live.select_related("offer__organisation"):
        agreed.add((e.application_id, e.offer_id))
        # A match stays part of the plan even when its offer was since withdrawn or rejected.
        offers.setdefault(e.offer_id, e.offer)
    taken_elsewhere = {}
    for offer in offers.values():
        taken_elsewhere[offer.pk] = (
            offer.exchanges.exclude(status__in=DEAD).exclude(application__call=call).count()
        )
    visitors = []
    for a in applications.values():
        has_here = any(pair[0] == a.pk for pair in agreed)
        if not has_here and other_live_exchanges_of(a.organisation_id):
            continue  # the organisation already takes part through another call
        visitors.append(
            allocation.Visitor(
                id=str(a.pk),
                organisation=str(a.organisation_id),
                country=a.organisation.country_id,
                sme=a.is_sme,
                member=a.is_member,
            )
        )
    hosts = [
        allocation.Host(
            id=str(o.pk),
            organisation=str(o.organisation_id),
            country=o.organisation.country_id,
            capacity=max(0, o.capacity - taken_elsewhere[o.pk]),
        )
        for o in offers.values()
    ]
    visitor_ids = {v.id for v in visitors}
    fits = [
        allocation.Fit(visitor=str(a), host=str(o), score=max(0.0, float(s)))
        for (a, o), s in sorted(data.pairs.items())
        if str(a) in visitor_ids and o in offers
    ]
    targets = allocation.Targets(
        exchanges=call.target_exchanges,
        exchanges_sme=call.target_sme,
        exchanges_non_member=call.target_non_member,
    )
    try:
        result = allocation.allocate(
            hosts,
            visitors,
            fits,
            targets,
            fixed=[(str(a), str(o)) for a, o in sorted(agreed)],
            time_limit=time_limit,
        )
    except allocation.AllocationInputError as error:
        raise DomainError(str(error), field="allocation") from None
    pairs = [
        ProposedPair(
            application=applications[int(v)],
            offer=offers[int(h)],
            fit=data.pairs.get((int(v), int(h)), 0.0),
            agreed=(int(v), int(h)) in agreed,
        )
        for v, h in result.assignments
    ]
    pairs.sort(key=lambda p: (p.agreed, -p.fit))
    return AllocationProposal(pairs, result, len(visitors), len(hosts), len(fits))


@transaction.atomic
def call_allocation_confirm(
    *, actor, call: ExchangeCall, pairs: list[tuple[int, int]]
) -> list[Exchange]:
    """Turn the pairs the coordinator kept into proposed matches; visitor and host confirm."""
    require(actor, "exchanges.allocate_call", call)
    created = []
    fit = call_fit(call).pairs
    for application_id, offer_id in pairs:
        application = call.applications.filter(pk=application_id).first()
        offer = HostingOffer.objects.filter(pk=offer_id).first()
        if application is None or offer is None:
            raise DomainError(_("A proposed pair no longer exists; propose again."), field="pairs")
        if application.exchanges.exclude(status__in=DEAD).filter(offer=offer).exists():
            continue
        created.append(
            exchange_propose(
                actor=actor,
                application=application,
                offer=offer,
                origin=MatchOrigin.ALLOCATION,
                fit=fit.get((application_id, offer_id)),
            )
        )
    audit(actor, "exchanges.allocation_confirmed", call, changes={"exchanges": len(created)})
    return created
