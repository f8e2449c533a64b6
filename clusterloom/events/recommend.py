"""Whom to meet: reciprocal suggestions from the partner-matching engine, within the rules.

The event's approved participants are indexed in a small `PartnerIndex` (profile text, the
marketplace offers as what they offer, the requests as what they seek, the organisation's
terms); a pair ranks high only when each side fits the other's needs. Pairs the organisers'
rules forbid, pairs that already have a request or a meeting, one's own organisation and
participants who keep their profile private are left out.
"""

from dataclasses import dataclass

from clusterloom.matching.index import PartnerIndex, Profile
from clusterloom.matching.live_index import affinity_map
from clusterloom.matching.profiles import term_key
from clusterloom.matching.selectors import MatchResult, match_results

from .meetings import may_meet
from .models import MatchmakingEvent, Participant, RegistrationStatus
from .selectors import busy_pairs


def _join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def participant_profile(p: Participant) -> Profile:
    """A participant as the ranking sees them."""
    items = list(p.items.all())
    offers = [f"{i.title}. {i.description}" for i in items if i.kind in ("offer", "cooperation")]
    needs = [f"{i.title}. {i.description}" for i in items if i.kind in ("request", "cooperation")]
    org = p.organisation
    terms = {term_key(t) for t in p.terms.all()} | {term_key(t) for t in org.terms.all()}
    return Profile(
        id=str(p.pk),
        text=_join(org.name, p.profile, org.description, *offers, *needs),
        terms=tuple(sorted(terms)),
        country=org.country_id or "",
        kind=org.kind,
        offers=_join(*offers, org.offers),
        requests=_join(*needs, org.requests),
    )


@dataclass
class MeetingSuggestion:
    """A participant worth meeting, with the reasons."""

    participant: Participant
    result: MatchResult


def _approved(event: MatchmakingEvent) -> list[Participant]:
    return list(
        event.participants.filter(status=RegistrationStatus.APPROVED)
        .select_related("organisation__country", "group")
        .prefetch_related("items", "terms", "organisation__terms")
    )


def suggestions_for(participant: Participant, *, k: int = 10) -> list[MeetingSuggestion]:
    """Participants who fit this one and whose needs it fits, best first, within the rules."""
    people = _approved(participant.event)
    if participant.pk not in {p.pk for p in people}:
        return []
    index = PartnerIndex([participant_profile(p) for p in people], affinity=affinity_map())
    by_id = {str(p.pk): p for p in people}
    exclude = {str(i) for i in busy_pairs(participant)}
    exclude |= {pid for pid, p in by_id.items() if not may_meet(participant, p)}
    exclude |= {str(p.pk) for p in people if p.organisation_id == participant.organisation_id}
    # A participant who did not consent to publish the profile is not shown to others (they
    # may still ask for meetings themselves).
    exclude |= {str(p.pk) for p in people if not p.consent_public}
    matches = index.reciprocal(str(participant.pk), k=k, exclude_ids=exclude)
    kept = [(m, by_id[m.id]) for m in matches if m.score > 0]
    results = match_results([(m, other.organisation) for m, other in kept])
    return [
        MeetingSuggestion(participant=other, result=result)
        for (_m, other), result in zip(kept, results, strict=True)
    ]
