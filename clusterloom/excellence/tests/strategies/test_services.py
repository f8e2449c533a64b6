"""Strategy services: versions, adoption, one strategy per cluster / joint per partnership,
bad dates and codes refused naming the field with nothing changed, permissions."""

import datetime

import pytest

from clusterloom.core.errors import DomainError, PermissionDenied
from clusterloom.core.models import AuditEntry
from clusterloom.excellence import strategy_services as services
from clusterloom.excellence.models import RoadmapAction, Strategy

from .conftest import TODAY

DAY = datetime.timedelta(days=1)


def _refused(call, field, **kwargs):
    """The call raises a DomainError on `field` and writes nothing."""
    strategies, actions = Strategy.objects.count(), RoadmapAction.objects.count()
    audited = AuditEntry.objects.count()
    with pytest.raises(DomainError) as raised:
        call(**kwargs)
    assert raised.value.field == field, raised.value.message
    assert (Strategy.objects.count(), RoadmapAction.objects.count()) == (strategies, actions)
    assert AuditEntry.objects.count() == audited
    return raised.value.message


def test_versions_are_numbered_and_keep_their_notes(world):
    s = world.strategy
    services.strategy_update(
        actor=world.manager, strategy=s, data={"text": "# Vision\n\nGrow more.", "note": "More"}
    )
    services.strategy_update(actor=world.manager, strategy=s, data={"title": "Renamed"})
    versions = list(s.versions.order_by("number").values_list("number", "note", "text"))
    assert versions == [(1, "First", "# Vision\n\nGrow."), (2, "More", "# Vision\n\nGrow more.")]
    assert Strategy.objects.get(pk=s.pk).title == "Renamed"
    assert s.versions.get(number=2).created_by == world.manager


def test_same_text_saves_no_version_and_a_change_needs_a_note(world):
    s = world.strategy
    services.strategy_update(actor=world.manager, strategy=s, data={"text": "# Vision\n\nGrow."})
    assert s.versions.count() == 1
    message = _refused(
        services.strategy_update,
        "note",
        actor=world.manager,
        strategy=s,
        data={"text": "new text", "note": ""},
    )
    assert "what changed" in message
    assert s.versions.count() == 1


def test_adoption_with_date_and_version_then_revision_then_readoption(world):
    s = world.strategy
    services.strategy_adopt(actor=world.manager, strategy=s, adopted_on="2026-10-01")
    s.refresh_from_db()
    assert (s.status, s.adopted_on, s.adopted_version.number) == (
        "adopted",
        datetime.date(2026, 10, 1),
        1,
    )
    services.strategy_update(
        actor=world.manager, strategy=s, data={"text": "Revised", "note": "Revision"}
    )
    s.refresh_from_db()
    assert s.status == "adopted" and s.adopted_version.number == 1  # revision not yet adopted
    services.strategy_adopt(actor=world.manager, strategy=s, adopted_on=TODAY)
    s.refresh_from_db()
    assert (s.adopted_on, s.adopted_version.number) == (TODAY, 2)
    entry = AuditEntry.objects.filter(action="excellence.strategy_adopted").order_by("pk").last()
    assert entry.changes == {"adopted_on": TODAY.isoformat(), "version": 2}


def test_adoption_refused_in_the_future_without_date_or_without_text(world):
    s = world.strategy
    message = _refused(
        services.strategy_adopt,
        "adopted_on",
        actor=world.manager,
        strategy=s,
        adopted_on=TODAY + DAY,
    )
    assert "future" in message
    _refused(services.strategy_adopt, "adopted_on", actor=world.manager, strategy=s, adopted_on="")
    _refused(
        services.strategy_adopt, "adopted_on", actor=world.manager, strategy=s, adopted_on="22/11"
    )
    _refused(
        services.strategy_adopt,
        "version",
        actor=world.manager,
        strategy=s,
        adopted_on=TODAY,
        version=9,
    )
    empty = services.strategy_create(
        actor=world.other_manager,
        scope="cluster",
        organisation=world.cluster_b,
        data={"title": "B"},
    )
    _refused(
        services.strategy_adopt, "text", actor=world.other_manager, strategy=empty, adopted_on=TODAY
    )
    s.refresh_from_db()
    assert s.status == "draft" and s.adopted_on is None


def test_second_cluster_strategy_and_second_joint_strategy_refused(world):
    message = _refused(
        services.strategy_create,
        "scope",
        actor=world.manager,
        scope="cluster",
        organisation=world.cluster,
        data={"title": "Another"},
    )
    assert "already has a strategy" in message
    message = _refused(
        services.strategy_create,
        "scope",
        actor=world.coordinator,
        scope="joint",
        partnership=world.partnership,
        data={"title": "Another joint"},
    )
    assert "already has a joint strategy" in message


def test_database_constraint_race_becomes_a_domain_error(world, monkeypatch):
    """Two people create the cluster's strategy at once: the second gets the message, no 500."""
    from django.db.models import QuerySet

    real_exists = QuerySet.exists
    monkeypatch.setattr(
        QuerySet,
        "exists",
        lambda qs: False if qs.model is Strategy else real_exists(qs),
    )
    with pytest.raises(DomainError) as raised:
        services.strategy_create(
            actor=world.manager,
            scope="cluster",
            organisation=world.cluster,
            data={"title": "Race"},
        )
    assert "already has a strategy" in raised.value.message
    assert Strategy.objects.filter(organisation=world.cluster).count() == 1


def test_period_until_before_from_refused_naming_the_field(world):
    message = _refused(
        services.strategy_update,
        "period_end",
        actor=world.manager,
        strategy=world.strategy,
        data={"period_start": "2027-01-01", "period_end": "2026-12-31"},
    )
    assert "31 December 2026" in message and "1 January 2027" in message
    world.strategy.refresh_from_db()
    assert world.strategy.period_start is None


def test_partnership_of_a_cluster_strategy_must_be_one_of_the_cluster(world):
    _refused(
        services.strategy_create,
        "partnership",
        actor=world.admin,
        scope="cluster",
        organisation=world.cluster_c,
        partnership=world.partnership,
        data={"title": "C"},
    )


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("member", False),
        ("manager", True),
        ("other_manager", False),
        ("coordinator", True),
        ("other_coordinator", False),
        ("admin", True),
    ],
)
def test_who_may_change_the_cluster_strategy(world, role, allowed):
    user = getattr(world, role)
    call = lambda: services.strategy_update(  # noqa: E731
        actor=user, strategy=world.strategy, data={"title": "By " + role}
    )
    if allowed:
        call()
        assert Strategy.objects.get(pk=world.strategy.pk).title == "By " + role
    else:
        with pytest.raises(PermissionDenied):
            call()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("manager", False), ("other_manager", False), ("coordinator", True), ("admin", True)],
)
def test_only_coordinators_change_the_joint_strategy(world, role, allowed):
    user = getattr(world, role)
    if allowed:
        services.strategy_publish(actor=user, strategy=world.joint, published=True)
        assert Strategy.objects.get(pk=world.joint.pk).is_published
    else:
        with pytest.raises(PermissionDenied):
            services.strategy_publish(actor=user, strategy=world.joint, published=True)


def test_manager_cannot_create_another_clusters_strategy(world):
    with pytest.raises(PermissionDenied):
        services.strategy_create(
            actor=world.manager, scope="cluster", organisation=world.cluster_b, data={"title": "x"}
        )
    with pytest.raises(PermissionDenied):
        services.strategy_create(
            actor=world.other_coordinator,
            scope="cluster",
            organisation=world.cluster_b,
            data={"title": "x"},
        )


# -- roadmap actions and milestones -----------------------------------------------------------


def _action_data(**overrides):
    data = {
        "title": "Benchmarking",
        "starts_on": "2026-01-01",
        "ends_on": "2026-06-30",
        "status": "planned",
        "target_codes": ["benchmarkings", "labels_bronze"],
    }
    data.update(overrides)
    return data


def test_action_with_owner_targets_and_milestones(world):
    action = services.action_create(
        actor=world.manager,
        strategy=world.strategy,
        data=_action_data(
            owner=world.cluster_b.pk, target_codes=["labels_bronze", "labels_bronze"]
        ),
    )
    assert action.owner == world.cluster_b and action.target_codes == ["labels_bronze"]
    milestone = services.milestone_add(
        actor=world.manager,
        action=action,
        data={"title": "Self-assessment", "due_on": "2026-03-01"},
    )
    services.milestone_update(
        actor=world.manager, milestone=milestone, data={"reached_on": "2026-03-02"}
    )
    milestone.refresh_from_db()
    assert milestone.reached_on == datetime.date(2026, 3, 2)
    services.action_update(actor=world.manager, action=action, data={"status": "done"})
    action.refresh_from_db()
    assert action.status == "done" and action.completed_on == TODAY
    services.action_update(actor=world.manager, action=action, data={"status": "in_progress"})
    action.refresh_from_db()
    assert action.completed_on is None
    services.action_delete(actor=world.manager, action=action)
    assert not RoadmapAction.objects.exists()


def test_action_ending_before_it_starts_refused_with_clear_message(world):
    message = _refused(
        services.action_create,
        "ends_on",
        actor=world.manager,
        strategy=world.strategy,
        data=_action_data(starts_on="2026-06-01", ends_on="2026-05-31"),
    )
    assert message == "The action ends (2026-05-31) before it starts (2026-06-01)."


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"target_codes": ["labels_bronze", "world_peace"]}, "target_codes"),
        ({"target_codes": "nonsense"}, "target_codes"),
        ({"status": "paused"}, "status"),
        ({"title": "  "}, "title"),
        ({"starts_on": ""}, "starts_on"),
        ({"ends_on": "tomorrow"}, "ends_on"),
        ({"owner": 999999}, "owner"),
        ({"owner": "abc"}, "owner"),
        ({"status": "done", "completed_on": "2026-12-01"}, "completed_on"),
    ],
)
def test_bad_action_input_refused_naming_the_field(world, overrides, field):
    _refused(
        services.action_create,
        field,
        actor=world.manager,
        strategy=world.strategy,
        data=_action_data(**overrides),
    )


def test_owner_outside_the_partnership_refused(world):
    message = _refused(
        services.action_create,
        "owner",
        actor=world.manager,
        strategy=world.strategy,
        data=_action_data(owner=world.cluster_c.pk),
    )
    assert "organisation of the partnership" in message


def test_unknown_code_message_names_the_code(world):
    message = _refused(
        services.action_create,
        "target_codes",
        actor=world.manager,
        strategy=world.strategy,
        data=_action_data(target_codes=["world_peace"]),
    )
    assert "world_peace" in message and "labels_bronze" in message


def test_milestone_bad_dates_refused(world):
    action = services.action_create(
        actor=world.manager, strategy=world.strategy, data=_action_data()
    )
    with pytest.raises(DomainError) as raised:
        services.milestone_add(
            actor=world.manager, action=action, data={"title": "m", "due_on": ""}
        )
    assert raised.value.field == "due_on"
    with pytest.raises(DomainError) as raised:
        services.milestone_add(
            actor=world.manager,
            action=action,
            data={"title": "m", "due_on": "2026-03-01", "reached_on": TODAY + DAY},
        )
    assert raised.value.field == "reached_on"
    assert not action.milestones.exists()


def test_other_manager_cannot_touch_the_roadmap(world):
    action = services.action_create(
        actor=world.manager, strategy=world.strategy, data=_action_data()
    )
    with pytest.raises(PermissionDenied):
        services.action_update(actor=world.other_manager, action=action, data={"title": "x"})
    with pytest.raises(PermissionDenied):
        services.milestone_add(
            actor=world.other_coordinator, action=action, data={"title": "m", "due_on": TODAY}
        )


def test_personal_data_export_and_erase(world):
    exported = services.personal_data_export(world.manager)
    assert exported == [
        {
            "strategy": "Cluster A strategy",
            "version": 1,
            "note": "First",
            "saved": world.strategy.versions.get().created_at.isoformat(),
        }
    ]
    assert services.personal_data_export(world.member) is None
    services.personal_data_erase(world.manager)
    assert world.strategy.versions.get().created_by is None
    assert services.personal_data_export(world.manager) is None


# -- plausibility of roadmap actions (issue 13) -------------------------------------------------


def test_an_action_that_starts_in_the_future_cannot_be_marked_done(world):
    message = _refused(
        services.action_create,
        "status",
        actor=world.manager,
        strategy=world.strategy,
        data=_action_data(starts_on="2027-01-04", ends_on="2027-06-30", status="done"),
    )
    assert message == (
        "An action can be marked done once it has started: this one starts on 4 January 2027 "
        "(today is 22 November 2026)."
    )
    action = services.action_create(
        actor=world.manager,
        strategy=world.strategy,
        data=_action_data(starts_on="2027-01-04", ends_on="2027-06-30"),
    )
    # Marking it done later is refused too: today's date is not stamped onto it.
    with pytest.raises(DomainError) as raised:
        services.action_update(actor=world.manager, action=action, data={"status": "done"})
    assert raised.value.field == "status"
    action.refresh_from_db()
    assert (action.status, action.completed_on) == ("planned", None)


@pytest.mark.parametrize(
    ("completed_on", "message"),
    [
        (
            "2025-12-31",
            "The completion (31 December 2025) is before the start of the action (1 January 2026).",
        ),
        (
            "2026-11-23",
            "The completion (23 November 2026) lies in the future (today is 22 November 2026).",
        ),
    ],
)
def test_a_completion_lies_between_the_start_and_today(world, completed_on, message):
    refused = _refused(
        services.action_create,
        "completed_on",
        actor=world.manager,
        strategy=world.strategy,
        data=_action_data(status="done", completed_on=completed_on),
    )
    assert refused == message
    for day in ("2026-01-01", "2026-11-22"):
        action = services.action_create(
            actor=world.manager,
            strategy=world.strategy,
            data=_action_data(status="done", completed_on=day),
        )
        assert action.completed_on == datetime.date.fromisoformat(day)


def _with_period(strategy, first="2026-01-01", last="2028-12-31"):
    Strategy.objects.filter(pk=strategy.pk).update(period_start=first, period_end=last)
    strategy.refresh_from_db()
    return strategy


@pytest.mark.parametrize(
    ("dates", "field", "shown"),
    [
        (("2035-03-01", "2036-06-30"), "starts_on", "(1 March 2035 to 30 June 2036)"),
        (("2025-10-01", "2026-03-31"), "starts_on", "(1 October 2025 to 31 March 2026)"),
        (("2028-10-01", "2029-03-31"), "ends_on", "(1 October 2028 to 31 March 2029)"),
    ],
)
def test_an_action_outside_its_strategys_period_needs_the_authors_confirmation(
    world, dates, field, shown
):
    strategy = _with_period(world.strategy)
    data = _action_data(starts_on=dates[0], ends_on=dates[1])
    message = _refused(
        services.action_create, field, actor=world.manager, strategy=strategy, data=data
    )
    assert message == (
        f"The action {shown} lies outside the strategy's period (1 January 2026 to "
        "31 December 2028). Change its dates, or confirm that it lies outside the period."
    )
    action = services.action_create(
        actor=world.manager,
        strategy=strategy,
        data={**data, "confirm_outside_period": True},
    )
    assert (action.starts_on.isoformat(), action.ends_on.isoformat()) == dates
    # Once confirmed, it stays editable without confirming again while its dates stay...
    services.action_update(actor=world.manager, action=action, data={"title": "Renamed"})
    # ... and new dates outside the period need the confirmation again.
    with pytest.raises(DomainError) as raised:
        services.action_update(actor=world.manager, action=action, data={"ends_on": "2036-12-31"})
    assert raised.value.field in ("starts_on", "ends_on")
    action.refresh_from_db()
    assert (action.title, action.ends_on.isoformat()) == ("Renamed", dates[1])


def test_an_action_inside_the_period_or_of_a_strategy_without_one_needs_no_confirmation(world):
    strategy = _with_period(world.strategy, first=None, last="2026-12-31")
    services.action_create(
        actor=world.manager,
        strategy=strategy,
        data=_action_data(starts_on="2020-01-01", ends_on="2026-12-31"),
    )
    services.action_create(
        actor=world.coordinator,
        strategy=world.joint,
        data=_action_data(starts_on="2035-01-01", ends_on="2036-12-31"),
    )
    assert RoadmapAction.objects.count() == 2


def test_a_new_period_that_leaves_actions_outside_is_refused_unless_confirmed(world):
    strategy = world.strategy
    services.strategy_update(
        actor=world.manager,
        strategy=strategy,
        data={"period_start": "2026-01-01", "period_end": "2028-12-31"},
    )
    for title, start, end in (
        ("Benchmark", "2026-02-01", "2026-06-30"),
        ("Study visit", "2027-03-01", "2027-04-30"),
        ("Roadshow", "2028-05-01", "2028-09-30"),
    ):
        services.action_create(
            actor=world.manager,
            strategy=strategy,
            data={"title": title, "starts_on": start, "ends_on": end},
        )
    with pytest.raises(DomainError) as refused:
        services.strategy_update(
            actor=world.manager,
            strategy=strategy,
            data={"period_start": "2026-01-01", "period_end": "2027-12-31"},
        )
    assert refused.value.field == "period_end"
    assert refused.value.message == (
        "The new period (1 January 2026 to 31 December 2027) leaves 1 roadmap action outside "
        "it: “Roadshow”. Change the period or the action's dates, or confirm that it lies "
        "outside the period."
    )
    with pytest.raises(DomainError) as refused:
        services.strategy_update(
            actor=world.manager,
            strategy=strategy,
            data={"period_start": "2027-01-01", "period_end": "2027-12-31"},
        )
    assert refused.value.field == "period_start"
    assert "leaves 2 roadmap actions outside it: “Benchmark”, “Roadshow”." in (
        refused.value.message
    )
    strategy.refresh_from_db()
    assert (strategy.period_start, strategy.period_end) == (
        datetime.date(2026, 1, 1),
        datetime.date(2028, 12, 31),
    )
    services.strategy_update(
        actor=world.manager,
        strategy=strategy,
        data={"period_end": "2027-12-31", "confirm_outside_period": True},
    )
    strategy.refresh_from_db()
    assert strategy.period_end == datetime.date(2027, 12, 31)
    # The confirmed action already outside does not stop the next change of period.
    services.strategy_update(
        actor=world.manager, strategy=strategy, data={"period_end": "2027-06-30"}
    )
    services.strategy_update(actor=world.manager, strategy=strategy, data={"title": "Renamed"})
    strategy.refresh_from_db()
    assert (strategy.title, strategy.period_end) == ("Renamed", datetime.date(2027, 6, 30))
