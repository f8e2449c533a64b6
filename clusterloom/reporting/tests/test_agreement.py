"""One number per KPI everywhere: for every target code, the value counted here independently
from the records equals what the dashboard, the partnership page, the XLSX, the PDF and the
API show; and random valid records never make two outputs disagree (hypothesis)."""

import datetime
import io
import re

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from weasyprint.formatting_structure import boxes

from clusterloom.partnerships.pdf import html_document
from clusterloom.reporting import outputs, rules
from clusterloom.reporting.evidence import build_report

from .conftest import TODAY, activity, benchmarking, d, event, exchange, label, strategy
from .test_kpis import filled, independent_counts  # noqa: F401 - the fixture is used

START = datetime.date(2026, 1, 1)


def dashboard_values(client) -> dict[str, int]:
    page = client.get("/reporting/partnerships/xtex/").content.decode()
    rows = re.findall(r'<tr data-code="(\w+)">.*?<td class="text-end actual">(\d+)', page, re.S)
    return {code: int(n) for code, n in rows}


def page_values(client) -> dict[str, int]:
    """The partnership page: its "Progress against targets" table, and the counts the events
    and ClusterXchange sections show of their own targets."""
    page = client.get("/partnerships/xtex/").content.decode()
    section = page[page.index('id="progress-against-targets"') :]
    section = section[: section.index("</section>")]
    rows = re.findall(
        r'<tr data-code="(\w+)"><td>.*?</td><td class="text-end">(\d+)</td>', section, re.S
    )
    out = {code: int(n) for code, n in rows}
    held = re.search(r'id="events-held">Matchmaking events held: <strong>(\d+)</strong>', page)
    if held:
        out["events_section"] = int(held[1])
    return out


def xlsx_values(p) -> dict[str, int]:
    found = outputs.report_file(p, START, TODAY, "xlsx")
    ws = load_workbook(io.BytesIO(found.content))["KPIs"]
    return {row[1]: row[3] for row in ws.iter_rows(min_row=2, values_only=True)}


def _boxes(box):
    yield box
    for child in getattr(box, "children", []) or []:
        yield from _boxes(child)


def _rows_of_table(box, table_id: str, inside: bool = False):
    """The row boxes of the table with that id (rows carry their element's attributes)."""
    if isinstance(box, boxes.TableBox) and box.element is not None:
        inside = box.element.get("id") == table_id
    if inside and isinstance(box, boxes.TableRowBox):
        yield box
        return
    for child in getattr(box, "children", []) or []:
        yield from _rows_of_table(child, table_id, inside)


def pdf_values(p) -> dict[str, int]:
    """The KPI table as laid out in the PDF (WeasyPrint's boxes: the row's code and the text
    of its "actual" cell)."""
    document = html_document(outputs.report_html(build_report(p, START, TODAY)))
    out = {}
    for page in document.pages:
        for row in _rows_of_table(page._page_box, "kpi-table"):
            code = row.element.get("data-code") if row.element is not None else None
            if code:
                cell = row.children[3]
                out[code] = int(
                    "".join(b.text for b in _boxes(cell) if isinstance(b, boxes.TextBox))
                )
    return out


def api_values(client) -> dict[str, int]:
    rows = client.get(f"/api/partnerships/xtex/kpis?as_of={TODAY.isoformat()}").json()
    return {row["code"]: row["actual"] for row in rows}


def shown(values: dict[str, int], counted: dict[str, int]) -> dict[str, int]:
    """The codes an output lists (a target, or something counted) with the expected value."""
    return {code: counted[code] for code in values if code in rules.CODES}


@pytest.mark.parametrize("code", rules.CODES)
def test_each_kpi_is_the_same_in_every_output(filled, today, code):  # noqa: F811
    w = filled
    counted = independent_counts(w, TODAY)
    coordinator = Client()
    coordinator.force_login(w.coordinator)
    outputs_found = {
        "dashboard": dashboard_values(coordinator),
        "partnership page": page_values(Client()),
        "xlsx": xlsx_values(w.p),
        "pdf": pdf_values(w.p),
        "api": api_values(Client()),
    }
    listed = {name: code in values for name, values in outputs_found.items()}
    # A code is listed everywhere or nowhere (a target, something counted, or left out).
    assert len(set(listed.values())) == 1, listed
    for name, values in outputs_found.items():
        if code in values:
            assert values[code] == counted[code], (name, values[code], counted[code])
    if code == "matchmaking_events":
        assert outputs_found["partnership page"]["events_section"] == counted[code]


# -- random records: the outputs never disagree -----------------------------------------------

DAYS = st.dates(min_value=datetime.date(2025, 10, 1), max_value=datetime.date(2027, 3, 1))


@st.composite
def records(draw):
    return {
        "exchanges": draw(
            st.lists(
                st.tuples(
                    st.sampled_from(["validated", "paid", "reported", "cancelled"]),
                    DAYS,
                    st.booleans(),
                    st.booleans(),
                ),
                max_size=5,
            )
        ),
        "labels": draw(
            st.lists(
                st.tuples(
                    st.sampled_from(["a", "b", "c"]),
                    st.sampled_from(["bronze", "silver", "gold"]),
                    DAYS,
                ),
                max_size=4,
            )
        ),
        "benchmarkings": draw(
            st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), DAYS, st.booleans()), max_size=4)
        ),
        # One strategy per cluster (the model's rule).
        "strategies": draw(
            st.lists(
                st.tuples(st.sampled_from(["a", "b"]), DAYS), max_size=2, unique_by=lambda r: r[0]
            )
        ),
        "activities": draw(
            st.lists(
                st.tuples(
                    st.sampled_from(
                        ["learning_event", "study_visit", "training", "coaching", "dissemination"]
                    ),
                    st.sampled_from(["held", "planned", "cancelled"]),
                    DAYS,
                ),
                max_size=5,
            )
        ),
        "events": draw(st.lists(st.tuples(st.booleans(), st.none() | DAYS), max_size=3)),
    }


def _make(w, data) -> None:
    orgs = {"a": w.a, "b": w.b, "c": w.c}
    for status, day, sme, member in data["exchanges"]:
        validated = day.isoformat() if status in ("validated", "paid") else None
        exchange(w.call, w.offer, status=status, validated=validated, sme=sme, member=member)
    for org, level, day in data["labels"]:
        valid = day + datetime.timedelta(days=730)
        label(orgs[org], level, day.isoformat(), valid.isoformat())
    for org, day, complete in data["benchmarkings"]:
        benchmarking(orgs[org], day.isoformat(), w.iset, complete=complete)
    for org, day in data["strategies"]:
        strategy(org=orgs[org], adopted=min(day, TODAY).isoformat())
    for kind, status, day in data["activities"]:
        if status == "held":
            day = min(day, TODAY)
        activity(w.p, kind, day.isoformat(), status=status)
    for held, day in data["events"]:
        event(w.p, held=held, day=day.isoformat() if day else None)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=records())
def test_random_records_never_make_two_outputs_disagree(world, today, data):
    w = world
    with transaction.atomic():
        _make(w, data)
        counted = independent_counts(w, TODAY)
        coordinator = Client()
        coordinator.force_login(w.coordinator)
        found = {
            "dashboard": dashboard_values(coordinator),
            "partnership page": page_values(Client()),
            "xlsx": xlsx_values(w.p),
            "api": api_values(Client()),
        }
        for name, values in found.items():
            got = {k: v for k, v in values.items() if k in rules.CODES}
            assert got == shown(got, counted), name
        assert found["dashboard"].keys() == found["api"].keys() == found["xlsx"].keys()
        transaction.set_rollback(True)


def test_the_fixture_records_are_the_ones_described(filled):  # noqa: F811
    # Guards the agreement test against an empty world: some of every family counts.
    counted = independent_counts(filled, TODAY)
    assert counted["exchanges"] and counted["benchmarkings"] and counted["matchmaking_events"]
    assert d("2026-11-22") == TODAY
