"""Numbers a funder can trust, in a real browser: a coordinator marks a past event held (a
future one is refused, saying why), records an empty benchmarking (kept, shown as not complete,
not counted) and a complete one (counted); the dashboard, the partnership page and the
downloaded XLSX show the same numbers."""

import datetime
import io
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import screenshot
from .test_journeys import login

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password-1"


def _event(partnership, title, day):
    from clusterloom.events.models import EventSession, MatchmakingEvent

    event = MatchmakingEvent.objects.create(
        partnership=partnership,
        title=title,
        slug=title.lower().replace(" ", "-"),
        registration_opens=day - datetime.timedelta(days=60),
        registration_closes=day - datetime.timedelta(days=5),
        status="closed",
    )
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    EventSession.objects.create(
        event=event, name="Morning", starts_at=start, ends_at=start + datetime.timedelta(hours=3)
    )
    return event


@pytest.fixture
def numbers_world(seeded):
    from django.contrib.auth import get_user_model

    from clusterloom.excellence.indicator_sets import bronze_set_ensure
    from clusterloom.partnerships.models import Partnership

    coordinator = get_user_model().objects.get(username="coordinator")
    coordinator.set_password(PASSWORD)
    coordinator.save()
    extratex = Partnership.objects.get(acronym="EXTRATEX")
    today = datetime.date.today()
    bronze_set_ensure()
    return {
        "partnership": extratex,
        "aecim": extratex.members.get(organisation__name="AECIM").organisation,
        "past": _event(extratex, "Textile B2B past", today - datetime.timedelta(days=20)),
        "future": _event(extratex, "Textile B2B future", today + datetime.timedelta(days=40)),
    }


def _actual(page, code):
    return page.locator(f"#kpi-table tr[data-code='{code}'] .actual")


def test_only_what_happened_counts_the_same_everywhere(page, live_server, numbers_world):
    import openpyxl

    w = numbers_world
    page.set_default_timeout(60000)  # PDF-free, but the report and charts take a moment
    login(page, "coordinator", PASSWORD)

    # A future event cannot be recorded as held: the page says why; nothing counts.
    page.goto(f"/events/{w['future'].slug}/")
    expect(page.locator("#held-help")).to_contain_text("once its last session has ended")
    page.locator("#mark-held").click()
    expect(page.get_by_role("alert").first).to_contain_text("once it has taken place")
    screenshot(page, "numbers-future-event-refused")
    # The past one can.
    page.goto(f"/events/{w['past'].slug}/")
    page.locator("#mark-held").click()
    expect(page.get_by_text("The event is recorded as held.")).to_be_visible()

    # An empty benchmarking is kept but says it is not complete and does not count.
    page.goto(f"/excellence/organisations/{w['aecim'].slug}/benchmarkings/new/")
    held_on = datetime.date.today() - datetime.timedelta(days=3)
    page.get_by_label("Held on").fill(held_on.isoformat())
    page.get_by_label("Partnership").select_option("extratex")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#completeness")).to_contain_text("not complete")
    expect(page.locator("#completeness")).to_contain_text("0 of 6 areas")
    screenshot(page, "numbers-benchmarking-not-complete")
    # A complete one (every area scored) counts.
    page.goto(f"/excellence/organisations/{w['aecim'].slug}/benchmarkings/new/")
    page.get_by_label("Held on").fill(held_on.isoformat())
    page.get_by_label("Partnership").select_option("extratex")
    scores = page.locator("input[name^='score_a']")
    for n in range(scores.count()):
        scores.nth(n).fill("70")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#completeness")).to_contain_text("yes")

    # The dashboard: one event, one benchmarking; each count says what it leaves out.
    page.goto("/reporting/partnerships/extratex/")
    expect(_actual(page, "matchmaking_events")).to_have_text("1 / 3")
    expect(_actual(page, "benchmarkings")).to_have_text("1 / 1")
    bench_row = page.locator("#kpi-table tr[data-code='benchmarkings']")
    expect(bench_row).to_contain_text("1 benchmarking not complete")
    screenshot(page, "numbers-dashboard")
    dashboard = {
        code: _actual(page, code).inner_text().split(" / ")[0]
        for code in ("matchmaking_events", "benchmarkings")
    }

    # The partnership page says the same.
    page.goto("/partnerships/extratex/")
    section = page.locator("#progress-against-targets")
    for code, value in dashboard.items():
        expect(section.locator(f"tr[data-code='{code}'] td").nth(1)).to_have_text(value)
    expect(page.locator("#events-held")).to_contain_text("1")

    # And the XLSX downloaded from the dashboard.
    page.goto("/reporting/partnerships/extratex/")
    today = datetime.date.today()
    page.get_by_label("From", exact=True).fill(today.replace(month=1, day=1).isoformat())
    page.get_by_label("To", exact=True).fill(today.isoformat())
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    rows = {row[1]: row for row in book["KPIs"].iter_rows(min_row=2, values_only=True)}
    for code, value in dashboard.items():
        assert rows[code][3] == int(value), code
    assert "not complete" in rows["benchmarkings"][7]

    # The printer-friendly page opens from the same form.
    page.locator("#print-report").click()
    expect(page.get_by_role("heading", name="Targets and results")).to_be_visible()
    screenshot(page, "numbers-print-page")
