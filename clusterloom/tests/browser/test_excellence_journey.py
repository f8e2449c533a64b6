"""A coordinator's reporting journey in a real browser: record a bronze label, adopt the joint
strategy, see the dashboard move, download the funder report."""

import datetime
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import screenshot
from .test_journeys import login

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password-1"


@pytest.fixture
def report_world(seeded):
    """EXTRATEX with its targets, a benchmarking of AECIM on the ESCA bronze set held a month
    ago, and a draft joint strategy."""
    from django.contrib.auth import get_user_model

    from clusterloom.excellence import services, strategy_services
    from clusterloom.excellence.indicator_sets import bronze_set_ensure
    from clusterloom.partnerships.models import Partnership

    users = get_user_model().objects
    coordinator = users.get(username="coordinator")
    coordinator.set_password(PASSWORD)
    coordinator.save()
    extratex = Partnership.objects.get(acronym="EXTRATEX")
    aecim = extratex.members.get(organisation__name="AECIM").organisation
    bronze = bronze_set_ensure()  # transactional tests before this one emptied the tables
    held_on = datetime.date.today() - datetime.timedelta(days=30)
    benchmarking = services.benchmarking_create(
        actor=coordinator,
        organisation=aecim,
        data={
            "indicator_set": bronze.pk,
            "held_on": held_on,
            "assessor": "ESCA benchmarking expert",
            "partnership": extratex,
            "scores": [{"area": a.pk, "value": 70} for a in bronze.areas.all()],
        },
    )
    strategy = strategy_services.strategy_create(
        actor=coordinator,
        scope="joint",
        partnership=extratex,
        data={
            "title": "EXTRATEX joint strategy",
            "text": "# Vision\n\nTextiles, automotive and plastics clusters innovate together.",
        },
    )
    return {
        "partnership": extratex,
        "aecim": aecim,
        "benchmarking": benchmarking,
        "strategy": strategy,
    }


def _row(page, code):
    return page.locator(f"tr[data-code='{code}']")


def test_a_coordinator_records_a_label_adopts_a_strategy_and_downloads_the_report(
    page, live_server, report_world
):
    import openpyxl

    aecim = report_world["aecim"]
    login(page, "coordinator", PASSWORD)

    page.goto("/reporting/partnerships/extratex/")
    expect(_row(page, "labels_bronze").locator(".actual")).to_have_text("0 / 3")
    expect(_row(page, "joint_strategies").locator(".actual")).to_have_text("0 / 1")

    # A bronze label for AECIM, resting on its benchmarking, counted for EXTRATEX.
    page.goto(f"/excellence/organisations/{aecim.slug}/")
    page.get_by_role("link", name="Record a label").click()
    page.get_by_label("Level").select_option("bronze")
    awarded = datetime.date.today() - datetime.timedelta(days=7)
    page.get_by_label("Awarded on").fill(awarded.isoformat())
    page.get_by_label("Benchmarking it rests on").select_option(
        str(report_world["benchmarking"].pk)
    )
    page.get_by_label("Partnership").select_option("extratex")
    page.get_by_role("button", name="Save").click()
    labels = page.locator("#labels")
    expect(labels.locator("tr[data-level=bronze]")).to_contain_text("Bronze")
    expect(labels).to_contain_text("valid")
    screenshot(page, "excellence-label-recorded")

    # The joint strategy adopted today.
    page.goto(f"/strategies/{report_world['strategy'].pk}/")
    page.get_by_role("link", name="Adopt", exact=True).click()
    page.get_by_label("Adopted on").fill(datetime.date.today().isoformat())
    page.get_by_role("button", name="Adopt").click()
    expect(page.get_by_text("adopted on")).to_be_visible()

    # The dashboard moved: one bronze label of three, the joint strategy reached.
    page.goto("/reporting/partnerships/extratex/")
    expect(_row(page, "labels_bronze").locator(".actual")).to_have_text("1 / 3")
    expect(_row(page, "joint_strategies").locator(".actual")).to_have_text("1 / 1")
    expect(_row(page, "joint_strategies")).to_contain_text("reached")
    screenshot(page, "reporting-dashboard")

    # The funder report for this year downloads as XLSX with the KPI sheet first.
    today = datetime.date.today()
    page.get_by_label("From", exact=True).fill(today.replace(month=1, day=1).isoformat())
    page.get_by_label("To", exact=True).fill(today.isoformat())
    page.get_by_label("Format").select_option("xlsx")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    sheet = workbook.worksheets[0]
    assert sheet.title == "KPIs"
    # Each target in words, its code beside it, then target and actual.
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["labels_bronze"][0] == "Bronze labels"
    assert rows["labels_bronze"][2:4] == (3, 1)
    assert rows["joint_strategies"][2:4] == (1, 1)
