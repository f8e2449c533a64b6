"""The demo strategies on the seed partnerships: what the dashboard and the pages will show,
and a second run changes nothing."""

from django.test import Client

from clusterloom.directory.tests.factories import AdminFactory
from clusterloom.excellence.models import RoadmapAction, Strategy
from clusterloom.excellence.strategy_demo import demo_strategies
from clusterloom.excellence.strategy_selectors import late_actions
from clusterloom.partnerships.demo import seed_partnerships_import
from clusterloom.partnerships.models import Partnership

from .conftest import TODAY


def test_demo_strategies_on_the_seeds(db, today):
    AdminFactory(username="admin")
    seed_partnerships_import()
    summary = demo_strategies()
    assert summary.startswith("Strategies demo: EXTRATEX") and "\n" not in summary
    extratex = Partnership.objects.get(acronym="EXTRATEX")
    hitech = Partnership.objects.get(acronym="Hi-Tech-TEX")
    joint = Strategy.objects.get(scope="joint", partnership=extratex)
    assert joint.status == "adopted" and joint.is_published and joint.adopted_on <= TODAY
    assert joint.versions.count() == 2 and "EXTRATEX" in joint.versions.first().text
    clusters = Strategy.objects.filter(scope="cluster", partnership=extratex)
    partners = extratex.members.count()
    assert clusters.filter(status="adopted").count() == min(4, partners)
    assert clusters.filter(status="draft").count() == max(0, min(1, partners - 4))
    assert all(s.adopted_on <= TODAY for s in Strategy.objects.filter(status="adopted"))
    assert Strategy.objects.get(scope="joint", partnership=hitech).status == "draft"
    assert Strategy.objects.filter(scope="cluster", partnership=hitech).count() >= 1
    for strategy in Strategy.objects.all():
        count = strategy.actions.count()
        assert 4 <= count <= 8, (strategy, count)
        assert strategy.actions.filter(status="done").exists() or strategy.partnership == hitech
    statuses = set(RoadmapAction.objects.values_list("status", flat=True))
    assert {"done", "in_progress", "planned"} <= statuses
    late = list(late_actions(extratex, TODAY))
    assert [a.strategy for a in late] == [joint]
    assert all(a.target_codes for a in RoadmapAction.objects.all())
    page = Client().get(f"/strategies/{joint.pk}/").content.decode()
    assert 'class="action late"' in page
    before = (Strategy.objects.count(), RoadmapAction.objects.count())
    again = demo_strategies()
    assert "already there" in again
    assert (Strategy.objects.count(), RoadmapAction.objects.count()) == before
