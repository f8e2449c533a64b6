"""The funder report: the XLSX read back cell by cell, the PDF produced, bad periods refused."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from clusterloom.core.errors import DomainError
from clusterloom.partnerships.models import ExpectedResult
from clusterloom.reporting import evidence, outputs
from clusterloom.reporting.report import report_period

from .conftest import activity, d, event, exchange, label, strategy


@pytest.fixture
def reported(world):
    w = world
    exchange(w.call, w.offer, validated="2026-03-10")
    exchange(w.call, w.offer, status="paid", validated="2026-05-01", sme=True, grant_total=650)
    exchange(w.call, w.offer, validated="2026-11-01", sme=True, member=False)
    label(w.a, "bronze", "2026-02-01", "2028-01-31", evidence_url="https://esca.example/cert/1")
    strategy(scope="joint", partnership=w.p, adopted="2026-09-01", title="XTEX joint strategy")
    activity(
        w.p,
        "learning_event",
        "2026-04-01",
        title="Smart textiles day",
        link="https://x.example/day",
    )
    activity(w.p, "training", "2026-05-01", hours=4)
    event(w.p, day="2026-03-10")
    ExpectedResult.objects.create(partnership=w.p, order=1, text="3 bronze and 3 silver labels")
    ExpectedResult.objects.create(partnership=w.p, order=2, text="Stronger cooperation")
    return w


def test_xlsx_kpi_sheet_cell_by_cell(reported):
    w = reported
    found = outputs.report_file(w.p, d("2026-04-01"), d("2026-11-22"), "xlsx")
    book = load_workbook(io.BytesIO(found.content))
    assert book.sheetnames[0] == "KPIs"
    assert book.sheetnames[1:] == [
        "Exchanges",
        "Matchmaking events",
        "Labels",
        "Benchmarkings",
        "Strategies",
        "Roadmap actions",
        "Activities",
        "Capacity building",
        "Services",
    ]
    ws = book["KPIs"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == [
        "Target",
        "Code",
        "Target value",
        "Actual as of 2026-11-22",
        "In the period",
        "Status",
        "Expected by then",
        "Not counted",
    ]
    # One row per target (in code order), then codes with activity and no target; each
    # named in words with its code beside it.
    assert [row[1:7] for row in rows[1:]] == [
        ["exchanges", 20, 3, 2, "behind", 9],
        ["exchanges_sme", 10, 2, 2, "behind", 5],
        ["labels_bronze", 2, 1, 0, "on track", 1],
        ["labels_silver", 2, 0, 0, "behind", 1],
        ["cluster_strategies", 2, 0, 0, "behind", 1],
        ["joint_strategies", 1, 1, 1, "reached", 1],
        ["learning_events", 2, 1, 1, "on track", 1],
        ["matchmaking_events", 3, 1, 0, "behind", 2],
        ["exchanges_non_member", None, 1, 1, "no target", None],
        ["trainings", None, 1, 1, "no target", None],
    ]
    assert rows[1][0] == "ClusterXchange visits"
    assert rows[2][0] == "Visits by SMEs"
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width > 10
    exchanges = book["Exchanges"]
    assert exchanges.freeze_panes == "A2"
    header = [c.value for c in exchanges[1]]
    assert "Visitor" in header and "Lump sum (EUR)" in header
    first = [c.value for c in exchanges[2]]
    assert isinstance(first[header.index("First day")], datetime.datetime)
    lump = [
        r[header.index("Lump sum (EUR)")] for r in exchanges.iter_rows(min_row=2, values_only=True)
    ]
    assert lump == [650, None]  # the March exchange lies before the period
    # No e-mail address anywhere in the workbook.
    for sheet in book:
        for row in sheet.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and "@" in v for v in row)


def test_pdf_is_produced_with_results_and_evidence(reported):
    found = outputs.report_file(reported.p, d("2026-01-01"), d("2026-11-22"), "pdf")
    assert found.content.startswith(b"%PDF") and found.content.rstrip().endswith(b"%%EOF")
    # The same template, laid out: a cover, the KPIs, then a page per area (9 areas).
    from django.template.loader import render_to_string
    from weasyprint import HTML

    rep = evidence.build_report(reported.p, d("2026-01-01"), d("2026-11-22"))
    html = render_to_string(
        "reporting/report_print.html", {**outputs.print_context(rep), "for_pdf": True}
    )
    assert len(HTML(string=html).render().pages) >= 11
    assert "Results expected and their evidence" in html
    assert "https://esca.example/cert/1" in html


def test_print_context_matches_results_to_evidence(reported):
    rep = evidence.build_report(reported.p, d("2026-01-01"), d("2026-11-22"))
    ctx = outputs.print_context(rep)
    labels_result, other = ctx["results"]
    assert [b["code"] for b in labels_result["blocks"]] == [
        "labels_bronze",
        "labels_silver",
        "labels_gold",
    ]
    bronze = labels_result["blocks"][0]["lines"]
    assert bronze[0].url == "https://esca.example/cert/1"
    assert other["blocks"] == []
    learning = next(b for b in ctx["evidence"] if b["code"] == "learning_events")
    assert learning["lines"][0].text == "Smart textiles day"
    assert learning["lines"][0].url == "https://x.example/day"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"from": "", "to": "2026-01-01"}, "from"),
        ({"from": "2026-01-01"}, "to"),
        ({"from": "2026-13-01", "to": "2026-12-01"}, "from"),
        ({"from": "2026-12-01", "to": "2026-11-01"}, "to"),
    ],
)
def test_bad_periods_name_the_field(data, field):
    with pytest.raises(DomainError) as caught:
        report_period(data)
    assert caught.value.field == field


def test_a_certificate_on_file_is_linked_by_its_page_not_hidden(world, settings):
    """An uploaded certificate appears in the report as the address of the page that serves it
    (to those who may see the label); a link given on the label is used as it is."""
    from clusterloom.reporting.report import certificate_link

    settings.SITE_URL = "https://loom.example/"
    uploaded = label(world.b, "bronze", "2026-03-01", "2028-03-31", evidence_name="cert.pdf")
    linked = label(
        world.a, "silver", "2026-03-01", "2028-03-31", evidence_url="https://esca.example/c"
    )
    bare = label(world.a, "bronze", "2026-03-01", "2028-03-31")
    assert (
        certificate_link(uploaded)
        == f"https://loom.example/excellence/labels/{uploaded.pk}/certificate/"
    )
    assert certificate_link(linked) == "https://esca.example/c"
    assert certificate_link(bare) == ""
