"""The directory search: words in any of the platform's languages, best match first, with the
number of results per filter value.

Each typed word is folded and cut to its stem (textsearch.py) and matched as a substring of the
folded search columns (search_index.py) through the database's trigram index: FTS5 on SQLite,
pg_trgm on PostgreSQL. An organisation must match every word; a word that matches nothing
anywhere is taken for a typo and replaced by the known words one or two edits away; when no
organisation matches every word, those that match most of them are shown, and the user is told.
Results are ordered by where the words were found (name, then labels, then description;
whole words and word starts before other substrings), then by name.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import RawSQL

from .fts import FTS
from .models import Organisation, SearchWord
from .textsearch import edit_distance, query_words, stem, typo_budget

#: Corrections offered for one mistyped word, nearest first.
MAX_CORRECTIONS = 3


@dataclass
class Word:
    """A word as typed, and the stems it is matched by (its own, or its corrections')."""

    typed: str
    stems: list[str]
    #: Whole words each stem comes from (scored higher when found whole).
    wholes: list[str]
    corrected_to: list[str] = field(default_factory=list)


@dataclass
class TextQuery:
    """A parsed search: its words, and what the search did with them."""

    words: list[Word]
    #: More words were typed than are looked at (textsearch.MAX_WORDS).
    words_dropped: bool = False
    #: No organisation matched every word: the results match some of them.
    partial: bool = False

    @property
    def corrections(self) -> dict[str, list[str]]:
        """Mistyped word -> the words searched instead."""
        return {w.typed: w.corrected_to for w in self.words if w.corrected_to}


def _fts_available() -> bool:
    """Whether this database has the SQLite trigram index of fts.py."""
    if connection.vendor != "sqlite":
        return False
    if not hasattr(connection, "_clusterloom_fts"):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [FTS])
            connection._clusterloom_fts = cursor.fetchone() is not None
    return connection._clusterloom_fts


def _stem_filter(text: str) -> Q:
    """Organisations whose folded search text contains `text`, through the trigram index."""
    if len(text) >= 3 and _fts_available():
        # The table name is a constant and the text travels as a bound parameter.
        sql = f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s"  # noqa: S608
        return Q(pk__in=RawSQL(sql, ['"' + text.replace('"', '""') + '"']))  # noqa: S611
    return Q(search_text__contains=text)


def word_filter(word: Word) -> Q:
    """Organisations matching one word (any of its stems)."""
    q = Q()
    for text in word.stems:
        q |= _stem_filter(text)
    return q


def _corrections(typed: str) -> list[str]:
    """Known words (names and labels) at most typo_budget(typed) edits from a typed word,
    nearest first. Candidates share the first letter: the word list is read by its key."""
    budget = typo_budget(typed)
    if not budget:
        return []
    first = typed[0]
    candidates = SearchWord.objects.filter(
        word__gte=first, word__lt=chr(ord(first) + 1)
    ).values_list("word", flat=True)
    scored = []
    for candidate in candidates.iterator(chunk_size=2000):
        if abs(len(candidate) - len(typed)) > budget:
            continue
        distance = edit_distance(typed, candidate, budget)
        if distance <= budget:
            scored.append((distance, candidate))
    scored.sort()
    return [word for _distance, word in scored[:MAX_CORRECTIONS]]


def parse(query: str) -> TextQuery:
    """The words of a query with their stems."""
    typed, dropped = query_words(query)
    return TextQuery(
        words=[Word(typed=w, stems=[stem(w)], wholes=[w]) for w in typed], words_dropped=dropped
    )


def _score_sql(words: list[Word]) -> tuple[str, list[str]]:
    """SQL for a relevance score of a row, and its parameters: per stem, where it was found."""
    parts, params = [], []
    for word in words:
        for text, whole in zip(word.stems, word.wholes, strict=True):
            parts.append(
                "(CASE WHEN search_names LIKE %s THEN 8 WHEN search_names LIKE %s THEN 5 "
                "WHEN search_names LIKE %s THEN 3 ELSE 0 END"
                " + CASE WHEN search_labels LIKE %s THEN 4 WHEN search_labels LIKE %s THEN 3 "
                "WHEN search_labels LIKE %s THEN 1 ELSE 0 END"
                " + CASE WHEN search_body LIKE %s THEN 1 ELSE 0 END)"
            )
            whole_word, word_start, anywhere = f"% {whole} %", f"% {text}%", f"%{text}%"
            params += [whole_word, word_start, anywhere] * 2 + [word_start]
    return " + ".join(parts) or "0", params


def _coverage_sql(words: list[Word]) -> tuple[str, list[str]]:
    """SQL counting how many of the words a row matches (for partial results)."""
    parts, params = [], []
    for word in words:
        parts.append(
            "(CASE WHEN "
            + " OR ".join("search_text LIKE %s" for _ in word.stems)
            + " THEN 1 ELSE 0 END)"
        )
        params += [f"%{text}%" for text in word.stems]
    return " + ".join(parts), params


def correct_typos(text: TextQuery) -> bool:
    """Replace each word that matches nothing in the whole directory by its nearest known
    words (typos); returns whether any word was corrected."""
    corrected = False
    everywhere = Organisation.objects.all()
    for word in text.words:
        if word.corrected_to or everywhere.filter(word_filter(word)).exists():
            continue
        corrections = _corrections(word.typed)
        if corrections:
            word.corrected_to = corrections
            word.stems = [stem(c) for c in corrections]
            word.wholes = corrections
            corrected = True
    return corrected


def matching(qs: QuerySet[Organisation], text: TextQuery) -> QuerySet[Organisation]:
    """Organisations of `qs` that match every word (all of `qs` for no words)."""
    for word in text.words:
        qs = qs.filter(word_filter(word))
    return qs


def matching_some(qs: QuerySet[Organisation], text: TextQuery) -> QuerySet[Organisation]:
    """Organisations of `qs` that match at least one of the words."""
    any_word = Q()
    for word in text.words:
        any_word |= word_filter(word)
    return qs.filter(any_word)


def relevance(text: TextQuery) -> RawSQL:
    """The relevance of a row for the words (higher first); partial results rank rows that
    match more of the words first."""
    sql, params = _score_sql(text.words)
    if text.partial:
        coverage_sql, coverage_params = _coverage_sql(text.words)
        sql, params = f"100 * ({coverage_sql}) + {sql}", [*coverage_params, *params]
    return RawSQL(sql, params)  # noqa: S611 (SQL assembled from constants, values as parameters)


@dataclass
class FacetCounts:
    """How many results carry each value of each filter."""

    total: int
    kind: dict[str, int]
    country: dict[str, int]
    #: term id -> count, for the vocabularies that have a filter.
    terms: dict[int, int]


def facet_counts(matched: QuerySet[Organisation], vocabularies: list[str]) -> FacetCounts:
    """Counts per kind, country and term over the matched organisations (three queries)."""
    base = matched.order_by()
    kinds = dict(base.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    countries = dict(
        base.values_list("country_id").annotate(n=Count("pk")).values_list("country_id", "n")
    )
    through = Organisation.terms.through.objects.filter(
        organisation_id__in=base.values("pk"), term__vocabulary__in=vocabularies
    )
    terms = dict(
        through.values_list("term_id")
        .annotate(n=Count("organisation_id"))
        .values_list("term_id", "n")
    )
    return FacetCounts(total=sum(kinds.values()), kind=kinds, country=countries, terms=terms)
