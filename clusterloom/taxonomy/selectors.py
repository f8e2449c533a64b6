"""Reading taxonomies: which vocabulary a bare term belongs to, terms by vocabulary."""

from functools import lru_cache

from .models import Term, Vocabulary
from .services import REFERENCE_LISTS, term_slug


@lru_cache(maxsize=1)
def _reference_index() -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for vocabulary, names in REFERENCE_LISTS.items():
        for name in names:
            index.setdefault(term_slug(name), []).append(str(vocabulary))
    return index


def classify_term(name: str) -> str | None:
    """The reference vocabulary a term belongs to ("Automotive" -> "sectoral"), or None.

    A name in two lists (Biopharmaceuticals, Medical devices) goes to the sectoral list; the
    caller can use context (a line of emerging industries) to decide otherwise.
    """
    vocabularies = _reference_index().get(term_slug(name or ""))
    if not vocabularies:
        return None
    order = [Vocabulary.SECTORAL, Vocabulary.EMERGING, Vocabulary.KET, Vocabulary.ECOSYSTEM]
    return next(str(v) for v in order if str(v) in vocabularies)


def vocabularies_of(name: str) -> list[str]:
    """Every reference vocabulary a term name appears in."""
    return list(_reference_index().get(term_slug(name or ""), []))


def terms_by_vocabulary(terms) -> dict[str, list[Term]]:
    """Group terms by vocabulary, in the order of Vocabulary."""
    grouped: dict[str, list[Term]] = {v: [] for v in Vocabulary.values}
    for term in terms:
        grouped[term.vocabulary].append(term)
    return {k: v for k, v in grouped.items() if v}
