"""Who may take each step of a matchmaking event: the requester, the invitee, a third
participant, the organiser, another partnership's coordinator, a stranger, the anonymous public
and an admin. A refused step raises PermissionDenied and writes nothing."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from clusterloom.core.errors import PermissionDenied
from clusterloom.core.models import AuditEntry
from clusterloom.core.permissions import has_rule_perm
from clusterloom.events import meetings as m
from clusterloom.events import services
from clusterloom.events.models import Meeting

from .conftest import ask, slots

pytestmark = pytest.mark.django_db

ACTORS = (
    "requester",
    "invitee",
    "third",
    "organiser",
    "other_coordinator",
    "stranger",
    "anonymous",
    "admin",
)


def _actor(w, role):
    return {
        "requester": w.supplier_it,
        "invitee": w.buyer_es,
        "third": w.supplier_cz,
        "organiser": w.organiser,
        "other_coordinator": w.other_coordinator,
        "stranger": w.stranger,
        "anonymous": AnonymousUser(),
        "admin": w.admin,
    }[role]


@pytest.fixture
def pair(eworld):
    """A request from the Italian supplier to the Spanish buyer, and a scheduled meeting of the
    Czech supplier with the Spanish buyer whose slot has passed."""
    w = eworld
    w.pending = ask(w)
    w.scheduled = ask(w, w.p_cz, w.p_es, slot=slots(w)[0], accept=True)
    return w


def _requested(w):
    return Meeting.objects.get(pk=w.pending.pk)


def _meeting(w):
    return Meeting.objects.get(pk=w.scheduled.pk)


AFTER = datetime.datetime(2027, 3, 10, 12, 0, tzinfo=datetime.UTC)

#: step -> (the call, the roles that may take it).
STEPS = {
    "accept": (
        lambda w, u: m.meeting_accept(actor=u, meeting=_requested(w)),
        {"invitee", "admin"},
    ),
    "decline": (
        lambda w, u: m.meeting_decline(actor=u, meeting=_requested(w), reason="No."),
        {"invitee", "admin"},
    ),
    "cancel a request": (
        lambda w, u: m.meeting_cancel(actor=u, meeting=_requested(w)),
        {"requester", "invitee", "organiser", "admin"},
    ),
    "request on the Italian's behalf": (
        lambda w, u: m.meeting_request(actor=u, requester=w.p_it, invitee=w.p_sk),
        {"requester", "admin"},
    ),
    # The scheduled meeting is the Czech supplier's (the "third") with the Spanish buyer.
    "reschedule": (
        lambda w, u: m.meeting_reschedule(actor=u, meeting=_meeting(w), slot=slots(w)[1]),
        {"third", "invitee", "organiser", "admin"},
    ),
    "lock": (
        lambda w, u: m.meeting_lock(actor=u, meeting=_meeting(w)),
        {"organiser", "admin"},
    ),
    "priority": (
        lambda w, u: m.meeting_priority_set(actor=u, meeting=_meeting(w), priority=2),
        {"organiser", "admin"},
    ),
    "attendance": (
        lambda w, u: m.attendance_set(actor=u, meeting=_meeting(w), attendance="held"),
        {"third", "invitee", "organiser", "admin"},
    ),
    "feedback": (
        lambda w, u: m.feedback_give(
            actor=u, meeting=_meeting(w), stage="after_event", outcome="informative", now=AFTER
        ),
        {"third", "invitee"},  # not even an admin answers for a participant
    ),
    "change the Italian's registration": (
        lambda w, u: services.registration_update(
            actor=u, participant=w.p_it, data={"profile": "New text."}
        ),
        {"requester", "organiser", "admin"},
    ),
    "approve a registration": (
        lambda w, u: services.registration_review(actor=u, participant=w.p_it, decision="reject"),
        {"organiser", "admin"},
    ),
    "check in": (
        lambda w, u: services.check_in(actor=u, participant=w.p_it),
        {"organiser", "admin"},
    ),
    "change the event": (
        lambda w, u: services.event_update(actor=u, event=w.event, data={"venue": "Florence"}),
        {"organiser", "admin"},
    ),
    "add a session": (
        lambda w, u: services.session_add(
            actor=u,
            event=w.event,
            data={"name": "Late", "starts_at": "2027-03-10T17:00", "ends_at": "2027-03-10T18:00"},
        ),
        {"organiser", "admin"},
    ),
    "import registrations": (
        lambda w, u: services.registrations_import(
            actor=u,
            event=w.event,
            file_name="p.csv",
            content=b"name,email,organisation,country\nA B,ab@x.eu,Firma,SK\n",
        ),
        {"organiser", "admin"},
    ),
}


@pytest.mark.parametrize("step", list(STEPS))
def test_who_may_take_each_step(pair, step):
    w = pair
    call, allowed = STEPS[step]
    got = {}
    for role in ACTORS:
        with transaction.atomic():
            audited = AuditEntry.objects.count()
            try:
                call(w, _actor(w, role))
                got[role] = "done"
            except PermissionDenied:
                got[role] = "refused"
                assert AuditEntry.objects.count() == audited, role
            transaction.set_rollback(True)
    assert got == {r: "done" if r in allowed else "refused" for r in ACTORS}


def test_who_sees_what(pair):
    w = pair
    meeting = _meeting(w)
    seen = {
        role: (
            has_rule_perm(_actor(w, role), "events.view_meeting", meeting),
            has_rule_perm(_actor(w, role), "events.view_participant", w.p_it),
        )
        for role in ACTORS
    }
    assert seen == {
        "requester": (False, True),  # the Italian is not in the Czech's meeting
        "invitee": (True, True),  # approved participants see profiles published with consent
        "third": (True, True),
        "organiser": (True, True),
        "other_coordinator": (False, False),
        "stranger": (False, False),
        "anonymous": (False, False),
        "admin": (True, True),
    }
    # Without consent, only the organisers (and oneself) see the profile.
    services.registration_update(
        actor=w.supplier_it, participant=w.p_it, data={"consent_public": False}
    )
    w.p_it.refresh_from_db()
    assert has_rule_perm(w.supplier_it, "events.view_participant", w.p_it)
    assert has_rule_perm(w.organiser, "events.view_participant", w.p_it)
    assert not has_rule_perm(w.buyer_es, "events.view_participant", w.p_it)


def test_a_draft_event_is_seen_by_its_organisers_only(eworld):
    w = eworld
    draft = services.event_create(
        actor=w.organiser,
        partnership=w.partnership,
        data={
            "title": "Next year",
            "registration_opens": "2027-01-01",
            "registration_closes": "2027-02-01",
        },
    )
    seen = {role: has_rule_perm(_actor(w, role), "events.view_event", draft) for role in ACTORS}
    assert {r for r, ok in seen.items() if ok} == {"organiser", "admin"}
    open_event = {
        role: has_rule_perm(_actor(w, role), "events.view_event", w.event) for role in ACTORS
    }
    assert all(open_event.values())
