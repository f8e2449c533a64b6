"""The demo activities of EXTRATEX and Hi-Tech-TEX: the set the brief asks for, held ones up to
today, planned ones after it, partners as organisers; running it again adds nothing."""

import datetime
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from clusterloom.activities.demo import demo_activities
from clusterloom.activities.models import Activity
from clusterloom.directory.tests.factories import AdminFactory, ClusterOrganisationFactory
from clusterloom.partnerships.tests.factories import PartnershipFactory, PartnershipMemberFactory

from .conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeds(db, today):
    AdminFactory(username="admin")
    extratex = PartnershipFactory(
        acronym="EXTRATEX", slug="extratex", start_date=datetime.date(2020, 2, 3)
    )
    hitech = PartnershipFactory(acronym="Hi-Tech-TEX", slug="hi-tech-tex", duration_months=24)
    for partnership, count in ((extratex, 4), (hitech, 6)):
        for n in range(count):
            organisation = ClusterOrganisationFactory(name=f"{partnership.acronym} cluster {n}")
            PartnershipMemberFactory(partnership=partnership, organisation=organisation)
    return extratex, hitech


def test_the_demo_records_the_extratex_set_and_is_idempotent(seeds):
    extratex, hitech = seeds
    summary = demo_activities()
    assert "\n" not in summary and summary.startswith("Activities demo: EXTRATEX 17 new")
    rows = list(Activity.objects.filter(partnership=extratex))
    held = Counter(a.kind for a in rows if a.status == "held")
    kinds = Counter(a.kind for a in rows)
    assert held["learning_event"] == 2
    assert kinds["study_visit"] == 2
    assert held["training"] + held["coaching"] == 4
    assert kinds["dissemination"] == 8
    for a in rows:
        assert (a.starts_on <= TODAY) == (a.status == "held"), a.title
        if a.kind in ("training", "coaching") and a.status == "held":
            roles = set(a.attendance.values_list("role", flat=True))
            assert roles == {"cluster_manager", "cluster_staff"}, a.title
            assert a.hours and a.topic
        if a.kind == "dissemination" and a.status == "held":
            assert a.channel and a.reach and a.link.startswith("https://")
    partners = set(extratex.members.values_list("organisation_id", flat=True))
    assert {a.organiser_id for a in rows} <= partners
    assert any(a.status == "planned" for a in rows)
    assert Activity.objects.filter(partnership=hitech).count() == 9
    before = Activity.objects.count(), sum(a.attendance.count() for a in Activity.objects.all())
    out = StringIO()
    call_command("demo_activities", stdout=out)
    assert "EXTRATEX 0 new (0 attendees), 17 in all" in out.getvalue()
    after = Activity.objects.count(), sum(a.attendance.count() for a in Activity.objects.all())
    assert after == before


def test_without_an_admin_the_demo_is_skipped(db, today):
    assert demo_activities() == "Activities demo: skipped (no admin)"
