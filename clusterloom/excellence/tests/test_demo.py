"""The excellence demo on the seed partnerships: rules hold, dates fit, repeat adds nothing."""

import datetime

import pytest

from clusterloom.excellence import label_rules, selectors
from clusterloom.excellence.demo import demo_excellence
from clusterloom.excellence.models import Benchmarking, ClusterLabel, ClusterService

pytestmark = pytest.mark.django_db


def test_demo_gives_the_seed_partners_a_history(today):
    from clusterloom.partnerships.demo import seed_partnerships_import

    seed_partnerships_import()
    summary = demo_excellence()
    assert summary.startswith("excellence demo: 13 benchmarkings, 10 labels (2 silver)")
    extratex = ClusterLabel.objects.filter(partnership__acronym="EXTRATEX")
    assert sorted(extratex.values_list("level", flat=True)) == ["bronze"] * 6 + ["silver"] * 2
    for label in ClusterLabel.objects.all():
        results = selectors.label_check(
            label.organisation,
            label.level,
            on=label.awarded_on,
            benchmarking_id=label.benchmarking_id,
        )
        assert not label_rules.unmet(results), label
    statuses = sorted(selectors.status_of(x) for x in ClusterLabel.objects.all())
    # Hi-Tech-TEX: one expiring, one valid; EXTRATEX's renewals: 3 valid, AECIM's expiring.
    assert statuses.count("expiring") == 2 and statuses.count("valid") == 4
    assert statuses.count("expired") == 4
    assert not Benchmarking.objects.filter(held_on__gt=datetime.date(2026, 11, 22)).exists()
    assert not Benchmarking.objects.filter(
        partnership__acronym="EXTRATEX", held_on__lt=datetime.date(2020, 2, 3)
    ).exists()
    assert ClusterService.objects.count() == 4
    assert demo_excellence() == "excellence demo: already present"
    assert Benchmarking.objects.count() == 13


def test_demo_run_a_year_later_shows_the_same_picture(monkeypatch):
    """The history moves with the calendar: a year on, the same labels are valid or expiring."""
    from django.utils import timezone

    from clusterloom.partnerships.demo import seed_partnerships_import

    later = datetime.date(2027, 11, 22)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: later)
    seed_partnerships_import()
    demo_excellence()
    statuses = sorted(selectors.status_of(x) for x in ClusterLabel.objects.all())
    assert statuses.count("expiring") == 2 and statuses.count("valid") == 4
    assert not Benchmarking.objects.filter(held_on__gt=later).exists()
