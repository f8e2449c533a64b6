"""Directory search and filters."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusterloom.directory.models import Organisation
from clusterloom.directory.selectors import (
    DirectoryFilters,
    organisations_page,
    organisations_search,
)
from clusterloom.geo.models import Region
from clusterloom.taxonomy.models import Term

from .factories import OrganisationFactory


@pytest.fixture
def orgs(db):
    automotive = Term.objects.get(vocabulary="sectoral", name="Automotive")
    textiles = Term.objects.get(vocabulary="sectoral", name="Textiles")
    digital = Term.objects.get(vocabulary="emerging", name="Digital industries")
    materials = Term.objects.get(vocabulary="ket", slug="advanced-materials")
    return {
        "aecim": OrganisationFactory(
            name="AECIM",
            kind="cluster",
            country_id="ES",
            region=Region.objects.get(code="ES30"),
            city_name="Madrid",
            terms=[automotive, materials],
        ),
        "clutex": OrganisationFactory(
            name="CLUTEX",
            kind="cluster",
            country_id="CZ",
            region=Region.objects.get(code="CZ05"),
            description="Technical textiles cluster",
            city_name="Liberec",
            terms=[textiles],
        ),
        "tul": OrganisationFactory(
            name="Technical University of Liberec",
            kind="university",
            country_id="CZ",
            city_name="Liberec",
            terms=[digital],
        ),
    }


def names(**filters):
    return sorted(o.name for o in organisations_search(DirectoryFilters(**filters)))


def test_text_search_covers_name_description_and_city(orgs):
    assert names(q="aecim") == ["AECIM"]
    assert names(q="textiles") == ["CLUTEX"]
    assert names(q="liberec") == ["CLUTEX", "Technical University of Liberec"]
    assert names(q="liberec university") == ["Technical University of Liberec"]


def test_country_kind_and_region_prefix(orgs):
    assert names(country="cz") == ["CLUTEX", "Technical University of Liberec"]
    assert names(kind="cluster") == ["AECIM", "CLUTEX"]
    assert names(region="ES") == names(region="ES3") == names(region="ES30") == ["AECIM"]
    assert names(region="ES4") == []


def test_term_filters_by_slug_or_name(orgs):
    assert names(sector="automotive") == ["AECIM"]
    assert names(sector="Textiles") == ["CLUTEX"]
    assert names(emerging="digital-industries") == ["Technical University of Liberec"]
    assert names(ket="advanced-materials") == ["AECIM"]
    assert names(ket="advanced-materials", country="CZ") == []


def test_pagination_and_constant_queries(db, settings):
    settings.DIRECTORY_PAGE_SIZE = 10
    term = Term.objects.get(vocabulary="sectoral", name="Automotive")
    for n in range(35):
        OrganisationFactory(name=f"Org {n:02d}", terms=[term])
    with CaptureQueriesContext(connection) as queries:
        page = organisations_page(DirectoryFilters(), 4)
        rows = [(o.name, o.country.name, [t.name for t in o.terms.all()]) for o in page]
    assert page.paginator.count == Organisation.objects.count() == 35
    assert len(rows) == 5 and rows[0][0] == "Org 30"
    assert len(queries) <= 3  # count, page, terms — not one per row
    assert organisations_page(DirectoryFilters(), "junk").number == 1
    assert organisations_page(DirectoryFilters(), 99).number == 4


@pytest.mark.django_db
@pytest.mark.parametrize("word", ['tex"tile', "NEAR(a b)", "tex*", "-tile", "a'b", "ÉCOLE"])
def test_search_words_with_query_syntax_are_plain_text(word):
    from clusterloom.directory.models import Organisation
    from clusterloom.directory.selectors import DirectoryFilters, organisations_search

    Organisation.objects.create(name=f"Org {word}", slug="odd", country_id="IT")
    found = organisations_search(DirectoryFilters(q=word))
    assert [o.slug for o in found] == ["odd"]


@pytest.mark.django_db
def test_text_index_follows_renames_and_deletions():
    from clusterloom.directory.models import Organisation
    from clusterloom.directory.selectors import DirectoryFilters, organisations_search

    org = Organisation.objects.create(name="Lanificio Prato", slug="lp", country_id="IT")
    assert organisations_search(DirectoryFilters(q="lanificio")).count() == 1
    org.name = "Tessitura Prato"
    org.save()
    assert organisations_search(DirectoryFilters(q="lanificio")).count() == 0
    assert organisations_search(DirectoryFilters(q="tessitura")).count() == 1
    org.delete()
    assert organisations_search(DirectoryFilters(q="tessitura")).count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("word", ["tex", "Textil", "ile", "prato", "technology", "xyz"])
def test_indexed_search_finds_exactly_what_a_substring_match_finds(word):
    from django.db.models import Q

    from clusterloom.directory.models import Organisation
    from clusterloom.directory.selectors import DirectoryFilters, organisations_search

    for i, (name, description, city) in enumerate(
        [
            ("Textil Liberec", "Nonwovens", "Liberec"),
            ("Tecnotessile", "Textile technology", "Prato"),
            ("Lanificio", "Wool", "PRATO"),
            ("Automotive Cluster", "Mobility", "Madrid"),
        ]
    ):
        Organisation.objects.create(
            name=name, slug=f"o{i}", country_id="IT", description=description, city_name=city
        )
    expected = set(
        Organisation.objects.filter(
            Q(name__icontains=word)
            | Q(short_name__icontains=word)
            | Q(description__icontains=word)
            | Q(city_name__icontains=word)
        ).values_list("pk", flat=True)
    )
    found = set(organisations_search(DirectoryFilters(q=word)).values_list("pk", flat=True))
    assert found == expected


@pytest.mark.django_db
def test_text_index_is_restored_when_a_table_rebuild_dropped_its_triggers():
    from django.db import connection

    from clusterloom.directory import fts
    from clusterloom.directory.models import Organisation
    from clusterloom.directory.selectors import DirectoryFilters, organisations_search

    if not fts.supported(connection):
        pytest.skip("this database has no FTS5 trigram index; the search uses LIKE")
    with connection.cursor() as cursor:  # what SQLite does when a migration remakes the table
        for name in fts.TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    Organisation.objects.create(name="Lanificio Prato", slug="lp", country_id="IT")
    assert fts.ensure_text_index(connection)  # what post_migrate runs after every migrate
    assert organisations_search(DirectoryFilters(q="lanificio")).count() == 1
    Organisation.objects.filter(slug="lp").update(name="Tessitura Prato")
    assert organisations_search(DirectoryFilters(q="tessitura")).count() == 1
