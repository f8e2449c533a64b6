"""KPI dashboard, KPI engine and funder report: time and SQL queries at 1x and 10x data.

Sets up Django itself on a throwaway SQLite database (a temporary directory, migrated here) and
generates, with a fixed seed and bulk inserts: one partnership with 3 years of data (1,000
validated or paid exchanges out of 1,200, 30 matchmaking events with sessions, 200 activities
with 10 attendees each, labels, benchmarkings, 6 cluster strategies and a joint one with 60
roadmap actions and milestones, services) and 99 more partnerships (3 partners, 40 exchanges,
6 activities, 2 events, labels and strategies each), then monthly KPI snapshots for all.

Measured: the dashboard (HTTP GET through Django's test client, logged in as the coordinator:
median and p95 over --runs, and its SQL query count), the KPI engine for all 100 partnerships at
once, the naive baseline (per partnership and per code, Python-side counting over every record
with its related rows: what a first version would do), the snapshot job, and the XLSX report
over the 3 years. Then 9x more records are added to the big partnership (10x data) and the
dashboard and engine are measured again: the query count must stay the same.

    .venv/bin/python bench/reporting.py             # ~2 min on 2 cores
    .venv/bin/python bench/reporting.py --runs 5 --no-10x   # quick check
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = datetime.date(2026, 11, 22)
START = datetime.date(2023, 11, 1)  # 3 years of data by TODAY
GOAL_MS = 200


def setup_django(folder: str) -> None:
    """Django on a fresh SQLite database in `folder`, migrated."""
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "clusterloom.settings"
    os.environ["PAGE_CACHE_SECONDS"] = "0"
    os.environ["CLUSTERLOOM_VAR_DIR"] = folder
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class World:
    """Bulk generator of reporting data (seeded)."""

    def __init__(self, seed: int = 7):
        from django.utils import timezone

        from clusterloom.geo.models import Country

        self.rng = random.Random(seed)
        self.tz = timezone.get_current_timezone()
        self.countries = []
        for code in ("IT", "ES", "CZ", "SK", "PT", "DE", "FR", "TR"):
            found, _ = Country.objects.get_or_create(
                code=code, defaults={"name": code, "is_eu": code != "TR", "is_cosme": True}
            )
            self.countries.append(found)
        self.n = 0
        from clusterloom.excellence.models import IndicatorSet

        self.iset = IndicatorSet.objects.create(name="ESCA bronze")

    def _seq(self) -> int:
        self.n += 1
        return self.n

    def day(self, first=START, last=TODAY) -> datetime.date:
        return first + datetime.timedelta(days=self.rng.randrange((last - first).days + 1))

    def at(self, day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(11), tzinfo=self.tz)

    def organisations(self, count: int, kind: str = "sme"):
        from clusterloom.directory.models import Organisation

        rows = []
        for _ in range(count):
            n = self._seq()
            rows.append(
                Organisation(
                    name=f"Org {n}",
                    slug=f"org-{n}",
                    kind=kind,
                    country=self.rng.choice(self.countries),
                )
            )
        return Organisation.objects.bulk_create(rows)

    def partnership(self, acronym: str, partners: int, coordinator=None):
        from clusterloom.exchanges.models import ExchangeCall, HostingOffer
        from clusterloom.partnerships.models import (
            ExpectedResult,
            Partnership,
            PartnershipMember,
            Target,
        )

        p = Partnership.objects.create(
            acronym=acronym,
            slug=acronym.lower(),
            title=f"{acronym} partnership",
            start_date=START,
            duration_months=48,
        )
        if coordinator:
            p.coordinators.add(coordinator)
        clusters = self.organisations(partners, kind="cluster")
        PartnershipMember.objects.bulk_create(
            [
                PartnershipMember(partnership=p, organisation=o, order=i)
                for i, o in enumerate(clusters)
            ]
        )
        targets = {
            "exchanges": 1200, "exchanges_sme": 600, "exchanges_non_member": 300,
            "labels_bronze": 3, "labels_silver": 3, "cluster_strategies": 6,
            "joint_strategies": 1, "learning_events": 40, "study_visits": 40,
            "matchmaking_events": 30, "trainings": 60, "dissemination": 80, "benchmarkings": 6,
        }  # fmt: skip
        Target.objects.bulk_create(
            [Target(partnership=p, code=c, value=v) for c, v in targets.items()]
        )
        ExpectedResult.objects.bulk_create(
            [
                ExpectedResult(partnership=p, order=1, text="3 bronze and 3 silver labels"),
                ExpectedResult(
                    partnership=p, order=2, text="6 cluster strategies, 1 joint strategy"
                ),
                ExpectedResult(partnership=p, order=3, text="ClusterXchange visits of SMEs"),
            ]
        )
        n = self._seq()
        p.bench_call = ExchangeCall.objects.create(
            partnership=p, title="Call", slug=f"call-{n}", opens_on=START,
            closes_on=TODAY, exchanges_from=START, exchanges_until=TODAY,
        )  # fmt: skip
        host = self.organisations(1)[0]
        p.bench_offer = HostingOffer.objects.create(
            organisation=host, partnership=p, title="Host", topics="x", capacity=60000,
            available_from=START, available_until=TODAY, status="validated",
        )  # fmt: skip
        p.bench_clusters = clusters
        return p

    def exchanges(self, p, count: int):
        from clusterloom.exchanges.models import Exchange, ExchangeApplication

        visitors = self.organisations(count)
        apps = ExchangeApplication.objects.bulk_create(
            [
                ExchangeApplication(
                    organisation=o,
                    call=p.bench_call,
                    goals="learn",
                    status="validated",
                    is_sme=self.rng.random() < 0.55,
                    is_member=self.rng.random() < 0.7,
                )  # fmt: skip
                for o in visitors
            ]
        )
        rows = []
        for a in apps:
            start = self.day(START, TODAY - datetime.timedelta(days=10))
            status = self.rng.choices(
                ["validated", "paid", "reported", "committed", "cancelled"], [45, 38, 7, 6, 4]
            )[0]
            done = status in ("validated", "paid")
            rows.append(
                Exchange(
                    application=a,
                    offer=p.bench_offer,
                    origin="catalogue",
                    status=status,
                    start=start,
                    end=start + datetime.timedelta(days=4),
                    working_days=5,
                    grant_total=650,
                    validated_at=self.at(start + datetime.timedelta(days=9)) if done else None,
                    reported_at=self.at(start + datetime.timedelta(days=6))
                    if status == "reported"
                    else None,
                )  # fmt: skip
            )
        Exchange.objects.bulk_create(rows, batch_size=1000)

    def events(self, p, count: int):
        from clusterloom.events.models import EventSession, MatchmakingEvent

        events = []
        for _ in range(count):
            n = self._seq()
            events.append(
                MatchmakingEvent(
                    partnership=p,
                    title=f"B2B {n}",
                    slug=f"b2b-{n}",
                    registration_opens=START,
                    registration_closes=START,
                    held=self.rng.random() < 0.8,
                )  # fmt: skip
            )
        events = MatchmakingEvent.objects.bulk_create(events)
        sessions = []
        for e in events:
            base = self.at(self.day())
            for k in range(2):
                begin = base + datetime.timedelta(hours=4 * k)
                sessions.append(
                    EventSession(
                        event=e,
                        name=f"S{k}",
                        starts_at=begin,
                        ends_at=begin + datetime.timedelta(hours=3),
                    )
                )
        EventSession.objects.bulk_create(sessions)

    def activities(self, p, count: int, attendees: int = 10):
        from clusterloom.activities.models import Activity, Attendance

        kinds = ["learning_event", "study_visit", "training", "coaching", "dissemination"]
        rows = []
        for _ in range(count):
            start = self.day()
            rows.append(
                Activity(
                    partnership=p,
                    kind=self.rng.choice(kinds),
                    title=f"Activity {self._seq()}",
                    status=self.rng.choices(["held", "planned", "cancelled"], [80, 15, 5])[0],
                    starts_on=start,
                    ends_on=start + datetime.timedelta(days=1),
                    hours=4,
                    link="https://example.org/a",
                )  # fmt: skip
            )
        rows = Activity.objects.bulk_create(rows)
        Attendance.objects.bulk_create(
            [
                Attendance(
                    activity=a,
                    name=f"P{i}",
                    role=self.rng.choice(["cluster_manager", "sme", "other"]),
                )
                for a in rows
                for i in range(attendees)
            ],
            batch_size=2000,
        )

    def excellence(self, p, strategies: bool = True):
        from clusterloom.excellence.models import (
            Benchmarking,
            ClusterLabel,
            ClusterService,
            Milestone,
            RoadmapAction,
            Strategy,
        )

        labels, marks = [], []
        for org in p.bench_clusters:
            first = self.day(START, START + datetime.timedelta(days=200))
            marks.append(Benchmarking(organisation=org, indicator_set=self.iset, held_on=first))
            second = first + datetime.timedelta(days=600)
            marks.append(Benchmarking(organisation=org, indicator_set=self.iset, held_on=second))
            labels.append(
                ClusterLabel(organisation=org, level="bronze", awarded_on=first,
                             valid_until=first + datetime.timedelta(days=730))
            )  # fmt: skip
            labels.append(
                ClusterLabel(organisation=org, level="silver", awarded_on=second,
                             valid_until=second + datetime.timedelta(days=730))
            )  # fmt: skip
        ClusterLabel.objects.bulk_create(labels)
        Benchmarking.objects.bulk_create(marks)
        ClusterService.objects.bulk_create(
            [
                ClusterService(organisation=o, name="Service", novelty="new")
                for o in p.bench_clusters
            ]
        )
        if not strategies:
            return
        rows = [
            Strategy(scope="cluster", organisation=o, title=f"Strategy {o.pk}", status="adopted",
                     adopted_on=self.day())
            for o in p.bench_clusters
        ]  # fmt: skip
        rows.append(
            Strategy(
                scope="joint", partnership=p, title="Joint", status="adopted", adopted_on=self.day()
            )
        )
        rows = Strategy.objects.bulk_create(rows)
        actions = []
        for s in rows:
            for k in range(60 // len(rows) + 1):
                start = self.day()
                actions.append(
                    RoadmapAction(strategy=s, title=f"Action {k}", starts_on=start,
                                  ends_on=start + datetime.timedelta(days=90),
                                  status=self.rng.choice(["planned", "in_progress", "done"]))
                )  # fmt: skip
        actions = RoadmapAction.objects.bulk_create(actions)
        Milestone.objects.bulk_create(
            [Milestone(action=a, title="M", due_on=a.ends_on) for a in actions]
        )


def timed(fn, runs: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return times, result


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def queries(fn) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def naive_kpis(partnerships, as_of) -> dict:
    """Baseline: per partnership and code, fetch the records and count in Python, following
    each record's relations (the per-record loop a first version would write)."""
    from clusterloom.activities.models import TARGET_OF_KIND
    from clusterloom.excellence.models import Benchmarking, ClusterLabel, Strategy

    out = {}
    for p in partnerships:
        start, partners = p.start_date, [m.organisation_id for m in p.members.all()]
        v = {}
        for code in ("exchanges", "exchanges_sme", "exchanges_non_member"):
            n = 0
            for call in p.exchange_calls.all():
                for application in call.applications.all():
                    for x in application.exchanges.all():
                        if x.status in ("validated", "paid") and x.validated_at.date() <= as_of:
                            if code == "exchanges_sme" and not x.application.is_sme:
                                continue
                            if code == "exchanges_non_member" and x.application.is_member:
                                continue
                            n += 1
            v[code] = n
        for code in ("learning_events", "study_visits", "trainings", "dissemination"):
            v[code] = sum(
                1
                for a in p.activities.all()
                if TARGET_OF_KIND[a.kind] == code and a.status == "held" and a.ends_on <= as_of
            )
        v["matchmaking_events"] = sum(
            1
            for e in p.matchmaking_events.all()
            if e.held and all(s.ends_at.date() <= as_of for s in e.sessions.all())
        )
        for level in ("bronze", "silver", "gold"):
            v[f"labels_{level}"] = len(
                {
                    lab.organisation_id
                    for lab in ClusterLabel.objects.all()
                    if (lab.organisation_id in partners or lab.partnership_id == p.pk)
                    and lab.level == level
                    and start <= lab.awarded_on <= as_of
                    and lab.valid_until >= as_of
                }
            )
        v["benchmarkings"] = sum(
            1
            for b in Benchmarking.objects.all()
            if b.organisation_id in partners and start <= b.held_on <= as_of
        )
        v["cluster_strategies"] = sum(
            1
            for s in Strategy.objects.all()
            if s.scope == "cluster" and s.organisation_id in partners and s.status == "adopted"
        )
        v["joint_strategies"] = sum(
            1 for s in Strategy.objects.all() if s.scope == "joint" and s.partnership_id == p.pk
        )
        out[p.pk] = v
    return out


def spin_ms() -> float:
    """A fixed pure-Python loop: slower than usual means the machine is busy with others."""
    t = time.perf_counter()
    x = 0
    for i in range(3_000_000):
        x += i
    return (time.perf_counter() - t) * 1000


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import sqlite3

    import django

    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
        "load": os.getloadavg()[0],
    }


def measure(big, everyone, client, runs: int, label: str, rows: list) -> None:
    from clusterloom.reporting import kpis

    url = f"/reporting/partnerships/{big.slug}/"
    client.get(url)  # warm templates and caches
    times, response = timed(lambda: client.get(url), runs)
    assert response.status_code == 200, response.status_code
    n_queries = queries(lambda: client.get(url))
    rows.append((f"dashboard ({label})", statistics.median(times), p95(times), n_queries))
    log(f"dashboard {label}: median {statistics.median(times):.1f} ms, {n_queries} queries")
    times, _ = timed(lambda: kpis.kpi_table(everyone, TODAY), max(3, runs // 4))
    n_queries = queries(lambda: kpis.kpi_table(everyone, TODAY))
    rows.append((f"KPIs of {len(everyone)} partnerships ({label})", statistics.median(times),
                 p95(times), n_queries))  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-10x", action="store_true", help="skip the 10x data pass")
    args = parser.parse_args()
    load_before, spin_before = os.getloadavg()[0], spin_ms()
    with tempfile.TemporaryDirectory(prefix="bench-reporting-") as folder:
        setup_django(folder)
        from django.test import Client
        from django.test.utils import setup_test_environment
        from django.utils import timezone

        from clusterloom.directory.tests.factories import UserFactory
        from clusterloom.partnerships.models import Partnership
        from clusterloom.reporting import evidence, kpis, services, xlsx

        setup_test_environment()
        timezone.localdate = lambda *a, **k: TODAY  # the data's "today"
        t0 = time.perf_counter()
        w = World()
        coordinator = UserFactory(username="coordinator")
        big = w.partnership("BIG", 6, coordinator)
        w.exchanges(big, 1200)
        w.events(big, 30)
        w.activities(big, 200)
        w.excellence(big)
        for i in range(99):
            p = w.partnership(f"P{i:02d}", 3)
            w.exchanges(p, 40)
            w.events(p, 2)
            w.activities(p, 6, attendees=3)
            w.excellence(p, strategies=i % 2 == 0)
        log(f"generated in {time.perf_counter() - t0:.1f} s")
        everyone = list(Partnership.objects.all())
        t = time.perf_counter()
        stored = services.kpi_snapshots_take(today=TODAY)
        snapshot_ms = (time.perf_counter() - t) * 1000
        n_snapshot_queries = queries(lambda: services.kpi_snapshots_take(today=TODAY))
        client = Client()
        client.force_login(coordinator)
        rows: list = []
        measure(big, everyone, client, args.runs, "1x", rows)
        ours = kpis.kpi_values(everyone, TODAY)
        t = time.perf_counter()
        base = naive_kpis(everyone, TODAY)
        naive_ms = (time.perf_counter() - t) * 1000
        naive_queries = queries(lambda: naive_kpis(everyone[:5], TODAY))
        # The baseline ignores the timeline's end for labels; TODAY is within every timeline.
        assert all(base[pid] == {c: ours[pid][c] for c in base[pid]} for pid in base)
        rows.append((f"naive loop, {len(everyone)} partnerships (1x)", naive_ms, naive_ms,
                     f"{naive_queries} for 5 partnerships"))  # fmt: skip
        rows.append((f"snapshots: {stored} rows, 100 partnerships x 36 months", snapshot_ms,
                     snapshot_ms, n_snapshot_queries))  # fmt: skip
        first, last = START, TODAY
        times, content = timed(
            lambda: xlsx.report_xlsx(evidence.build_report(big, first, last)),
            max(3, args.runs // 4),
        )
        n_queries = queries(lambda: evidence.build_report(big, first, last))
        rows.append(("XLSX report, 3 years (1x)", statistics.median(times), p95(times), n_queries))
        log(f"XLSX {len(content)} bytes")
        if not args.no_10x:
            w.exchanges(big, 10800)
            w.events(big, 270)
            w.activities(big, 1800)
            measure(big, everyone, client, args.runs, "10x", rows)
            times, _ = timed(lambda: xlsx.report_xlsx(evidence.build_report(big, first, last)), 3)
            n_queries = queries(lambda: evidence.build_report(big, first, last))
            rows.append(
                ("XLSX report, 3 years (10x)", statistics.median(times), p95(times), n_queries)
            )
        info = machine()
    print(
        f"Machine: {info['cpus']} CPUs ({info['cpu']}), Python {info['python']}, "
        f"Django {info['django']}, SQLite {info['sqlite']}; runs: {args.runs}"
    )
    print(
        f"Shared machine: load average {load_before:.2f} before, {info['load']:.2f} after; "
        f"a 3M-step Python loop took {spin_before:.0f} ms before, {spin_ms():.0f} ms after"
    )
    print()
    print("| measure | median ms | p95 ms | SQL queries |")
    print("|---|---:|---:|---:|")
    for name, median, high, n in rows:
        print(f"| {name} | {median:.1f} | {high:.1f} | {n} |")
    kpi_ms = next(r[1] for r in rows if r[0].startswith("KPIs of") and "(1x)" in r[0])
    print()
    print(f"Naive loop / engine for {len(everyone)} partnerships: {naive_ms / kpi_ms:.0f}x")
    dash = next(r for r in rows if r[0] == "dashboard (1x)")
    print(f"Goal dashboard < {GOAL_MS} ms: {'met' if dash[1] < GOAL_MS else 'NOT met'} "
          f"(median {dash[1]:.1f} ms)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
