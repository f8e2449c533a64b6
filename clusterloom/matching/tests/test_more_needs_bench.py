"""bench/matching_more_needs.py: the pooled title needs stay inside the learning period and
never rank a need against profiles that hold the need's own project."""

import csv
import importlib
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench"


@pytest.fixture
def bench(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    module = importlib.import_module("matching_more_needs")
    yield module
    sys.modules.pop("matching_more_needs", None)


def _write(folder: Path, projects: list[tuple[str, str, str, list[str]]]) -> None:
    """projects: (id, start date, title, participant ids)."""
    with (folder / "projects.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["projectID", "title", "objective", "startDate"])
        for pid, start, title, _ in projects:
            w.writerow([pid, title, f"{title} objective text", start])
    with (folder / "participants.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["projectID", "organisationID", "name", "shortName", "city", "country",
                    "activityType"])  # fmt: skip
        for pid, _, _, orgs in projects:
            for o in orgs:
                w.writerow([pid, o, f"Organisation {o}", o, "Brno", "CZ", "REC"])


def test_month_starts(bench):
    assert bench.month_starts("2024-02-01", "2024-07-01") == [
        "2024-02-01",
        "2024-03-01",
        "2024-04-01",
        "2024-05-01",
        "2024-06-01",
    ]
    assert bench.month_starts("2024-12-01", "2025-02-15") == [
        "2024-12-01",
        "2025-01-01",
        "2025-02-01",
    ]
    assert bench.month_starts("2024-07-01", "2024-07-01") == []


def test_groups_are_stable(bench):
    # crc32, not Python's salted hash: the same groups on every run and machine
    assert [bench.group_of(p) for p in ("101", "202", "303")] == [
        bench.group_of(p) for p in ("101", "202", "303")
    ]
    assert all(0 <= bench.group_of(str(p)) < bench.FOLDS for p in range(100))


def test_pooled_needs_never_see_their_own_project(bench, tmp_path, monkeypatch):
    topics = ["textile recycling", "battery cells", "wind turbine blades", "soil microbiome"]
    projects = []
    for i in range(24):
        month = 1 + i % 8  # January to August 2024: the last two months are the test window's
        topic = topics[i % 4]
        orgs = [f"o{i % 4}", f"o{(i + 1) % 4 + 4}", f"o{i % 3 + 8}"]
        projects.append((f"p{i:02d}", f"2024-{month:02d}-10", f"{topic} study {i}", orgs))
    _write(tmp_path, projects)
    start = {pid: date for pid, date, _, _ in projects}
    seen: list[set[str]] = []
    real = bench.profiles_of

    def recording(projects_, members, pids):
        seen.append(set(pids))
        return real(projects_, members, pids)

    monkeypatch.setattr(bench, "profiles_of", recording)
    loaded = bench.load(tmp_path)
    pool = bench.pooled_examples(*loaded)
    assert pool
    origins = bench.month_starts(bench.LEARN_FROM, bench.SPLIT)
    assert len(seen) == len(origins) + bench.FOLDS
    for source, ex in pool:
        assert start[ex.need] < bench.SPLIT  # nothing of the test window
        if source.startswith("origin"):
            origin = source.split()[1]
            assert start[ex.need] >= origin
            assert all(start[p] < origin for p in seen[origins.index(origin)])
        else:
            group = int(source.split()[1])
            assert bench.group_of(ex.need) == group
            assert ex.need not in seen[len(origins) + group]
    for profile_set in seen:
        assert all(start[p] < bench.SPLIT for p in profile_set)
    # each learning-period project a cross-fitted need at most once
    crossfit = [ex.need for s, ex in pool if s.startswith("cross-fitted")]
    assert len(crossfit) == len(set(crossfit))
