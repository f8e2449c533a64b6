"""GDPR: a user's attendance is exported and, on erasure, unlinked and nameless while the
partnership keeps its count of participants."""

import pytest

from clusterloom.activities.capacity import capacity_building
from clusterloom.activities.personal_data import personal_data_erase, personal_data_export
from clusterloom.core import personal_data

pytestmark = pytest.mark.django_db


def test_the_app_registers_its_handler():
    assert "activities" in [h.name for h in personal_data.handlers()]


def test_export_lists_what_the_user_attended(world):
    data = personal_data_export(world.member)
    assert data == {
        "attended": [
            {
                "activity": "Cluster management basics",
                "kind": "training",
                "partnership": "XTEX",
                "starts_on": "2026-10-05",
                "ends_on": "2026-10-06",
                "role": "cluster_manager",
                "hours": None,
                "organisation": "Tessile Cluster",
            }
        ]
    }
    # No person, so no attendance; the activities the coordinator recorded are theirs to see.
    recorded = personal_data_export(world.coordinator)
    assert recorded["attended"] == []
    assert "Cluster management basics" in [row["activity"] for row in recorded["recorded"]]


def test_erasure_unlinks_the_person_and_keeps_the_count(world, client):
    w = world
    personal_data_erase(w.member)
    row = w.training.attendance.get(pk=w.attendee_member.pk)
    assert (row.person, row.name, row.role) == (None, "", "cluster_manager")
    assert personal_data_export(w.member) is None
    assert w.training.attendance.count() == 2
    assert capacity_building(w.partnership).total.participants == 2
    client.force_login(w.coordinator)
    page = client.get(f"/activities/{w.training.pk}/").content.decode()
    table = page[page.index("<tbody>") : page.index("</tbody>")]
    assert "Giulia Bianchi" not in table and "(erased)" in table
