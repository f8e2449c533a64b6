"""Writing taxonomy terms: the reference lists, and terms that profiles bring."""

import json
from functools import lru_cache
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from clusterloom.core.errors import DomainError
from clusterloom.core.page_cache import content_changed
from clusterloom.core.text import squash

from .models import Term, Vocabulary, terms_relabelled
from .reference import (
    ECCP_SECTORAL_NAMES,
    EMERGING_INDUSTRIES,
    INDUSTRIAL_ECOSYSTEMS,
    KEY_ENABLING_TECHNOLOGIES,
    SECTORAL_INDUSTRIES,
)

#: Translated names of the reference terms and of common technology and value-chain terms.
TRANSLATIONS_FILE = Path(__file__).resolve().parent / "data" / "translations.json"

REFERENCE_LISTS = {
    Vocabulary.SECTORAL: SECTORAL_INDUSTRIES + ECCP_SECTORAL_NAMES,
    Vocabulary.EMERGING: EMERGING_INDUSTRIES,
    Vocabulary.ECOSYSTEM: INDUSTRIAL_ECOSYSTEMS,
    Vocabulary.KET: KEY_ENABLING_TECHNOLOGIES,
}


def term_slug(name: str) -> str:
    """The slug a term is matched by (case and punctuation do not matter)."""
    return slugify(name.replace("&", " and "))[:200] or "term"


@transaction.atomic
def reference_terms_load() -> int:
    """Create the reference vocabularies and give every known term its translated names
    (idempotent); returns how many reference terms there are."""
    count = 0
    for vocabulary, names in REFERENCE_LISTS.items():
        for name in names:
            term_get_or_create(vocabulary=vocabulary, name=name, is_reference=True)
            count += 1
    term_translations_load()
    return count


@lru_cache(maxsize=1)
def translations_by_slug() -> dict[str, dict[str, str]]:
    """The shipped translations, keyed by the term slug of their English name."""
    data = json.loads(TRANSLATIONS_FILE.read_text(encoding="utf-8"))
    return {term_slug(name): labels for name, labels in data["terms"].items()}


def term_translations_load() -> int:
    """Copy the shipped translations onto every term of that name (any vocabulary or
    category) whose translations differ; returns how many terms changed.

    The directory's search index re-reads the labels of those terms' organisations.
    """
    known = translations_by_slug()
    changed = []
    for term in Term.objects.filter(slug__in=list(known)):
        labels = {**term.translations, **known[term.slug]}
        if labels != term.translations:
            term.translations = labels
            changed.append(term)
    Term.objects.bulk_update(changed, ["translations"], batch_size=500)
    if changed:
        # bulk_update sends no signal: tell the search index and the page cache once.
        terms_relabelled.send(sender=Term, term_ids=[term.pk for term in changed])
        content_changed()
    return len(changed)


def term_get_or_create(
    *, vocabulary: str, name: str, category: str = "", is_reference: bool = False
) -> Term:
    """The term of that name in the vocabulary, created when new (never dropped)."""
    if vocabulary not in Vocabulary.values:
        raise DomainError(_("Unknown vocabulary “%s”.") % vocabulary, field="vocabulary")
    clean = squash(name)
    if not clean:
        raise DomainError(_("A term needs a name."), field="name")
    category = squash(category)
    slug = term_slug(clean)
    term, created = Term.objects.get_or_create(
        vocabulary=vocabulary,
        category=category,
        slug=slug,
        defaults={
            "name": clean,
            "is_reference": is_reference,
            "translations": dict(translations_by_slug().get(slug, {})),
        },
    )
    if not created and is_reference and not term.is_reference:
        term.is_reference = True
        term.save(update_fields=["is_reference"])
    return term
