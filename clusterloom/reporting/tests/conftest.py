"""A reporting world built with the ORM: a partnership with partner clusters, exchanges,
labels, benchmarkings, strategies, activities and events (some that must not count), another
partnership, and a user per role."""

import datetime
import itertools
from types import SimpleNamespace

import pytest
from django.utils import timezone

from clusterloom.activities.models import Activity
from clusterloom.directory.tests.factories import (
    AdminFactory,
    ClusterOrganisationFactory,
    MemberUserFactory,
    OrganisationFactory,
    UserFactory,
    country,
)
from clusterloom.events.models import EventSession, MatchmakingEvent
from clusterloom.excellence.models import Benchmarking, ClusterLabel, IndicatorSet, Strategy
from clusterloom.exchanges.models import Exchange, ExchangeApplication, ExchangeCall, HostingOffer
from clusterloom.partnerships.models import PartnershipMember, Target
from clusterloom.partnerships.tests.factories import PartnershipFactory
from clusterloom.tests.support import CLUSTER_ROLES as ROLES  # noqa: F401
from clusterloom.tests.support import TODAY, player  # noqa: F401

#: The 24-month partnership started on START: TODAY is 10 months into it.
START = datetime.date(2026, 1, 1)
_seq = itertools.count()


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def at(text: str) -> datetime.datetime:
    """Noon of a day, in the current time zone."""
    return timezone.make_aware(datetime.datetime.combine(d(text), datetime.time(12)))


def call_for(partnership):
    n = next(_seq)
    return ExchangeCall.objects.create(
        partnership=partnership,
        title=f"Call {n}",
        slug=f"call-{n}",
        opens_on=START,
        closes_on=d("2027-06-30"),
        exchanges_from=START,
        exchanges_until=d("2027-12-31"),
    )


def offer_for(partnership, organisation=None):
    return HostingOffer.objects.create(
        organisation=organisation or OrganisationFactory(country=country("IT")),
        partnership=partnership,
        title="Visit our lab",
        topics="Technical textiles",
        available_from=START,
        available_until=d("2027-12-31"),
        capacity=1000,
        status="validated",
    )


def exchange(call, offer, *, status="validated", validated=None, sme=False, member=True, **kw):
    """One exchange (with its own application) in the given status."""
    application = ExchangeApplication.objects.create(
        organisation=OrganisationFactory(),
        call=call,
        goals="Learn",
        is_sme=sme,
        is_member=member,
        status="validated",
    )
    return Exchange.objects.create(
        application=application,
        offer=offer,
        origin="catalogue",
        status=status,
        validated_at=at(validated) if validated else None,
        start=kw.pop("start", d("2026-03-02")),
        end=kw.pop("end", d("2026-03-06")),
        working_days=kw.pop("working_days", 5),
        **kw,
    )


def label(org, level, awarded, valid_until, partnership=None, **kw):
    return ClusterLabel.objects.create(
        organisation=org,
        level=level,
        awarded_on=d(awarded),
        valid_until=d(valid_until),
        partnership=partnership,
        **kw,
    )


def benchmarking(org, held, indicator_set, partnership=None, complete=True):
    return Benchmarking.objects.create(
        organisation=org,
        indicator_set=indicator_set,
        held_on=d(held),
        partnership=partnership,
        is_complete=complete,
    )


def strategy(*, scope="cluster", org=None, partnership=None, adopted=None, title=None):
    return Strategy.objects.create(
        scope=scope,
        organisation=org,
        partnership=partnership,
        title=title or f"Strategy {next(_seq)}",
        status="adopted" if adopted else "draft",
        adopted_on=d(adopted) if adopted else None,
    )


def activity(partnership, kind, ends, *, status="held", starts=None, **kw):
    return Activity.objects.create(
        partnership=partnership,
        kind=kind,
        title=kw.pop("title", f"{kind} {next(_seq)}"),
        status=status,
        starts_on=d(starts) if starts else d(ends),
        ends_on=d(ends),
        **kw,
    )


def event(partnership, *, held=True, day=None):
    n = next(_seq)
    e = MatchmakingEvent.objects.create(
        partnership=partnership,
        title=f"B2B {n}",
        slug=f"b2b-{n}",
        registration_opens=START,
        registration_closes=START,
        held=held,
    )
    if day:
        base = timezone.make_aware(datetime.datetime.combine(d(day), datetime.time(9)))
        EventSession.objects.create(
            event=e, name="Morning", starts_at=base, ends_at=base + datetime.timedelta(hours=3)
        )
    return e


@pytest.fixture
def world(db):
    """XTEX (2026-01-01, 24 months, published) with partner clusters A and B, targets, and
    records of each family; OTHER with its own records; users per role."""
    p = PartnershipFactory(
        acronym="XTEX", slug="xtex", start_date=START, duration_months=24, is_published=True
    )
    other = PartnershipFactory(
        acronym="OTHER", slug="other", start_date=START, duration_months=24, is_published=True
    )
    a = ClusterOrganisationFactory(name="Cluster A", slug="cluster-a", country=country("IT"))
    b = ClusterOrganisationFactory(name="Cluster B", slug="cluster-b", country=country("ES"))
    c = ClusterOrganisationFactory(name="Cluster C", slug="cluster-c", country=country("CZ"))
    PartnershipMember.objects.create(partnership=p, organisation=a, role="coordinator")
    PartnershipMember.objects.create(partnership=p, organisation=b)
    PartnershipMember.objects.create(partnership=other, organisation=c)
    coordinator = UserFactory(username="coordinator")
    p.coordinators.add(coordinator)
    other_coordinator = UserFactory(username="othercoordinator")
    other.coordinators.add(other_coordinator)
    manager = UserFactory(username="manager")
    a.managers.add(manager)
    other_manager = UserFactory(username="othermanager")
    c.managers.add(other_manager)
    for code, value in {
        "exchanges": 20,
        "exchanges_sme": 10,
        "labels_bronze": 2,
        "labels_silver": 2,
        "cluster_strategies": 2,
        "joint_strategies": 1,
        "learning_events": 2,
        "matchmaking_events": 3,
    }.items():
        Target.objects.create(partnership=p, code=code, value=value)
    iset = IndicatorSet.objects.create(name="ESCA bronze")
    return SimpleNamespace(
        p=p,
        other=other,
        a=a,
        b=b,
        c=c,
        coordinator=coordinator,
        other_coordinator=other_coordinator,
        manager=manager,
        other_manager=other_manager,
        member=MemberUserFactory(username="member"),
        admin=AdminFactory(username="admin"),
        iset=iset,
        call=call_for(p),
        offer=offer_for(other),
        other_call=call_for(other),
    )


def user_of(w, role):
    """The world's user who plays `role` (None: anonymous)."""
    return player(w, role)
