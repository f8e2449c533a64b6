"""A strategies world: partnership XTEX with two partner clusters (A, B) and their managers,
its coordinator, another partnership with its coordinator and cluster, a member of cluster A,
an admin; cluster A's strategy and XTEX's joint strategy, both drafts, not published."""

from types import SimpleNamespace

import pytest

from clusterloom.directory.tests.factories import (
    AdminFactory,
    ClusterOrganisationFactory,
    MemberUserFactory,
    UserFactory,
)
from clusterloom.partnerships.tests.factories import PartnershipFactory, PartnershipMemberFactory
from clusterloom.tests.api_roles import role_matrix, send  # noqa: F401
from clusterloom.tests.support import CLUSTER_ROLES as ROLES  # noqa: F401
from clusterloom.tests.support import TODAY, player


@pytest.fixture
def world(db, today):
    """The world described in the module docstring."""
    from clusterloom.excellence.strategy_services import strategy_create

    w = SimpleNamespace(admin=AdminFactory(username="admin"))
    w.coordinator = UserFactory(username="coordinator")
    w.other_coordinator = UserFactory(username="othercoordinator")
    w.manager = UserFactory(username="manager")
    w.other_manager = UserFactory(username="othermanager")
    w.partnership = PartnershipFactory(acronym="XTEX", slug="xtex", start_date=TODAY)
    w.partnership.coordinators.add(w.coordinator)
    w.other = PartnershipFactory(acronym="OTHER", slug="other")
    w.other.coordinators.add(w.other_coordinator)
    w.cluster = ClusterOrganisationFactory(name="Cluster A", managers=[w.manager])
    w.cluster_b = ClusterOrganisationFactory(name="Cluster B", managers=[w.other_manager])
    w.cluster_c = ClusterOrganisationFactory(name="Cluster C")
    PartnershipMemberFactory(partnership=w.partnership, organisation=w.cluster, role="coordinator")
    PartnershipMemberFactory(partnership=w.partnership, organisation=w.cluster_b)
    PartnershipMemberFactory(partnership=w.other, organisation=w.cluster_c)
    w.member = MemberUserFactory(username="member")
    w.member.person.organisation = w.cluster
    w.member.person.save()
    w.strategy = strategy_create(
        actor=w.manager,
        scope="cluster",
        organisation=w.cluster,
        partnership=w.partnership,
        data={"title": "Cluster A strategy", "text": "# Vision\n\nGrow.", "note": "First"},
    )
    w.joint = strategy_create(
        actor=w.coordinator,
        scope="joint",
        partnership=w.partnership,
        data={"title": "XTEX joint strategy", "text": "# Joint\n\nTogether."},
    )
    return w


def user_of(w, role):
    """The world's user who plays `role` (None: anonymous)."""
    return player(w, role)


def api_matrix(w, method, url, expected: dict, body=None) -> dict:
    """The same request as each role, each rolled back; a refused one writes nothing."""
    return role_matrix(lambda role: user_of(w, role), method, url, expected, body)


def page_matrix(w, method, url, expected: dict, data=None) -> dict:
    """The same page request as each role (logged in with the session), each rolled back."""
    from django.db import transaction
    from django.test import Client

    got = {}
    for role in expected:
        with transaction.atomic():
            client = Client()
            user = user_of(w, role)
            if user is not None:
                client.force_login(user)
            response = getattr(client, method)(url, data or {})
            got[role] = response.status_code
            if response.status_code == 302 and "/accounts/login" in response.get("Location", ""):
                got[role] = "login"
            transaction.set_rollback(True)
    assert got == expected
    return got
