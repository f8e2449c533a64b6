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
