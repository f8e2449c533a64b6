"""Each role's own page in a real browser at 1366 px and on a 390 px phone, and the main pages
on a phone without sideways scrolling (the document is no wider than the screen)."""

import pytest
from playwright.sync_api import expect

from .conftest import log_in, overflow, screenshot, tab_at

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (1366, 390)


@pytest.mark.parametrize(
    "username, needs, section",
    [
        ("coordinator", "1 registration awaits approval", "My partnerships"),
        ("clutex", None, "My organisations"),
        ("member", "1 meeting request awaits your answer", "My events"),
    ],
)
def test_each_role_lands_on_its_own_page(
    browser, live_server, homes_world, username, needs, section
):
    for width in WIDTHS:
        context, tab = tab_at(browser, live_server, width)
        log_in(tab, username)
        expect(tab.get_by_role("heading", name="Needs you")).to_be_visible()
        expect(tab.get_by_role("heading", name=section)).to_be_visible()
        if needs:
            home = tab.url
            tab.get_by_role("link", name=needs).click()
            tab.wait_for_url("**/events/**")
            # Back by address: history navigation lost its page under load in CI
            # ("Page.go_back: Not attached to an active page").
            tab.goto(home)
            expect(tab.get_by_role("heading", name="Needs you")).to_be_visible()
        screenshot(tab, f"home-{username}-{width}")
        assert overflow(tab) <= 0, f"{username}'s page scrolls sideways at {width} px"
        context.close()


#: Main pages, as the anonymous public and as the coordinator.
PUBLIC_PAGES = [
    "/",
    "/partnerships/extratex/",
    "/organisations/",
    "/partners/",
    "/partners/requests/",
    "/exchanges/",
    "/events/",
    "/excellence/",
    "/activities/",
    "/regions/",
    "/partnerships/network/",
]
COORDINATOR_PAGES = [
    "/my/",
    "/reporting/partnerships/extratex/",
    "/partnerships/extratex/targets/",
    "/strategies/partnership/extratex/",
]


def test_main_pages_fit_a_390_px_phone(browser, live_server, homes_world):
    event = homes_world
    context, tab = tab_at(browser, live_server, 390)
    wide = {}
    for path in [*PUBLIC_PAGES, f"/events/{event.slug}/"]:
        tab.goto(path)
        wide[path] = overflow(tab)
    log_in(tab, "coordinator")
    for path in [
        *COORDINATOR_PAGES,
        f"/events/{event.slug}/registrations/",
        f"/events/{event.slug}/sessions/",
    ]:
        tab.goto(path)
        wide[path] = overflow(tab)
        if path.startswith("/reporting/"):
            screenshot(tab, "phone-dashboard-390")
    tab.goto("/partnerships/extratex/")
    screenshot(tab, "phone-profile-390")
    context.close()
    assert {path: px for path, px in wide.items() if px > 0} == {}
