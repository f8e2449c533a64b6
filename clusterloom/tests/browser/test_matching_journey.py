"""Finding a partner in words, in a real browser: search, read why, open a result."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)

NEED = "technical textiles for car interiors"


@pytest.fixture
def partners(seeded):
    """Organisations beyond the seed clusters; saved outside a test transaction, so the
    profile refresh runs on commit exactly as in production (eager Celery)."""
    from clusterloom.directory.models import Organisation
    from clusterloom.geo.models import Country
    from clusterloom.taxonomy.services import term_get_or_create

    def add(slug, name, code, description, offers="", requests="", terms=()):
        organisation = Organisation.objects.create(
            slug=slug,
            name=name,
            country=Country.objects.get(code=code),
            kind="sme",
            description=description,
            offers=offers,
            requests=requests,
        )
        organisation.terms.set([term_get_or_create(vocabulary="sectoral", name=t) for t in terms])
        return organisation

    add(
        "interiores-zaragoza",
        "Interiores Zaragoza",
        "ES",
        "Tier-1 supplier of car interiors: seats, door panels and headliners.",
        offers="Series production of car interior parts.",
        requests="Technical textiles for car seat covers and headliners.",
        terms=["Automotive"],
    )
    add(
        "tessitura-prato",
        "Tessitura Prato",
        "IT",
        "Weaving of technical textiles: flame-retardant fabrics for car interiors and trains.",
        offers="Technical textiles for car interiors.",
        terms=["Textile Manufacturing"],
    )
    add(
        "hotel-douro",
        "Hotel Douro",
        "PT",
        "A hotel and restaurant on the wine route.",
    )


def test_visitor_finds_a_partner_in_words_and_opens_it(page, partners):
    page.goto("/partners/")
    expect(page.get_by_role("heading", name="Find partners")).to_be_visible()
    page.get_by_label("What kind of partner are you looking for?").fill(NEED)
    page.get_by_role("button", name="Find partners").click()

    results = page.locator("#match-results > li")
    expect(results.first).to_be_visible()
    expect(page).to_have_url(re.compile(r"text=technical(\+|%20)textiles"))
    expect(page.locator("#match-results")).not_to_contain_text("Hotel Douro")
    first = results.first
    expect(first.locator("h3 a")).to_have_text(re.compile("Tessitura Prato|Interiores Zaragoza"))
    expect(first).to_contain_text("Matched words:")
    expect(first.locator("mark").first).to_be_visible()
    screenshot(page, "matching-search")

    name = first.locator("h3 a").inner_text()
    first.locator("h3 a").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    suggestions = page.locator("#suggested-partners")
    expect(suggestions.get_by_role("heading", name="Suggested partners")).to_be_visible()
    # Loaded by htmx: the plain fallback link is replaced by the suggestions.
    expect(suggestions.get_by_role("link", name="See suggested partners")).to_have_count(0)
    expect(suggestions.locator("#suggestion-results > li").first).to_be_visible()
    suggestions.scroll_into_view_if_needed()
    screenshot(page, "matching-organisation-suggestions")


def test_empty_search_says_what_to_do(page, partners):
    page.goto("/partners/?text=")
    expect(page.locator(".invalid-feedback")).to_contain_text("Describe what you are looking for")


@pytest.fixture
def demo_directory(seeded):
    """The directory as `make run` fills it: the seed clusters, the 765 organisations of the
    automotive-electronics CORDIS export and the Horizon Europe slice on textiles and circular
    materials (projects as passages), indexed."""
    from django.core.management import call_command

    from clusterloom.directory.imports import cordis_organisations_import
    from clusterloom.partnerships.demo import CORDIS_HE_DEMO, CORDIS_ORGANISATIONS

    cordis_organisations_import(actor=None, path_or_data=CORDIS_ORGANISATIONS)
    call_command("import_cordis", *map(str, CORDIS_HE_DEMO))


def test_a_textile_need_finds_textile_organisations_first(page, demo_directory):
    page.goto("/partners/")
    page.get_by_label("What kind of partner are you looking for?").fill(
        "recycled polyester yarn for car seat covers"
    )
    page.get_by_role("button", name="Find partners").click()
    results = page.locator("#match-results > li")
    expect(results.first).to_be_visible()
    # the first three are met by textile work (their projects on polyester and textile
    # recycling), not by the electronics organisations that say "car" and "covers"
    for i in range(3):
        expect(results.nth(i)).to_contain_text(re.compile(r"polyester|textile", re.IGNORECASE))
    expect(results.first).to_contain_text("Matched words:")
    screenshot(page, "matching-polyester-yarn")
