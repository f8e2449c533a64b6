"""Taxonomies: the reference lists, classification, and terms that profiles bring."""

import pytest

from clusterloom.core.errors import DomainError
from clusterloom.taxonomy.models import Term, Vocabulary
from clusterloom.taxonomy.selectors import classify_term
from clusterloom.taxonomy.services import reference_terms_load, term_get_or_create

pytestmark = pytest.mark.django_db


def test_reference_lists_have_domain_sizes():
    ref = Term.objects.filter(is_reference=True)
    assert ref.filter(vocabulary=Vocabulary.EMERGING).count() == 10
    assert ref.filter(vocabulary=Vocabulary.ECOSYSTEM).count() == 14
    assert ref.filter(vocabulary=Vocabulary.KET).count() == 6
    # 51 cluster-mapping sectors plus the ECCP's "Textile Manufacturing".
    assert ref.filter(vocabulary=Vocabulary.SECTORAL).count() == 52


def test_reload_creates_no_duplicates():
    before = Term.objects.count()
    reference_terms_load()
    assert Term.objects.count() == before


@pytest.mark.parametrize(
    "name,vocabulary",
    [
        ("Automotive", "sectoral"),
        ("Metalworking Technology", "sectoral"),
        ("Experience Industries", "emerging"),
        ("Creative Industries", "emerging"),
        ("Advanced materials", "ket"),
        ("Textile Manufacturing", "sectoral"),
        ("Environmental Services", "sectoral"),
        ("Plastics", "sectoral"),
        ("Nanomaterials", None),
        ("Advanced Textile Materials", None),
    ],
)
def test_classify_term(name, vocabulary):
    assert classify_term(name) == vocabulary


def test_unknown_terms_are_kept_and_matched_case_insensitively():
    new = term_get_or_create(vocabulary=Vocabulary.TECHNOLOGY, name="Advanced Textile Materials")
    assert not new.is_reference
    again = term_get_or_create(vocabulary=Vocabulary.TECHNOLOGY, name="advanced  textile materials")
    assert again.pk == new.pk
    same_name_other_category = term_get_or_create(
        vocabulary=Vocabulary.VALUE_CHAIN, name="Education", category="Services"
    )
    assert same_name_other_category.category == "Services"


def test_bad_terms_are_refused():
    with pytest.raises(DomainError):
        term_get_or_create(vocabulary="colours", name="Blue")
    with pytest.raises(DomainError):
        term_get_or_create(vocabulary=Vocabulary.TECHNOLOGY, name="   ")


def test_every_reference_term_has_a_name_in_every_language(settings):
    languages = {code for code, _name in settings.LANGUAGES} - {"en"}
    for term in Term.objects.filter(is_reference=True):
        assert set(term.translations) == languages, term.name
        assert all(term.translations.values()), term.name


def test_label_in_a_language_falls_back_to_the_english_name():
    term = Term.objects.get(vocabulary=Vocabulary.SECTORAL, slug="textile-manufacturing")
    assert term.label_in("it") == "Manifattura tessile"
    assert term.label_in("cs") == "Výroba textilií"
    assert term.label_in("pt-br") == "Fabrico de têxteis"
    assert term.label_in("fr") == term.label_in(None) == term.label_in("en") == term.name
    new = term_get_or_create(vocabulary=Vocabulary.TECHNOLOGY, name="Smart yarns")
    assert new.label_in("it") == "Smart yarns"


def test_terms_that_profiles_bring_get_the_known_translations():
    # A technology field of the seed profiles, in any capitalisation.
    term = term_get_or_create(vocabulary=Vocabulary.TECHNOLOGY, name="advanced textile materials")
    assert term.label_in("de") == "Fortschrittliche Textilmaterialien"


def test_reloading_restores_edited_translations_and_keeps_new_languages():
    term = Term.objects.get(vocabulary=Vocabulary.ECOSYSTEM, slug="textiles")
    term.translations = {"it": "Tessuti", "fr": "Textiles"}
    term.save()
    reference_terms_load()
    term.refresh_from_db()
    assert term.translations["it"] == "Tessile" and term.translations["fr"] == "Textiles"
