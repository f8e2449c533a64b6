"""The report and kpi-snapshots commands, and the snapshots: idempotent, equal to the engine."""

import io
import os

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from clusterloom.reporting import kpis, services
from clusterloom.reporting.models import KpiSnapshot

from .conftest import activity, d, exchange, label


def test_report_command_writes_xlsx_and_pdf(world, tmp_path):
    exchange(world.call, world.offer, validated="2026-03-10")
    out = tmp_path / "xtex.xlsx"
    call_command(
        "report",
        "xtex",
        "--format",
        "xlsx",
        "--from",
        "2026-01-01",
        "--to",
        "2026-11-22",
        "--out",
        str(out),
        stdout=io.StringIO(),
    )
    ws = load_workbook(out)["KPIs"]
    assert [c.value for c in ws[2]][:4] == ["ClusterXchange visits", "exchanges", 20, 1]
    pdf = tmp_path / "xtex.pdf"
    call_command(
        "report",
        "xtex",
        "--format",
        "pdf",
        "--from",
        "2026-01-01",
        "--to",
        "2026-11-22",
        "--out",
        str(pdf),
        stdout=io.StringIO(),
    )
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["nope", "--from", "2026-01-01", "--to", "2026-02-01"], "No partnership"),
        (["xtex", "--from", "2026-03-01", "--to", "2026-02-01"], "--to: The end of"),
        (["xtex", "--from", "2026-02-31", "--to", "2026-03-01"], "is not a date"),
        (["xtex", "--to", "2026-03-01"], "--from: This date is required"),
        (["xtex", "--from", "2026-01-01"], "--to: This date is required"),
        (["xtex", "--format", "csv", "--from", "2026-01-01", "--to", "2026-03-01"], "--format"),
    ],
)
def test_report_command_errors_write_nothing(world, tmp_path, args, words):
    out = tmp_path / "r.xlsx"
    with pytest.raises(CommandError, match=words):
        call_command("report", *args, "--out", str(out), stdout=io.StringIO())
    assert not out.exists()


def test_report_command_unwritable_path(world, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    os.chmod(locked, 0o500)
    try:
        targets = [tmp_path / "missing" / "r.xlsx", tmp_path]
        if os.geteuid() != 0:  # root writes anywhere
            targets.append(locked / "r.xlsx")
        for target in targets:
            with pytest.raises(CommandError, match="Cannot write"):
                call_command(
                    "report",
                    "xtex",
                    "--from",
                    "2026-01-01",
                    "--to",
                    "2026-02-01",
                    "--out",
                    str(target),
                    stdout=io.StringIO(),
                )
        assert list(locked.iterdir()) == []
    finally:
        os.chmod(locked, 0o700)


def test_snapshots_are_idempotent_and_equal_the_engine(world):
    w = world
    exchange(w.call, w.offer, validated="2026-03-10")
    exchange(w.call, w.offer, validated="2026-05-31", sme=True)
    activity(w.p, "learning_event", "2026-04-01")
    label(w.a, "bronze", "2026-02-01", "2026-06-30")
    today = d("2026-11-22")
    first = services.kpi_snapshots_take(today=today)
    rows = list(KpiSnapshot.objects.filter(partnership=w.p).values_list("month", "code", "actual"))
    again = services.kpi_snapshots_take(today=today)
    assert first == again
    assert KpiSnapshot.objects.count() == first
    months = sorted({m for m, _c, _a in rows})
    assert months[0] == d("2026-01-01") and months[-1] == d("2026-10-01")  # last full month
    for month, code, actual in rows:
        end = kpis.rules.month_end(month)
        assert kpis.kpi_values([w.p], end)[w.p.pk][code] == actual, (month, code)
    assert ("2026-05-01", "labels_bronze", 1) in [(m.isoformat(), c, a) for m, c, a in rows]
    assert ("2026-07-01", "labels_bronze", 0) in [(m.isoformat(), c, a) for m, c, a in rows]


def test_snapshots_update_when_the_data_changes(world):
    today = d("2026-11-22")
    services.kpi_snapshots_take(today=today)
    exchange(world.call, world.offer, validated="2026-03-10")
    services.kpi_snapshots_take(today=today)
    snap = KpiSnapshot.objects.get(partnership=world.p, month=d("2026-03-01"), code="exchanges")
    assert snap.actual == 1 and snap.target == 20


def test_kpi_snapshots_command(world):
    out = io.StringIO()
    call_command("kpi_snapshots", "--partnership", "xtex", stdout=out)
    assert "KPI snapshots stored" in out.getvalue()
    assert not KpiSnapshot.objects.filter(partnership=world.other).exists()
    with pytest.raises(CommandError, match="No partnership"):
        call_command("kpi_snapshots", "--partnership", "nope", stdout=io.StringIO())


def test_task_takes_snapshots(world):
    from clusterloom.reporting.tasks import kpi_snapshots_take

    assert kpi_snapshots_take() > 0
