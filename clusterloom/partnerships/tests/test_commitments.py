"""Another ECCP profile, worded its own way: its targets are proposed as EXTRATEX's are, and
the sentences that look like commitments but match no target kind are listed for its
coordinators (import warnings, the profile and targets pages, the API) until one sets them."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from clusterloom.core.models import AuditEntry
from clusterloom.partnerships.models import Target
from clusterloom.partnerships.services import partnership_import_eccp

from .test_import_profile import SEED

pytestmark = pytest.mark.django_db

BULLETS = [
    "Raising cluster management excellence: three clusters will obtain the ECEI Silver Label "
    "and the Bronze Label for 2 partner clusters, after benchmarking of the 5 partner clusters;",
    "A strategy and roadmap for each of the 5 partner clusters;",
    "Co-designing the joint partnership strategy with its roadmap;",
    "Joint activities: 4 peer-learning workshops, 2 study tours and three B2B and C2C "
    "matchmaking events;",
    "ClusterXchange: 40 mobilities, 20 of them by SMEs and 10 by organisations outside the "
    "partnership;",
    "6 coaching sessions for cluster staff;",
    "The partnership will organise 12 webinars and publish 2 policy briefs.",
]
#: The action list as the ECCP page shows it, copied as text.
ACTIONS = "".join(f"  \u2022 {bullet}\n\n" for bullet in BULLETS)

EXPECTED = {
    "labels_silver": 3,
    "labels_bronze": 2,
    "benchmarkings": 5,
    "cluster_strategies": 5,
    "joint_strategies": 1,
    "learning_events": 4,
    "study_visits": 2,
    "matchmaking_events": 3,
    "exchanges": 40,
    "exchanges_sme": 20,
    "exchanges_non_member": 10,
    "trainings": 6,
}
WEBINARS = "The partnership will organise 12 webinars and publish 2 policy briefs."


def _texmob_text() -> str:
    head, rest = SEED.split("  • Enhancing cluster managers", 1)
    rest = rest.split("Emerging industries:", 1)[1]
    text = head + ACTIONS + "Emerging industries:" + rest
    text = text.replace("Escp 4x Profiles > EXTRATEX", "Escp 4x Profiles > TEXMOB", 1)
    return text.replace(
        "59 visits, including 30 SMEs and 17 non-ESCP-4X members.",
        "40 exchanges, including 20 SMEs.",
    )


@pytest.fixture
def texmob():
    outcome = partnership_import_eccp(actor=None, text=_texmob_text(), source="test")
    coordinator = get_user_model().objects.create_user("tm", "tm@example.org", "pw")
    outcome.partnership.coordinators.add(coordinator)
    outcome.partnership.is_published = True
    outcome.partnership.save()
    outcome.coordinator = coordinator
    return outcome


def test_another_wording_proposes_the_same_kinds_of_target(texmob):
    targets = {t.code: t for t in texmob.partnership.targets.all()}
    assert {code: t.value for code, t in targets.items()} == EXPECTED
    assert {t.status for t in targets.values()} == {"proposed"}
    assert "40 mobilities, 20 of them by SMEs" in targets["exchanges_sme"].source_text


def test_unmatched_commitments_are_said_at_import(texmob):
    said = [w for w in texmob.warnings if "looks like a commitment" in w]
    assert len(said) == 2
    assert said[0].startswith("“12 webinars” looks like a commitment") and WEBINARS in said[0]
    assert said[1].startswith("“2 policy briefs” looks like a commitment")


def test_coordinators_see_them_where_they_review_targets_and_set_one(client, texmob):
    slug = texmob.partnership.slug
    detail = reverse("partnership_detail", args=[slug])
    assert 'id="commitments"' not in client.get(detail).content.decode()  # public page
    client.force_login(texmob.coordinator)
    body = client.get(detail).content.decode()
    assert 'id="commitments"' in body and "<strong>12 webinars</strong>" in body
    targets_page = client.get(reverse("partnership_targets", args=[slug])).content.decode()
    assert "<strong>2 policy briefs</strong>" in targets_page
    response = client.post(
        reverse("partnership_targets", args=[slug]),
        {"action": "set", "code": "dissemination", "value": "12", "source_text": WEBINARS},
    )
    assert response.status_code == 302
    target = Target.objects.get(partnership=texmob.partnership, code="dissemination")
    assert (target.value, target.status, target.source_text) == (12, "confirmed", WEBINARS)
    body = client.get(detail).content.decode()
    assert "<strong>12 webinars</strong>" not in body  # set: no longer listed
    assert "<strong>2 policy briefs</strong>" in body  # the other one still is
    # Without choosing a kind nothing is set, and the page says so.
    response = client.post(
        reverse("partnership_targets", args=[slug]),
        {"action": "set", "code": "", "value": "2", "source_text": WEBINARS},
    )
    assert response.status_code == 400 and 'id="target-errors"' in response.content.decode()


def test_the_api_lists_them_until_a_coordinator_sets_one(texmob):
    slug = texmob.partnership.slug
    body = Client().get(f"/api/partnerships/{slug}").json()
    assert [(c["phrase"], c["value"]) for c in body["unmatched_commitments"]] == [
        ("12 webinars", 12),
        ("2 policy briefs", 2),
    ]
    assert body["unmatched_commitments"][0]["source_text"] == WEBINARS
    client = Client()
    client.force_login(texmob.coordinator)
    response = client.put(
        f"/api/partnerships/{slug}/targets/dissemination",
        {"value": 2, "source_text": WEBINARS},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = Client().get(f"/api/partnerships/{slug}").json()
    assert [c["phrase"] for c in body["unmatched_commitments"]] == ["12 webinars"]


def test_extratex_lists_none(client):
    outcome = partnership_import_eccp(actor=None, text=SEED)
    assert not [w for w in outcome.warnings if "looks like a commitment" in w]
    body = Client().get(f"/api/partnerships/{outcome.partnership.slug}").json()
    assert body["unmatched_commitments"] == []


def test_a_coordinator_says_one_is_not_a_target(client, texmob):
    slug = texmob.partnership.slug
    url = reverse("partnership_targets", args=[slug])
    detail = reverse("partnership_detail", args=[slug])
    briefs = {"action": "dismiss", "source_text": WEBINARS, "value": "2"}
    # Someone who does not coordinate it may not.
    stranger = get_user_model().objects.create_user("x", "x@example.org", "pw")
    client.force_login(stranger)
    assert client.post(url, briefs).status_code == 403
    client.force_login(texmob.coordinator)
    body = client.get(detail).content.decode()
    assert "Not a target: stop listing it" in body
    response = client.post(url, briefs)
    assert response.status_code == 302
    body = client.get(detail).content.decode()
    assert "<strong>2 policy briefs</strong>" not in body
    assert "<strong>12 webinars</strong>" in body
    assert AuditEntry.objects.filter(action="target.commitment_dismissed").count() == 1
    # A sentence that is not listed is refused, saying so, and nothing changes.
    response = client.post(url, {**briefs, "value": "7"})
    assert response.status_code == 400
    assert "not listed among the commitments" in response.content.decode()
    # Importing the profile again does not bring it back.
    partnership_import_eccp(actor=None, text=_texmob_text())
    body = client.get(detail).content.decode()
    assert "<strong>2 policy briefs</strong>" not in body
    assert "<strong>12 webinars</strong>" in body


def test_the_api_dismisses_one(texmob):
    slug = texmob.partnership.slug
    url = f"/api/partnerships/{slug}/commitments/dismiss"
    payload = {"source_text": WEBINARS, "value": 12}
    assert Client().post(url, payload, content_type="application/json").status_code == 401
    client = Client()
    client.force_login(texmob.coordinator)
    response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 200, response.content
    assert [c["phrase"] for c in response.json()] == ["2 policy briefs"]
    again = client.post(url, payload, content_type="application/json")
    assert again.status_code == 400 and again.json()["field"] == "source_text"
    body = Client().get(f"/api/partnerships/{slug}").json()
    assert [c["phrase"] for c in body["unmatched_commitments"]] == ["2 policy briefs"]
