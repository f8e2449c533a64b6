"""Recording activities and attendance: every bad input refused with a message naming the field,
nothing written; every change audited; only the partnership's coordinators (and admins)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from clusterloom.activities import services
from clusterloom.activities.models import Activity, Attendance
from clusterloom.core.errors import DomainError, PermissionDenied
from clusterloom.core.models import AuditEntry

from .conftest import training_data

pytestmark = pytest.mark.django_db


def _create(w, **data):
    return services.activity_create(actor=w.coordinator, partnership=w.partnership, data=data)


def test_a_dissemination_activity_is_recorded_with_channel_reach_and_link(world):
    w = world
    activity = _create(
        w,
        kind="dissemination",
        title="  Newsletter   no. 3 ",
        status="held",
        starts_on="2026-11-20",
        channel="newsletter",
        reach="2400",
        link="https://xtex.example.org/newsletter-3",
    )
    assert activity.title == "Newsletter no. 3"
    assert (activity.channel, activity.reach, activity.status) == ("newsletter", 2400, "held")
    assert activity.ends_on == datetime.date(2026, 11, 20)  # no end: the same day
    assert activity.target_code == "dissemination"
    entry = AuditEntry.objects.filter(action="activities.activity_created").order_by("pk").last()
    assert (entry.object_id, entry.to_state, entry.actor) == (
        str(activity.pk),
        "held",
        w.coordinator,
    )


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"starts_on": "2026-10-05", "ends_on": "2026-10-01"}, "ends_on", "is before the start"),
        ({"starts_on": "2026-12-01", "ends_on": "2026-12-02"}, "starts_on", "future"),
        ({"starts_on": "5 October"}, "starts_on", "YYYY-MM-DD"),
        ({"starts_on": ""}, "starts_on", "required"),
        ({"hours": "-3"}, "hours", "above 0"),
        ({"hours": "0"}, "hours", "above 0"),
        ({"hours": "5000"}, "hours", "at most 1000"),
        ({"hours": "many"}, "hours", "not a number of hours"),
        ({"channel": "newsletter"}, "channel", "Only a dissemination activity"),
        ({"kind": "matchmaking"}, "kind", "not one of"),
        ({"title": "  "}, "title", "required"),
        ({"status": "done"}, "status", "not one of"),
        ({"link": "javascript:alert(1)"}, "link", "not a web address"),
        ({"link": "not a link"}, "link", "not a web address"),
        ({"country": "XX"}, "country", "not a country code"),
        ({"organiser": 999999}, "organiser", "No such organisation"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(world, data, field, words):
    w = world
    before, audited = Activity.objects.count(), AuditEntry.objects.count()
    with pytest.raises(DomainError) as caught:
        _create(w, **training_data(**data))
    assert caught.value.field == field
    assert words in caught.value.message
    assert (Activity.objects.count(), AuditEntry.objects.count()) == (before, audited)


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"reach": "-5"}, "reach", "between 0 and"),
        ({"reach": "1000000000"}, "reach", "between 0 and 10000000"),
        ({"reach": "lots"}, "reach", "whole number"),
        ({"channel": ""}, "channel", "Say where"),
        ({"channel": "pigeon"}, "channel", "not one of"),
        ({"hours": "2"}, "hours", "no hours"),
    ],
)
def test_bad_dissemination_input_is_refused(world, data, field, words):
    w = world
    base = {"kind": "dissemination", "title": "Post", "starts_on": "2026-11-01"}
    base.update({"channel": "social_media", **data})
    with pytest.raises(DomainError) as caught:
        _create(w, **base)
    assert (caught.value.field, words in caught.value.message) == (field, True)


def test_a_held_activity_cannot_move_into_the_future_but_a_planned_one_can(world):
    w = world
    with pytest.raises(DomainError) as caught:
        services.activity_update(
            actor=w.coordinator,
            activity=w.training,
            data={"starts_on": "2027-01-10", "ends_on": "2027-01-11"},
        )
    assert caught.value.field == "starts_on"
    w.training.refresh_from_db()
    assert w.training.starts_on == datetime.date(2026, 10, 5)
    moved = services.activity_update(
        actor=w.coordinator, activity=w.learning, data={"starts_on": "2027-04-01", "ends_on": ""}
    )
    assert moved.ends_on == datetime.date(2027, 4, 1)
    entry = AuditEntry.objects.filter(action="activities.activity_updated").order_by("pk").last()
    assert entry.changes["starts_on"] == "2027-04-01"


def test_update_keeps_absent_fields_and_clears_given_empty_ones(world):
    w = world
    services.activity_update(actor=w.coordinator, activity=w.training, data={"topic": ""})
    w.training.refresh_from_db()
    assert w.training.topic == ""
    assert w.training.hours == Decimal("8.0")
    assert w.training.organiser == w.cluster_it


def test_mark_held_refuses_a_future_activity_and_records_the_change(world):
    w = world
    with pytest.raises(DomainError) as caught:
        services.activity_status_set(actor=w.coordinator, activity=w.learning, status="held")
    assert caught.value.field == "status"
    assert "2027-02-10" in caught.value.message
    w.learning.refresh_from_db()
    assert w.learning.status == "planned"
    services.activity_status_set(actor=w.coordinator, activity=w.learning, status="cancelled")
    entry = AuditEntry.objects.filter(action="activities.activity_status").order_by("pk").last()
    assert (entry.from_state, entry.to_state) == ("planned", "cancelled")


def test_delete_removes_the_activity_and_its_attendance_and_is_audited(world):
    w = world
    pk = w.training.pk
    services.activity_delete(actor=w.coordinator, activity=w.training)
    assert not Activity.objects.filter(pk=pk).exists()
    assert not Attendance.objects.filter(activity_id=pk).exists()
    entry = AuditEntry.objects.get(action="activities.activity_deleted", object_id=str(pk))
    assert entry.changes["attendance"] == 2


@pytest.mark.parametrize("role", ["anonymous", "member", "manager", "other_coordinator"])
def test_only_the_partnerships_coordinators_record_and_change(world, role):
    w = world
    actor = AnonymousUser() if role == "anonymous" else getattr(w, role)
    audited = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        services.activity_create(actor=actor, partnership=w.partnership, data=training_data())
    with pytest.raises(PermissionDenied):
        services.activity_update(actor=actor, activity=w.training, data={"title": "x"})
    with pytest.raises(PermissionDenied):
        services.activity_status_set(actor=actor, activity=w.training, status="cancelled")
    with pytest.raises(PermissionDenied):
        services.activity_delete(actor=actor, activity=w.training)
    with pytest.raises(PermissionDenied):
        services.attendance_add(actor=actor, activity=w.training, data={"name": "X"})
    with pytest.raises(PermissionDenied):
        services.attendance_remove(actor=actor, attendance=w.attendee_named)
    assert AuditEntry.objects.count() == audited
    w.training.refresh_from_db()
    assert (w.training.title, w.training.attendance.count()) == ("Cluster management basics", 2)


def test_an_admin_records_for_any_partnership(world):
    w = world
    activity = services.activity_create(
        actor=w.admin, partnership=w.other, data=training_data(title="Admin's training")
    )
    assert activity.partnership == w.other


# -- attendance ---------------------------------------------------------------------------------


def test_attendance_of_a_directory_person_takes_their_organisation(world):
    w = world
    row = services.attendance_add(
        actor=w.coordinator, activity=w.training, data={"person": w.person_cz.pk, "role": "sme"}
    )
    assert (row.person, row.organisation, row.name, row.role) == (
        w.person_cz,
        w.cluster_cz,
        "",
        "sme",
    )
    assert AuditEntry.objects.filter(action="activities.attendance_added").count() == 3


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"role": "cluster_manager"}, "name"),
        ({"name": "Ana", "role": "boss"}, "role"),
        ({"name": "Ana", "hours": "-1"}, "hours"),
        ({"name": "Ana", "hours": "2000"}, "hours"),
        ({"person": 999999}, "person"),
        ({"name": "Ana", "organisation": 999999}, "organisation"),
        ({"name": "karel  NOVÁK", "organisation": "cz"}, "name"),  # on the list already
    ],
)
def test_bad_attendance_is_refused_naming_the_field(world, data, field):
    w = world
    if data.get("organisation") == "cz":
        data["organisation"] = w.cluster_cz.pk
    with pytest.raises(DomainError) as caught:
        services.attendance_add(actor=w.coordinator, activity=w.training, data=data)
    assert caught.value.field == field
    assert w.training.attendance.count() == 2


def test_a_person_attends_once(world):
    w = world
    with pytest.raises(DomainError) as caught:
        services.attendance_add(
            actor=w.coordinator, activity=w.training, data={"person": w.member.person.pk}
        )
    assert (caught.value.field, caught.value.message) == (
        "person",
        "This attendee is on the list already.",
    )


def test_nobody_attends_a_cancelled_activity(world):
    w = world
    with pytest.raises(DomainError) as caught:
        services.attendance_add(actor=w.coordinator, activity=w.cancelled, data={"name": "Ana"})
    assert caught.value.field == "status"


def test_removing_an_attendee_is_audited(world):
    w = world
    services.attendance_remove(actor=w.coordinator, attendance=w.attendee_named)
    assert list(w.training.attendance.all()) == [w.attendee_member]
    assert AuditEntry.objects.filter(action="activities.attendance_removed").exists()
