"""Region category page: everyone reads, coordinators and admins set categories."""

import pytest
from django.urls import reverse

from clusterloom.geo.models import Region
from clusterloom.partnerships.models import Partnership

pytestmark = pytest.mark.django_db


def test_anyone_sees_the_categories_without_edit_controls(client):
    response = client.get(reverse("region_list"), {"country": "CZ"})
    body = response.content.decode()
    assert response.status_code == 200 and "Severovýchod" in body
    assert "<select" in body and 'name="category"' not in body


@pytest.mark.parametrize(
    "role,allowed", [("anonymous", False), ("plain", False), ("coordinator", True), ("admin", True)]
)
def test_who_may_set_a_category(client, django_user_model, role, allowed):
    if role == "admin":
        client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    elif role != "anonymous":
        user = django_user_model.objects.create_user(role, password="x")
        if role == "coordinator":
            Partnership.objects.create(acronym="P", slug="p", title="P").coordinators.add(user)
        client.force_login(user)
    response = client.post(
        reverse("region_category_update", args=["CZ05"]), {"category": "less_developed"}
    )
    category = Region.objects.get(code="CZ05").category
    if allowed:
        assert response.status_code == 302 and category == "less_developed"
    else:
        assert response.status_code == 403 and category == "unknown"


def test_bad_category_is_a_message_not_a_change(admin_client):
    response = admin_client.post(
        reverse("region_category_update", args=["CZ05"]), {"category": "rich"}, follow=True
    )
    assert "Unknown region category" in response.content.decode()
    assert Region.objects.get(code="CZ05").category == "unknown"
