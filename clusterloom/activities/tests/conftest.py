"""An activities world: a partnership XTEX of two partner clusters with a coordinator, a cluster
manager, a member; another partnership with its coordinator and cluster manager; an admin;
activities recorded through the services. Today is frozen at 22 November 2026."""

from types import SimpleNamespace

import pytest

from clusterloom.directory.tests.factories import (
    AdminFactory,
    ClusterOrganisationFactory,
    MemberUserFactory,
    PersonFactory,
    UserFactory,
    country,
)
from clusterloom.partnerships.tests.factories import (
    PartnershipFactory,
    PartnershipMemberFactory,
)
from clusterloom.tests.api_roles import bearer, role_matrix, send, statuses  # noqa: F401
from clusterloom.tests.support import CLUSTER_ROLES as ROLES  # noqa: F401
from clusterloom.tests.support import TODAY, player


def training_data(**extra) -> dict:
    """A held training of 8 hours per participant."""
    return {
        "kind": "training",
        "title": "Cluster management basics",
        "status": "held",
        "starts_on": "2026-10-05",
        "ends_on": "2026-10-06",
        "topic": "Cluster management",
        "hours": "8",
        **extra,
    }


@pytest.fixture
def world(db, today):
    """XTEX (published) with partner clusters Tessile Cluster (IT, managed by `manager`) and
    Textile Cluster CZ; a held training with two attendees, a planned published learning
    event, an unpublished study visit and a cancelled dissemination activity. OTHER is another
    partnership with its coordinator and a cluster manager of its own cluster."""
    from clusterloom.activities import services

    w = SimpleNamespace(today=TODAY)
    w.coordinator = UserFactory(username="coordinator", first_name="Chiara", last_name="Rossi")
    w.other_coordinator = UserFactory(username="othercoordinator")
    w.admin = AdminFactory(username="admin")
    w.manager = UserFactory(username="manager")
    w.other_manager = UserFactory(username="othermanager")
    w.partnership = PartnershipFactory(acronym="XTEX", slug="xtex", title="Textile excellence")
    w.partnership.coordinators.add(w.coordinator)
    w.other = PartnershipFactory(acronym="OTHER", slug="other")
    w.other.coordinators.add(w.other_coordinator)
    w.cluster_it = ClusterOrganisationFactory(
        name="Tessile Cluster", slug="tessile-cluster", country=country("IT")
    )
    w.cluster_it.managers.add(w.manager)
    w.cluster_cz = ClusterOrganisationFactory(name="Textile Cluster CZ", slug="textile-cz")
    other_cluster = ClusterOrganisationFactory(name="Other Cluster", slug="other-cluster")
    other_cluster.managers.add(w.other_manager)
    PartnershipMemberFactory(
        partnership=w.partnership, organisation=w.cluster_it, role="coordinator"
    )
    PartnershipMemberFactory(partnership=w.partnership, organisation=w.cluster_cz)
    PartnershipMemberFactory(partnership=w.other, organisation=other_cluster)
    w.member = MemberUserFactory(username="member")
    w.member.person.organisation = w.cluster_it
    w.member.person.first_name, w.member.person.last_name = "Giulia", "Bianchi"
    w.member.person.email = "giulia@example.org"
    w.member.person.save()
    w.person_cz = PersonFactory(
        organisation=w.cluster_cz, first_name="Petr", last_name="Dvořák", email="petr@example.org"
    )
    c = w.coordinator
    w.training = services.activity_create(
        actor=c, partnership=w.partnership, data=training_data(organiser=w.cluster_it.pk)
    )
    w.attendee_member = services.attendance_add(
        actor=c,
        activity=w.training,
        data={"person": w.member.person.pk, "role": "cluster_manager"},
    )
    w.attendee_named = services.attendance_add(
        actor=c,
        activity=w.training,
        data={
            "name": "Karel Novák",
            "organisation": w.cluster_cz.pk,
            "role": "cluster_staff",
            "hours": "4",
        },
    )
    w.learning = services.activity_create(
        actor=c,
        partnership=w.partnership,
        data={
            "kind": "learning_event",
            "title": "Learning event on circular textiles",
            "starts_on": "2027-02-10",
            "city_name": "Prato",
            "country": "IT",
        },
    )
    w.hidden = services.activity_create(
        actor=c,
        partnership=w.partnership,
        data={
            "kind": "study_visit",
            "title": "Secret study visit",
            "starts_on": "2027-03-01",
            "is_published": False,
        },
    )
    w.cancelled = services.activity_create(
        actor=c,
        partnership=w.partnership,
        data={
            "kind": "dissemination",
            "title": "Cancelled newsletter",
            "starts_on": "2026-12-01",
            "channel": "newsletter",
        },
    )
    services.activity_status_set(actor=c, activity=w.cancelled, status="cancelled")
    return w


def user_of(w, role):
    """The world's user who plays `role` (None: anonymous)."""
    return player(w, role)


def matrix(w, method, url, expected: dict, body=None, users=None):
    """The same request as each role of the world (see clusterloom.tests.api_roles)."""
    return role_matrix(
        lambda role: (users or {}).get(role) or user_of(w, role), method, url, expected, body
    )


def expect(allowed: dict, *, hidden=(), forbidden=(), anonymous=401) -> dict:
    """The status per role: `allowed` as given, `hidden` roles 404, `forbidden` 403."""
    return statuses(ROLES, allowed, hidden=hidden, forbidden=forbidden, anonymous=anonymous)
