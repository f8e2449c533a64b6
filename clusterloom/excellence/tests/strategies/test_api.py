"""The strategies API per role: the public sees published strategies only; a cluster's
managers and its partnerships' coordinators change its strategy, only coordinators the joint
one; errors are 4xx with the field; updates create versions; roadmap CRUD with milestones."""

import pytest
from django.test import Client

from clusterloom.excellence import strategy_services as services
from clusterloom.excellence.models import Milestone, RoadmapAction, Strategy

from .conftest import ROLES, TODAY, api_matrix, send

API = "/api/strategies"
SEE_UNPUBLISHED = {
    "anonymous": 404,
    "member": 404,
    "manager": 200,
    "other_manager": 404,
    "coordinator": 200,
    "other_coordinator": 404,
    "admin": 200,
}


def _change(ok=200, joint=False):
    """Expected statuses of a change to a published strategy."""
    out = {
        "anonymous": 401,
        "member": 403,
        "manager": 403 if joint else ok,
        "other_manager": 403,
        "coordinator": ok,
        "other_coordinator": 403,
        "admin": ok,
    }
    return out


def _publish(world, *strategies):
    for strategy in strategies:
        services.strategy_publish(actor=world.admin, strategy=strategy, published=True)


def _action(world, strategy=None, **data):
    values = {"title": "Benchmark", "starts_on": "2026-01-01", "ends_on": "2026-06-30"}
    values.update(data)
    return services.action_create(
        actor=world.admin, strategy=strategy or world.strategy, data=values
    )


def test_list_shows_the_public_published_strategies_only(world):
    _publish(world, world.joint)
    public = Client().get(API).json()
    assert [s["title"] for s in public] == ["XTEX joint strategy"]
    manager = send(Client(), "get", API, user=world.manager).json()
    assert {s["title"] for s in manager} == {"XTEX joint strategy", "Cluster A strategy"}
    other = send(Client(), "get", API, user=world.other_coordinator).json()
    assert [s["title"] for s in other] == ["XTEX joint strategy"]


def test_list_filters(world):
    c = services.strategy_create(
        actor=world.admin, scope="cluster", organisation=world.cluster_c, data={"title": "C"}
    )
    services.strategy_adopt(actor=world.admin, strategy=world.strategy, adopted_on=TODAY)
    admin = lambda query: {  # noqa: E731
        s["title"] for s in send(Client(), "get", f"{API}?{query}", user=world.admin).json()
    }
    assert admin("partnership=xtex") == {"Cluster A strategy", "XTEX joint strategy"}
    assert admin("partnership=other") == {c.title}
    assert admin("scope=joint") == {"XTEX joint strategy"}
    assert admin("status=adopted") == {"Cluster A strategy"}
    assert Client().get(f"{API}?partnership=nope").status_code == 404


def test_get_per_role_with_text_raw_and_rendered(world):
    url = f"{API}/{world.strategy.pk}"
    bodies = api_matrix(world, "get", url, SEE_UNPUBLISHED)
    body = bodies["manager"]
    assert body["text"] == "# Vision\n\nGrow." and body["html"].startswith("<h1>Vision</h1>")
    assert [v["number"] for v in body["versions"]] == [1] and body["current_version"] == 1
    assert body["organisation"]["name"] == "Cluster A" and body["partnership"]["slug"] == "xtex"
    _publish(world, world.strategy)
    api_matrix(world, "get", url, dict.fromkeys(ROLES, 200))
    api_matrix(world, "get", f"{url}/versions/1", dict.fromkeys(ROLES, 200))
    api_matrix(world, "get", f"{url}/gantt.svg", dict.fromkeys(ROLES, 200))


def test_create_per_role(world):
    body = {"scope": "cluster", "organisation": world.cluster_b.pk, "partnership": "xtex",
            "title": "B strategy", "text": "# B", "note": "first"}  # fmt: skip
    expected = {
        "anonymous": 401,
        "member": 403,
        "manager": 403,
        "other_manager": 201,
        "coordinator": 201,
        "other_coordinator": 403,
        "admin": 201,
    }
    bodies = api_matrix(world, "post", API, expected, body)
    assert bodies["other_manager"]["versions"][0]["note"] == "first"
    joint = {"scope": "joint", "partnership": "other", "title": "Other joint"}
    expected = {**expected, "other_manager": 403, "coordinator": 403, "other_coordinator": 201}
    api_matrix(world, "post", API, expected, joint)


def test_create_errors_name_the_field(world):
    def post(body, user=world.admin):
        return send(Client(), "post", API, body, user)

    second = post({"scope": "cluster", "organisation": world.cluster.pk, "title": "Again"})
    assert second.status_code == 400 and second.json()["field"] == "scope"
    assert "already has a strategy" in second.json()["detail"]
    joint = post({"scope": "joint", "partnership": "xtex", "title": "Again"})
    assert joint.status_code == 400 and "joint strategy" in joint.json()["detail"]
    period = post(
        {"scope": "cluster", "organisation": world.cluster_b.pk, "title": "B",
         "period_start": "2027-01-01", "period_end": "2026-01-01"}
    )  # fmt: skip
    assert period.status_code == 400 and period.json()["field"] == "period_end"
    assert post({"scope": "galaxy", "title": "x"}).json()["field"] == "scope"
    missing = post({"scope": "cluster", "organisation": 999999, "title": "x"})
    assert missing.status_code == 404
    assert post({"scope": "cluster"}).status_code == 422
    assert Strategy.objects.count() == 2


def test_update_creates_a_version_per_role(world):
    _publish(world, world.strategy, world.joint)
    body = {"text": "# Vision\n\nGrow faster.", "note": "Faster"}
    bodies = api_matrix(world, "patch", f"{API}/{world.strategy.pk}", _change(), body)
    assert [v["number"] for v in bodies["manager"]["versions"]] == [2, 1]
    assert bodies["manager"]["html"] == "<h1>Vision</h1>\n<p>Grow faster.</p>"
    api_matrix(world, "patch", f"{API}/{world.joint.pk}", _change(joint=True), {"title": "J"})
    no_note = send(
        Client(), "patch", f"{API}/{world.strategy.pk}", {"text": "changed"}, world.manager
    )
    assert no_note.status_code == 400 and no_note.json()["field"] == "note"


def test_adopt_and_publish_per_role(world):
    _publish(world, world.strategy, world.joint)
    url = f"{API}/{world.strategy.pk}"
    bodies = api_matrix(world, "post", f"{url}/adopt", _change(), {"adopted_on": "2026-11-01"})
    assert bodies["coordinator"]["status"] == "adopted"
    assert bodies["coordinator"]["adopted_on"] == "2026-11-01"
    assert bodies["coordinator"]["adopted_version"] == 1
    api_matrix(world, "post", f"{API}/{world.joint.pk}/adopt", _change(joint=True),
               {"adopted_on": "2026-11-01"})  # fmt: skip
    api_matrix(world, "post", f"{url}/publish", _change(), {"published": False})
    future = send(Client(), "post", f"{url}/adopt", {"adopted_on": "2026-11-23"}, world.manager)
    assert future.status_code == 400 and future.json()["field"] == "adopted_on"


def test_unpublished_strategy_changes_are_404_for_outsiders(world):
    expected = {**_change(), "member": 404, "other_manager": 404, "other_coordinator": 404}
    expected["anonymous"] = 401
    api_matrix(world, "patch", f"{API}/{world.strategy.pk}", expected, {"title": "x"})


def test_roadmap_crud_per_role(world):
    _publish(world, world.strategy)
    url = f"{API}/{world.strategy.pk}/actions"
    body = {"title": "Study visit", "starts_on": "2026-02-01", "ends_on": "2026-03-31",
            "owner": world.cluster_b.pk, "target_codes": ["study_visits"]}  # fmt: skip
    bodies = api_matrix(world, "post", url, _change(201), body)
    assert bodies["manager"]["owner"]["name"] == "Cluster B"
    assert bodies["manager"]["late"] is True  # ended before today, still planned
    action = _action(world)
    api_matrix(world, "get", url, dict.fromkeys(ROLES, 200))
    api_matrix(world, "patch", f"{API}/actions/{action.pk}", _change(), {"status": "done"})
    api_matrix(world, "delete", f"{API}/actions/{action.pk}", _change(204))
    milestone_url = f"{API}/actions/{action.pk}/milestones"
    api_matrix(world, "post", milestone_url, _change(201), {"title": "M", "due_on": "2026-03-01"})
    milestone = services.milestone_add(
        actor=world.admin, action=action, data={"title": "M", "due_on": "2026-03-01"}
    )
    api_matrix(world, "patch", f"{API}/milestones/{milestone.pk}", _change(),
               {"reached_on": "2026-03-02"})  # fmt: skip
    api_matrix(world, "delete", f"{API}/milestones/{milestone.pk}", _change(204))


def test_roadmap_lifecycle_and_errors(world):
    client, user = Client(), world.manager
    url = f"{API}/{world.strategy.pk}/actions"
    bad = send(client, "post", url, {"title": "A", "starts_on": "2026-06-01",
                                     "ends_on": "2026-05-01"}, user)  # fmt: skip
    assert bad.status_code == 400 and bad.json() == {
        "detail": "The action ends (2026-05-01) before it starts (2026-06-01).",
        "field": "ends_on",
    }
    action = {"title": "A", "starts_on": "2026-01-01", "ends_on": "2026-05-01"}
    code = send(client, "post", url, {**action, "target_codes": ["nope"]}, user)
    assert code.status_code == 400 and code.json()["field"] == "target_codes"
    assert not RoadmapAction.objects.exists()
    action.update(ends_on="2027-05-01", status="in_progress")
    made = send(client, "post", url, action, user).json()
    assert made["late"] is False
    milestone = send(client, "post", f"{API}/actions/{made['id']}/milestones",
                     {"title": "M", "due_on": "2026-11-21"}, user).json()  # fmt: skip
    got = send(client, "get", f"{API}/actions/{made['id']}", user=user).json()
    assert got["late"] is True and got["milestones"][0]["id"] == milestone["id"]
    late = send(client, "get", f"{API}/late?partnership=xtex", user=user).json()
    assert [a["title"] for a in late] == ["A"] and late[0]["strategy_title"] == "Cluster A strategy"
    assert Client().get(f"{API}/late?partnership=xtex").json() == []  # not published
    send(client, "patch", f"{API}/milestones/{milestone['id']}", {"reached_on": "2026-11-21"}, user)
    assert Milestone.objects.get().reached_on.isoformat() == "2026-11-21"
    done = send(client, "patch", f"{API}/actions/{made['id']}", {"status": "done"}, user).json()
    assert done["completed_on"] == TODAY.isoformat() and done["late"] is False
    patch_bad = send(
        client, "patch", f"{API}/actions/{made['id']}", {"ends_on": "2025-01-01"}, user
    )
    assert patch_bad.status_code == 400 and patch_bad.json()["field"] == "ends_on"


@pytest.mark.parametrize(
    "url", [f"{API}/999999", f"{API}/actions/999999", f"{API}/999999/gantt.svg"]
)
def test_missing_is_404(world, url):
    assert send(Client(), "get", url, user=world.admin).status_code == 404


def test_roadmap_actions_are_plausible_through_the_api(world):
    Strategy.objects.filter(pk=world.strategy.pk).update(
        period_start="2026-01-01", period_end="2028-12-31"
    )
    client, user = Client(), world.manager
    url = f"{API}/{world.strategy.pk}/actions"
    future = {"title": "A", "starts_on": "2027-01-04", "ends_on": "2027-06-30"}
    done = send(client, "post", url, {**future, "status": "done"}, user)
    assert done.status_code == 400 and done.json() == {
        "detail": "An action can be marked done once it has started: this one starts on "
        "4 January 2027 (today is 22 November 2026).",
        "field": "status",
    }
    early = send(
        client,
        "post",
        url,
        {"title": "B", "starts_on": "2026-03-01", "ends_on": "2026-06-30", "status": "done",
         "completed_on": "2026-02-01"},
        user,
    )  # fmt: skip
    assert early.status_code == 400 and early.json()["field"] == "completed_on"
    assert "is before the start of the action (1 March 2026)" in early.json()["detail"]
    outside = {"title": "C", "starts_on": "2035-03-01", "ends_on": "2036-06-30"}
    refused = send(client, "post", url, outside, user)
    assert refused.status_code == 400 and refused.json()["field"] == "starts_on"
    assert "(1 January 2026 to 31 December 2028)" in refused.json()["detail"]
    assert not RoadmapAction.objects.exists()
    kept = send(client, "post", url, {**outside, "confirm_outside_period": True}, user)
    assert kept.status_code == 201 and kept.json()["starts_on"] == "2035-03-01"
    made = send(client, "post", url, future, user).json()
    patch = send(client, "patch", f"{API}/actions/{made['id']}", {"status": "done"}, user)
    assert patch.status_code == 400 and patch.json()["field"] == "status"
    assert RoadmapAction.objects.get(pk=made["id"]).completed_on is None


def test_a_new_period_that_leaves_actions_outside_is_confirmed_through_the_api(world):
    Strategy.objects.filter(pk=world.strategy.pk).update(
        period_start="2026-01-01", period_end="2028-12-31"
    )
    services.action_create(
        actor=world.manager,
        strategy=world.strategy,
        data={"title": "Roadshow", "starts_on": "2028-05-01", "ends_on": "2028-09-30"},
    )
    client, user, url = Client(), world.manager, f"{API}/{world.strategy.pk}"
    refused = send(client, "patch", url, {"period_end": "2027-12-31"}, user)
    assert refused.status_code == 400 and refused.json()["field"] == "period_end"
    assert "leaves 1 roadmap action outside it: “Roadshow”." in refused.json()["detail"]
    assert Strategy.objects.get(pk=world.strategy.pk).period_end.isoformat() == "2028-12-31"
    body = {"period_end": "2027-12-31", "confirm_outside_period": True}
    kept = send(client, "patch", url, body, user)
    assert kept.status_code == 200 and kept.json()["period_end"] == "2027-12-31"
