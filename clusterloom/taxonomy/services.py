"""Writing taxonomy terms: the reference lists, and terms that profiles bring."""

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from clusterloom.core.errors import DomainError
from clusterloom.core.text import squash

from .models import Term, Vocabulary
from .reference import (
    ECCP_SECTORAL_NAMES,
    EMERGING_INDUSTRIES,
    INDUSTRIAL_ECOSYSTEMS,
    KEY_ENABLING_TECHNOLOGIES,
    SECTORAL_INDUSTRIES,
)

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
    """Create the reference vocabularies (idempotent); returns how many terms they hold."""
    count = 0
    for vocabulary, names in REFERENCE_LISTS.items():
        for name in names:
            term_get_or_create(vocabulary=vocabulary, name=name, is_reference=True)
            count += 1
    return count


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
    term, created = Term.objects.get_or_create(
        vocabulary=vocabulary,
        category=category,
        slug=term_slug(clean),
        defaults={"name": clean, "is_reference": is_reference},
    )
    if not created and is_reference and not term.is_reference:
        term.is_reference = True
        term.save(update_fields=["is_reference"])
    return term
