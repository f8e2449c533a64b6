"""The schedule of a whole event: the service between the database and `scheduler.py`.

Accepted meetings get a slot and a table; locked and published meetings stay where they are;
meetings that fit nowhere are marked unscheduled; a meeting restricted to some slots (a time of
day) takes one of them. The run's figures (total weight, the upper bound on it, breaks, idle
slots, status) are kept on the event for its page.
"""

import time
import zoneinfo
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterloom.core.audit import audit
from clusterloom.core.bulk import delete_rows, update_rows
from clusterloom.core.errors import DomainError
from clusterloom.core.inputs import id_value
from clusterloom.core.page_cache import content_changed
from clusterloom.core.permissions import has_rule_perm, require

from . import scheduler
from .models import Booking, MatchmakingEvent, Meeting, MeetingStatus, RegistrationStatus

S = MeetingStatus
SCHEDULABLE = (S.ACCEPTED, S.SCHEDULED, S.UNSCHEDULED)


def problem_for(event: MatchmakingEvent) -> tuple[scheduler.Problem, dict[str, Meeting]]:
    """The event as the scheduler sees it, and its meetings by id."""
    slots = list(event.slots.select_related("session").order_by("starts_at"))
    slot_ids = tuple(str(s.pk) for s in slots)
    breaks = frozenset(
        i for i in range(len(slots) - 1) if slots[i].session_id != slots[i + 1].session_id
    )
    tables = {t.pk: t.number for t in event.tables.all()}
    people = list(
        event.participants.filter(status=RegistrationStatus.APPROVED).prefetch_related(
            "available_slots"
        )
    )
    participants = tuple(
        scheduler.Participant(
            id=str(p.pk),
            available=frozenset(str(s.pk) for s in p.available_slots.all()),
            max_meetings=event.max_meetings,
            fixed_table=tables.get(p.fixed_table_id),
        )
        for p in people
    )
    approved = {p.pk for p in people}
    meetings = {}
    rows = []
    rows_of = event.meetings.filter(status__in=SCHEDULABLE).select_related("event")
    for m in rows_of.prefetch_related("allowed_slots"):
        if m.requester_id not in approved or m.invitee_id not in approved:
            continue
        keep = (m.locked or m.published) and m.slot_id
        allowed = frozenset(str(s.pk) for s in m.allowed_slots.all())
        rows.append(
            scheduler.Meeting(
                id=str(m.pk),
                participants=(str(m.requester_id), str(m.invitee_id)),
                weight=float(m.weight),
                slot=str(m.slot_id) if keep else None,
                table=tables.get(m.table_id) if keep and m.table_id else None,
                slots=None if keep else allowed or None,
            )
        )
        meetings[str(m.pk)] = m
    problem = scheduler.Problem(
        slots=slot_ids,
        tables=len(tables),
        participants=participants,
        meetings=tuple(rows),
        breaks=breaks,
        max_breaks=event.max_breaks,
    )
    return problem, meetings


def _state(event: MatchmakingEvent, **values) -> None:
    event.schedule_state = {**(event.schedule_state or {}), **values}
    MatchmakingEvent.objects.filter(pk=event.pk).update(schedule_state=event.schedule_state)


def _check_kept(event: MatchmakingEvent, problem, meetings: dict[str, Meeting]) -> None:
    """Refuse, in the participants' words, a locked or published meeting in a slot one of
    its two sides is no longer available in (the scheduler would name only ids)."""
    available = {p.id: p.available for p in problem.participants}
    for row in problem.meetings:
        if row.slot is None:
            continue
        for pid in row.participants:
            if row.slot in available.get(pid, ()):
                continue
            meeting = meetings[row.id]
            person = meeting.requester if str(meeting.requester_id) == pid else meeting.invitee
            other = meeting.invitee if person.pk == meeting.requester_id else meeting.requester
            when = timezone.localtime(meeting.slot.starts_at, zoneinfo.ZoneInfo(event.time_zone))
            raise DomainError(
                _(
                    "%(name)s is no longer available at %(time)s, where the meeting with "
                    "%(other)s is locked or published: move or cancel that meeting first."
                )
                % {"name": person.name, "other": other.name, "time": f"{when:%Y-%m-%d %H:%M}"},
                field="schedule",
            )


#: Seconds kept for writing the schedule, per meeting, and at most this share of the limit:
#: writing took 0.95 s for 5,000 meetings and 6.2 s for 30,000 on PostgreSQL (about 0.2 ms a
#: meeting; kept: half as much again, for a slower machine).
_WRITE_PER_MEETING = 0.0003
_WRITE_SHARE = 0.25


def _write_reserve(time_limit: float, meetings: int) -> float:
    """The part of the time limit the scheduler leaves for writing its schedule."""
    return min(_WRITE_SHARE * time_limit, _WRITE_PER_MEETING * meetings)


@transaction.atomic
def event_schedule(
    *,
    actor,
    event: MatchmakingEvent,
    time_limit: float = 10.0,
    progress: Callable[[float, str], None] | None = None,
    started: float | None = None,
) -> scheduler.Schedule:
    """Schedule every accepted meeting of the event (published ones stay where they are),
    within `time_limit` seconds of `started` (a time.monotonic() reading, default now)."""
    started = time.monotonic() if started is None else started
    require(actor, "events.change_event", event)
    if not event.slots.exists() or not event.tables.exists():
        raise DomainError(_("Add sessions and tables before scheduling."), field="event")
    problem, meetings = problem_for(event)
    _check_kept(event, problem, meetings)
    try:
        result = scheduler.schedule(
            problem,
            time_limit=max(0.1, time_limit - _write_reserve(time_limit, len(meetings))),
            progress=progress,
            started=started,
        )
    except scheduler.ScheduleInputError as error:
        raise DomainError(str(error), field="schedule") from None
    if result.over_cap:
        names = dict(event.participants.values_list("pk", "name"))
        who = ", ".join(f"{names.get(int(pid), pid)} ({n})" for pid, n in result.over_cap[:5])
        raise DomainError(
            _(
                "No schedule keeps everyone within %(cap)d breaks while placing the most "
                "meetings (%(reason)s): %(who)s%(more)s. Raise or remove the cap on breaks, "
                "or give the scheduler more time."
            )
            % {
                "cap": event.max_breaks,
                "reason": _("proven") if result.cap_proven else _("none found in time"),
                "who": who,
                "more": ", …" if len(result.over_cap) > 5 else "",
            },
            field="max_breaks",
        )
    if result.status == "infeasible":
        raise DomainError(
            " ".join(result.messages) or _("The locked meetings clash."), field="schedule"
        )
    tables = {t.number: t for t in event.tables.all()}
    slots = {str(s.pk): s for s in event.slots.all()}
    placed = {m: (s, t) for m, s, t in result.assignments}
    movable = [m for key, m in meetings.items() if not (m.locked or m.published)]
    movable_ids = [m.pk for m in movable]
    delete_rows(Booking, "meeting", movable_ids)
    # Clear first so that a table freed by one meeting can go to another in the same slot.
    Meeting.objects.filter(pk__in=movable_ids).update(slot=None, table=None)
    bookings = []
    for key, meeting in meetings.items():
        if meeting.locked or meeting.published:
            if not meeting.table_id and key in placed:  # kept in its slot, given a table
                meeting.table = tables[placed[key][1]]
                meeting.save(update_fields=["table", "updated_at"])
            continue
        if key in placed:
            slot_id, number = placed[key]
            meeting.slot, meeting.table = slots[slot_id], tables[number]
            meeting.status = S.SCHEDULED
            bookings += [
                Booking(meeting=meeting, participant_id=pid, slot=meeting.slot)
                for pid in (meeting.requester_id, meeting.invitee_id)
            ]
        else:
            meeting.slot = meeting.table = None
            meeting.status = S.UNSCHEDULED
    # One joined UPDATE per 500 meetings: bulk_update's CASE took 7.9 s for 5,000 meetings
    # on PostgreSQL, past the task's time limit (core/bulk.py).
    now = timezone.now()
    for meeting in movable:
        meeting.updated_at = now
    update_rows(movable, ["slot", "table", "status", "updated_at"])
    Booking.objects.bulk_create(bookings)
    content_changed(Meeting, Booking)  # neither sends signals
    _state(
        event,
        status=result.status,
        objective=result.objective,
        upper_bound=result.upper_bound,
        idle_gaps=result.idle_gaps,
        breaks=result.breaks,
        scheduled=len(result.assignments),
        unscheduled=len(result.unscheduled),
        messages=result.messages,
        at=timezone.now().isoformat(timespec="seconds"),
        progress=1.0,
        running=False,
    )
    audit(
        actor,
        "events.scheduled",
        event,
        changes={
            "scheduled": len(result.assignments),
            "unscheduled": len(result.unscheduled),
            "objective": result.objective,
            "upper_bound": result.upper_bound,
            "breaks": result.breaks,
            "idle_gaps": result.idle_gaps,
        },
    )
    return result


@transaction.atomic
def schedule_publish(*, actor, event: MatchmakingEvent) -> int:
    """Publish the schedule: participants see their agendas; published meetings stay put."""
    require(actor, "events.change_event", event)
    rows = event.meetings.filter(status=S.SCHEDULED, published=False)
    n = rows.update(published=True)
    event.schedule_published = True
    event.save(update_fields=["schedule_published", "updated_at"])
    audit(actor, "events.schedule_published", event, changes={"meetings": n})
    from .notifications import notify

    notify("schedule_published", event=event)
    return n


# -- times of day and the cap on breaks ------------------------------------------------------------

TIMES_OF_DAY = ("any", "morning", "afternoon", "session", "window")
MAX_BREAKS = 20  # the highest cap on breaks an organiser can set
NOON = 12  # slots starting before 12:00 (the event's time zone) are the morning


def slots_for_time(event: MatchmakingEvent, when: str, *, session=None, start=None, end=None):
    """The slots a time of day means at this event ([] for "any"): "morning" and "afternoon"
    (before and after noon, local time), one "session", or a "window" of slots from `start`
    to `end` (slot ids, both included)."""
    zone = zoneinfo.ZoneInfo(event.time_zone)
    slots = list(event.slots.select_related("session").order_by("starts_at"))
    if when == "any":
        return []
    if when in ("morning", "afternoon"):
        morning = when == "morning"
        return [s for s in slots if (timezone.localtime(s.starts_at, zone).hour < NOON) == morning]
    if when == "session":
        key = id_value(session)
        chosen = [s for s in slots if s.session_id == key] if key is not None else []
        if not chosen:
            raise DomainError(_("Choose one of the event's sessions."), field="session")
        return chosen
    if when == "window":
        keys = [id_value(start), id_value(end)]
        index = {s.pk: i for i, s in enumerate(slots)}
        for key, field in zip(keys, ("start", "end"), strict=True):
            if key not in index:
                raise DomainError(_("Choose one of the event's slots."), field=field)
        first, last = index[keys[0]], index[keys[1]]
        if first > last:
            raise DomainError(_("The window must end after it starts."), field="end")
        return slots[first : last + 1]
    raise DomainError(
        _("“%(value)s” is not one of: %(choices)s.")
        % {"value": when, "choices": ", ".join(TIMES_OF_DAY)},
        field="when",
    )


@transaction.atomic
def meeting_times_set(*, actor, meeting: Meeting, when: str, session=None, start=None, end=None):
    """Keep a meeting to a time of day (either side while it is not published or locked; the
    organisers always); the next scheduling run places it in one of those slots."""
    meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    event = meeting.event
    if not has_rule_perm(actor, "events.change_event", event):
        require(actor, "events.cancel_meeting", meeting)
        if meeting.published or meeting.locked:
            raise DomainError(
                _("Only the organisers change a published or locked meeting."), field="when"
            )
    if meeting.status not in (S.REQUESTED, *SCHEDULABLE):
        raise DomainError(
            _("This meeting is %(status)s; that step is not possible now.")
            % {"status": meeting.get_status_display()},
            field="status",
        )
    chosen = slots_for_time(event, when, session=session, start=start, end=end)
    if when != "any" and not chosen:
        raise DomainError(_("This event has no slots at that time of day."), field="when")
    both = set(meeting.requester.available_slots.values_list("pk", flat=True)) & set(
        meeting.invitee.available_slots.values_list("pk", flat=True)
    )
    if chosen and not both & {s.pk for s in chosen}:
        raise DomainError(
            _("Neither side is free then: choose a time both can attend."), field="when"
        )
    before = sorted(meeting.allowed_slots.values_list("pk", flat=True))
    meeting.allowed_slots.set(chosen)
    audit(
        actor,
        "events.meeting_times_set",
        meeting,
        changes={"when": when, "slots": [s.pk for s in chosen], "before": before},
    )
    return meeting


@transaction.atomic
def schedule_cap_set(*, actor, event: MatchmakingEvent, max_breaks) -> MatchmakingEvent:
    """Cap anyone's breaks in the schedule (None or "": no cap), 0 to 20."""
    require(actor, "events.change_event", event)
    text = "" if max_breaks is None else str(max_breaks).strip()
    value = None
    if text:  # True and False are not numbers here ("True" has no digits)
        value = int(text) if text.isascii() and text.isdigit() and len(text) < 4 else -1
        if not 0 <= value <= MAX_BREAKS:
            raise DomainError(
                _("The cap on breaks is a whole number from 0 to %(n)d, or empty for none.")
                % {"n": MAX_BREAKS},
                field="max_breaks",
            )
    before = event.max_breaks
    event.max_breaks = value
    event.save(update_fields=["max_breaks", "updated_at"])
    audit(actor, "events.schedule_cap_set", event, changes={"max_breaks": [before, value]})
    return event
