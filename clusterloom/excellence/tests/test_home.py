"""A cluster manager's own page: their organisations, labels and strategies, and the label that
is about to expire; a coordinator sees the partner labels to renew; others see neither."""

import datetime

import pytest
from django.urls import reverse

from .conftest import bench, label

D = datetime.date

pytestmark = pytest.mark.django_db


def _home(client, user):
    client.force_login(user)
    response = client.get(reverse("my_home"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_cluster_manager_sees_organisation_labels_and_renewals(client, world):
    w = world
    bench(w, w.a, D(2024, 1, 10))
    bench(w, w.d, D(2024, 1, 10), partnership=False)
    # Expires within 90 days of 2026-11-22.
    label(w, w.a, awarded_on=D(2024, 2, 1), valid_until=D(2027, 1, 10))
    label(w, w.d, awarded_on=D(2024, 2, 1), valid_until=D(2027, 1, 10), partnership=None)
    page = _home(client, w.manager_a)
    assert "My organisations" in page and "Alpha Textile Cluster" in page
    assert reverse("organisation_detail", args=["alpha"]) in page
    assert "Labels and strategies" in page
    assert "Bronze label expires soon: plan the renewal" in page
    assert reverse("excellence_organisation", args=["alpha"]) in page
    assert "Delta Cluster" not in page  # another manager's cluster
    coordinator = _home(client, w.coordinator)
    assert "1 partner label expires or has expired" in coordinator
    assert reverse("reporting_dashboard", args=["xtex"]) + "#late" in coordinator
    assert "expires or has expired" not in _home(client, w.manager_b)


def test_a_renewed_label_needs_nothing(client, world):
    w = world
    bench(w, w.a, D(2024, 1, 10))
    label(w, w.a, awarded_on=D(2024, 2, 1), valid_until=D(2027, 1, 10))
    label(w, w.a, level="bronze", awarded_on=D(2026, 10, 1), valid_until=D(2028, 10, 1))
    page = _home(client, w.manager_a)
    assert "plan the renewal" not in page
    assert "Nothing is waiting for you." in page
