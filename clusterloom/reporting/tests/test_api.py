"""API: KPIs public for published partnerships, the report for coordinators; per role."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from clusterloom.core.models import ApiToken

from .conftest import ROLES, exchange, user_of

KPIS = "/api/partnerships/xtex/kpis"
REPORT = "/api/reporting/partnerships/xtex/report?format=xlsx&from=2026-01-01&to=2026-11-22"


def get(w, role, url):
    user = user_of(w, role)
    headers = {}
    if user is not None:
        _token, raw = ApiToken.issue(user, "test")
        headers = {"Authorization": f"Bearer {raw}"}
    return Client().get(url, headers=headers)


def test_kpis_are_public_for_a_published_partnership(world):
    exchange(world.call, world.offer, validated="2026-03-10", sme=True)
    got = {role: get(world, role, KPIS + "?as_of=2026-11-22").status_code for role in ROLES}
    assert set(got.values()) == {200}
    body = get(world, "anonymous", KPIS + "?as_of=2026-11-22").json()
    first = body[0]
    assert {"code", "target", "actual", "status"} <= set(first)
    assert first == {
        "code": "exchanges",
        "label": "ClusterXchange visits",
        "target": 20,
        "actual": 1,
        "status": "behind",
        "expected": 9,
        "excluded": [],
    }
    before = get(world, "anonymous", KPIS + "?as_of=2026-03-09").json()
    assert before[0]["actual"] == 0


def test_kpis_of_an_unpublished_partnership_only_for_its_coordinators(world):
    world.p.is_published = False
    world.p.save()
    got = {role: get(world, role, KPIS).status_code for role in ROLES}
    assert got == {
        "anonymous": 404,
        "member": 404,
        "manager": 404,
        "other_manager": 404,
        "coordinator": 200,
        "other_coordinator": 404,
        "admin": 200,
    }


def test_kpis_unknown_partnership_and_bad_date(world):
    assert get(world, "anonymous", "/api/partnerships/nope/kpis").status_code == 404
    bad = get(world, "anonymous", KPIS + "?as_of=2026-02-30")
    assert bad.status_code == 400 and bad.json()["field"] == "as_of"


def test_report_for_coordinators_only(world):
    got = {role: get(world, role, REPORT).status_code for role in ROLES}
    assert got == {
        "anonymous": 401,
        "member": 403,
        "manager": 403,
        "other_manager": 403,
        "coordinator": 200,
        "other_coordinator": 403,
        "admin": 200,
    }
    response = get(world, "coordinator", REPORT)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == "KPIs"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("format=xlsx&from=2026-12-01&to=2026-11-01", "to"),
        ("format=xlsx&from=2026-01-01", "to"),
        ("format=xlsx&from=x&to=2026-11-01", "from"),
        ("format=docx&from=2026-01-01&to=2026-11-01", "format"),
    ],
)
def test_report_bad_input_is_400_naming_the_field(world, query, field):
    response = get(world, "coordinator", f"/api/reporting/partnerships/xtex/report?{query}")
    assert response.status_code == 400
    assert response.json()["field"] == field


def test_report_pdf(world):
    response = get(world, "coordinator", REPORT.replace("xlsx", "pdf"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_kpis_say_no_timeline_without_a_duration(world):
    world.p.duration_months = None
    world.p.save()
    body = get(world, "anonymous", KPIS).json()
    assert {row["status"] for row in body} == {"no_timeline"}
    assert {row["expected"] for row in body} == {None}


def test_openapi_documents_the_report_period(world):
    spec = Client().get("/api/openapi.json").json()
    params = spec["paths"]["/api/reporting/partnerships/{slug}/report"]["get"]["parameters"]
    assert {"slug", "format", "from", "to"} <= {p["name"] for p in params}
