"""Strategy pages per role, their forms with errors shown (never a 500), the rendered text
sanitised, the Gantt chart, versions and diff, the overview and the partnership section."""

import datetime
import re

import pytest
from django.test import Client

from clusterloom.excellence import strategy_services as services
from clusterloom.excellence.models import RoadmapAction, Strategy

from .conftest import ROLES, TODAY, page_matrix

SEE_UNPUBLISHED = {
    "anonymous": 404,
    "member": 404,
    "manager": 200,
    "other_manager": 404,
    "coordinator": 200,
    "other_coordinator": 404,
    "admin": 200,
}
CHANGE_CLUSTER = {
    "anonymous": "login",
    "member": 403,
    "manager": 200,
    "other_manager": 403,
    "coordinator": 200,
    "other_coordinator": 403,
    "admin": 200,
}
CHANGE_JOINT = {**CHANGE_CLUSTER, "manager": 403}


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _publish(world, strategy):
    services.strategy_publish(actor=world.admin, strategy=strategy, published=True)


def _action(world, strategy=None, **data):
    values = {"title": "Benchmark", "starts_on": "2026-01-01", "ends_on": "2026-06-30"}
    values.update(data)
    return services.action_create(
        actor=world.admin, strategy=strategy or world.strategy, data=values
    )


def test_unpublished_strategy_seen_only_by_who_may_change_it(world):
    page_matrix(world, "get", f"/strategies/{world.strategy.pk}/", SEE_UNPUBLISHED)
    page_matrix(world, "get", f"/strategies/{world.strategy.pk}/gantt.svg", SEE_UNPUBLISHED)
    page_matrix(world, "get", f"/strategies/{world.strategy.pk}/versions/", SEE_UNPUBLISHED)
    joint = {**SEE_UNPUBLISHED, "manager": 404}
    page_matrix(world, "get", f"/strategies/{world.joint.pk}/", joint)


def test_published_strategy_is_public(world):
    _publish(world, world.strategy)
    everyone = dict.fromkeys(ROLES, 200)
    page_matrix(world, "get", f"/strategies/{world.strategy.pk}/", everyone)
    page_matrix(world, "get", f"/strategies/{world.strategy.pk}/versions/1/", everyone)


def test_edit_pages_per_role(world):
    _publish(world, world.strategy)
    _publish(world, world.joint)
    action = _action(world)
    milestone = services.milestone_add(
        actor=world.admin, action=action, data={"title": "M", "due_on": "2026-03-01"}
    )
    for url in (
        f"/strategies/{world.strategy.pk}/edit/",
        f"/strategies/{world.strategy.pk}/adopt/",
        f"/strategies/{world.strategy.pk}/actions/new/",
        f"/strategies/actions/{action.pk}/edit/",
        f"/strategies/actions/{action.pk}/milestones/new/",
        f"/strategies/milestones/{milestone.pk}/edit/",
    ):
        page_matrix(world, "get", url, CHANGE_CLUSTER)
    page_matrix(world, "get", f"/strategies/{world.joint.pk}/edit/", CHANGE_JOINT)
    page_matrix(world, "get", f"/strategies/{world.joint.pk}/actions/new/", CHANGE_JOINT)
    redirect = {role: 302 if code == 200 else code for role, code in CHANGE_CLUSTER.items()}
    page_matrix(
        world, "post", f"/strategies/{world.strategy.pk}/publish/", redirect, {"published": "0"}
    )
    page_matrix(world, "post", f"/strategies/actions/{action.pk}/delete/", redirect)
    page_matrix(world, "post", f"/strategies/milestones/{milestone.pk}/delete/", redirect)


def test_create_pages_per_role(world):
    page_matrix(
        world, "get", f"/strategies/new/?organisation={world.cluster_b.pk}&partnership=xtex",
        {**CHANGE_CLUSTER, "manager": 403, "other_manager": 200},
    )  # fmt: skip
    page_matrix(
        world, "get", "/strategies/new/?scope=joint&partnership=other",
        {**CHANGE_JOINT, "coordinator": 403, "other_coordinator": 200},
    )  # fmt: skip
    assert _client(world.admin).get("/strategies/new/").status_code == 404


def test_manager_creates_edits_and_adopts_their_strategy(world):
    client = _client(world.other_manager)
    response = client.post(
        f"/strategies/new/?organisation={world.cluster_b.pk}&partnership=xtex",
        {"title": "B strategy", "text": "# B\n\nFirst.", "period_start": "2026-01-01"},
    )
    strategy = Strategy.objects.get(organisation=world.cluster_b)
    assert response.status_code == 302 and response["Location"] == f"/strategies/{strategy.pk}/"
    assert strategy.partnership == world.partnership and strategy.versions.count() == 1
    response = client.post(
        f"/strategies/{strategy.pk}/edit/",
        {"title": "B strategy", "text": "# B\n\nSecond.", "note": "Rewritten"},
    )
    assert response.status_code == 302 and strategy.versions.count() == 2
    response = client.post(
        f"/strategies/{strategy.pk}/adopt/", {"adopted_on": "2026-11-01", "version": "2"}
    )
    assert response.status_code == 302
    page = client.get(f"/strategies/{strategy.pk}/").content.decode()
    assert "adopted on 1 November 2026 (version 2)" in page
    diff = client.get(f"/strategies/{strategy.pk}/diff/?from=1&to=2").content.decode()
    assert "First." in diff and "Second." in diff and "<del" in diff and "<ins" in diff


def test_form_errors_are_shown_not_500(world):
    client = _client(world.manager)
    url = f"/strategies/{world.strategy.pk}/"
    response = client.post(url + "adopt/", {"adopted_on": "2026-11-23", "version": "1"})
    assert response.status_code == 400 and "lies in the future" in response.content.decode()
    response = client.post(
        url + "edit/",
        {"title": "T", "period_start": "2027-01-01", "period_end": "2026-01-01"},
    )
    assert response.status_code == 400
    assert (
        "The end of the period (1 January 2026) is before the start of the period "
        "(1 January 2027)." in response.content.decode()
    )
    response = client.post(
        url + "actions/new/",
        {"title": "A", "starts_on": "2026-06-01", "ends_on": "2026-05-01", "status": "planned"},
    )
    assert response.status_code == 400
    assert (
        "The action ends (2026-05-01) before it starts (2026-06-01)." in response.content.decode()
    )
    response = client.post(
        url + "actions/new/",
        {"title": "A", "starts_on": "2026-01-01", "ends_on": "2026-05-01", "status": "planned",
         "target_codes": ["world_peace"]},
    )  # fmt: skip
    assert response.status_code == 400
    assert not RoadmapAction.objects.exists()
    second = client.post(f"/strategies/new/?organisation={world.cluster.pk}", {"title": "Second"})
    assert second.status_code == 400 and "already has a strategy" in second.content.decode()


def test_hostile_text_is_rendered_harmless(world):
    services.strategy_update(
        actor=world.manager,
        strategy=world.strategy,
        data={
            "text": "# Plan\n\n<script>alert(1)</script>\n\n[x](javascript:alert(2)) "
            "<img src=x onerror=alert(3)>",
            "note": "hostile",
        },
    )
    page = _client(world.manager).get(f"/strategies/{world.strategy.pk}/").content.decode()
    text = re.search(r'id="strategy-text">(.*?)</div>', page, re.S).group(1)
    assert "<h1>Plan</h1>" in text
    assert "<script" not in text and 'href="javascript:' not in text and "<img" not in text
    assert "javascript" not in text and ">x</a>" in text  # a refused link keeps its text only


def test_detail_shows_roadmap_late_marks_and_gantt(world):
    late = _action(world, title="Late one", status="in_progress", ends_on="2026-11-21")
    _action(world, title="On time", starts_on="2026-10-01", ends_on="2027-03-31")
    page = _client(world.manager).get(f"/strategies/{world.strategy.pk}/").content.decode()
    assert f'id="action-{late.pk}" class="table-danger late"' in page
    assert "1 late action" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and 'class="action late"' in page
    svg = _client(world.manager).get(f"/strategies/{world.strategy.pk}/gantt.svg")
    assert svg["Content-Type"].startswith("image/svg+xml")
    assert b"Late one" in svg.content and b"<title" in svg.content


def test_action_and_milestone_forms(world):
    client = _client(world.coordinator)
    response = client.post(
        f"/strategies/{world.strategy.pk}/actions/new/",
        {"title": "Study visit", "starts_on": "2026-01-01", "ends_on": "2026-12-31",
         "status": "done", "completed_on": "2026-11-20", "owner": str(world.cluster_b.pk),
         "target_codes": ["study_visits", "learning_events"]},
    )  # fmt: skip
    assert response.status_code == 302
    action = RoadmapAction.objects.get()
    assert action.owner == world.cluster_b and action.completed_on == datetime.date(2026, 11, 20)
    assert sorted(action.target_codes) == ["learning_events", "study_visits"]
    response = client.post(
        f"/strategies/actions/{action.pk}/milestones/new/",
        {"title": "Visit", "due_on": "2026-05-01"},
    )
    assert response.status_code == 302 and action.milestones.count() == 1
    milestone = action.milestones.get()
    response = client.post(
        f"/strategies/milestones/{milestone.pk}/edit/",
        {"title": "Visit", "due_on": "2026-05-01", "reached_on": "2026-12-01"},
    )
    assert response.status_code == 400 and "lies in the future" in response.content.decode()


def test_overview_and_partnership_section_show_published_only_to_the_public(world):
    _publish(world, world.joint)
    services.strategy_adopt(actor=world.coordinator, strategy=world.joint, adopted_on=TODAY)
    _action(world, world.joint, title="Overdue", ends_on="2026-01-31")
    public = Client().get("/strategies/partnership/xtex/").content.decode()
    assert "XTEX joint strategy" in public and "Cluster A strategy" not in public
    assert public.count("No strategy yet.") == 2  # cluster A's is not visible, B has none
    assert '<span class="badge text-bg-danger">1</span>' in public
    coordinator = _client(world.coordinator).get("/strategies/partnership/xtex/").content.decode()
    assert "Cluster A strategy" in coordinator and "Start it" in coordinator
    section = Client().get("/partnerships/xtex/").content.decode()
    assert 'id="strategies"' in section and "XTEX joint strategy" in section
    assert "adopted on 22 November 2026" in section and "Cluster A strategy" not in section
    assert Client().get("/strategies/partnership/nope/").status_code == 404


@pytest.mark.parametrize("url", ["/strategies/999999/", "/strategies/actions/999999/edit/"])
def test_missing_objects_are_404(world, url):
    assert _client(world.admin).get(url).status_code == 404


def test_revision_after_adoption_is_announced_and_diff_defaults_to_the_last_two(world):
    client = _client(world.manager)
    url = f"/strategies/{world.strategy.pk}/"
    assert client.get(url + "diff/").status_code == 404  # one version only
    services.strategy_adopt(actor=world.manager, strategy=world.strategy, adopted_on=TODAY)
    assert 'id="revision-note"' not in client.get(url).content.decode()
    services.strategy_update(
        actor=world.manager,
        strategy=world.strategy,
        data={"text": "# Vision\n\nGrow.\n\nAnd export.", "note": "Export"},
    )
    page = client.get(url).content.decode()
    assert "Version 2 is a revision that has not been adopted yet" in page
    diff = client.get(url + "diff/").content.decode()
    assert "From version 1 to version 2" in diff and "And export." in diff
    assert client.get(url + "diff/?from=x").status_code == 404
    versions = client.get(url + "versions/").content.decode()
    assert "Export" in versions and versions.count("adopted</span>") == 1


def test_section_is_empty_for_the_public_without_published_strategies(world):
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from clusterloom.excellence.strategy_sections import partnership_section

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert partnership_section(request, world.partnership) == ""
    request.user = world.coordinator
    html = partnership_section(request, world.partnership)
    assert "Cluster A strategy" in html and "XTEX joint strategy" in html


def test_action_form_refuses_implausible_dates_on_their_fields(world):
    Strategy.objects.filter(pk=world.strategy.pk).update(
        period_start="2026-01-01", period_end="2028-12-31"
    )
    client = _client(world.manager)
    url = f"/strategies/{world.strategy.pk}/actions/new/"
    action = {"title": "Study visit", "starts_on": "2027-01-04", "ends_on": "2027-06-30",
              "status": "done"}  # fmt: skip
    response = client.post(url, action)
    assert response.status_code == 400
    assert response.context["form"].errors["status"] == [
        "An action can be marked done once it has started: this one starts on 4 January 2027 "
        "(today is 22 November 2026)."
    ]
    response = client.post(url, {**action, "starts_on": "2026-03-01", "completed_on": "2026-02-01"})
    assert response.context["form"].errors["completed_on"] == [
        "The completion (1 February 2026) is before the start of the action (1 March 2026)."
    ]
    outside = {**action, "starts_on": "2035-03-01", "ends_on": "2036-06-30", "status": "planned"}
    response = client.post(url, outside)
    assert response.status_code == 400
    assert (
        "lies outside the strategy's period (1 January 2026 to 31 December 2028)"
        in (response.context["form"].errors["starts_on"][0])
    )
    page = response.content.decode()
    assert 'name="confirm_outside_period"' in page
    assert not RoadmapAction.objects.exists()
    response = client.post(url, {**outside, "confirm_outside_period": "on"})
    assert response.status_code == 302
    assert RoadmapAction.objects.get().starts_on == datetime.date(2035, 3, 1)


def test_strategy_form_names_the_actions_a_new_period_leaves_outside(world):
    Strategy.objects.filter(pk=world.strategy.pk).update(
        period_start="2026-01-01", period_end="2028-12-31"
    )
    _action(world, title="Benchmark", starts_on="2026-02-01", ends_on="2026-02-28")
    _action(world, title="Roadshow", starts_on="2028-05-01", ends_on="2028-05-31")
    client = _client(world.manager)
    url = f"/strategies/{world.strategy.pk}/edit/"
    page = client.get(url).content.decode()
    assert 'name="confirm_outside_period"' not in page
    form = {"title": "Cluster A strategy", "period_start": "2027-01-01", "period_end": "2027-12-31",
            "text": "# Vision\n\nGrow."}  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 400
    assert (
        "leaves 2 roadmap actions outside it: “Benchmark”, “Roadshow”."
        in (response.context["form"].errors["period_start"][0])
    )
    page = response.content.decode()
    assert 'name="confirm_outside_period"' in page
    assert "Keep this period although it leaves 2 actions outside it: “Benchmark”, “Roadshow”" in (
        page
    )
    assert Strategy.objects.get(pk=world.strategy.pk).period_start == datetime.date(2026, 1, 1)
    response = client.post(url, {**form, "confirm_outside_period": "on"})
    assert response.status_code == 302
    assert Strategy.objects.get(pk=world.strategy.pk).period_start == datetime.date(2027, 1, 1)
