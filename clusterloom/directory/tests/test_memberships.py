"""No organisation is a member of its own cluster, nor of a circle of memberships (A in B in A),
on every path that creates a membership: the import (service, page, API), the admin's model
check; a ClusterXchange registration's "member of" is tested with the exchanges."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from clusterloom.core.errors import DomainError
from clusterloom.directory.imports import MemberImportFailed
from clusterloom.directory.memberships import membership_check, organisations_above
from clusterloom.directory.models import ClusterMembership
from clusterloom.directory.services import cluster_members_import

from .factories import ClusterFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(cluster):
    """CLUTEX (the `cluster`) is a member of Moravian Textiles, itself a member of Textile EU."""
    moravian = ClusterFactory(organisation__name="Moravian Textiles", organisation__slug="mt")
    europe = ClusterFactory(organisation__name="Textile EU", organisation__slug="teu")
    ClusterMembership.objects.create(cluster=moravian, organisation=cluster.organisation)
    ClusterMembership.objects.create(cluster=europe, organisation=moravian.organisation)
    return cluster, moravian, europe


def test_an_organisation_is_never_a_member_of_its_own_cluster(cluster):
    with pytest.raises(DomainError) as raised:
        membership_check(cluster, cluster.organisation)
    assert raised.value.field == "organisation"
    assert raised.value.message == (
        "CLUTEX - klastr technicke textilie, z.s. cannot be a member of its own cluster."
    )


@pytest.mark.parametrize("joining", ["Moravian Textiles", "Textile EU"])
def test_memberships_never_go_in_a_circle(chain, joining):
    cluster, moravian, europe = chain
    organisation = {"Moravian Textiles": moravian, "Textile EU": europe}[joining].organisation
    assert organisations_above(cluster) == {moravian.organisation_id, europe.organisation_id}
    with pytest.raises(DomainError) as raised:
        membership_check(cluster, organisation)
    assert raised.value.message == (
        f"{joining} cannot be a member of CLUTEX - klastr technicke textilie, z.s.: "
        f"CLUTEX - klastr technicke textilie, z.s. is already a member of {joining} (directly "
        "or through other clusters), and memberships cannot go in a circle."
    )
    # The other way round is how things stand: no refusal.
    membership_check(europe, OrganisationFactory())


def test_the_admin_refuses_them_too(chain):
    cluster, moravian, _europe = chain
    for organisation in (cluster.organisation, moravian.organisation):
        with pytest.raises(ValidationError) as raised:
            ClusterMembership(cluster=cluster, organisation=organisation).full_clean()
        assert list(raised.value.message_dict) == ["organisation"]
    ClusterMembership(cluster=cluster, organisation=OrganisationFactory()).full_clean()


def test_the_import_refuses_a_circle_naming_the_row_and_writes_nothing(chain):
    cluster, _moravian, _europe = chain
    content = b"name,country\nTextil Liberec,CZ\nTextile EU,CZ\n"
    before = ClusterMembership.objects.count()
    with pytest.raises(MemberImportFailed) as raised:
        cluster_members_import(actor=None, cluster=cluster, file_name="m.csv", content=content)
    assert raised.value.problems == [
        "row 3, column name: Textile EU cannot be a member of CLUTEX - klastr technicke "
        "textilie, z.s.: CLUTEX - klastr technicke textilie, z.s. is already a member of "
        "Textile EU (directly or through other clusters), and memberships cannot go in a circle."
    ]
    assert ClusterMembership.objects.count() == before


def test_the_import_page_and_api_refuse_the_cluster_itself_and_a_circle(
    client, chain, manager_user
):
    cluster, _moravian, _europe = chain
    client.force_login(manager_user)
    before = ClusterMembership.objects.count()
    own = SimpleUploadedFile(
        "m.csv", b'name,country\n"CLUTEX - klastr technicke textilie, z.s.",CZ\n'
    )
    page = client.post("/organisations/clutex/members/import/", {"file": own})
    assert page.status_code == 400
    assert page.context["problems"] == [
        "row 2, column name: CLUTEX - klastr technicke textilie, z.s. cannot be a member of its "
        "own cluster."
    ]
    assert "cannot be a member of its own cluster" in page.content.decode()
    circle = SimpleUploadedFile("m.csv", b"name,country\nMoravian Textiles,CZ\n")
    api = client.post("/api/organisations/clutex/members", {"file": circle})
    assert api.status_code == 400
    assert "memberships cannot go in a circle" in api.json()["problems"][0]
    assert ClusterMembership.objects.count() == before
