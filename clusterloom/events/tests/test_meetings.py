"""The meeting-request state machine: request, accept, decline, cancel, expire, reschedule,
attendance and feedback; the rules on whom one may meet and when; every step audited, and a
step that fails changes nothing."""

import datetime

import pytest
from django.utils import timezone

from clusterloom.core.errors import DomainError, PermissionDenied
from clusterloom.core.models import AuditEntry
from clusterloom.events import meetings as m
from clusterloom.events import services
from clusterloom.events.models import Booking, Meeting, MeetingFeedback

from .conftest import ask, member, register, slots

pytestmark = pytest.mark.django_db


def _refused(call, field, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    assert caught.value.field == field, caught.value.message
    return caught.value


def _unchanged(meeting: Meeting):
    """A snapshot of what a failed step must leave as it was."""
    meeting.refresh_from_db()
    return (
        meeting.status,
        meeting.slot_id,
        meeting.table_id,
        sorted(Booking.objects.values_list("meeting_id", "participant_id", "slot_id")),
        AuditEntry.objects.count(),
    )


def _supplier(w, username, name):
    """A third approved supplier."""
    from clusterloom.directory.tests.factories import OrganisationFactory, country

    organisation = OrganisationFactory(name=name, country=country("PT"))
    return register(w, member(organisation, username), organisation, group=w.suppliers.pk)


# -- request, accept, decline, cancel, expire ------------------------------------------------------


def test_request_then_accept(eworld):
    w = eworld
    meeting = ask(w, message="  We make seat fabrics.  ")
    assert (meeting.status, meeting.message, meeting.mutual) == (
        "requested",
        "We make seat fabrics.",
        False,
    )
    assert meeting.slot is None
    expected = timezone.now() + datetime.timedelta(hours=72)
    assert abs((meeting.expires_at - expected).total_seconds()) < 60
    accepted = m.meeting_accept(actor=w.buyer_es, meeting=meeting)
    assert accepted.status == "accepted" and accepted.answered_at is not None
    assert accepted.slot is None and accepted.bookings.count() == 0  # the scheduler places it
    entries = AuditEntry.objects.filter(object_type="events.meeting", object_id=str(meeting.pk))
    assert [(e.action, e.from_state, e.to_state) for e in entries.order_by("id")] == [
        ("events.meeting_requested", "", "requested"),
        ("events.meeting_accepted", "requested", "accepted"),
    ]


def test_a_proposed_slot_is_booked_on_accept(eworld):
    w = eworld
    slot = slots(w)[2]
    meeting = ask(w, slot=slot)
    assert meeting.slot == slot and meeting.table is None and meeting.bookings.count() == 0
    accepted = m.meeting_accept(actor=w.buyer_es, meeting=meeting)
    assert accepted.status == "scheduled" and accepted.slot == slot
    assert accepted.table.number == 1
    assert set(accepted.bookings.values_list("participant_id", "slot_id")) == {
        (w.p_it.pk, slot.pk),
        (w.p_es.pk, slot.pk),
    }
    # The next meeting in that slot gets the next table.
    other = ask(w, w.p_cz, w.p_sk, slot=slot, accept=True)
    assert other.table.number == 2


def test_decline_with_a_reason(eworld):
    w = eworld
    meeting = ask(w, slot=slots(w)[0])
    declined = m.meeting_decline(actor=w.buyer_es, meeting=meeting, reason="No budget this year.")
    assert declined.status == "declined" and declined.decline_reason == "No budget this year."
    assert declined.slot is None
    _refused(m.meeting_accept, "status", actor=w.buyer_es, meeting=meeting)
    # A declined request does not block a new one.
    assert ask(w).status == "requested"


def test_cancel_frees_the_slot(eworld):
    w = eworld
    slot = slots(w)[0]
    meeting = ask(w, slot=slot, accept=True)
    cancelled = m.meeting_cancel(actor=w.supplier_it, meeting=meeting, reason="Flight cancelled.")
    assert cancelled.status == "cancelled" and cancelled.slot is None and cancelled.table is None
    assert Booking.objects.count() == 0
    _refused(m.meeting_cancel, "status", actor=w.supplier_it, meeting=meeting)
    # The slot is free again for both.
    assert ask(w, w.p_cz, w.p_es, slot=slot, accept=True).status == "scheduled"


def test_unanswered_requests_expire(eworld):
    w = eworld
    meeting = ask(w)
    assert m.requests_expire() == 0
    later = timezone.now() + datetime.timedelta(hours=73)
    assert m.requests_expire(now=later) == 1
    meeting.refresh_from_db()
    assert meeting.status == "expired"
    entry = AuditEntry.objects.filter(action="events.meeting_expired").get()
    assert (entry.from_state, entry.to_state, entry.actor) == ("requested", "expired", None)


def test_an_expired_request_cannot_be_accepted(eworld):
    w = eworld
    meeting = ask(w)
    Meeting.objects.filter(pk=meeting.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    error = _refused(m.meeting_accept, "status", actor=w.buyer_es, meeting=meeting)
    assert "expired" in error.message
    meeting.refresh_from_db()
    assert meeting.status != "accepted"


def test_an_expired_request_does_not_block_a_new_one_either_way(eworld):
    w = eworld
    old = ask(w)
    Meeting.objects.filter(pk=old.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    # The buyer asks the supplier back: a new request, not a reply to the expired one.
    new = ask(w, w.p_es, w.p_it)
    old.refresh_from_db()
    assert new.pk != old.pk and (new.status, new.mutual) == ("requested", False)
    assert old.status == "expired"
    again = ask(w, w.p_cz, w.p_sk)
    Meeting.objects.filter(pk=again.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert ask(w, w.p_cz, w.p_sk).pk != again.pk


def test_no_expiry_when_the_event_says_never(eworld):
    w = eworld
    services.event_update(actor=w.organiser, event=w.event, data={"request_expiry_hours": 0})
    w.p_it.event.refresh_from_db()
    meeting = ask(w)
    assert meeting.expires_at is None


def test_automatic_mode_accepts_at_once(eworld):
    w = eworld
    services.event_update(actor=w.organiser, event=w.event, data={"request_mode": "automatic"})
    w.p_it.event.refresh_from_db()
    meeting = ask(w, slot=slots(w)[1])
    assert meeting.status == "scheduled" and meeting.bookings.count() == 2


def test_a_reverse_request_makes_the_meeting_mutual(eworld):
    w = eworld
    first = ask(w)
    reply = ask(w, w.p_es, w.p_it)
    assert reply.pk == first.pk
    assert (reply.status, reply.mutual) == ("accepted", True)
    assert Meeting.objects.count() == 1
    assert reply.weight == w.event.mutual_weight
    # Asking again is refused, either way round.
    _refused(ask, "invitee", w=w)
    _refused(ask, "invitee", w=w, requester=w.p_es, invitee=w.p_it)


# -- who may meet whom -----------------------------------------------------------------------------


def test_who_may_meet_whom(eworld):
    w = eworld
    # Two suppliers: the organisers' rules allow buyers with suppliers only.
    error = _refused(ask, "invitee", w=w, requester=w.p_it, invitee=w.p_cz)
    assert "Suppliers" in error.message
    _refused(ask, "invitee", w=w, requester=w.p_es, invitee=w.p_sk)
    # Someone without a group meets nobody while rules exist.
    services.registration_update(actor=w.organiser, participant=w.p_sk, data={"group": None})
    _refused(ask, "invitee", w=w, requester=w.p_it, invitee=w.p_sk)
    # Without any rule, everyone may meet everyone.
    services.group_rule_set(
        actor=w.organiser, event=w.event, group_a=w.buyers, group_b=w.suppliers, allowed=False
    )
    assert ask(w, w.p_it, w.p_cz).status == "requested"
    assert ask(w, w.p_it, w.p_sk).status == "requested"
    assert Meeting.objects.count() == 2


def test_no_meeting_with_oneself_or_someone_not_approved(eworld):
    w = eworld
    _refused(ask, "invitee", w=w, requester=w.p_it, invitee=w.p_it)
    from clusterloom.directory.tests.factories import OrganisationFactory, country

    organisation = OrganisationFactory(name="Waiting SL", country=country("ES"))
    waiting = register(
        w, member(organisation, "waiting"), organisation, group=w.buyers.pk, approve=False
    )
    _refused(ask, "invitee", w=w, requester=w.p_it, invitee=waiting)
    # Nor may someone whose registration waits ask anybody.
    with pytest.raises(PermissionDenied):
        ask(w, waiting, w.p_it)
    assert Meeting.objects.count() == 0


def test_no_meeting_with_a_participant_of_another_event(eworld):
    w = eworld
    other = services.event_create(
        actor=w.organiser,
        partnership=w.partnership,
        data={
            "title": "Another event",
            "registration_opens": "2026-11-01",
            "registration_closes": "2027-01-31",
        },
    )
    services.session_add(
        actor=w.organiser,
        event=other,
        data={"name": "Day", "starts_at": "2027-05-01T09:00", "ends_at": "2027-05-01T10:00"},
    )
    services.event_status_set(actor=w.organiser, event=other, status="open")
    elsewhere = services.registration_submit(
        actor=w.buyer_sk, event=other, data={"organisation": w.orgs["sk"].pk}
    )
    services.registration_review(actor=w.organiser, participant=elsewhere, decision="approve")
    _refused(ask, "invitee", w=w, requester=w.p_it, invitee=elsewhere)
    # A slot of the other event is refused too.
    _refused(ask, "slot", w=w, slot=other.slots.first())
    assert not Meeting.objects.exists()


def test_maximum_meetings(eworld):
    w = eworld
    services.event_update(actor=w.organiser, event=w.event, data={"max_meetings": 1})
    for p in (w.p_it, w.p_cz, w.p_es, w.p_sk):
        p.event.refresh_from_db()
    ask(w, accept=True)
    error = _refused(ask, "invitee", w=w, requester=w.p_it, invitee=w.p_sk)
    assert "maximum of 1" in error.message
    # The Spanish buyer is full: a request to her can be sent, but not accepted.
    pending = ask(w, w.p_cz, w.p_es)
    before = _unchanged(pending)
    error = _refused(m.meeting_accept, "status", actor=w.buyer_es, meeting=pending)
    assert "García" in error.message
    assert _unchanged(pending) == before


def test_a_popular_invitee_can_accept_up_to_the_maximum(eworld):
    """More requests than places must not stop her from accepting any of them."""
    w = eworld
    services.event_update(actor=w.organiser, event=w.event, data={"max_meetings": 2})
    w.p_it.event.refresh_from_db()
    w.p_cz.event.refresh_from_db()
    third = _supplier(w, "supplier_pt", "Fios do Minho")
    fourth = _supplier(w, "supplier_pt2", "Malhas de Guimarães")
    requests = [ask(w, p, w.p_es) for p in (w.p_it, w.p_cz, third)]
    # Three requests received do not use up her own two: she may still ask someone.
    assert ask(w, w.p_es, fourth).status == "requested"
    m.meeting_accept(actor=w.buyer_es, meeting=requests[0])
    m.meeting_accept(actor=w.buyer_es, meeting=requests[1])
    _refused(m.meeting_accept, "status", actor=w.buyer_es, meeting=requests[2])
    assert Meeting.objects.filter(status="accepted").count() == 2


# -- slots -----------------------------------------------------------------------------------------


def test_a_slot_the_invitee_is_not_available_in_is_refused_at_once(eworld):
    w = eworld
    afternoon = slots(w)[7]
    services.registration_update(
        actor=w.buyer_es,
        participant=w.p_es,
        data={"available": [s.pk for s in slots(w)[:7]]},
    )
    error = _refused(ask, "slot", w=w, slot=afternoon)
    # The time as the participants read it, in the event's time zone (Rome).
    assert "García" in error.message and "Wed 10 Mar 14:00" in error.message
    assert not Meeting.objects.exists()


def test_availability_withdrawn_after_the_request_refuses_the_accept(eworld):
    w = eworld
    first = slots(w)[0]
    meeting = ask(w, slot=first)
    services.registration_update(
        actor=w.supplier_it, participant=w.p_it, data={"available": [s.pk for s in slots(w)[1:]]}
    )
    before = _unchanged(meeting)
    error = _refused(m.meeting_accept, "slot", actor=w.buyer_es, meeting=meeting)
    assert "Bianchi" in error.message
    assert _unchanged(meeting) == before and meeting.status == "requested"


def test_a_slot_already_taken_by_either_side(eworld):
    w = eworld
    slot = slots(w)[0]
    ask(w, slot=slot, accept=True)
    # Asking the busy buyer for the same slot is refused with her name.
    error = _refused(ask, "slot", w=w, requester=w.p_cz, invitee=w.p_es, slot=slot)
    assert "already has a meeting" in error.message
    # Two requests for one slot made before either was accepted: the second accept fails.
    other_slot = slots(w)[1]
    a = ask(w, w.p_cz, w.p_sk, slot=other_slot)
    b = ask(w, w.p_it, w.p_sk, slot=other_slot)
    m.meeting_accept(actor=w.buyer_sk, meeting=a)
    before = _unchanged(b)
    _refused(m.meeting_accept, "slot", actor=w.buyer_sk, meeting=b)
    assert _unchanged(b) == before


def test_no_table_free(eworld):
    w = eworld
    services.tables_set(actor=w.organiser, event=w.event, count=1)
    slot = slots(w)[0]
    ask(w, slot=slot, accept=True)
    pending = ask(w, w.p_cz, w.p_sk, slot=slot)
    error = _refused(m.meeting_accept, "slot", actor=w.buyer_sk, meeting=pending)
    assert "table" in error.message
    pending.refresh_from_db()
    assert pending.status == "requested"


# -- reschedule, lock, priority --------------------------------------------------------------------


def test_the_sides_move_an_unpublished_meeting_the_organiser_also_a_published_one(eworld):
    w = eworld
    first, second, third = slots(w)[:3]
    meeting = ask(w, slot=first, accept=True)
    moved = m.meeting_reschedule(actor=w.supplier_it, meeting=meeting, slot=second.pk)
    assert moved.slot == second and moved.status == "scheduled"
    assert set(Booking.objects.values_list("slot_id", flat=True)) == {second.pk}
    _refused(m.meeting_reschedule, "table", actor=w.buyer_es, meeting=meeting, slot=third, table=2)
    _refused(m.meeting_reschedule, "slot", actor=w.buyer_es, meeting=meeting, slot=None)
    Meeting.objects.filter(pk=meeting.pk).update(published=True)
    error = _refused(m.meeting_reschedule, "slot", actor=w.buyer_es, meeting=meeting, slot=third)
    assert "organisers" in error.message
    by_organiser = m.meeting_reschedule(actor=w.organiser, meeting=meeting, slot=third, table=3)
    assert (by_organiser.slot, by_organiser.table.number) == (third, 3)
    _refused(m.meeting_reschedule, "table", actor=w.organiser, meeting=meeting, slot=first, table=9)
    entry = AuditEntry.objects.filter(action="events.meeting_rescheduled").latest("id")
    assert entry.actor == w.organiser and entry.changes["table"] == 3


def test_moving_into_a_busy_slot_changes_nothing(eworld):
    w = eworld
    first, second = slots(w)[:2]
    meeting = ask(w, slot=first, accept=True)
    ask(w, w.p_cz, w.p_es, slot=second, accept=True)
    before = _unchanged(meeting)
    error = _refused(
        m.meeting_reschedule, "slot", actor=w.supplier_it, meeting=meeting, slot=second
    )
    assert "García" in error.message
    assert _unchanged(meeting) == before


def test_lock_and_priority_are_for_organisers(eworld):
    w = eworld
    meeting = ask(w, accept=True)
    _refused(m.meeting_lock, "locked", actor=w.organiser, meeting=meeting)  # no slot yet
    meeting = m.meeting_reschedule(actor=w.organiser, meeting=meeting, slot=slots(w)[0])
    assert m.meeting_lock(actor=w.organiser, meeting=meeting).locked
    # A locked meeting is not moved by its sides.
    _refused(m.meeting_reschedule, "slot", actor=w.supplier_it, meeting=meeting, slot=slots(w)[1])
    assert not m.meeting_lock(actor=w.organiser, meeting=meeting, locked=False).locked
    assert m.meeting_priority_set(actor=w.organiser, meeting=meeting, priority=3).weight == 4.0
    _refused(m.meeting_priority_set, "priority", actor=w.organiser, meeting=meeting, priority=11)
    for user in (w.supplier_it, w.buyer_es, w.other_coordinator):
        with pytest.raises(PermissionDenied):
            m.meeting_lock(actor=user, meeting=meeting)
        with pytest.raises(PermissionDenied):
            m.meeting_priority_set(actor=user, meeting=meeting, priority=5)
    actions = list(
        AuditEntry.objects.filter(object_id=str(meeting.pk), object_type="events.meeting")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == [
        "events.meeting_locked",
        "events.meeting_locked",
        "events.meeting_priority",
    ]


# -- the day and afterwards ------------------------------------------------------------------------


def test_attendance(eworld):
    w = eworld
    meeting = ask(w, slot=slots(w)[0], accept=True)
    assert (
        m.attendance_set(actor=w.buyer_es, meeting=meeting, attendance="held").attendance == "held"
    )
    assert (
        m.attendance_set(actor=w.organiser, meeting=meeting, attendance="no_show").attendance
        == "no_show"
    )
    _refused(m.attendance_set, "attendance", actor=w.organiser, meeting=meeting, attendance="late")
    for user in (w.supplier_cz, w.other_coordinator, w.stranger):
        with pytest.raises(PermissionDenied):
            m.attendance_set(actor=user, meeting=meeting, attendance="held")
    pending = ask(w, w.p_cz, w.p_sk)
    _refused(m.attendance_set, "status", actor=w.organiser, meeting=pending, attendance="held")
    entry = AuditEntry.objects.filter(action="events.attendance").latest("id")
    assert entry.to_state == "no_show"


def test_feedback_in_two_stages(eworld):
    w = eworld
    meeting = ask(w, slot=slots(w)[0], accept=True)
    start = meeting.slot.starts_at
    after = start + datetime.timedelta(hours=2)

    def give(user, stage, outcome, now):
        return m.feedback_give(
            actor=user, meeting=meeting, stage=stage, outcome=outcome, comment="ok", now=now
        )

    _refused(
        give,
        "stage",
        user=w.supplier_it,
        stage="after_event",
        outcome="informative",
        now=start - datetime.timedelta(hours=1),
    )
    assert give(w.supplier_it, "after_event", "cooperation_possible", after).participant == w.p_it
    assert give(w.buyer_es, "after_event", "informative", after).participant == w.p_es
    # Answering again replaces one's answer of that stage.
    give(w.supplier_it, "after_event", "informative", after)
    assert MeetingFeedback.objects.filter(stage="after_event").count() == 2
    # Outcomes of the other stage, unknown stages.
    _refused(
        give, "outcome", user=w.supplier_it, stage="after_event", outcome="agreement", now=after
    )
    _refused(
        give, "outcome", user=w.supplier_it, stage="six_months", outcome="informative", now=after
    )
    _refused(give, "stage", user=w.supplier_it, stage="one_year", outcome="agreement", now=after)
    # The second stage opens months later, not right after the meeting.
    error = _refused(
        give, "stage", user=w.supplier_it, stage="six_months", outcome="negotiation", now=after
    )
    assert "2027-08" in error.message
    half_year = start + datetime.timedelta(days=182)
    assert give(w.supplier_it, "six_months", "negotiation", half_year).outcome == "negotiation"
    # Only the two sides answer: not a third participant, not the organiser, not an admin.
    for user in (w.supplier_cz, w.organiser, w.admin):
        with pytest.raises(PermissionDenied):
            give(user, "after_event", "informative", after)
    assert MeetingFeedback.objects.count() == 3
    assert AuditEntry.objects.filter(action="events.feedback").count() == 4


def test_no_feedback_on_a_meeting_that_never_got_a_slot(eworld):
    w = eworld
    meeting = ask(w, accept=True)
    later = timezone.now() + datetime.timedelta(days=200)
    _refused(
        m.feedback_give,
        "status",
        actor=w.supplier_it,
        meeting=meeting,
        stage="after_event",
        outcome="not_held",
        now=later,
    )
