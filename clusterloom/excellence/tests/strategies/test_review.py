"""Review findings on the strategy pages: odd ids give a 404, never a 500."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("key", ["²", "99999999999999999999999"])
def test_digit_like_organisation_in_the_query_is_a_404(client, world, key):
    client.force_login(world.manager)
    assert client.get(f"/strategies/new/?organisation={key}").status_code == 404


@pytest.mark.parametrize(
    ("starts_on", "ends_on"), [("2026-01-01", "9999-12-31"), ("0001-01-01", "2026-12-31")]
)
def test_roadmap_dates_at_the_ends_of_the_calendar_are_refused(client, world, starts_on, ends_on):
    client.force_login(world.manager)
    url = f"/strategies/{world.strategy.pk}/"
    data = {"title": "Forever", "starts_on": starts_on, "ends_on": ends_on, "status": "planned"}
    response = client.post(url + "actions/new/", data)
    assert response.status_code == 400
    assert "Give a date between 1900-01-01 and 2999-12-31." in response.content.decode()
    assert client.get(url).status_code == 200
    assert client.get(url + "gantt.svg").status_code == 200


def test_milestone_at_the_end_of_the_calendar_is_refused(client, world):
    from clusterloom.excellence.strategy_services import action_create

    action = action_create(
        actor=world.manager,
        strategy=world.strategy,
        data={"title": "Act", "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
    )
    client.force_login(world.manager)
    response = client.post(
        f"/strategies/actions/{action.pk}/milestones/new/", {"title": "M", "due_on": "9999-12-31"}
    )
    assert response.status_code == 400
    assert client.get(f"/strategies/{world.strategy.pk}/").status_code == 200
