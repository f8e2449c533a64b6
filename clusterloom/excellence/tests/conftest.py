"""An excellence world: partnership XTEX with three partner clusters (A and B managed), OTHER
with cluster D, one login per role, and the preloaded bronze indicator set."""

import datetime
import io
from types import SimpleNamespace

import pytest

from clusterloom.directory.tests.factories import (
    AdminFactory,
    ClusterFactory,
    MemberUserFactory,
    OrganisationFactory,
    UserFactory,
)
from clusterloom.partnerships.tests.factories import PartnershipFactory, PartnershipMemberFactory
from clusterloom.tests.api_roles import bearer, role_matrix, send, statuses  # noqa: F401
from clusterloom.tests.support import CLUSTER_ROLES as ROLES  # noqa: F401
from clusterloom.tests.support import TODAY, player  # noqa: F401

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png() -> bytes:
    """A small valid PNG."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "PNG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def _media(media):
    """Uploaded certificates and evidence go to a temporary folder."""


def user_of(w, role):
    """The world's user who plays `role` (None: anonymous)."""
    return player(w, role, {"manager": "manager_a", "other_manager": "manager_d"})


def cluster(name, slug, partnership, manager=None):
    """A cluster organisation (with its Cluster record) as a partner of the partnership."""
    org = ClusterFactory(organisation__name=name, organisation__slug=slug).organisation
    if manager is not None:
        org.managers.add(manager)
    PartnershipMemberFactory(partnership=partnership, organisation=org)
    return org


@pytest.fixture
def world(db, today):
    """XTEX (clusters A managed by manager_a, B by manager_b, C) and OTHER (cluster D managed
    by manager_d); coordinators of each; a member at A; an admin; an SME."""
    from clusterloom.excellence.models import IndicatorSet

    w = SimpleNamespace()
    w.coordinator = UserFactory(username="coordinator")
    w.other_coordinator = UserFactory(username="othercoordinator")
    w.manager_a = UserFactory(username="manager_a")
    w.manager_b = UserFactory(username="manager_b")
    w.manager_d = UserFactory(username="manager_d")
    w.admin = AdminFactory(username="admin")
    w.partnership = PartnershipFactory(acronym="XTEX", slug="xtex")
    w.partnership.coordinators.add(w.coordinator)
    w.other = PartnershipFactory(acronym="OTHER", slug="other")
    w.other.coordinators.add(w.other_coordinator)
    w.a = cluster("Alpha Textile Cluster", "alpha", w.partnership, w.manager_a)
    w.b = cluster("Beta Textile Cluster", "beta", w.partnership, w.manager_b)
    w.c = cluster("Gamma Textile Cluster", "gamma", w.partnership)
    w.d = cluster("Delta Cluster", "delta", w.other, w.manager_d)
    w.sme = OrganisationFactory(name="Weaving SME", slug="weaving-sme")
    w.member = MemberUserFactory(username="member")
    w.member.person.organisation = w.a
    w.member.person.save()
    w.bronze = IndicatorSet.objects.get(is_preloaded=True, level="bronze")
    w.areas = list(w.bronze.areas.all())
    return w


def label_post(client, level="bronze", **fields):
    """POST the new-label form of the cluster alpha (awarded by ESCA)."""
    data = {"level": level, "awarding_body": "ESCA", **fields}
    return client.post("/excellence/organisations/alpha/labels/new/", data)


def bench(w, org, day, values=(70, 70, 70, 70, 70, 70), *, published=True, partnership=True):
    """A benchmarking on the bronze set recorded by the admin, one score per area."""
    from clusterloom.excellence.services import benchmarking_create

    return benchmarking_create(
        actor=w.admin,
        organisation=org,
        data={
            "indicator_set": w.bronze.pk,
            "held_on": day,
            "assessor": "ESCA",
            "partnership": w.partnership if partnership else None,
            "is_published": published,
            "scores": [{"area": a.pk, "value": v} for a, v in zip(w.areas, values, strict=True)],
        },
    )


def documented(w, benchmarking, n):
    """n improvement areas of the benchmarking documented with a link."""
    from clusterloom.excellence.services import improvement_create

    return [
        improvement_create(
            actor=w.admin,
            benchmarking=benchmarking,
            data={
                "title": f"Improvement {i}",
                "status": "documented",
                "evidence_url": f"https://example.org/evidence/{i}",
                "documented_on": benchmarking.held_on + datetime.timedelta(days=30),
            },
        )
        for i in range(n)
    ]


def label(w, org, level="bronze", awarded_on=datetime.date(2026, 3, 10), **data):
    """A label recorded by the admin."""
    from clusterloom.excellence.services import label_create

    return label_create(
        actor=w.admin,
        organisation=org,
        data={"level": level, "awarded_on": awarded_on, "partnership": w.partnership, **data},
    )


def matrix(w, method, url, expected: dict, body=None, users=None):
    """The same request as each role of the world (see clusterloom.tests.api_roles)."""
    return role_matrix(
        lambda role: (users or {}).get(role) or user_of(w, role), method, url, expected, body
    )
