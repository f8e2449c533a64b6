"""Matchmaking-events API, mounted at /api/events.

Events are public once out of draft (drafts: the partnership's coordinators, who organise the
event). Participants and meetings need a login (session or API token, else 401) and show what
the caller may see (`participants_visible_to`, the meeting's two sides and the organisers):
anything else is a 404. A step the caller may not take is a 403 (the services' `require`); a
rule the input breaks a 400 naming the field. Writes take a session with its CSRF token or an
API token (`WRITE_AUTH`).
"""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from clusterloom.core.api_auth import READ_AUTH, WRITE_AUTH
from clusterloom.core.errors import DomainError, NotFound, PermissionDenied
from clusterloom.core.inputs import status_filter
from clusterloom.core.permissions import require
from clusterloom.core.uploads import upload_check_size
from clusterloom.matching.selectors import term_keys_resolve
from clusterloom.partnerships.selectors import partnership_get_visible

from . import api_output as out
from . import meetings, selectors, services
from .api_schemas import (
    ERRORS,
    DefaultGroupIn,
    EventIn,
    EventOut,
    EventPatch,
    EventStatusIn,
    EventSummaryOut,
    FeedbackIn,
    FeedbackOut,
    FindabilityOut,
    GroupIn,
    GroupOut,
    HeldIn,
    LockIn,
    MeetingAttendanceIn,
    MeetingIn,
    MeetingOut,
    MeetingSuggestionsOut,
    ParticipantIn,
    ParticipantOut,
    ParticipantPatch,
    PriorityIn,
    PublishOut,
    ReasonIn,
    RegistrationImportOut,
    RemindedOut,
    RescheduleIn,
    ReviewIn,
    RuleIn,
    RuleOut,
    ScheduleCapIn,
    ScheduleIn,
    ScheduleOut,
    SessionIn,
    SessionOut,
    StatisticsOut,
    TablesIn,
    TablesOut,
    TimesIn,
)
from .findability import event_findability, findability_remind
from .models import EventStatus, MeetingStatus, RegistrationStatus
from .recommend import whom_to_meet

router = Router(tags=["matchmaking events"])


#: Participants and meetings are for logged-in users: no session or token is a 401.
LOGIN_AUTH = WRITE_AUTH
#: Lists stop at this many rows.
MAX_ROWS = 1000
MAX_SUGGESTIONS = 50


# -- events -------------------------------------------------------------------------------------


@router.get("", response={200: list[EventSummaryOut], **ERRORS}, auth=READ_AUTH)
def event_list(request: HttpRequest, status: str = "", partnership: str = ""):
    """Events of published partnerships once out of draft; drafts for their organisers."""
    rows = selectors.events_visible_to(request.user)
    if status_filter(status, EventStatus.values):
        rows = rows.filter(status=status)
    if partnership.strip():
        rows = rows.filter(partnership__slug=partnership.strip())
    return [out.event_summary(e) for e in rows[:MAX_ROWS]]


@router.get("/{slug}", response={200: EventOut, **ERRORS}, auth=READ_AUTH)
def event_detail(request: HttpRequest, slug: str):
    """One event: sessions and slots, tables, groups and rules, status, schedule."""
    return out.event_out(request, out.visible_event(request, slug))


@router.post("", response={201: EventOut, **ERRORS}, auth=WRITE_AUTH)
def event_create(request: HttpRequest, payload: EventIn):
    """Create a draft event for a partnership (its coordinators, admins)."""
    partnership = partnership_get_visible(request.user, payload.partnership)
    event = services.event_create(
        actor=request.user,
        partnership=partnership,
        data=payload.model_dump(exclude={"partnership"}),
    )
    return Status(201, out.event_out(request, event))


@router.patch("/{slug}", response={200: EventOut, **ERRORS}, auth=WRITE_AUTH)
def event_patch(request: HttpRequest, slug: str, payload: EventPatch):
    """Change an event's settings (its organisers, admins)."""
    event = services.event_update(
        actor=request.user,
        event=out.visible_event(request, slug),
        data=payload.model_dump(exclude_unset=True),
    )
    return out.event_out(request, event)


@router.post("/{slug}/status", response={200: EventOut, **ERRORS}, auth=WRITE_AUTH)
def event_status(request: HttpRequest, slug: str, payload: EventStatusIn):
    """Open or close registration, or go back to draft while nobody registered."""
    event = services.event_status_set(
        actor=request.user, event=out.visible_event(request, slug), status=payload.status
    )
    return out.event_out(request, event)


@router.post("/{slug}/held", response={200: EventOut, **ERRORS}, auth=WRITE_AUTH)
def event_held(request: HttpRequest, slug: str, payload: HeldIn):
    """Record that the event took place (it counts toward the partnership's target)."""
    event = services.event_mark_held(
        actor=request.user, event=out.visible_event(request, slug), held=payload.held
    )
    return out.event_out(request, event)


@router.post("/{slug}/sessions", response={201: SessionOut, **ERRORS}, auth=WRITE_AUTH)
def session_create(request: HttpRequest, slug: str, payload: SessionIn):
    """Add a session, cut into slots of `slot_minutes` with `break_minutes` between."""
    event = out.visible_event(request, slug)
    session = services.session_add(actor=request.user, event=event, data=payload.model_dump())
    return Status(
        201,
        {
            "id": session.pk,
            "name": session.name,
            "starts_at": out.local_time(event, session.starts_at),
            "ends_at": out.local_time(event, session.ends_at),
            "slot_minutes": session.slot_minutes,
            "break_minutes": session.break_minutes,
            "slots": [out.slot_out(event, s) for s in session.slots.all()],
        },
    )


@router.put("/{slug}/tables", response={200: TablesOut, **ERRORS}, auth=WRITE_AUTH)
def tables_put(request: HttpRequest, slug: str, payload: TablesIn):
    """Set the number of tables or virtual rooms; tables holding meetings are never removed."""
    event = out.visible_event(request, slug)
    services.tables_set(
        actor=request.user, event=event, count=payload.count, link_template=payload.link_template
    )
    return out.tables_out(event)


@router.post("/{slug}/groups", response={201: GroupOut, **ERRORS}, auth=WRITE_AUTH)
def group_create(request: HttpRequest, slug: str, payload: GroupIn):
    """Add a participant group (buyers, suppliers, clusters, ...)."""
    group = services.group_add(
        actor=request.user, event=out.visible_event(request, slug), name=payload.name
    )
    return Status(201, out.group_out(group))


@router.put("/{slug}/default-group", response={200: EventOut, **ERRORS}, auth=WRITE_AUTH)
def default_group_put(request: HttpRequest, slug: str, payload: DefaultGroupIn):
    """Set the group participants land in when they register (or are imported) without
    choosing one; null: no group."""
    event = out.visible_event(request, slug)
    services.event_default_group_set(actor=request.user, event=event, group=payload.group)
    return out.event_out(request, event)


@router.get("/{slug}/findability", response={200: FindabilityOut, **ERRORS}, auth=LOGIN_AUTH)
def findability(request: HttpRequest, slug: str):
    """Approved participants nobody can find: unpublished profiles, and published ones in no
    group that the rules let meet anyone (organisers only)."""
    event = out.visible_event(request, slug)
    require(request.user, "events.change_event", event)
    found = event_findability(event)
    return {
        "approved": found.approved,
        "unfindable": len(found.unfindable),
        "unpublished": [p.pk for p in found.unpublished],
        "meets_nobody": [p.pk for p in found.meets_nobody],
    }


@router.post("/{slug}/findability/remind", response={200: RemindedOut, **ERRORS}, auth=WRITE_AUTH)
def findability_reminders(request: HttpRequest, slug: str):
    """E-mail every participant nobody can find why and how to change it; a participant
    reminded within the last days is skipped (and counted)."""
    done = findability_remind(actor=request.user, event=out.visible_event(request, slug))
    return {"sent": done.sent, "recently_reminded": done.recently, "no_address": done.no_address}


@router.post("/{slug}/rules", response={200: list[RuleOut], **ERRORS}, auth=WRITE_AUTH)
def rule_set(request: HttpRequest, slug: str, payload: RuleIn):
    """Let members of two groups meet (or stop it); returns every rule of the event."""
    event = out.visible_event(request, slug)
    require(request.user, "events.change_event", event)
    services.group_rule_set(
        actor=request.user,
        event=event,
        group_a=out.group_of(event, payload.group_a, "group_a"),
        group_b=out.group_of(event, payload.group_b, "group_b"),
        allowed=payload.allowed,
    )
    return out.event_out(request, event)["rules"]


# -- participants ----------------------------------------------------------------------------------


@router.get("/{slug}/participants", response={200: list[ParticipantOut], **ERRORS}, auth=LOGIN_AUTH)
def participant_list(request: HttpRequest, slug: str, status: str = ""):
    """Organisers: every registration; approved participants: those who published their
    profile, and themselves; everybody else: nobody."""
    event = out.visible_event(request, slug)
    rows = selectors.participants_visible_to(request.user, event)
    if status_filter(status, RegistrationStatus.values):
        rows = rows.filter(status=status)
    rows = rows.select_related(*out.PARTICIPANT_RELATED).prefetch_related(*out.PARTICIPANT_PREFETCH)
    organiser = out.organises(request, event)
    return [
        out.participant_out(request, p, fresh=False, organiser=organiser) for p in rows[:MAX_ROWS]
    ]


@router.post("/{slug}/participants", response={201: ParticipantOut, **ERRORS}, auth=WRITE_AUTH)
def participant_register(request: HttpRequest, slug: str, payload: ParticipantIn):
    """Register for an open event, for an organisation you act for; organisers approve."""
    event = out.visible_event(request, slug)
    data = payload.model_dump(exclude={"terms"})
    data["terms"] = term_keys_resolve(payload.terms)
    participant = services.registration_submit(actor=request.user, event=event, data=data)
    return Status(201, out.participant_out(request, participant))


@router.post(
    "/{slug}/participants/import", response={201: RegistrationImportOut, **ERRORS}, auth=WRITE_AUTH
)
def participant_import(
    request: HttpRequest,
    slug: str,
    file: UploadedFile = File(...),  # noqa: B008
    approve: bool = Form(False),  # noqa: B008
):
    """Register participants from a CSV or XLSX file (multipart field `file`; columns name,
    email, organisation, country, optional group, profile, offers, requests): all or nothing,
    problems named by row and column; rows imported before are skipped."""
    event = out.visible_event(request, slug)
    require(request.user, "events.change_event", event)
    upload_check_size(file.size or 0)
    created = services.registrations_import(
        actor=request.user,
        event=event,
        file_name=file.name or "",
        content=file.read(settings.UPLOAD_MAX_BYTES + 1),
        approve=approve,
    )
    return Status(201, {"created": created})


@router.get(
    "/{slug}/participants/{participant_id}",
    response={200: ParticipantOut, **ERRORS},
    auth=LOGIN_AUTH,
)
def participant_detail(request: HttpRequest, slug: str, participant_id: int):
    """One registration (oneself, the organisers, approved participants if published)."""
    event = out.visible_event(request, slug)
    return out.participant_out(request, out.visible_participant(request, event, participant_id))


@router.patch(
    "/{slug}/participants/{participant_id}",
    response={200: ParticipantOut, **ERRORS},
    auth=WRITE_AUTH,
)
def participant_patch(
    request: HttpRequest, slug: str, participant_id: int, payload: ParticipantPatch
):
    """Change a registration's profile, items, availability or consent (the participant, the
    organisers); the group (the organisers)."""
    event = out.visible_event(request, slug)
    data = payload.model_dump(exclude_unset=True)
    # null means "no group" and "every slot"; for the other fields it changes nothing.
    data = {k: v for k, v in data.items() if v is not None or k in ("group", "available")}
    if "items" in data:
        data["items"] = out.items_data(payload.items)
    participant = services.registration_update(
        actor=request.user,
        participant=out.visible_participant(request, event, participant_id),
        data=data,
    )
    return out.participant_out(request, participant)


@router.post(
    "/{slug}/participants/{participant_id}/review",
    response={200: ParticipantOut, **ERRORS},
    auth=WRITE_AUTH,
)
def participant_review(request: HttpRequest, slug: str, participant_id: int, payload: ReviewIn):
    """Approve or reject a registration (the organisers); rejecting cancels its meetings."""
    event = out.visible_event(request, slug)
    participant = services.registration_review(
        actor=request.user,
        participant=out.visible_participant(request, event, participant_id),
        decision=payload.decision,
        note=payload.note,
    )
    return out.participant_out(request, participant)


@router.post(
    "/{slug}/participants/{participant_id}/check-in",
    response={200: ParticipantOut, **ERRORS},
    auth=WRITE_AUTH,
)
def participant_check_in(request: HttpRequest, slug: str, participant_id: int):
    """Record an approved participant's arrival on the day (the organisers)."""
    event = out.visible_event(request, slug)
    participant = services.check_in(
        actor=request.user, participant=out.visible_participant(request, event, participant_id)
    )
    return out.participant_out(request, participant)


@router.post(
    "/{slug}/participants/{participant_id}/withdraw",
    response={200: ParticipantOut, **ERRORS},
    auth=WRITE_AUTH,
)
def participant_withdraw(request: HttpRequest, slug: str, participant_id: int):
    """Withdraw a registration (the participant, the organisers); its meetings are cancelled."""
    event = out.visible_event(request, slug)
    participant = services.registration_cancel(
        actor=request.user, participant=out.visible_participant(request, event, participant_id)
    )
    return out.participant_out(request, participant)


@router.get("/{slug}/suggestions", response={200: MeetingSuggestionsOut, **ERRORS}, auth=LOGIN_AUTH)
def meeting_suggestions(request: HttpRequest, slug: str, k: int = 10):
    """Whom the caller should meet: participants who fit them and whose needs they fit, within
    the event's rules, without those already asked or met and without their own organisation."""
    event = out.visible_event(request, slug)
    if not 1 <= k <= MAX_SUGGESTIONS:
        raise DomainError(
            _("The number of results must be between 1 and %(max)d.") % {"max": MAX_SUGGESTIONS},
            field="k",
        )
    me = selectors.participant_of(request.user, event)
    if me is None:
        raise NotFound(_("You are not registered for this event."))
    outlook = whom_to_meet(me, k=k)
    return {
        "results": [
            {
                "participant": out.participant_ref(s.participant),
                "score": s.result.score,
                "strength": s.strength,
                "strength_label": s.strength_label,
                "explanation": s.result.explanation_dict(),
            }
            for s in outlook.suggestions
        ],
        "hidden": {"unpublished": outlook.hidden_unpublished, "by_rules": outlook.hidden_by_rules},
        "you_are_unpublished": outlook.me_unpublished,
        "you_meet_nobody": outlook.me_meets_nobody,
    }


# -- meetings -------------------------------------------------------------------------------------


@router.get("/{slug}/meetings", response={200: list[MeetingOut], **ERRORS}, auth=LOGIN_AUTH)
def meeting_list(request: HttpRequest, slug: str, status: str = ""):
    """The caller's requests and meetings; the organisers see all of the event's."""
    event = out.visible_event(request, slug)
    rows = out.meetings_visible_to(request, event)
    if status_filter(status, MeetingStatus.values):
        rows = rows.filter(status=status)
    rows = rows.prefetch_related("feedback", "allowed_slots").order_by("slot__starts_at", "pk")
    organiser = out.organises(request, event)
    return [out.meeting_out(request, m, fresh=False, organiser=organiser) for m in rows[:MAX_ROWS]]


@router.post("/{slug}/meetings", response={201: MeetingOut, **ERRORS}, auth=WRITE_AUTH)
def meeting_create(request: HttpRequest, slug: str, payload: MeetingIn):
    """Ask another participant for a meeting, optionally in a slot; if they already asked you,
    the meeting is agreed at once (a mutual meeting)."""
    event = out.visible_event(request, slug)
    me = selectors.participant_of(request.user, event)
    if me is None:
        raise PermissionDenied(_("Register for the event to ask for meetings."))
    require(request.user, "events.request_meeting", me)
    invitee = out.visible_participant(request, event, payload.invitee, field="invitee", me=me)
    meeting = meetings.meeting_request(
        actor=request.user,
        requester=me,
        invitee=invitee,
        message=payload.message,
        slot=payload.slot,
    )
    # As written: its sides, event and slot are the objects read above (not read again).
    return Status(201, out.meeting_out(request, meeting, fresh=False))


def _meeting(request: HttpRequest, slug: str, meeting_id: int, related: bool = True):
    event = out.visible_event(request, slug)
    return out.visible_meeting(request, event, meeting_id, related=related)


@router.get("/{slug}/meetings/{meeting_id}", response={200: MeetingOut, **ERRORS}, auth=LOGIN_AUTH)
def meeting_detail(request: HttpRequest, slug: str, meeting_id: int):
    """One meeting (its two sides, the organisers)."""
    return out.meeting_out(request, _meeting(request, slug, meeting_id))


def _meeting_post(change: str):
    """A POST that changes a meeting and answers with it."""
    return router.post(
        f"/{{slug}}/meetings/{{meeting_id}}/{change}",
        response={200: MeetingOut, **ERRORS},
        auth=WRITE_AUTH,
    )


def _changed(request: HttpRequest, slug: str, meeting_id: int, change, fresh=True, **fields):
    """`change(actor=..., meeting=..., **fields)` on a meeting the caller sees; the meeting as
    it is then. With `fresh=False`, for changes that read the meeting again under their lock
    with all it is shown with: the caller's right to see it is checked on its row alone, and
    the answer is the meeting as the change left it."""
    meeting = _meeting(request, slug, meeting_id, related=fresh)
    meeting = change(actor=request.user, meeting=meeting, **fields)
    return out.meeting_out(request, meeting, fresh=fresh)


@_meeting_post("accept")
def meeting_accept(request: HttpRequest, slug: str, meeting_id: int):
    """Accept a request (the invitee); a proposed slot is booked at once."""
    return _changed(request, slug, meeting_id, meetings.meeting_accept, fresh=False)


@_meeting_post("decline")
def meeting_decline(request: HttpRequest, slug: str, meeting_id: int, payload: ReasonIn):
    """Decline a request (the invitee), with a reason the requester sees."""
    return _changed(
        request, slug, meeting_id, meetings.meeting_decline, reason=payload.reason, fresh=False
    )


@_meeting_post("cancel")
def meeting_cancel(request: HttpRequest, slug: str, meeting_id: int, payload: ReasonIn):
    """Cancel a request or a meeting (either side, the organisers); its slot is freed."""
    return _changed(
        request, slug, meeting_id, meetings.meeting_cancel, reason=payload.reason, fresh=False
    )


@_meeting_post("reschedule")
def meeting_reschedule(request: HttpRequest, slug: str, meeting_id: int, payload: RescheduleIn):
    """Move an agreed meeting to another slot: its sides while it is not published or locked,
    the organisers always (and they may choose the table)."""
    fields = {"slot": payload.slot, "table": payload.table}
    return _changed(request, slug, meeting_id, meetings.meeting_reschedule, **fields)


@_meeting_post("times")
def meeting_times(request: HttpRequest, slug: str, meeting_id: int, payload: TimesIn):
    """Keep a meeting to a time of day: any, morning, afternoon, a session, or a window of
    slots (its sides while it is not published or locked, the organisers always); the next
    scheduling run places it in one of those slots."""
    from . import scheduling

    fields = {
        "when": payload.when,
        "session": payload.session,
        "start": payload.start,
        "end": payload.end,
    }
    return _changed(request, slug, meeting_id, scheduling.meeting_times_set, **fields)


@_meeting_post("lock")
def meeting_lock(request: HttpRequest, slug: str, meeting_id: int, payload: LockIn):
    """Lock a scheduled meeting where it is, or unlock it (the organisers)."""
    return _changed(request, slug, meeting_id, meetings.meeting_lock, locked=payload.locked)


@_meeting_post("priority")
def meeting_priority(request: HttpRequest, slug: str, meeting_id: int, payload: PriorityIn):
    """Give a meeting extra weight in the schedule, 0 to 10 (the organisers)."""
    change = meetings.meeting_priority_set
    return _changed(request, slug, meeting_id, change, priority=payload.priority)


@_meeting_post("attendance")
def meeting_attendance(
    request: HttpRequest, slug: str, meeting_id: int, payload: MeetingAttendanceIn
):
    """Record that a scheduled meeting was held or someone did not show (sides, organisers)."""
    attendance = payload.attendance
    return _changed(request, slug, meeting_id, meetings.attendance_set, attendance=attendance)


@router.post(
    "/{slug}/meetings/{meeting_id}/feedback",
    response={201: FeedbackOut, **ERRORS},
    auth=WRITE_AUTH,
)
def meeting_feedback(request: HttpRequest, slug: str, meeting_id: int, payload: FeedbackIn):
    """Give feedback on a meeting (its two sides): right after it, and about six months on."""
    feedback = meetings.feedback_give(
        actor=request.user,
        meeting=_meeting(request, slug, meeting_id),
        stage=payload.stage,
        outcome=payload.outcome,
        comment=payload.comment,
    )
    return Status(
        201,
        {
            "participant": feedback.participant_id,
            "stage": feedback.stage,
            "outcome": feedback.outcome,
            "comment": feedback.comment,
        },
    )


# -- schedule and figures --------------------------------------------------------------------------


@router.post("/{slug}/schedule", response={200: ScheduleOut, **ERRORS}, auth=WRITE_AUTH)
def event_schedule(request: HttpRequest, slug: str, payload: ScheduleIn):
    """Schedule every accepted meeting (the organisers): slots and tables such that nobody is
    in two places, published and locked meetings stay; with the bound on the best possible."""
    event = out.visible_event(request, slug)
    require(request.user, "events.change_event", event)
    from . import scheduling  # imports the solver: only when a schedule is wanted

    result = scheduling.event_schedule(
        actor=request.user, event=event, time_limit=payload.time_limit
    )
    return out.schedule_out(result)


@router.post("/{slug}/schedule/cap", response={200: ScheduleCapIn, **ERRORS}, auth=WRITE_AUTH)
def event_schedule_cap(request: HttpRequest, slug: str, payload: ScheduleCapIn):
    """Cap anyone's breaks in the schedule, 0 to 20, or null for no cap (the organisers): the
    scheduler keeps it or refuses the run, naming who would wait more."""
    event = out.visible_event(request, slug)
    from . import scheduling

    event = scheduling.schedule_cap_set(
        actor=request.user, event=event, max_breaks=payload.max_breaks
    )
    return {"max_breaks": event.max_breaks}


@router.post("/{slug}/schedule/publish", response={200: PublishOut, **ERRORS}, auth=WRITE_AUTH)
def event_schedule_publish(request: HttpRequest, slug: str):
    """Publish the schedule (the organisers): agendas and calendars show it, and published
    meetings no longer move when the schedule is run again."""
    event = out.visible_event(request, slug)
    require(request.user, "events.change_event", event)
    from . import scheduling

    return {"published": scheduling.schedule_publish(actor=request.user, event=event)}


@router.get("/{slug}/statistics", response={200: StatisticsOut, **ERRORS}, auth=LOGIN_AUTH)
def event_statistics(request: HttpRequest, slug: str):
    """Registrations by country and kind, requests, acceptance, meetings held, outcomes."""
    event = out.visible_event(request, slug)
    require(request.user, "events.change_event", event)
    return out.statistics_out(selectors.event_statistics(event))
