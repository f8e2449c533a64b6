"""Directory test fixtures: one user per role around one cluster organisation."""

import pytest

from clusterloom.partnerships.models import Partnership, PartnershipMember

from .factories import (
    AdminFactory,
    ClusterFactory,
    MemberUserFactory,
    OrganisationFactory,
    UserFactory,
)


@pytest.fixture
def cluster(db):
    """A Czech cluster (CLUTEX-like) with its Cluster record."""
    return ClusterFactory(
        organisation__name="CLUTEX - klastr technicke textilie, z.s.",
        organisation__slug="clutex",
        organisation__city_name="Liberec",
    )


@pytest.fixture
def organisation(cluster):
    """The cluster organisation."""
    return cluster.organisation


@pytest.fixture
def member_user(db):
    """A member: a login linked to a person at some other organisation."""
    return MemberUserFactory()


@pytest.fixture
def manager_user(organisation):
    """The cluster manager of `organisation`."""
    user = UserFactory(username="manager")
    organisation.managers.add(user)
    return user


@pytest.fixture
def other_manager_user(db):
    """A cluster manager of another organisation."""
    user = UserFactory(username="othermanager")
    OrganisationFactory(kind="cluster").managers.add(user)
    return user


@pytest.fixture
def coordinator_user(organisation):
    """Coordinator of a partnership that `organisation` is a partner in."""
    user = UserFactory(username="coordinator")
    partnership = Partnership.objects.create(acronym="EXTRATEX", slug="extratex", title="EXTRATEX")
    partnership.coordinators.add(user)
    PartnershipMember.objects.create(partnership=partnership, organisation=organisation)
    return user


@pytest.fixture
def admin_user(db):
    """A platform admin."""
    return AdminFactory()
