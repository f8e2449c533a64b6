"""What the matchmaking-events API reads and returns: the objects a caller may see, models as
the API shows them, and API input as the services take it."""

import zoneinfo

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from clusterloom.core.errors import DomainError, NotFound
from clusterloom.core.permissions import has_rule_perm

from . import meetings, selectors
from .models import (
    MatchmakingEvent,
    Meeting,
    MeetingTable,
    Participant,
    ParticipantGroup,
    RegistrationStatus,
    TimeSlot,
)

# -- objects the caller may see ---------------------------------------------------------------


def visible_event(request: HttpRequest, slug: str) -> MatchmakingEvent:
    """The event with this slug if the caller may see it; NotFound otherwise."""
    event = selectors.events_visible_to(request.user).filter(slug=slug).first()
    if event is None:
        raise NotFound(_("No event “%(slug)s”.") % {"slug": slug})
    return event


def organises(request: HttpRequest, event: MatchmakingEvent) -> bool:
    """The caller is one of the event's organisers (or an admin)."""
    return has_rule_perm(request.user, "events.change_event", event)


def visible_participant(
    request: HttpRequest,
    event: MatchmakingEvent,
    pk: int,
    field: str | None = None,
    me=selectors.UNKNOWN,
) -> Participant:
    """The event's participant if the caller may see them; NotFound otherwise. `me`: the
    caller's registration, if looked up already."""
    found = selectors.participants_visible_to(request.user, event, me).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No participant with id %(id)s.") % {"id": pk}, field=field)
    return found


def meetings_visible_to(request: HttpRequest, event: MatchmakingEvent) -> QuerySet[Meeting]:
    """Organisers see every meeting of the event; a participant their own."""
    rows = event.meetings.select_related(*meetings.MEETING_RELATED)
    if organises(request, event):
        return rows
    user = request.user
    return rows.filter(Q(requester__user=user) | Q(invitee__user=user))


def visible_meeting(
    request: HttpRequest, event: MatchmakingEvent, pk: int, related: bool = True
) -> Meeting:
    """The meeting if the caller is one of its sides or organises the event; NotFound else.
    Without `related`, its own row only (for a change that reads it again under its lock)."""
    rows = meetings_visible_to(request, event)
    found = (rows if related else rows.select_related(None)).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No meeting with id %(id)s.") % {"id": pk})
    return found


def group_of(event: MatchmakingEvent, value, field: str) -> ParticipantGroup:
    """The event's group with this id or name; a DomainError naming the field otherwise."""
    rows = event.groups.all()
    found = (
        rows.filter(pk=value).first()
        if isinstance(value, int)
        else rows.filter(name__iexact=str(value).strip()).first()
    )
    if found is None:
        raise DomainError(_("Unknown group “%(g)s”.") % {"g": value}, field=field)
    return found


# -- output ---------------------------------------------------------------------------------------


def local_time(event: MatchmakingEvent, moment):
    """A moment in the event's time zone (ISO output then carries the event's offset)."""
    return moment.astimezone(zoneinfo.ZoneInfo(event.time_zone)) if moment else None


def org(organisation) -> dict:
    """An organisation as the API refers to it."""
    return {
        "id": organisation.pk,
        "slug": organisation.slug,
        "name": organisation.name,
        "country": organisation.country_id or "",
        "kind": organisation.kind,
    }


def event_summary(event: MatchmakingEvent) -> dict:
    """An event as the list shows it."""
    first = event.sessions.order_by("starts_at").first()
    return {
        "slug": event.slug,
        "title": event.title,
        "kind": event.kind,
        "format": event.format,
        "status": event.status,
        "partnership": {"slug": event.partnership.slug, "acronym": event.partnership.acronym},
        "venue": event.venue,
        "time_zone": event.time_zone,
        "registration_opens": event.registration_opens,
        "registration_closes": event.registration_closes,
        "starts_at": local_time(event, first.starts_at) if first else None,
        "held": event.held,
    }


def slot_out(event: MatchmakingEvent, slot: TimeSlot) -> dict:
    """A slot, in the event's time zone."""
    return {
        "id": slot.pk,
        "starts_at": local_time(event, slot.starts_at),
        "ends_at": local_time(event, slot.ends_at),
    }


def table_out(table: MeetingTable) -> dict:
    """A table or virtual room."""
    return {"number": table.number, "name": table.name, "link": table.link}


def group_out(group: ParticipantGroup) -> dict:
    """A participant group."""
    return {"id": group.pk, "name": group.name}


def event_out(request: HttpRequest, event: MatchmakingEvent) -> dict:
    """One event with everything its page shows."""
    event = MatchmakingEvent.objects.select_related("partnership").get(pk=event.pk)
    mine = selectors.participant_of(request.user, event)
    sessions = event.sessions.prefetch_related("slots")
    return {
        **event_summary(event),
        "description": event.description,
        "max_meetings": event.max_meetings,
        "request_mode": event.request_mode,
        "request_expiry_hours": event.request_expiry_hours,
        "mutual_weight": event.mutual_weight,
        "sessions": [
            {
                "id": s.pk,
                "name": s.name,
                "starts_at": local_time(event, s.starts_at),
                "ends_at": local_time(event, s.ends_at),
                "slot_minutes": s.slot_minutes,
                "break_minutes": s.break_minutes,
                "slots": [slot_out(event, slot) for slot in s.slots.all()],
            }
            for s in sessions
        ],
        "tables": event.tables.count(),
        "groups": [group_out(g) for g in event.groups.all()],
        "default_group": group_out(event.default_group) if event.default_group_id else None,
        "rules": [
            {"group_a": group_out(r.group_a), "group_b": group_out(r.group_b)}
            for r in event.group_rules.select_related("group_a", "group_b").order_by("pk")
        ],
        "participants": event.participants.filter(status=RegistrationStatus.APPROVED).count(),
        "schedule": {
            "published": event.schedule_published,
            "max_breaks": event.max_breaks,
            "state": dict(event.schedule_state or {}) if organises(request, event) else None,
        },
        "registration": {"id": mine.pk, "status": mine.status} if mine is not None else None,
    }


def tables_out(event: MatchmakingEvent) -> dict:
    """The event's tables."""
    tables = list(event.tables.order_by("number"))
    return {"count": len(tables), "tables": [table_out(t) for t in tables]}


def participant_ref(participant: Participant) -> dict:
    """A participant as a meeting or a suggestion names them."""
    return {
        "id": participant.pk,
        "name": participant.name,
        "organisation": org(participant.organisation),
        "group": participant.group.name if participant.group_id else None,
    }


PARTICIPANT_RELATED = ("event", "organisation", "group", "fixed_table")
PARTICIPANT_PREFETCH = ("items", "terms", "available_slots")


def participant_out(
    request: HttpRequest, participant: Participant, *, fresh=True, organiser: bool | None = None
) -> dict:
    """A registration (read afresh unless a list prefetched it, and tells whether the caller
    organises the event); the e-mail only for the organisers and the participant."""
    if fresh:
        participant = (
            Participant.objects.select_related(*PARTICIPANT_RELATED)
            .prefetch_related(*PARTICIPANT_PREFETCH)
            .get(pk=participant.pk)
        )
    own = request.user.is_authenticated and participant.user_id == request.user.pk
    if organiser is None:
        organiser = organises(request, participant.event)
    private = own or organiser
    return {
        **participant_ref(participant),
        "status": participant.status,
        "email": participant.email if private else None,
        "profile": participant.profile,
        "consent_public": participant.consent_public,
        "meeting_link": participant.meeting_link,
        "items": [
            {
                "id": i.pk,
                "kind": i.kind,
                "title": i.title,
                "description": i.description,
                "cooperation_types": list(i.cooperation_types or []),
            }
            for i in participant.items.all()
        ],
        "available": sorted(s.pk for s in participant.available_slots.all()),
        "terms": sorted(f"{t.vocabulary}:{t.slug}" for t in participant.terms.all()),
        "fixed_table": participant.fixed_table.number if participant.fixed_table else None,
        "checked_in_at": participant.checked_in_at,
        "registered_at": participant.created_at,
    }


def meeting_out(
    request: HttpRequest, meeting: Meeting, *, fresh=True, organiser: bool | None = None
) -> dict:
    """A meeting (read afresh unless a list prefetched it, and tells whether the caller
    organises the event), with the caller's feedback (organisers: both sides')."""
    if fresh:
        meeting = (
            Meeting.objects.select_related(*meetings.MEETING_RELATED)
            .prefetch_related("feedback")
            .get(pk=meeting.pk)
        )
    event = meeting.event
    everyone = organises(request, event) if organiser is None else organiser
    mine = {meeting.requester_id, meeting.invitee_id} if everyone else set()
    for side in (meeting.requester, meeting.invitee):
        if request.user.is_authenticated and side.user_id == request.user.pk:
            mine.add(side.pk)
    return {
        "id": meeting.pk,
        "status": meeting.status,
        "requester": participant_ref(meeting.requester),
        "invitee": participant_ref(meeting.invitee),
        "message": meeting.message,
        "decline_reason": meeting.decline_reason,
        "mutual": meeting.mutual,
        "priority": meeting.priority,
        "weight": meeting.weight,
        "slot": slot_out(event, meeting.slot) if meeting.slot else None,
        "table": table_out(meeting.table) if meeting.table else None,
        "slots": sorted(s.pk for s in meeting.allowed_slots.all()),
        "locked": meeting.locked,
        "published": meeting.published,
        "attendance": meeting.attendance,
        "requested_at": meeting.created_at,
        "answered_at": meeting.answered_at,
        "expires_at": meeting.expires_at,
        "feedback": [
            {
                "participant": f.participant_id,
                "stage": f.stage,
                "outcome": f.outcome,
                "comment": f.comment,
            }
            for f in meeting.feedback.all()
            if f.participant_id in mine
        ],
    }


def statistics_out(stats: selectors.EventStatistics) -> dict:
    """The event's figures."""
    return {
        "registrations": stats.registrations,
        "approved": stats.approved,
        "by_country": [{"label": k, "count": n} for k, n in stats.by_country],
        "by_kind": [{"label": k, "count": n} for k, n in stats.by_kind],
        "requests": stats.requests,
        "accepted": stats.accepted,
        "declined": stats.declined,
        "expired": stats.expired,
        "acceptance_rate": stats.acceptance_rate,
        "scheduled": stats.scheduled,
        "unscheduled": stats.unscheduled,
        "held": stats.held,
        "no_show": stats.no_show,
        "outcomes": [{"stage": s, "outcome": o, "count": n} for s, o, n in stats.outcomes],
    }


def schedule_out(result) -> dict:
    """A scheduling run as the API returns it."""
    bound = float(result.upper_bound or 0)
    objective = float(result.objective or 0)
    return {
        "status": str(result.status),
        "objective": objective,
        "upper_bound": bound,
        "share": round(objective / bound, 6) if bound > 0 else None,
        "breaks": int(result.breaks or 0),
        "idle_gaps": int(result.idle_gaps or 0),
        "scheduled": len(result.assignments),
        "unscheduled": len(result.unscheduled),
        "messages": [str(m) for m in result.messages],
    }


# -- input ---------------------------------------------------------------------------------------


def items_data(items) -> list[dict] | None:
    """Marketplace items as the services take them."""
    return None if items is None else [i.model_dump() for i in items]
