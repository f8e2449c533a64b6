"""A cluster's figures within sane bounds (core.bounds): a member count of
999,999,999,999,999,999 is refused on its field by the service, the edit page, the model (admin)
and the partnership import; a figure saved before the bound still shows and stays editable."""

import pytest
from django.core.exceptions import ValidationError

from clusterloom.core.bounds import MAX_MEMBERS
from clusterloom.core.errors import DomainError
from clusterloom.directory.models import Cluster
from clusterloom.directory.services import cluster_update

pytestmark = pytest.mark.django_db

HUGE = 999_999_999_999_999_999


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"member_count": HUGE}, "member_count"),
        ({"member_count": MAX_MEMBERS + 1}, "member_count"),
        ({"sme_count": "100001"}, "sme_count"),
        ({"management_fte": "1000.5"}, "management_fte"),
    ],
)
def test_a_figure_beyond_its_bound_is_refused_on_its_field(cluster, data, field):
    with pytest.raises(DomainError) as caught:
        cluster_update(actor=None, cluster=cluster, data=data)
    assert caught.value.field == field
    if field != "management_fte":
        assert caught.value.message == "Give a number between 0 and 100,000."
    cluster.refresh_from_db()
    assert (cluster.member_count, cluster.sme_count, cluster.management_fte) == (None, None, None)
    with pytest.raises(ValidationError) as invalid:
        Cluster(organisation=cluster.organisation, **{field: 100_001}).clean_fields()
    assert list(invalid.value.message_dict) == [field]


def test_the_largest_figures_are_accepted(cluster):
    cluster_update(
        actor=None,
        cluster=cluster,
        data={"member_count": MAX_MEMBERS, "sme_count": MAX_MEMBERS, "management_fte": "1000"},
    )
    cluster.refresh_from_db()
    assert (cluster.member_count, cluster.sme_count) == (100_000, 100_000)


def test_a_figure_saved_before_the_bound_shows_and_stays_editable(client, cluster, manager_user):
    Cluster.objects.filter(pk=cluster.pk).update(member_count=250_000)
    cluster.refresh_from_db()
    client.force_login(manager_user)
    page = client.get("/organisations/clutex/edit/")
    assert page.status_code == 200 and 'value="250000"' in page.content.decode()
    cluster_update(actor=None, cluster=cluster, data={"member_count": 250_000, "sme_count": 12})
    cluster.refresh_from_db()
    assert (cluster.member_count, cluster.sme_count) == (250_000, 12)


def test_the_edit_page_refuses_a_huge_member_count_on_its_field(client, cluster, manager_user):
    client.force_login(manager_user)
    response = client.post(
        "/organisations/clutex/edit/",
        {"name": "CLUTEX", "kind": "cluster", "country": "CZ", "cluster-member_count": str(HUGE)},
    )
    assert response.status_code in (200, 400)
    errors = response.context["cluster_form"].errors
    assert errors["member_count"] == ["Give a number between 0 and 100,000."]
    cluster.refresh_from_db()
    assert cluster.member_count is None
