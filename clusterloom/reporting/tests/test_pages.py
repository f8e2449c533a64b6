"""Dashboard, report and print pages, the partnership-page section: per role, and what shows."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from clusterloom.core.models import AuditEntry

from .conftest import ROLES, activity, exchange, strategy, user_of

DASHBOARD = "/reporting/partnerships/xtex/"
REPORT = "/reporting/partnerships/xtex/report/?from=2026-01-01&to=2026-11-22&format=xlsx"
PRINT = "/reporting/partnerships/xtex/report/print/?from=2026-01-01&to=2026-11-22"

ONLY_COORDINATORS = {
    "anonymous": 302,
    "member": 403,
    "manager": 403,
    "other_manager": 403,
    "coordinator": 200,
    "other_coordinator": 403,
    "admin": 200,
}


def as_role(w, role) -> Client:
    client = Client()
    user = user_of(w, role)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("url", [DASHBOARD, REPORT, PRINT])
def test_pages_are_for_the_partnerships_coordinators_and_admins(world, url):
    got = {role: as_role(world, role).get(url).status_code for role in ROLES}
    assert got == ONLY_COORDINATORS
    assert as_role(world, "anonymous").get(url)["Location"].startswith("/accounts/login/") or (
        "login" in as_role(world, "anonymous").get(url)["Location"]
    )


def test_unknown_partnership_is_404(world):
    assert as_role(world, "admin").get("/reporting/partnerships/nope/").status_code == 404


def test_dashboard_shows_targets_status_words_and_whats_late(world, today):
    w = world
    exchange(w.call, w.offer, validated="2026-03-10")
    exchange(w.call, w.offer, status="reported")
    s = strategy(scope="joint", partnership=w.p, adopted="2026-09-01", title="Joint")
    from clusterloom.excellence.models import RoadmapAction

    RoadmapAction.objects.create(
        strategy=s, title="Open a shared lab", starts_on="2026-02-01", ends_on="2026-06-30"
    )
    RoadmapAction.objects.create(
        strategy=s,
        title="Done already",
        starts_on="2026-02-01",
        ends_on="2026-06-30",
        status="done",
    )
    activity(w.p, "learning_event", "2026-10-01", status="planned", title="Forgotten workshop")
    html = as_role(w, "coordinator").get(DASHBOARD).content.decode()
    assert 'data-code="exchanges"' in html
    assert "1 / 20" in html
    assert ">behind<" in html and ">reached<" in html  # words, not colour alone
    assert "Open a shared lab" in html and "Done already" not in html
    assert "Forgotten workshop" in html
    assert "1 exchange reported and not validated." in html
    assert 'class="progress-chart"' in html
    assert "45 % elapsed" in html


def test_dashboard_says_when_there_is_no_timeline(world, today):
    world.p.start_date = None
    world.p.save()
    html = as_role(world, "coordinator").get(DASHBOARD).content.decode()
    assert "No timeline" in html
    assert "on track" not in html.split('id="kpi-table"')[1].split("</table>")[0]


def test_report_downloads_from_the_dashboard_form(world):
    response = as_role(world, "coordinator").get(REPORT)
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "KPIs"


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("from=2026-12-01&to=2026-11-01", "to", "is before the start of the period"),
        ("from=2026-02-30&to=2026-11-01", "from", "is not a date"),
        ("from=2026-01-01", "to", "required"),
        ("from=2026-01-01&to=2026-11-01&format=doc", "format", "xlsx or pdf"),
    ],
)
def test_bad_report_input_re_renders_the_form_naming_the_field(world, query, field, words):
    audited = AuditEntry.objects.count()
    response = as_role(world, "coordinator").get(f"/reporting/partnerships/xtex/report/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="{field}-error"' in html and words in html
    assert AuditEntry.objects.count() == audited


def test_partnership_page_section_public_with_dashboard_link_for_coordinators(world):
    exchange(world.call, world.offer, validated="2026-03-10")
    url = "/partnerships/xtex/"
    public = as_role(world, "anonymous").get(url).content.decode()
    assert "Progress against targets" in public
    assert "/reporting/partnerships/xtex/" not in public
    coordinator = as_role(world, "coordinator").get(url).content.decode()
    assert "/reporting/partnerships/xtex/" in coordinator


def test_section_hidden_for_unpublished_partnership_from_the_public(world):
    world.p.is_published = False
    world.p.save()
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from clusterloom.reporting.sections import partnership_section

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert partnership_section(request, world.p) == ""
    request.user = world.coordinator
    assert "Progress against targets" in partnership_section(request, world.p)


def test_dashboard_query_count_does_not_grow_with_records(world, today):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clusterloom.reporting.services import kpi_snapshots_take

    from .conftest import event, label

    w = world
    client = as_role(w, "coordinator")

    def count():
        kpi_snapshots_take(today=today)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(DASHBOARD).status_code == 200
        return len(ctx.captured_queries)

    exchange(w.call, w.offer, validated="2026-03-10")
    exchange(w.call, w.offer, status="reported")
    activity(w.p, "training", "2026-05-01", status="planned")
    label(w.a, "bronze", "2026-02-01", "2026-12-01")
    event(w.p, day="2026-03-10")
    one = count()
    for _ in range(30):
        exchange(w.call, w.offer, validated="2026-03-10")
        exchange(w.call, w.offer, status="reported")
        activity(w.p, "training", "2026-05-01", status="planned")
        activity(w.p, "training", "2026-05-01")
        event(w.p, day="2026-03-10")
    assert count() == one


def test_the_dashboards_printer_friendly_button_opens_the_print_page(world, today):
    """The form's own values (ISO dates, as the date inputs hold them) reach the print page."""
    import re

    client = as_role(world, "coordinator")
    page = client.get(DASHBOARD).content.decode()
    action = re.search(r'formaction="([^"]+)" id="print-report"', page).group(1)
    values = dict(re.findall(r'<input type="date" name="(from|to)" value="([^"]*)"', page))
    assert values == {"from": "2026-01-01", "to": "2026-11-22"}
    response = client.get(action, values)
    assert response.status_code == 200
    assert "Report to the funder" in response.content.decode()


def test_a_wrong_period_is_said_at_the_top_of_the_dashboard(world):
    client = as_role(world, "coordinator")
    response = client.get(PRINT.replace("from=2026-01-01", "from=1+January+2026"))
    assert response.status_code == 400
    body = response.content.decode()
    assert body.index('id="report-errors"') < body.index('id="h-targets"')
    assert "“1 January 2026” is not a date" in body
