"""late_actions: the one rule (end before today or a milestone due before today and not
reached; never done or cancelled ones), at its date boundaries, over a partnership's joint
strategy and its partner clusters' strategies; the pages' Gantt marking agrees."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusterloom.excellence import strategy_selectors as selectors
from clusterloom.excellence import strategy_services as services
from clusterloom.excellence.gantt import is_late

from .conftest import TODAY

DAY = datetime.timedelta(days=1)


def _action(world, strategy=None, *, starts=TODAY - 30 * DAY, ends=TODAY, status="planned", **kw):
    strategy = strategy or world.strategy
    return services.action_create(
        actor=world.admin,
        strategy=strategy,
        data={
            "title": kw.pop("title", "A"),
            "starts_on": starts,
            "ends_on": ends,
            "status": status,
        },
    )


def _milestone(world, action, due, reached=None):
    return services.milestone_add(
        actor=world.admin, action=action, data={"title": "M", "due_on": due, "reached_on": reached}
    )


def _late_ids(world, today=TODAY):
    return set(selectors.late_actions(world.partnership, today).values_list("pk", flat=True))


def test_end_boundary(world):
    ends_today = _action(world, ends=TODAY)
    ended_yesterday = _action(world, ends=TODAY - DAY)
    assert _late_ids(world) == {ended_yesterday.pk}
    assert _late_ids(world, TODAY + DAY) == {ends_today.pk, ended_yesterday.pk}
    assert _late_ids(world, TODAY - DAY) == set()


@pytest.mark.parametrize(
    ("status", "late"),
    [("planned", True), ("in_progress", True), ("done", False), ("cancelled", False)],
)
def test_status(world, status, late):
    action = _action(world, ends=TODAY - DAY, status=status)
    assert (action.pk in _late_ids(world)) is late


def test_milestone_boundary(world):
    future = TODAY + 100 * DAY
    due_today = _milestone(world, _action(world, ends=future, title="t"), TODAY).action
    due_yesterday = _milestone(world, _action(world, ends=future, title="y"), TODAY - DAY).action
    reached = _milestone(
        world, _action(world, ends=future, title="r"), TODAY - 5 * DAY, TODAY - DAY
    ).action
    done = _action(world, ends=TODAY, status="done", title="d")
    _milestone(world, done, TODAY - 5 * DAY)
    assert _late_ids(world) == {due_yesterday.pk}
    assert _late_ids(world, TODAY + DAY) == {due_today.pk, due_yesterday.pk}
    assert reached.pk not in _late_ids(world, future)


def test_covers_joint_and_partner_clusters_not_other_partnerships(world):
    from clusterloom.excellence.strategy_services import strategy_create

    b = strategy_create(
        actor=world.other_manager,
        scope="cluster",
        organisation=world.cluster_b,
        data={"title": "B"},
    )
    c = strategy_create(
        actor=world.admin, scope="cluster", organisation=world.cluster_c, data={"title": "C"}
    )
    other_joint = strategy_create(
        actor=world.other_coordinator, scope="joint", partnership=world.other, data={"title": "O"}
    )
    late = {s.pk: _action(world, s, ends=TODAY - DAY) for s in (world.strategy, world.joint, b)}
    foreign = [_action(world, s, ends=TODAY - DAY) for s in (c, other_joint)]
    assert _late_ids(world) == {a.pk for a in late.values()}
    by_id = set(selectors.late_actions([world.partnership.pk], TODAY).values_list("pk", flat=True))
    assert by_id == _late_ids(world)
    both = set(
        selectors.late_actions([world.partnership, world.other], TODAY).values_list("pk", flat=True)
    )
    assert both == {a.pk for a in [*late.values(), *foreign]}
    counts = selectors.late_action_counts([world.partnership.pk, world.other.pk], TODAY)
    assert counts == {world.partnership.pk: 3, world.other.pk: 2}


def test_query_count_does_not_grow(world):
    for n in range(3):
        _action(world, ends=TODAY - DAY, title=f"a{n}")
    with CaptureQueriesContext(connection) as few:
        list(selectors.late_actions(world.partnership, TODAY))
        selectors.late_action_counts([world.partnership.pk], TODAY)
    for n in range(20):
        _milestone(world, _action(world, world.joint, ends=TODAY + DAY, title=f"b{n}"), TODAY - DAY)
    with CaptureQueriesContext(connection) as many:
        rows = list(selectors.late_actions(world.partnership, TODAY))
        selectors.late_action_counts([world.partnership.pk], TODAY)
    assert len(rows) == 23
    assert len(many) == len(few)


def test_gantt_marking_agrees_with_the_selector(world):
    actions = [
        _action(world, ends=TODAY - DAY, title="late"),
        _action(world, ends=TODAY, title="today"),
        _action(world, ends=TODAY - DAY, status="done", title="done"),
    ]
    _milestone(world, actions[1], TODAY - DAY)
    rows = selectors.gantt_rows(selectors.roadmap(world.strategy))
    pure = {row.title for row in rows if is_late(row, TODAY)}
    db = {a.title for a in selectors.late_actions(world.partnership, TODAY)}
    assert pure == db == {"late", "today"}
