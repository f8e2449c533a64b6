"""What a visitor, a coordinator and a cluster manager do, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def login(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    # Logged in, the menu leads to the user's own page (shown by their name, not the login).
    expect(page.get_by_role("link", name="My page")).to_be_visible()


def test_visitor_sees_both_seed_partnerships_complete(page, seeded):
    page.goto("/")
    expect(page.get_by_role("link", name="EXTRATEX", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Hi-Tech-TEX", exact=True)).to_be_visible()

    page.get_by_role("link", name="EXTRATEX", exact=True).click()
    expect(page).to_have_url(re.compile(r"/partnerships/extratex/$"))
    expect(page.locator("#start-date")).to_contain_text("2020")
    expect(page.locator("#partner-gap")).to_contain_text("6")
    rows = page.locator("#composition tbody tr")
    expect(rows).to_have_count(4)
    for name, members, smes in [
        ("AECIM", "190", "170"),
        ("Slovenský plastikársky klaster", "37", "17"),
        ("CLUTEX", "36", "29"),
        ("Next Technology Tecnotessile", "480", "450"),
    ]:
        row = rows.filter(has_text=name)
        expect(row).to_contain_text(members)
        expect(row).to_contain_text(smes)
    expect(page.locator("#composition")).to_contain_text("KETS › Advanced materials")
    targets = page.locator("#targets-table")
    for code, value in [
        ("exchanges", "59"),
        ("exchanges_sme", "30"),
        ("exchanges_non_member", "17"),
        ("labels_bronze", "3"),
        ("cluster_strategies", "6"),
        ("matchmaking_events", "3"),
    ]:
        expect(targets.locator(f'tr[data-code="{code}"]')).to_contain_text(value)
    screenshot(page, "profile-extratex")

    page.goto("/partnerships/hi-tech-tex/")
    rows = page.locator("#composition tbody tr")
    expect(rows).to_have_count(6)
    expect(rows.first).to_contain_text("CITEVE")
    expect(rows.first).to_contain_text("Coordinator")
    for region in [
        "Norte",
        "Cataluña",
        "Comunitat Valenciana",
        "Toscana",
        "Severovýchod",
        "Denizli",
    ]:
        expect(page.locator("#composition")).to_contain_text(region)
    screenshot(page, "profile-hi-tech-tex")


def test_visitor_finds_a_shared_cluster_from_the_directory(page, seeded):
    page.goto("/organisations/")
    page.get_by_label("Search").fill("clutex")
    page.get_by_role("button", name="Search").click()
    result = page.locator("#results").get_by_role("link", name=re.compile("CLUTEX"))
    expect(result).to_have_count(1)
    result.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("CLUTEX")
    expect(page.get_by_role("link", name="EXTRATEX")).to_be_visible()
    expect(page.get_by_role("link", name="Hi-Tech-TEX")).to_be_visible()
    expect(page.get_by_text("ECCP profile validity")).to_be_visible()
    screenshot(page, "organisation-clutex")

    page.goto("/partnerships/network/")
    svg = page.locator("svg").first
    expect(svg).to_contain_text("CLUTEX ★")
    screenshot(page, "network")


def test_coordinator_confirms_a_target_and_sees_the_consortium_check(page, seeded):
    login(page, "coordinator", seeded["coordinator"])
    page.goto("/partnerships/extratex/")
    expect(page.get_by_text("Consortium eligibility", exact=False).first).to_be_visible()
    row = page.locator('#targets-table tr[data-code="exchanges"]')
    row.get_by_role("button", name="Confirm").click()
    expect(page.locator('#targets-table tr[data-code="exchanges"]')).to_contain_text("confirmed")

    row = page.locator('#targets-table tr[data-code="learning_events"]')
    row.get_by_label("New value").fill("-4")
    row.get_by_role("button", name="Save").click()
    expect(page.locator('#targets-table tr[data-code="learning_events"]')).to_contain_text("2")
    screenshot(page, "coordinator-targets")


def test_visitor_cannot_edit_and_is_sent_to_login(page, seeded):
    page.goto("/partnerships/extratex/")
    expect(page.get_by_role("button", name="Confirm")).to_have_count(0)
    page.goto("/partnerships/extratex/edit/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_german_visitor_sees_german_date_format(page, seeded):
    page.goto("/partnerships/extratex/")
    page.locator("#lang").click()
    page.get_by_role("link", name="Deutsch").click()
    expect(page).to_have_url(re.compile(r"/partnerships/extratex/$"))
    expect(page.locator("#start-date")).to_contain_text("3. Februar 2020")


def test_member_list_upload_with_an_error_changes_nothing(page, seeded, tmp_path):
    from clusterloom.directory.models import Organisation

    login(page, "clutex", seeded["clutex"])
    clutex = Organisation.objects.get(name__startswith="CLUTEX")
    page.goto(f"/organisations/{clutex.slug}/")
    page.get_by_role("link", name=re.compile("Import members", re.I)).click()
    bad = tmp_path / "members.csv"
    bad.write_text("name,kind,country\nTextil Liberec s.r.o.,sme,CZ\nNowhere Ltd,sme,Atlantis\n")
    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_role("button", name=re.compile("Import", re.I)).click()
    expect(page.get_by_text(re.compile(r"row 3.*country", re.I)).first).to_be_visible()
    assert clutex.cluster.memberships.count() == 0
    screenshot(page, "member-import-error")
