"""Meeting requests and meetings: request, accept, decline, cancel, reschedule, expire; the
schedule of a whole event; attendance on the day; feedback afterwards.

requested --accept--> accepted --schedule--> scheduled (or unscheduled when no slot fits)
requested --decline / cancel / expire--> declined / cancelled / expired
A request that proposes a slot is scheduled at once when accepted. Two meetings of one person
in one slot are refused by the database itself (Booking), so simultaneous accepts cannot both
win.
"""

import datetime
import zoneinfo

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clusterloom.core import bounds
from clusterloom.core.audit import audit, status_expect, status_move
from clusterloom.core.errors import DomainError, PermissionDenied
from clusterloom.core.inputs import id_value
from clusterloom.core.permissions import has_rule_perm, require

from .models import (
    STAGE_OUTCOMES,
    Attendance,
    Booking,
    FeedbackStage,
    MatchmakingEvent,
    Meeting,
    MeetingFeedback,
    MeetingStatus,
    MeetingTable,
    Participant,
    RegistrationStatus,
    RequestMode,
    TimeSlot,
)

#: What a meeting is shown with: its event (and whether the caller organises it), its two
#: sides with their organisations and groups, its slot and table.
MEETING_RELATED = (
    "event__partnership",
    "requester__organisation",
    "requester__group",
    "invitee__organisation",
    "invitee__group",
    "slot",
    "table",
)

S = MeetingStatus
LIVE = (S.REQUESTED, S.ACCEPTED, S.SCHEDULED, S.UNSCHEDULED)
AGREED = (S.ACCEPTED, S.SCHEDULED, S.UNSCHEDULED)
MAX_MESSAGE = bounds.MAX_MESSAGE


class MeetingRules:
    """An event's who-may-meet-whom rules, read once and checked for many pairs."""

    def __init__(self, event: MatchmakingEvent):
        self.pairs = {(r.group_a_id, r.group_b_id) for r in event.group_rules.all()}
        #: Groups whose members some rule lets meet someone.
        self.connected = {g for pair in self.pairs for g in pair}

    def __call__(self, a: Participant, b: Participant) -> bool:
        """a and b may meet (no rules: everyone)."""
        if not self.pairs:
            return True
        pair = (a.group_id, b.group_id)
        return pair in self.pairs or pair[::-1] in self.pairs

    def meets_nobody(self, participant: Participant) -> bool:
        """With rules, a participant in no group, or in a group no rule names, meets nobody."""
        return bool(self.pairs) and participant.group_id not in self.connected


def meeting_rules(event: MatchmakingEvent) -> MeetingRules:
    """may_meet for many pairs of one event with one query."""
    return MeetingRules(event)


def may_meet(a: Participant, b: Participant) -> bool:
    """The event's who-may-meet-whom rules allow these two to meet (no rules: everyone)."""
    return meeting_rules(a.event)(a, b)


def _agreed(participant: Participant) -> int:
    """Meetings the participant agreed to (accepted, scheduled or still without a slot)."""
    return Meeting.objects.filter(
        Q(requester=participant) | Q(invitee=participant), status__in=AGREED
    ).count()


def _full(participant: Participant) -> bool:
    """No room for another request: agreed meetings and one's own unanswered requests fill the
    maximum. Requests others sent do not count, or a popular participant could ask nobody."""
    counts = Meeting.objects.filter(Q(requester=participant) | Q(invitee=participant)).aggregate(
        agreed=Count("pk", filter=Q(status__in=AGREED)),
        sent=Count("pk", filter=Q(requester=participant, status=S.REQUESTED)),
    )
    return counts["agreed"] + counts["sent"] >= participant.event.max_meetings


def _set(actor, meeting: Meeting, status: str, action: str, **changes) -> None:
    status_move(actor, meeting, status, action, **changes)
    from .notifications import notify

    notify(action.split(".", 1)[1], meeting=meeting)


def _expect(meeting: Meeting, *states: str) -> None:
    status_expect(meeting, states, _("This meeting is %(status)s; that step is not possible now."))


def _unbook(meeting: Meeting) -> None:
    Booking.objects.filter(meeting=meeting).delete()


def _release(meeting: Meeting) -> None:
    """Free the meeting's slot and table, keeping the time it had for the calendar feed."""
    _unbook(meeting)
    if meeting.slot is not None:
        meeting.booked_starts_at = meeting.slot.starts_at
        meeting.booked_ends_at = meeting.slot.ends_at
    meeting.slot = meeting.table = None


def _free_table(meeting: Meeting, slot: TimeSlot) -> MeetingTable | None:
    """The fixed table of either participant, else the lowest-numbered free table."""
    taken = set(
        Meeting.objects.filter(slot=slot, table__isnull=False)
        .exclude(pk=meeting.pk)
        .values_list("table_id", flat=True)
    )
    for fixed in (meeting.requester.fixed_table, meeting.invitee.fixed_table):
        if fixed is not None:
            return fixed if fixed.pk not in taken else None
    return meeting.event.tables.exclude(pk__in=taken).order_by("number").first()


def _check_slot(people, slot: TimeSlot, event: MatchmakingEvent, meeting=None) -> None:
    """Refuse a slot in which one of the people is unavailable or already meets someone else
    (the Booking constraint still decides between simultaneous writers)."""
    # The time as the event's participants read it, not in the server's time zone.
    when = timezone.localtime(slot.starts_at, zoneinfo.ZoneInfo(event.time_zone))
    values = {"time": date_format(when, "WEEKDAY_DATETIME_FORMAT")}
    for person in people:
        if not person.available_slots.filter(pk=slot.pk).exists():
            raise DomainError(
                _("%(name)s is not available at %(time)s.") % {**values, "name": person.name},
                field="slot",
            )
        busy = Booking.objects.filter(participant=person, slot=slot)
        if meeting is not None:
            busy = busy.exclude(meeting=meeting)
        if busy.exists():
            raise DomainError(
                _("%(name)s already has a meeting at %(time)s.") % {**values, "name": person.name},
                field="slot",
            )


def _book(meeting: Meeting, slot: TimeSlot, table: MeetingTable | None = None) -> None:
    """Put the meeting in the slot (and a table); refused when either person is busy then,
    unavailable, or no table is free."""
    _check_slot((meeting.requester, meeting.invitee), slot, meeting.event, meeting)
    table = table or _free_table(meeting, slot)
    if table is None:
        raise DomainError(_("No table is free at that time."), field="slot")
    _unbook(meeting)
    try:
        with transaction.atomic():
            Booking.objects.bulk_create(
                [
                    Booking(meeting=meeting, participant=p, slot=slot)
                    for p in (meeting.requester, meeting.invitee)
                ]
            )
            meeting.slot, meeting.table = slot, table
            meeting.save(update_fields=["slot", "table", "updated_at"])
    except IntegrityError:
        raise DomainError(
            _("One of you already has a meeting at that time, or the table was just taken."),
            field="slot",
        ) from None


def _locked(meeting: Meeting) -> Meeting:
    """The meeting read again with its row locked, with what it is shown with (its event,
    its two sides, slot and table: the permission checks, the notices and the answer read
    them). Only the meeting's row: locking the event's and the participants' rows too would
    make every answer of an event queue behind the others (and could deadlock); the Booking
    constraint decides between simultaneous ones."""
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related(*MEETING_RELATED)
        .get(pk=meeting.pk)
    )


def _slot(event: MatchmakingEvent, value) -> TimeSlot | None:
    if value in (None, ""):
        return None
    key = id_value(value)
    slot = event.slots.filter(pk=key).first() if key is not None else None
    if slot is None:
        raise DomainError(_("Unknown time slot."), field="slot")
    return slot


@transaction.atomic
def meeting_request(
    *, actor, requester: Participant, invitee: Participant, message: str = "", slot=None
) -> Meeting:
    """Ask another participant for a meeting (optionally in a given slot). A request the other
    side already sent becomes a mutual meeting instead of a second request."""
    require(actor, "events.request_meeting", requester)
    event = requester.event
    if invitee.event_id != event.pk or invitee.status != RegistrationStatus.APPROVED:
        raise DomainError(_("This participant cannot be met at this event."), field="invitee")
    if invitee.pk == requester.pk:
        raise DomainError(_("You cannot meet yourself."), field="invitee")
    if not may_meet(requester, invitee):
        raise DomainError(
            _("The organisers' rules do not let %(a)s and %(b)s meet.")
            % {"a": requester.group or "—", "b": invitee.group or "—"},
            field="invitee",
        )
    message = str(message or "").strip()
    if len(message) > MAX_MESSAGE:
        raise DomainError(_("The message is too long."), field="message")
    existing = (
        # Ordered by id: the default order joins the nullable slot, and PostgreSQL locks no
        # outer join ("FOR UPDATE cannot be applied to the nullable side of an outer join").
        Meeting.objects.select_for_update()
        .filter(
            event=event,
            status__in=LIVE,
            requester__in=[requester, invitee],
            invitee__in=[requester, invitee],
        )
        .order_by("pk")
        .first()
    )
    if (
        existing is not None
        and existing.status == S.REQUESTED
        and existing.expires_at
        and existing.expires_at < timezone.now()
    ):
        # Expired, though the periodic task has not marked it yet: it must not stand in the
        # way of a new request (nor be accepted as the reply to one).
        existing.slot = None
        _set(None, existing, S.EXPIRED, "events.meeting_expired")
        existing = None
    if existing is not None:
        if existing.requester_id == invitee.pk and existing.status == S.REQUESTED:
            existing.mutual = True
            existing.save(update_fields=["mutual", "updated_at"])
            return meeting_accept(actor=actor, meeting=existing, as_reply=True)
        raise DomainError(
            _("You already have a request or a meeting with %(name)s.") % {"name": invitee.name},
            field="invitee",
        )
    if _full(requester):
        raise DomainError(
            _("You have reached the maximum of %(n)s meetings.") % {"n": event.max_meetings},
            field="invitee",
        )
    proposed = _slot(event, slot)
    if proposed is not None:
        # A slot one side cannot attend would leave a request nobody can accept.
        _check_slot((requester, invitee), proposed, event)
    hours = event.request_expiry_hours
    meeting = Meeting.objects.create(
        event=event,
        requester=requester,
        invitee=invitee,
        message=message,
        slot=proposed,  # proposed; booked when accepted
        expires_at=timezone.now() + datetime.timedelta(hours=hours) if hours else None,
    )
    audit(actor, "events.meeting_requested", meeting, to_state=meeting.status)
    from .notifications import notify

    notify("meeting_requested", meeting=meeting)
    if event.request_mode == RequestMode.AUTOMATIC:
        return meeting_accept(actor=actor, meeting=meeting, as_reply=True)
    return meeting


@transaction.atomic
def meeting_accept(*, actor, meeting: Meeting, as_reply: bool = False) -> Meeting:
    """The invitee accepts; with a proposed slot the meeting is scheduled at once."""
    meeting = _locked(meeting)
    if not as_reply:
        require(actor, "events.answer_meeting", meeting)
    _expect(meeting, S.REQUESTED)
    if meeting.expires_at and meeting.expires_at < timezone.now():
        _set(actor, meeting, S.EXPIRED, "events.meeting_expired")
        raise DomainError(_("This request has expired."), field="status")
    for side in (meeting.invitee, meeting.requester):
        if _agreed(side) >= meeting.event.max_meetings:
            raise DomainError(
                _("%(name)s has reached the maximum of %(n)s meetings.")
                % {"name": side.name, "n": meeting.event.max_meetings},
                field="status",
            )
    meeting.answered_at = timezone.now()
    # A reminder of the unanswered request must not stand for the reminder of the meeting.
    meeting.reminded_at = None
    if meeting.slot_id:
        _book(meeting, meeting.slot)
        _set(actor, meeting, S.SCHEDULED, "events.meeting_accepted")
    else:
        _set(actor, meeting, S.ACCEPTED, "events.meeting_accepted")
    return meeting


@transaction.atomic
def meeting_decline(*, actor, meeting: Meeting, reason: str = "") -> Meeting:
    """The invitee declines (with a reason, shown to the requester)."""
    meeting = _locked(meeting)
    require(actor, "events.answer_meeting", meeting)
    _expect(meeting, S.REQUESTED)
    meeting.decline_reason = str(reason or "").strip()[:MAX_MESSAGE]
    meeting.answered_at = timezone.now()
    meeting.slot = None
    _set(actor, meeting, S.DECLINED, "events.meeting_declined")
    return meeting


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting, reason: str = "") -> Meeting:
    """Either side or the organiser cancels a request or a meeting; its slot is freed."""
    meeting = _locked(meeting)
    require(actor, "events.cancel_meeting", meeting)
    _expect(meeting, *LIVE)
    _release(meeting)
    meeting.decline_reason = str(reason or "").strip()[:MAX_MESSAGE]
    _set(actor, meeting, S.CANCELLED, "events.meeting_cancelled")
    return meeting


def cancel_all_of(*, actor, participant: Participant, reason: str) -> int:
    """Cancel every live request and meeting of a participant who leaves."""
    rows = Meeting.objects.filter(status__in=LIVE).filter(
        requester=participant
    ) | Meeting.objects.filter(status__in=LIVE, invitee=participant)
    n = 0
    for meeting in rows.select_related("slot"):
        _release(meeting)
        meeting.decline_reason = reason
        previous, meeting.status = meeting.status, S.CANCELLED
        meeting.save()
        audit(
            actor, "events.meeting_cancelled", meeting, from_state=previous, to_state=meeting.status
        )
        n += 1
    return n


@transaction.atomic
def meeting_reschedule(*, actor, meeting: Meeting, slot, table=None) -> Meeting:
    """Move an accepted meeting to another slot (the organiser may also choose the table and
    move published meetings; the two sides only their own unpublished ones)."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("event").get(pk=meeting.pk)
    )
    organiser = has_rule_perm(actor, "events.change_event", meeting.event)
    if not organiser:
        require(actor, "events.cancel_meeting", meeting)
        if meeting.published or meeting.locked:
            raise DomainError(_("Only the organisers move a published meeting."), field="slot")
    _expect(meeting, *AGREED)
    target = _slot(meeting.event, slot)
    if target is None:
        raise DomainError(_("Choose a time slot."), field="slot")
    chosen_table = None
    if table not in (None, ""):
        if not organiser:
            raise DomainError(_("Only the organisers choose tables."), field="table")
        chosen_table = meeting.event.tables.filter(number=table).first()
        if chosen_table is None:
            raise DomainError(_("Unknown table."), field="table")
    _book(meeting, target, chosen_table)
    _set(
        actor,
        meeting,
        S.SCHEDULED,
        "events.meeting_rescheduled",
        slot=str(target),
        table=meeting.table.number,
    )
    return meeting


@transaction.atomic
def meeting_lock(*, actor, meeting: Meeting, locked: bool = True) -> Meeting:
    """The organiser locks a scheduled meeting where it is (the scheduler will not move it)."""
    require(actor, "events.change_event", meeting.event)
    if locked and not (meeting.slot_id and meeting.table_id and meeting.status == S.SCHEDULED):
        raise DomainError(_("Only a scheduled meeting can be locked."), field="locked")
    meeting.locked = locked
    meeting.save(update_fields=["locked", "updated_at"])
    audit(actor, "events.meeting_locked", meeting, changes={"locked": locked})
    return meeting


@transaction.atomic
def meeting_priority_set(*, actor, meeting: Meeting, priority: int) -> Meeting:
    """The organiser gives a meeting more weight in the schedule."""
    require(actor, "events.change_event", meeting.event)
    if not 0 <= int(priority) <= 10:
        raise DomainError(_("Give a priority from 0 to 10."), field="priority")
    previous, meeting.priority = meeting.priority, int(priority)
    meeting.save(update_fields=["priority", "updated_at"])
    audit(
        actor,
        "events.meeting_priority",
        meeting,
        changes={"priority": meeting.priority, "was": previous},
    )
    return meeting


def requests_expire(*, now=None) -> int:
    """Expire unanswered requests whose time is up (a periodic task)."""
    now = now or timezone.now()
    n = 0
    for meeting in Meeting.objects.filter(status=S.REQUESTED, expires_at__lt=now):
        with transaction.atomic():
            meeting.slot = None
            _set(None, meeting, S.EXPIRED, "events.meeting_expired")
        n += 1
    return n


@transaction.atomic
def attendance_set(*, actor, meeting: Meeting, attendance: str) -> Meeting:
    """On the day: the meeting was held, or someone did not show up."""
    if not (
        has_rule_perm(actor, "events.change_event", meeting.event)
        or has_rule_perm(actor, "events.give_feedback", meeting)
    ):
        require(actor, "events.change_event", meeting.event)
    if attendance not in Attendance.values:
        raise DomainError(_("Choose held or no-show."), field="attendance")
    _expect(meeting, S.SCHEDULED)
    meeting.attendance = attendance
    meeting.save(update_fields=["attendance", "updated_at"])
    audit(actor, "events.attendance", meeting, to_state=attendance or "unknown")
    return meeting


#: The second feedback stage opens this long after the meeting.
SECOND_STAGE_AFTER = datetime.timedelta(days=150)


@transaction.atomic
def feedback_give(
    *, actor, meeting: Meeting, stage: str, outcome: str, comment: str = "", now=None
) -> MeetingFeedback:
    """One side's feedback on a meeting: right after the event, and about six months later."""
    require(actor, "events.give_feedback", meeting)
    sides = {meeting.requester.user_id: meeting.requester, meeting.invitee.user_id: meeting.invitee}
    side = sides.get(actor.pk) if actor.pk is not None else None
    if side is None:
        # Not even an admin speaks for a participant: the answer would be filed as theirs.
        raise PermissionDenied(_("Only the two participants give feedback on a meeting."))
    if stage not in FeedbackStage.values:
        raise DomainError(_("Unknown feedback stage."), field="stage")
    if outcome not in STAGE_OUTCOMES[stage]:
        raise DomainError(_("Choose one of the answers of this stage."), field="outcome")
    _expect(meeting, S.SCHEDULED)
    now = now or timezone.now()
    if meeting.slot is None or now < meeting.slot.starts_at:
        raise DomainError(_("Feedback opens when the meeting has started."), field="stage")
    if stage == FeedbackStage.SIX_MONTHS and now < meeting.slot.starts_at + SECOND_STAGE_AFTER:
        raise DomainError(
            _("The second stage opens on %(date)s.")
            % {"date": (meeting.slot.starts_at + SECOND_STAGE_AFTER).date().isoformat()},
            field="stage",
        )
    feedback, _created = MeetingFeedback.objects.update_or_create(
        meeting=meeting,
        participant=side,
        stage=stage,
        defaults={"outcome": outcome, "comment": str(comment or "").strip()[:MAX_MESSAGE]},
    )
    audit(actor, "events.feedback", meeting, changes={"stage": stage, "outcome": outcome})
    return feedback
