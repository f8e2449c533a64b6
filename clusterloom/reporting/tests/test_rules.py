"""The pure rules: timeline share, status at its boundaries, month ends, keyword codes."""

import datetime

from clusterloom.reporting import rules

D = datetime.date


def test_add_months_keeps_the_day_or_takes_the_last():
    assert rules.add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert rules.add_months(D(2026, 11, 15), 3) == D(2027, 2, 15)


def test_timeline_share_is_clamped_and_unknown_without_dates():
    t = rules.Timeline(D(2026, 1, 1), 12)
    assert t.end == D(2026, 12, 31)
    assert t.elapsed_share(D(2025, 12, 1)) == 0.0
    assert t.elapsed_share(D(2026, 12, 31)) == 1.0
    assert t.elapsed_share(D(2030, 1, 1)) == 1.0
    assert abs(t.elapsed_share(D(2026, 7, 1)) - 182 / 365) < 1e-9
    assert rules.Timeline(None, 12).elapsed_share(D(2026, 1, 1)) is None
    assert rules.Timeline(D(2026, 1, 1), None).elapsed_share(D(2026, 1, 1)) is None


def test_status_at_the_boundaries():
    assert rules.status_of(10, 10, 0.1) == rules.REACHED
    assert rules.status_of(9, 10, 1.0) == rules.BEHIND
    # share 0.5 of 10: 5 expected; 5 is on track, 4 behind.
    assert rules.expected_by(10, 0.5) == 5
    assert rules.status_of(5, 10, 0.5) == rules.ON_TRACK
    assert rules.status_of(4, 10, 0.5) == rules.BEHIND
    # 0.51 of 10 = 5.1: 6 expected (rounded up), so 5 is behind.
    assert rules.expected_by(10, 0.51) == 6
    assert rules.status_of(5, 10, 0.51) == rules.BEHIND
    assert rules.status_of(0, 10, 0.0) == rules.ON_TRACK
    assert rules.status_of(3, 10, None) == rules.NO_TIMELINE
    assert rules.status_of(10, 10, None) == rules.REACHED
    assert rules.status_of(3, None, 0.5) == rules.NO_TARGET
    assert rules.status_of(0, 0, 0.5) == rules.REACHED


def test_month_ends_and_last_full_month():
    assert rules.month_ends(D(2026, 1, 15), D(2026, 3, 1)) == [
        D(2026, 1, 31),
        D(2026, 2, 28),
        D(2026, 3, 31),
    ]
    assert rules.last_full_month_end(D(2026, 11, 22)) == D(2026, 10, 31)
    assert rules.last_full_month_end(D(2026, 1, 1)) == D(2025, 12, 31)


def test_codes_for_text():
    assert rules.codes_for_text("3 bronze and 3 silver labels") == [
        "labels_bronze",
        "labels_silver",
        "labels_gold",
    ]
    assert rules.codes_for_text("A joint strategy and roadmap") == [
        "cluster_strategies",
        "joint_strategies",
    ]
    assert rules.codes_for_text("59 ClusterXchange visits")[0] == "exchanges"
    assert rules.codes_for_text("Better cooperation") == []
