"""How well visitors and hosting offers fit each other, from the partner-matching engine.

A call's validated applications and the validated hosting offers are indexed together in a
small `PartnerIndex` (the platform's sector affinities included); a pair's fit is the index's
reciprocal score: what the host offers against what the visitor seeks AND the other way round,
so a pair ranks high only when each side fits the other. Explanations come with every score.
"""

from dataclasses import dataclass

from clusterloom.matching.index import PartnerIndex, Profile
from clusterloom.matching.live_index import affinity_map
from clusterloom.matching.profiles import term_key
from clusterloom.matching.selectors import MatchResult, match_results

from .models import ExchangeApplication, ExchangeCall, HostingOffer, ReviewStatus
from .selectors import DEAD, remaining_capacity

#: Suggestions per visitor kept as candidate pairs for the allocation.
PAIRS_PER_VISITOR = 20


def _join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def application_profile(application: ExchangeApplication) -> Profile:
    """A visitor as the ranking sees it: goals and needs, its organisation's terms."""
    org = application.organisation
    return Profile(
        id=f"a{application.pk}",
        text=_join(org.name, org.description, application.goals, application.offers),
        terms=tuple(term_key(t) for t in org.terms.all()),
        country=org.country_id or "",
        kind=org.kind,
        offers=_join(application.offers, org.offers),
        requests=_join(application.goals, application.seeks, org.requests),
    )


def offer_profile(offer: HostingOffer) -> Profile:
    """A hosting offer as the ranking sees it: topics and offers, terms of offer and host."""
    org = offer.organisation
    terms = {term_key(t) for t in offer.terms.all()} | {term_key(t) for t in org.terms.all()}
    return Profile(
        id=f"o{offer.pk}",
        text=_join(offer.title, offer.topics, org.name, org.description),
        terms=tuple(sorted(terms)),
        country=org.country_id or "",
        kind=org.kind,
        offers=_join(offer.title, offer.topics, offer.offers, org.offers),
        requests=_join(offer.seeks, org.requests),
    )


def open_offers(*, exclude_full: bool = True) -> list[HostingOffer]:
    """Validated hosting offers, with places left unless `exclude_full` is False."""
    rows = (
        HostingOffer.objects.filter(status=ReviewStatus.VALIDATED)
        .select_related("organisation__country", "organisation__city", "partnership")
        .prefetch_related("terms", "organisation__terms")
    )
    offers = list(rows)
    if exclude_full:
        offers = [o for o in offers if remaining_capacity(o) > 0]
    return offers


def _applications(call: ExchangeCall):
    return list(
        call.applications.filter(status=ReviewStatus.VALIDATED)
        .select_related("organisation__country", "organisation__city", "member_of")
        .prefetch_related("organisation__terms")
    )


def call_index(applications, offers) -> PartnerIndex:
    """One index over the call's visitors and the offers."""
    profiles = [application_profile(a) for a in applications] + [offer_profile(o) for o in offers]
    return PartnerIndex(profiles, affinity=affinity_map())


@dataclass
class HostSuggestion:
    """A hosting offer suggested to a visitor, with the score and the reasons."""

    offer: HostingOffer
    result: MatchResult


def _suggestions(index, application, offers_by_id, k: int) -> list[HostSuggestion]:
    exclude = {pid for pid in index.ids() if pid.startswith("a") and pid != f"a{application.pk}"}
    matches = index.reciprocal(
        f"a{application.pk}", k=k, other_country_only=True, exclude_ids=exclude
    )
    kept = [
        (m, offers_by_id[m.id])
        for m in matches
        if m.score > 0 and offers_by_id[m.id].organisation_id != application.organisation_id
    ]
    results = match_results([(m, offer.organisation) for m, offer in kept], reciprocal=True)
    return [
        HostSuggestion(offer=offer, result=result)
        for (_m, offer), result in zip(kept, results, strict=True)
    ]


def host_suggestions(application: ExchangeApplication, *, k: int = 10) -> list[HostSuggestion]:
    """Hosting offers with places left that fit this visitor (reciprocal), best first."""
    offers = [
        o for o in open_offers() if o.organisation.country_id != application.organisation.country_id
    ]
    if not offers:
        return []
    index = call_index([application], offers)
    return _suggestions(index, application, {f"o{o.pk}": o for o in offers}, k)


@dataclass
class CallFit:
    """Everything the allocation of a call reads."""

    applications: list[ExchangeApplication]
    offers: list[HostingOffer]
    pairs: dict[tuple[int, int], float]  # (application id, offer id) -> fit


def call_fit(call: ExchangeCall, *, per_visitor: int = PAIRS_PER_VISITOR) -> CallFit:
    """Candidate pairs of a call: each validated visitor's best-fitting offers."""
    applications = _applications(call)
    offers = open_offers(exclude_full=False)
    pairs: dict[tuple[int, int], float] = {}
    if applications and offers:
        index = call_index(applications, offers)
        by_id = {f"o{o.pk}": o for o in offers}
        for application in applications:
            for s in _suggestions(index, application, by_id, per_visitor):
                pairs[(application.pk, s.offer.pk)] = s.result.score
    for application in applications:  # matches already made stay part of the plan
        for exchange in application.exchanges.exclude(status__in=DEAD):
            pairs.setdefault((application.pk, exchange.offer_id), exchange.fit or 0.0)
    return CallFit(applications, offers, pairs)
