"""Reads of matchmaking events: who sees what, suggestions of whom to meet, agendas, figures."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from clusterloom.core.permissions import coordinated_partnership_ids, is_admin

from .meetings import LIVE, may_meet
from .models import (
    EventStatus,
    FeedbackStage,
    MatchmakingEvent,
    Meeting,
    MeetingStatus,
    Participant,
    RegistrationStatus,
)


def events_visible_to(user) -> QuerySet[MatchmakingEvent]:
    """Events of published partnerships once out of draft; drafts for their organisers."""
    rows = MatchmakingEvent.objects.select_related("partnership")
    if is_admin(user):
        return rows
    public = Q(partnership__is_published=True) & ~Q(status=EventStatus.DRAFT)
    return rows.filter(public | Q(partnership_id__in=coordinated_partnership_ids(user)))


#: Not looked up yet (None means "not registered").
UNKNOWN = object()


def participant_of(user, event: MatchmakingEvent) -> Participant | None:
    """The user's registration for the event, if any (with what a meeting shows of it)."""
    if not (user and user.is_authenticated):
        return None
    return event.participants.select_related("organisation", "group").filter(user=user).first()


def participants_visible_to(user, event: MatchmakingEvent, me=UNKNOWN) -> QuerySet[Participant]:
    """Organisers see every registration; approved participants see the approved ones who
    consented to a public profile (and themselves). `me`: the user's registration, if the
    caller looked it up already."""
    rows = event.participants.select_related("organisation__country", "group", "person")
    if is_admin(user) or event.partnership_id in coordinated_partnership_ids(user):
        return rows
    if me is UNKNOWN:
        me = participant_of(user, event)
    if me is None:
        return rows.none()
    if me.status != RegistrationStatus.APPROVED:
        return rows.filter(pk=me.pk)  # one's own registration, while it awaits approval
    return rows.filter(Q(pk=me.pk) | Q(status=RegistrationStatus.APPROVED, consent_public=True))


def meetings_of(participant: Participant) -> QuerySet[Meeting]:
    """A participant's requests and meetings, in time order."""
    return (
        Meeting.objects.filter(Q(requester=participant) | Q(invitee=participant))
        .select_related("requester__organisation", "invitee__organisation", "slot", "table")
        .order_by("slot__starts_at", "created_at")
    )


def agenda(participant: Participant) -> list[Meeting]:
    """The participant's scheduled meetings (published ones once the schedule is out)."""
    rows = meetings_of(participant).filter(status=MeetingStatus.SCHEDULED)
    if not participant.event.schedule_published:
        rows = rows.filter(published=True)
    return list(rows)


def other_side(meeting: Meeting, participant: Participant) -> Participant:
    """The person the participant meets."""
    return meeting.invitee if meeting.requester_id == participant.pk else meeting.requester


def busy_pairs(participant: Participant) -> set[int]:
    """Participants this one already has a live request or meeting with."""
    rows = Meeting.objects.filter(status__in=LIVE).filter(
        Q(requester=participant) | Q(invitee=participant)
    )
    return {m.invitee_id if m.requester_id == participant.pk else m.requester_id for m in rows}


@dataclass
class EventStatistics:
    """The figures of an event page for organisers (and the funder report)."""

    registrations: int
    approved: int
    by_country: list[tuple[str, int]]
    by_kind: list[tuple[str, int]]
    requests: int
    accepted: int
    declined: int
    expired: int
    acceptance_rate: float | None
    scheduled: int
    unscheduled: int
    held: int
    no_show: int
    outcomes: list[tuple[str, str, int]]  # (stage label, outcome label, count)


def event_statistics(event: MatchmakingEvent) -> EventStatistics:
    """Registrations by country and kind, requests, acceptance, meetings held, outcomes."""
    people = list(event.participants.select_related("organisation__country"))
    approved = [p for p in people if p.status == RegistrationStatus.APPROVED]
    countries = Counter(p.organisation.country.name for p in approved)
    kinds = Counter(p.organisation.get_kind_display() for p in approved)
    status = Counter(event.meetings.values_list("status", flat=True))
    answered = sum(status[s] for s in ("accepted", "scheduled", "unscheduled", "declined"))
    accepted = sum(status[s] for s in ("accepted", "scheduled", "unscheduled"))
    attendance = Counter(event.meetings.values_list("attendance", flat=True))
    stage_labels = dict(FeedbackStage.choices)
    outcomes = Counter()
    from .models import MeetingFeedback

    for row in MeetingFeedback.objects.filter(meeting__event=event):
        outcomes[(str(stage_labels[row.stage]), row.get_outcome_display())] += 1
    return EventStatistics(
        registrations=len(people),
        approved=len(approved),
        by_country=countries.most_common(),
        by_kind=kinds.most_common(),
        requests=sum(status.values()),
        accepted=accepted,
        declined=status["declined"],
        expired=status["expired"],
        acceptance_rate=round(accepted / answered, 3) if answered else None,
        scheduled=status["scheduled"],
        unscheduled=status["unscheduled"],
        held=attendance["held"],
        no_show=attendance["no_show"],
        outcomes=[(s, o, n) for (s, o), n in sorted(outcomes.items())],
    )


__all__ = ["may_meet"]
