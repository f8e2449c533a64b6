"""Capacity building: participants and hours of held trainings and coaching by role, partner
cluster and topic, counted independently here; on-the-job training from validated exchanges."""

import datetime
from decimal import Decimal

import pytest

from clusterloom.activities import services
from clusterloom.activities.capacity import capacity_building
from clusterloom.directory.tests.factories import OrganisationFactory, country

pytestmark = pytest.mark.django_db


def _rows(rows):
    return {r.label: (r.participants, r.hours) for r in rows}


def test_figures_by_role_cluster_and_topic(world):
    w = world
    coaching = services.activity_create(
        actor=w.coordinator,
        partnership=w.partnership,
        data={
            "kind": "coaching",
            "title": "Coaching on services",
            "status": "held",
            "starts_on": "2026-11-03",
            "topic": "Service portfolio",
            "hours": "3",
            "is_published": False,  # unpublished activities count too
        },
    )
    for name, org, role, hours in (
        ("Ana", w.cluster_it, "cluster_manager", ""),
        ("Eva", w.cluster_cz, "cluster_staff", "1.5"),
        ("Ole", None, "sme", ""),
    ):
        services.attendance_add(
            actor=w.coordinator,
            activity=coaching,
            data={
                "name": name,
                "organisation": org.pk if org else None,
                "organisation_name": "" if org else "Somewhere Ltd",
                "role": role,
                "hours": hours,
            },
        )
    # A planned training and a held learning event do not count.
    services.attendance_add(actor=w.coordinator, activity=w.learning, data={"name": "Zed"})
    capacity = capacity_building(w.partnership)
    assert [a.title for a in capacity.trainings] == [
        "Cluster management basics",
        "Coaching on services",
    ]
    # training: Giulia (manager, IT) 8 h, Karel (staff, CZ) 4 h; coaching: Ana 3, Eva 1.5, Ole 3
    assert (capacity.total.participants, capacity.total.hours) == (5, Decimal("19.5"))
    roles = _rows(capacity.by_role)
    assert roles["cluster manager"] == (2, Decimal("11"))
    assert roles["cluster staff"] == (2, Decimal("5.5"))
    assert roles["SME staff"] == (1, Decimal("3"))
    assert [r.label for r in capacity.by_role][:2] == ["cluster manager", "cluster staff"]
    clusters = _rows(capacity.by_cluster)
    assert clusters == {
        "Tessile Cluster": (2, Decimal("11")),
        "Textile Cluster CZ": (2, Decimal("5.5")),
        "Other organisations": (1, Decimal("3")),
    }
    assert _rows(capacity.by_topic) == {
        "Cluster management": (2, Decimal("12")),
        "Service portfolio": (3, Decimal("7.5")),
    }


def test_on_the_job_training_counts_validated_and_paid_exchanges_of_the_partnerships_calls(
    world,
):
    from clusterloom.exchanges.models import (
        Exchange,
        ExchangeApplication,
        ExchangeCall,
        HostingOffer,
    )

    w = world
    day = datetime.date(2026, 6, 1)

    def call(partnership, slug):
        return ExchangeCall.objects.create(
            partnership=partnership,
            title=slug,
            slug=slug,
            opens_on=day,
            closes_on=day,
            exchanges_from=day,
            exchanges_until=day,
        )

    host = OrganisationFactory(name="Host SK", slug="host-sk", country=country("SK"))
    offer = HostingOffer.objects.create(
        organisation=host,
        partnership=w.partnership,
        title="Visit us",
        topics="textiles",
        available_from=day,
        available_until=day,
    )
    mine, theirs = call(w.partnership, "xtex-call"), call(w.other, "other-call")
    for n, (status, the_call, days) in enumerate(
        [("validated", mine, 5), ("paid", mine, 7), ("reported", mine, 9), ("paid", theirs, 4)]
    ):
        visitor = OrganisationFactory(name=f"Visitor {n}", slug=f"visitor-{n}")
        application = ExchangeApplication.objects.create(
            organisation=visitor, call=the_call, goals="learn"
        )
        Exchange.objects.create(
            application=application,
            offer=offer,
            origin="catalogue",
            status=status,
            working_days=days,
            start=day + datetime.timedelta(days=10 * n),
        )
    capacity = capacity_building(w.partnership)
    assert [(e.visitor, e.host, e.working_days) for e in capacity.exchanges] == [
        ("Visitor 0", "Host SK", 5),
        ("Visitor 1", "Host SK", 7),
    ]
    assert capacity.exchange_days == 12
