"""Partner search and suggested-partner pages, per role and with bad input."""

import pytest

from clusterloom.directory.tests.factories import OrganisationFactory, country
from clusterloom.matching.services import match_index_rebuild, sector_affinity_adjust

from .conftest import ROLES

pytestmark = pytest.mark.django_db

NEED = "technical textiles for car interiors"


def _result_slugs(response) -> list[str]:
    return [r.organisation.slug for r in response.context["results"]]


@pytest.mark.parametrize("role", ROLES)
def test_everyone_may_search_in_words_and_sees_why(as_role, role):
    response = as_role(role).get("/partners/", {"text": NEED})
    assert response.status_code == 200
    slugs = _result_slugs(response)
    assert "turismo" not in slugs
    assert "finissaggio" in slugs
    # A cluster manager's own organisation is left out; everyone else sees it.
    assert ("caar" in slugs) == (role != "manager")
    page = response.content.decode()
    assert "Matched words:" in page
    assert "<mark>" in page
    assert 'href="/organisations/finissaggio/"' in page


def test_anonymous_search_page_carries_no_csrf_token(client, world):
    response = client.get("/partners/", {"text": NEED})
    assert b"csrfmiddlewaretoken" not in response.content
    assert b"X-CSRFToken" not in response.content


def test_member_does_not_get_their_own_organisation(as_role):
    slugs = _result_slugs(as_role("member").get("/partners/", {"text": NEED}))
    assert "lt-textilie" not in slugs
    assert "lt-textilie" in _result_slugs(as_role("anonymous").get("/partners/", {"text": NEED}))


def test_other_country_only_is_relative_to_the_members_country(as_role, world):
    OrganisationFactory(
        name="Brněnské textilie",
        slug="brno-textil",
        country=country("CZ"),
        description="Technical textiles for car interiors.",
    )
    match_index_rebuild()
    client = as_role("member")
    everywhere = _result_slugs(client.get("/partners/", {"text": NEED}))
    assert "brno-textil" in everywhere
    abroad = _result_slugs(client.get("/partners/", {"text": NEED, "other_country_only": "on"}))
    assert abroad and "brno-textil" not in abroad
    # A chosen country wins over the member's own.
    not_spain = _result_slugs(
        client.get("/partners/", {"text": NEED, "other_country_only": "on", "country": "ES"})
    )
    assert "caar" not in not_spain and "brno-textil" in not_spain


def test_kind_and_term_filters(client, world):
    response = client.get("/partners/", {"text": "textile plastics", "kinds": ["university"]})
    assert _result_slugs(response) == ["th-chemnitz"]
    response = client.get("/partners/", {"terms": ["sectoral:plastics"]})
    assert _result_slugs(response)[0] == "recyklacia"
    assert "Shared industries:" in response.content.decode()


def test_complementary_sectors_are_shown_with_their_affinity(client, world, roles):
    sector_affinity_adjust(
        actor=roles.admin,
        term_a="sectoral:textile-manufacturing",
        term_b="sectoral:automotive",
        value=0.8,
    )
    response = client.get("/partners/", {"terms": ["sectoral:textile-manufacturing"]})
    page = response.content.decode()
    assert "caar" in _result_slugs(response)
    assert "Complementary sectors:" in page
    assert "Textile Manufacturing ↔ Automotive" in page
    assert "affinity 0.80" in page


@pytest.mark.parametrize(
    "query, message",
    [
        ({"text": ""}, "Describe what you are looking for"),
        ({"text": "   ", "kinds": ["sme"]}, "Describe what you are looking for"),
        ({"text": "the and of"}, "holds no words to search for"),
        ({"text": NEED, "country": "XX"}, "Select a valid choice"),
        ({"text": NEED, "kinds": ["spaceship"]}, "Select a valid choice"),
        ({"text": NEED, "terms": ["sectoral:nope"]}, "Select a valid choice"),
        ({"text": NEED, "other_country_only": "on"}, "Choose the country"),
        ({"text": "x" * 2001}, "2000 characters"),
    ],
)
def test_bad_search_input_is_a_400_with_a_message(client, world, query, message):
    response = client.get("/partners/", query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_snippet_is_escaped(client, world):
    OrganisationFactory(
        name="Evil textiles",
        slug="evil",
        description="<script>alert(1)</script> technical textiles for car interiors",
    )
    match_index_rebuild()
    page = client.get("/partners/", {"text": NEED}).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_htmx_search_returns_only_the_results(client, world):
    response = client.get("/partners/", {"text": NEED}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "<html" not in page and "match-results" in page


def test_organisation_page_loads_suggestions_from_matching(client, world):
    page = client.get("/organisations/lt-textilie/").content.decode()
    assert 'hx-get="/partners/organisations/lt-textilie/suggestions/"' in page
    assert 'href="/partners/organisations/lt-textilie/suggestions/"' in page  # without JS


@pytest.mark.parametrize("role", ["anonymous", "member", "admin"])
def test_suggestions_are_reciprocal_and_abroad_by_default(as_role, role):
    client = as_role(role)
    fragment = client.get(
        "/partners/organisations/lt-textilie/suggestions/", headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200
    assert b"<html" not in fragment.content
    slugs = [r.organisation.slug for r in fragment.context["results"]]
    assert "caar" in slugs  # seeks textiles for car interiors, offers access to car makers
    assert "turismo" not in slugs
    assert all(r.organisation.country_id != "CZ" for r in fragment.context["results"])
    # The strength of each suggestion reads in words beside its fit, as in whom to meet.
    caar = next(r for r in fragment.context["results"] if r.organisation.slug == "caar")
    assert caar.strength in ("strong", "good", "possible")
    assert f"{caar.strength_label.capitalize()} <span" in fragment.content.decode()
    page = client.get("/partners/organisations/lt-textilie/suggestions/")
    assert b"<html" in page.content and "Suggested partners of" in page.content.decode()


def test_suggestions_may_include_the_own_country(client, world):
    OrganisationFactory(
        name="Brno seat maker",
        slug="brno-seats",
        country=country("CZ"),
        description="Car seats.",
        requests="Technical textiles for car seat covers.",
        offers="Seats for car makers.",
    )
    match_index_rebuild()
    url = "/partners/organisations/lt-textilie/suggestions/"
    abroad = [r.organisation.slug for r in client.get(url).context["results"]]
    everywhere = [
        r.organisation.slug for r in client.get(url, {"all_countries": "1"}).context["results"]
    ]
    assert "brno-seats" not in abroad and "brno-seats" in everywhere


def test_suggestions_of_an_unknown_organisation_are_404(client, world):
    assert client.get("/partners/organisations/nobody/suggestions/").status_code == 404


def test_activity_alone_is_no_reason_to_suggest(client, world):
    world.tourism_pt.cordis_projects = ["WINE1", "WINE2", "WINE3"]
    world.tourism_pt.save()
    match_index_rebuild()
    response = client.get("/partners/", {"text": NEED})
    assert "turismo" not in _result_slugs(response)
    assert "Score from:" in response.content.decode()
    assert "words of the description" in response.content.decode()


def test_a_long_list_of_complementary_sectors_wraps():
    """Each complementary pair is kept together where it fits (an inline block no wider than
    its line) and the list wraps between pairs: without a space between them, and with each
    pair unbreakable, a suggestion with many pairs made the page thousands of pixels wide."""
    from django.template.loader import render_to_string

    from clusterloom.directory.models import Organisation
    from clusterloom.geo.models import Country
    from clusterloom.matching.selectors import MatchResult

    pairs = [(f"s:a{i}", f"Sector A{i}", f"s:b{i}", f"Sector B{i}", 1.0) for i in range(3)]
    result = MatchResult(
        organisation=Organisation(slug="x", name="X", kind="sme", country=Country(code="IT")),
        score=0.2,
        shared_terms=[],
        complementary=pairs,
        matched_words=[],
        snippet="",
        components={},
        reciprocal=True,
    )
    html = render_to_string("matching/_match.html", {"result": result})
    assert html.count('class="me-2 d-inline-block mw-100"') == 3
    assert "</span><span" not in html.split('class="complementary"')[1].split("</dd>")[0]
