"""Setting up a matchmaking event and registering for it: errors name their field, sessions are
cut into slots in the event's time zone, tables in use stay, registration rules hold, and a
failing step leaves nothing behind."""

import datetime
import zoneinfo

import pytest

from clusterloom.core.errors import DomainError, PermissionDenied
from clusterloom.core.models import AuditEntry
from clusterloom.events import services
from clusterloom.events.models import (
    EventSession,
    MatchmakingEvent,
    Participant,
    TimeSlot,
)

from .conftest import DAY, TODAY, ask, member, register, slots

pytestmark = pytest.mark.django_db

ROME = zoneinfo.ZoneInfo("Europe/Rome")


def _event_data(**overrides):
    return {
        "title": "Spring matchmaking",
        "time_zone": "Europe/Lisbon",
        "registration_opens": "2026-11-01",
        "registration_closes": "2027-01-31",
        **overrides,
    }


def _session(w, event=None, **overrides):
    data = {
        "name": "Evening",
        "starts_at": f"{DAY}T17:00",
        "ends_at": f"{DAY}T18:00",
        "slot_minutes": 15,
        "break_minutes": 5,
        **overrides,
    }
    return services.session_add(actor=w.organiser, event=event or w.event, data=data)


def _refused(call, field, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert caught.value.field == field, caught.value.message
    return caught.value


# -- the event ---------------------------------------------------------------------------------


def test_create_event_as_a_draft_with_a_slug_of_the_partnership(eworld):
    w = eworld
    event = services.event_create(actor=w.organiser, partnership=w.partnership, data=_event_data())
    assert event.slug == "xtex-spring-matchmaking" and event.status == "draft"
    assert (event.kind, event.format, event.request_mode) == ("b2b", "onsite", "approval")
    again = services.event_create(actor=w.organiser, partnership=w.partnership, data=_event_data())
    assert again.slug == "xtex-spring-matchmaking-2"
    assert AuditEntry.objects.filter(action="events.event_created").count() == 3


@pytest.mark.parametrize(
    "change, field",
    [
        ({"registration_closes": "2026-10-01"}, "registration_closes"),
        ({"registration_opens": "first of November"}, "registration_opens"),
        ({"registration_closes": None}, "registration_closes"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"time_zone": "Europe"}, "time_zone"),  # a folder of the zone database, not a zone
        ({"time_zone": "../../etc/passwd"}, "time_zone"),
        ({"title": "   "}, "title"),
        ({"kind": "b2c"}, "kind"),
        ({"format": "radio"}, "format"),
        ({"max_meetings": 0}, "max_meetings"),
        ({"max_meetings": "many"}, "max_meetings"),
        ({"request_mode": "lottery"}, "request_mode"),
    ],
)
def test_event_setup_errors_name_their_field_and_create_nothing(eworld, change, field):
    w = eworld
    before = MatchmakingEvent.objects.count()
    _refused(
        services.event_create,
        field,
        actor=w.organiser,
        partnership=w.partnership,
        data=_event_data(**change),
    )
    assert MatchmakingEvent.objects.count() == before


def test_only_the_partnerships_coordinators_create_and_change_its_events(eworld):
    w = eworld
    for user in (w.other_coordinator, w.supplier_it, w.stranger):
        with pytest.raises(PermissionDenied):
            services.event_create(actor=user, partnership=w.partnership, data=_event_data())
        with pytest.raises(PermissionDenied):
            services.event_update(actor=user, event=w.event, data={"title": "Mine"})
    assert services.event_create(actor=w.admin, partnership=w.partnership, data=_event_data())


def test_update_keeps_what_is_left_out_and_refuses_dates_in_the_wrong_order(eworld):
    w = eworld
    services.event_update(actor=w.organiser, event=w.event, data={"venue": "Prato"})
    w.event.refresh_from_db()
    assert w.event.venue == "Prato" and w.event.title == "Textiles meet automotive"
    _refused(
        services.event_update,
        "registration_closes",
        actor=w.organiser,
        event=w.event,
        data={"registration_closes": "2026-01-01", "venue": "Florence"},
    )
    w.event.refresh_from_db()
    assert w.event.venue == "Prato"
    assert w.event.registration_closes == TODAY + datetime.timedelta(days=60)


def test_event_status_rules(eworld):
    w = eworld
    # An event with registrations cannot go back to draft (field named, not a crash).
    _refused(services.event_status_set, "status", actor=w.organiser, event=w.event, status="draft")
    _refused(services.event_status_set, "status", actor=w.organiser, event=w.event, status="held")
    empty = services.event_create(actor=w.organiser, partnership=w.partnership, data=_event_data())
    error = _refused(
        services.event_status_set, "status", actor=w.organiser, event=empty, status="open"
    )
    assert "session" in error.message
    closed = services.event_status_set(actor=w.organiser, event=w.event, status="closed")
    assert closed.status == "closed"
    entry = AuditEntry.objects.filter(action="events.event_status").latest("id")
    assert (entry.from_state, entry.to_state) == ("open", "closed")


def test_an_event_cannot_be_marked_held_before_it_ends(eworld):
    w = eworld
    with pytest.raises(DomainError) as caught:
        services.event_mark_held(actor=w.organiser, event=w.event)
    assert caught.value.field == "held"
    assert caught.value.message == (
        "The event ends on 10 March 2027: it can be recorded as held once it has taken place."
    )
    assert not w.partnership.matchmaking_events.filter(held=True).exists()
    bare = services.event_create(
        actor=w.organiser,
        partnership=w.partnership,
        data={
            "title": "No sessions yet",
            "registration_opens": "2026-12-01",
            "registration_closes": "2027-01-31",
        },
    )
    with pytest.raises(DomainError, match="no session yet"):
        services.event_mark_held(actor=w.organiser, event=bare)


def test_marking_the_event_held_once_it_is_over(eworld, after_the_event):
    w = eworld
    services.event_mark_held(actor=w.organiser, event=w.event)
    assert w.partnership.matchmaking_events.filter(held=True).count() == 1
    with pytest.raises(PermissionDenied):
        services.event_mark_held(actor=w.supplier_it, event=w.event)


# -- sessions and slots ----------------------------------------------------------------------------


def test_sessions_are_cut_into_slots_in_the_events_time_zone_with_breaks(eworld):
    w = eworld
    morning, afternoon = w.event.sessions.order_by("starts_at")
    local = [
        (
            s.starts_at.astimezone(ROME).strftime("%H:%M"),
            s.ends_at.astimezone(ROME).strftime("%H:%M"),
        )
        for s in morning.slots.order_by("starts_at")
    ]
    assert local == [
        ("09:00", "09:20"),
        ("09:25", "09:45"),
        ("09:50", "10:10"),
        ("10:15", "10:35"),
        ("10:40", "11:00"),
        ("11:05", "11:25"),
        ("11:30", "11:50"),  # 11:55 + 20 minutes would end after noon
    ]
    assert [s.starts_at.astimezone(ROME).strftime("%H:%M") for s in afternoon.slots.all()] == [
        "14:00",
        "14:30",
        "15:00",
        "15:30",
    ]
    assert morning.starts_at.astimezone(ROME) == datetime.datetime(2027, 3, 10, 9, 0, tzinfo=ROME)
    assert w.event.slots.count() == 11


def test_a_naive_time_is_read_in_the_events_own_time_zone(eworld):
    w = eworld
    lisbon = services.event_create(actor=w.organiser, partnership=w.partnership, data=_event_data())
    session = _session(w, lisbon, starts_at="2027-07-01T09:00", ends_at="2027-07-01T10:00")
    first = session.slots.order_by("starts_at").first()
    # Lisbon is at UTC+1 in July: 09:00 there is 08:00 UTC.
    assert first.starts_at == datetime.datetime(2027, 7, 1, 8, 0, tzinfo=datetime.UTC)
    assert session.slots.count() == 3  # 09:00, 09:20, 09:40


def test_a_new_session_makes_registered_participants_available_in_its_slots(eworld):
    w = eworld
    session = _session(w)
    assert session.slots.count() == 3
    assert w.p_it.available_slots.filter(session=session).count() == 3


@pytest.mark.parametrize(
    "change, field",
    [
        ({"ends_at": f"{DAY}T16:30"}, "ends_at"),  # ends before it starts
        ({"starts_at": f"{DAY}T11:00", "ends_at": f"{DAY}T13:00"}, "starts_at"),  # overlaps
        ({"starts_at": f"{DAY}T17:00", "ends_at": f"{DAY}T17:10"}, "ends_at"),  # < one slot
        ({"starts_at": "tomorrow at five"}, "starts_at"),
        ({"slot_minutes": 2}, "slot_minutes"),
        ({"break_minutes": -5}, "break_minutes"),
        ({"name": ""}, "name"),
        # 17:00 to midnight in 5-minute slots: more than 60 in one session.
        ({"ends_at": f"{DAY}T23:59", "slot_minutes": 5, "break_minutes": 0}, "slot_minutes"),
    ],
)
def test_session_errors_name_their_field_and_leave_no_slot(eworld, change, field):
    w = eworld
    sessions, slot_count = EventSession.objects.count(), TimeSlot.objects.count()
    _refused(_session, field, w, **change)
    assert (EventSession.objects.count(), TimeSlot.objects.count()) == (sessions, slot_count)


def test_no_new_session_once_the_schedule_is_published(eworld):
    w = eworld
    MatchmakingEvent.objects.filter(pk=w.event.pk).update(schedule_published=True)
    w.event.refresh_from_db()
    _refused(_session, "name", w)


# -- tables ---------------------------------------------------------------------------------------


def test_tables_grow_with_links_and_shrink_only_when_free(eworld):
    w = eworld
    services.tables_set(
        actor=w.organiser, event=w.event, count=5, link_template="https://meet.example/xtex-{n}"
    )
    tables = list(w.event.tables.order_by("number"))
    assert [t.number for t in tables] == [1, 2, 3, 4, 5]
    assert tables[4].link == "https://meet.example/xtex-5"
    assert tables[0].link == ""  # existing tables keep theirs
    # A meeting at table 1 and one at table 2 in the first slot.
    first = slots(w)[0]
    ask(w, slot=first, accept=True)
    ask(w, w.p_cz, w.p_sk, slot=first, accept=True)
    assert sorted(w.event.meetings.values_list("table__number", flat=True)) == [1, 2]
    error = _refused(services.tables_set, "tables", actor=w.organiser, event=w.event, count=1)
    assert "unschedule" in error.message
    assert w.event.tables.count() == 5
    services.tables_set(actor=w.organiser, event=w.event, count=2)
    assert list(w.event.tables.values_list("number", flat=True)) == [1, 2]
    _refused(services.tables_set, "tables", actor=w.organiser, event=w.event, count=0)
    with pytest.raises(PermissionDenied):
        services.tables_set(actor=w.supplier_it, event=w.event, count=9)


# -- groups and rules ----------------------------------------------------------------------------


def test_groups_and_rules(eworld):
    w = eworld
    clusters = services.group_add(actor=w.organiser, event=w.event, name="  Clusters ")
    assert clusters.name == "Clusters"
    assert services.group_add(actor=w.organiser, event=w.event, name="Clusters") == clusters
    assert AuditEntry.objects.filter(action="events.group_added").count() == 3
    services.group_rule_set(actor=w.organiser, event=w.event, group_a=clusters, group_b=w.buyers)
    assert w.event.group_rules.count() == 2
    services.group_rule_set(
        actor=w.organiser, event=w.event, group_a=w.buyers, group_b=clusters, allowed=False
    )
    assert w.event.group_rules.count() == 1
    other_event = services.event_create(
        actor=w.organiser, partnership=w.partnership, data=_event_data()
    )
    foreign = services.group_add(actor=w.organiser, event=other_event, name="Buyers")
    _refused(
        services.group_rule_set,
        "group",
        actor=w.organiser,
        event=w.event,
        group_a=w.buyers,
        group_b=foreign,
    )
    _refused(services.group_add, "name", actor=w.organiser, event=w.event, name=" ")


# -- registration --------------------------------------------------------------------------------


def _newcomer(w, name="Nuovo Tessile"):
    from clusterloom.directory.tests.factories import OrganisationFactory, country

    organisation = OrganisationFactory(name=name, country=country("IT"))
    return member(organisation, "newcomer", "Marco", "Verdi"), organisation


def test_registration_with_items_availability_and_approval(eworld):
    w = eworld
    user, organisation = _newcomer(w)
    morning = [s.pk for s in slots(w)[:7]]
    participant = register(
        w,
        user,
        organisation,
        approve=False,
        group="suppliers",
        available=morning,
        items=[
            {"kind": "offer", "title": "Recycled yarn", "cooperation_types": ["supply"]},
            {"kind": "request", "title": "Buyers of yarn"},
        ],
    )
    assert participant.status == "submitted" and participant.name == "Marco Verdi"
    assert participant.group == w.suppliers  # the group by name, any case
    assert sorted(participant.available_slots.values_list("pk", flat=True)) == sorted(morning)
    assert [(i.kind, i.title) for i in participant.items.all()] == [
        ("offer", "Recycled yarn"),
        ("request", "Buyers of yarn"),
    ]
    assert participant.items.get(kind="offer").cooperation_types == ["supply"]
    reviewed = services.registration_review(
        actor=w.organiser, participant=participant, decision="approve"
    )
    assert reviewed.status == "approved"
    entry = AuditEntry.objects.filter(action="events.registration_reviewed").latest("id")
    assert (entry.from_state, entry.to_state) == ("submitted", "approved")


def test_without_a_choice_of_slots_a_participant_is_available_in_all(eworld):
    assert eworld.p_it.available_slots.count() == 11


def _refused_registration(w, user, field, **data):
    before = (Participant.objects.count(), AuditEntry.objects.count())
    error = _refused(services.registration_submit, field, actor=user, event=w.event, data=data)
    assert (Participant.objects.count(), AuditEntry.objects.count()) == before
    return error


def test_registration_rules(eworld, monkeypatch):
    w = eworld
    user, organisation = _newcomer(w)
    mine = {"organisation": organisation.pk}
    # Twice.
    _refused_registration(w, w.supplier_it, "event", organisation=w.orgs["it"].pk)
    # For an organisation one does not act for (the Spanish buyer's).
    _refused_registration(w, user, "organisation", organisation=w.orgs["es"].pk)
    _refused_registration(w, user, "organisation", organisation="Nuovo Tessile")
    # Unknown group, slot of nowhere, item without a title or of no kind.
    _refused_registration(w, user, "group", group="Sellers", **mine)
    _refused_registration(w, user, "group", group=999999, **mine)
    _refused_registration(w, user, "available", available=[999999], **mine)
    _refused_registration(w, user, "items", items=[{"kind": "offer", "title": " "}], **mine)
    _refused_registration(w, user, "items", items=[{"kind": "gift", "title": "Yarn"}], **mine)
    # Outside the registration period.
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY + datetime.timedelta(days=61))
    error = _refused_registration(w, user, "event", **mine)
    assert "2027-01-21" in error.message
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    # Closed, then a draft event.
    services.event_status_set(actor=w.organiser, event=w.event, status="closed")
    _refused_registration(w, user, "event", **mine)
    draft = services.event_create(actor=w.organiser, partnership=w.partnership, data=_event_data())
    with pytest.raises(DomainError) as caught:
        services.registration_submit(actor=user, event=draft, data=mine)
    assert caught.value.field == "event"


def test_the_only_organisation_is_taken_and_admins_register_any(eworld):
    w = eworld
    user, organisation = _newcomer(w)
    participant = services.registration_submit(actor=user, event=w.event, data={})
    assert participant.organisation == organisation
    by_admin = services.registration_submit(
        actor=w.admin, event=w.event, data={"organisation": w.orgs["sk"].pk}
    )
    assert by_admin.organisation == w.orgs["sk"]


def test_update_registration_groups_are_for_organisers(eworld):
    w = eworld
    updated = services.registration_update(
        actor=w.supplier_it,
        participant=w.p_it,
        data={"profile": "Now also knitted fabrics.", "available": [slots(w)[0].pk]},
    )
    assert updated.profile == "Now also knitted fabrics."
    assert list(updated.available_slots.all()) == [slots(w)[0]]
    with pytest.raises(PermissionDenied):
        services.registration_update(
            actor=w.supplier_it, participant=w.p_it, data={"group": w.buyers.pk, "profile": "x"}
        )
    w.p_it.refresh_from_db()
    assert w.p_it.group == w.suppliers and w.p_it.profile == "Now also knitted fabrics."
    services.registration_update(actor=w.organiser, participant=w.p_it, data={"group": "Buyers"})
    w.p_it.refresh_from_db()
    assert w.p_it.group == w.buyers
    for user in (w.supplier_cz, w.other_coordinator, w.stranger):
        with pytest.raises(PermissionDenied):
            services.registration_update(actor=user, participant=w.p_it, data={"profile": "x"})


def test_rejecting_or_withdrawing_cancels_the_meetings(eworld):
    w = eworld
    meeting = ask(w, slot=slots(w)[0], accept=True)
    pending = ask(w, w.p_cz, w.p_es)
    services.registration_review(
        actor=w.organiser, participant=w.p_es, decision="reject", note="Not a buyer."
    )
    meeting.refresh_from_db()
    pending.refresh_from_db()
    assert (meeting.status, pending.status) == ("cancelled", "cancelled")
    assert meeting.slot is None and meeting.bookings.count() == 0
    assert pending.decline_reason == "Not a buyer."
    _refused(
        services.registration_review,
        "decision",
        actor=w.organiser,
        participant=w.p_es,
        decision="maybe",
    )
    with pytest.raises(PermissionDenied):
        services.registration_review(actor=w.supplier_it, participant=w.p_cz, decision="reject")
    other = ask(w, w.p_cz, w.p_sk)
    services.registration_cancel(actor=w.buyer_sk, participant=w.p_sk)
    other.refresh_from_db()
    assert other.status == "cancelled" and w.p_sk.status == "cancelled"
    _refused(
        services.registration_update,
        "status",
        actor=w.buyer_sk,
        participant=w.p_sk,
        data={"profile": "back"},
    )


def test_check_in_once_and_only_approved(eworld):
    w = eworld
    user, organisation = _newcomer(w)
    waiting = register(w, user, organisation, approve=False)
    _refused(services.check_in, "status", actor=w.organiser, participant=waiting)
    first = services.check_in(actor=w.organiser, participant=w.p_it).checked_in_at
    assert first is not None
    assert services.check_in(actor=w.organiser, participant=w.p_it).checked_in_at == first
    assert AuditEntry.objects.filter(action="events.checked_in").count() == 1
    with pytest.raises(PermissionDenied):
        services.check_in(actor=w.supplier_it, participant=w.p_it)
