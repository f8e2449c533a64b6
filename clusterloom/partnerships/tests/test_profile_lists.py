"""A coordinator edits the actions and expected results (page and API), all audited."""

import json

import pytest
from django.urls import reverse

from clusterloom.core.errors import DomainError
from clusterloom.core.models import ApiToken, AuditEntry
from clusterloom.partnerships.models import Action, Partnership
from clusterloom.partnerships.services import partnership_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership(django_user_model):
    p = Partnership.objects.create(acronym="DEMO", slug="demo", title="Demo")
    for order, text in enumerate(["Benchmarking", "Two learning events"]):
        Action.objects.create(partnership=p, order=order, text=text)
    coordinator = django_user_model.objects.create_user("coord", password="x")
    p.coordinators.add(coordinator)
    return p, coordinator


def texts(p):
    return list(p.actions.order_by("order").values_list("text", flat=True))


def test_service_replaces_the_list_in_order_and_audits_it(partnership):
    p, coordinator = partnership
    partnership_update(
        actor=coordinator,
        partnership=p,
        data={"actions": ["Two learning events", "  Study   visits "]},
    )
    assert texts(p) == ["Two learning events", "Study visits"]
    entry = AuditEntry.objects.filter(action="partnership.updated").latest("at")
    assert entry.changes["actions"] == [
        ["Benchmarking", "Two learning events"],
        ["Two learning events", "Study visits"],
    ]


def test_unchanged_list_writes_no_audit_entry(partnership):
    p, coordinator = partnership
    partnership_update(
        actor=coordinator, partnership=p, data={"actions": ["Benchmarking", "Two learning events"]}
    )
    assert not AuditEntry.objects.filter(action="partnership.updated").exists()


@pytest.mark.parametrize(
    "value,message",
    [
        ("not a list", "list"),
        (["ok", "  "], "Item 2 is empty"),
        (["x"] * 51, "At most 50"),
        (["x" * 2001], "too long"),
    ],
)
def test_bad_lists_are_refused_and_change_nothing(partnership, value, message):
    p, coordinator = partnership
    with pytest.raises(DomainError, match=message) as error:
        partnership_update(
            actor=coordinator, partnership=p, data={"results_expected": value, "title": "Changed"}
        )
    assert error.value.field == "results_expected"
    p.refresh_from_db()
    assert p.title == "Demo"


def test_edit_page_shows_and_saves_one_action_per_line(client, partnership):
    p, coordinator = partnership
    client.force_login(coordinator)
    url = reverse("partnership_edit", args=["demo"])
    assert "Benchmarking\nTwo learning events" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "title": "Demo",
            "programme": "ESCP-4x",
            "is_published": "on",
            "actions": "Benchmarking\n\nMatchmaking events\n",
            "results_expected": "More exchanges",
        },
    )
    assert response.status_code == 302
    assert texts(p) == ["Benchmarking", "Matchmaking events"]
    assert list(p.expected_results.values_list("text", flat=True)) == ["More exchanges"]


def test_api_patch_sets_actions(client, partnership):
    p, coordinator = partnership
    _token, raw = ApiToken.issue(coordinator, "t")
    response = client.patch(
        "/api/partnerships/demo",
        json.dumps({"actions": ["Only one"]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200 and response.json()["actions"] == ["Only one"]
    bad = client.patch(
        "/api/partnerships/demo",
        json.dumps({"actions": [""]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "actions"
    assert texts(p) == ["Only one"]
