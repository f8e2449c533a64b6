"""Whom to meet: reciprocal suggestions from the partner-matching engine, within the rules.

The event's approved participants are indexed in a small `PartnerIndex` (profile text, the
marketplace offers as what they offer, the requests as what they seek, the organisation's
terms); a pair ranks high only when each side fits the other's needs. Pairs the organisers'
rules forbid, pairs that already have a request or a meeting, one's own organisation and
participants who keep their profile private are left out; `whom_to_meet` also says how many
were left out for each reason (counts only: who keeps a profile private stays unknown), and
each suggestion carries a strength a person reads ("strong match", see matching/strength.py).
"""

from dataclasses import dataclass, field

from clusterloom.matching.index import PartnerIndex, Profile
from clusterloom.matching.live_index import affinity_map
from clusterloom.matching.profiles import term_key
from clusterloom.matching.selectors import MatchResult, match_results
from clusterloom.matching.strength import match_strength, strength_label

from .meetings import meeting_rules
from .models import MatchmakingEvent, Participant, RegistrationStatus
from .selectors import busy_pairs


def _join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def _item_text(item) -> str:
    """An item's title and description (once when an import repeated the title)."""
    if not item.description or item.description.strip() == item.title.strip():
        return item.title
    return f"{item.title}. {item.description}"


def participant_profile(p: Participant) -> Profile:
    """A participant as the ranking sees them."""
    items = list(p.items.all())
    offers = [_item_text(i) for i in items if i.kind in ("offer", "cooperation")]
    needs = [_item_text(i) for i in items if i.kind in ("request", "cooperation")]
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

    @property
    def strength(self) -> str:
        """ "strong", "good" or "possible" (matching/strength.py)."""
        return match_strength(self.result.score)

    @property
    def strength_label(self) -> str:
        """The strength in the reader's language, e.g. "strong match"."""
        return strength_label(self.result.score)


@dataclass
class WhomToMeet:
    """A participant's suggestions, and why the others are not among them (counts only)."""

    suggestions: list[MeetingSuggestion] = field(default_factory=list)
    #: Approved participants of other organisations who keep their profile unpublished.
    hidden_unpublished: int = 0
    #: Published participants the organisers' group rules do not let this one meet.
    hidden_by_rules: int = 0
    #: Others cannot find this participant: their own profile is unpublished.
    me_unpublished: bool = False
    #: The rules let this participant meet nobody (no group, or a group no rule names).
    me_meets_nobody: bool = False


def _approved(event: MatchmakingEvent) -> list[Participant]:
    return list(
        event.participants.filter(status=RegistrationStatus.APPROVED)
        .select_related("organisation__country", "group")
        .prefetch_related("items", "terms", "organisation__terms")
    )


def whom_to_meet(participant: Participant, *, k: int = 10) -> WhomToMeet:
    """Participants who fit this one and whose needs it fits, best first, within the rules;
    with how many others the rules or unpublished profiles hide."""
    people = _approved(participant.event)
    if participant.pk not in {p.pk for p in people}:
        return WhomToMeet()
    rules = meeting_rules(participant.event)
    # Oneself and one's own organisation are never suggested, nor counted as hidden.
    others = [p for p in people if p.organisation_id != participant.organisation_id]
    unpublished = {p.pk for p in others if not p.consent_public}
    barred = {p.pk for p in others if p.pk not in unpublished and not rules(participant, p)}
    outlook = WhomToMeet(
        hidden_unpublished=len(unpublished),
        hidden_by_rules=len(barred),
        me_unpublished=not participant.consent_public,
        me_meets_nobody=rules.meets_nobody(participant),
    )
    candidates = {str(p.pk) for p in others} - {str(i) for i in unpublished | barred}
    candidates -= {str(i) for i in busy_pairs(participant)}
    if not candidates:
        return outlook
    # A participant who did not consent to publish the profile is not shown to others (they
    # may still ask for meetings themselves).
    index = PartnerIndex([participant_profile(p) for p in people], affinity=affinity_map())
    by_id = {str(p.pk): p for p in people}
    exclude = set(by_id) - candidates
    matches = index.reciprocal(str(participant.pk), k=k, exclude_ids=exclude)
    kept = [(m, by_id[m.id]) for m in matches if m.score > 0]
    results = match_results([(m, other.organisation) for m, other in kept])
    outlook.suggestions = [
        MeetingSuggestion(participant=other, result=result)
        for (_m, other), result in zip(kept, results, strict=True)
    ]
    return outlook


def suggestions_for(participant: Participant, *, k: int = 10) -> list[MeetingSuggestion]:
    """Participants who fit this one and whose needs it fits, best first, within the rules."""
    return whom_to_meet(participant, k=k).suggestions
