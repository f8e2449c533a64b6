"""The directory search: words in any of the platform's languages, best match first, with the
number of results per filter value.

Each typed word is folded and cut to its stem (textsearch.py) and matched as a substring of the
folded search columns (search_index.py): on SQLite through its FTS5 trigram index, on
PostgreSQL through the word index of the snapshot each process holds (word_index.py). An
organisation must match every word; a word that matches nothing anywhere is taken for a typo
and replaced by the known words one or two edits away; when no organisation matches every word,
those that match most of them are shown, and the user is told. Results are ordered by where the
words were found (name, then labels, then description; whole words and word starts before other
substrings), then by name.
"""

from collections import Counter
from dataclasses import dataclass, field
from itertools import chain, repeat

from django.db import connection

from .fts import FTS
from .models import SearchWord
from .snapshot import Snapshot
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


def _stem_ids(text: str, snapshot: Snapshot) -> set[int]:
    """Organisations whose folded search text contains `text`: through SQLite's FTS5 trigram
    index (3 characters or more), else through the snapshot's word index (word_index.py: the
    words of the vocabulary that contain `text`, and their organisations).
    PostgreSQL uses the word index too: `LIKE '%stem%'` over a stored `search_text` column
    (dropped since) took 18-28 ms at 10,000 organisations (a sequential scan: a common stem
    matches a sixth of them, so the planner skips the trigram index, and with it the look-up
    took 24 ms), scanning the snapshot's texts in Python 6.2-8 ms, the word index about 0.13 ms
    (docs/PERFORMANCE.md)."""
    if len(text) >= 3 and _fts_available():
        with connection.cursor() as cursor:
            # The table name is a constant and the text travels as a bound parameter.
            cursor.execute(
                f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s",  # noqa: S608
                ['"' + text.replace('"', '""') + '"'],
            )
            return {row[0] for row in cursor.fetchall()}
    return snapshot.word_index().containing(text)


def word_ids(word: Word, snapshot: Snapshot) -> set[int]:
    """Organisations matching one word (any of its stems)."""
    found: set[int] = set()
    for text in word.stems:
        found |= _stem_ids(text, snapshot)
    return found


def correct_typos(text: TextQuery, snapshot: Snapshot) -> bool:
    """Replace each word that matches nothing in the whole directory by its nearest known
    words (typos); returns whether any word was corrected."""
    corrected = False
    for word in text.words:
        if word.corrected_to or word_ids(word, snapshot):
            continue
        corrections = _corrections(word.typed)
        if corrections:
            word.corrected_to = corrections
            word.stems = [stem(c) for c in corrections]
            word.wholes = corrections
            corrected = True
    return corrected


def matching(text: TextQuery, snapshot: Snapshot, within: set[int] | None) -> set[int]:
    """Organisations (of `within`, all when None) that match every word."""
    found = within
    for word in text.words:
        ids = word_ids(word, snapshot)
        found = ids if found is None else found & ids
    return set(snapshot.by_name) if found is None else found


def matching_some(text: TextQuery, snapshot: Snapshot, within: set[int] | None) -> set[int]:
    """Organisations (of `within`) that match at least one of the words."""
    found: set[int] = set()
    for word in text.words:
        found |= word_ids(word, snapshot)
    return found if within is None else found & within


def ranked(ids: set[int], text: TextQuery, snapshot: Snapshot) -> list[int]:
    """The ids best first: per word, where it was found (name 8/5/3 for a whole word, a word
    start, elsewhere in a word; labels 4/3/1; description 1 for a word start); partial
    results by how many words they match first; then by name. By name without words."""
    position = snapshot.position
    if not text.words:
        return sorted(ids, key=position.__getitem__)
    # Per stem: the word it belongs to, the stem, " stem" (a word start), " whole " (the whole
    # word); the texts are folded and padded with spaces, so these are plain substring tests.
    needles = [
        (i, stem_text, f" {stem_text}", f" {whole} ")
        for i, word in enumerate(text.words)
        for stem_text, whole in zip(word.stems, word.wholes, strict=True)
    ]
    names, labels, body = snapshot.names, snapshot.labels, snapshot.body
    partial = text.partial

    # " stem" and " whole " contain the stem: where the stem is absent, so are they (most
    # results hold a word in their description only, so most tests stop at the first).
    def key(pk: int) -> tuple[int, int]:
        in_names, in_labels, in_body = names[pk], labels[pk], body[pk]
        score, words = 0, set()
        for i, stem_text, start, whole in needles:
            found = 0
            if stem_text in in_names:
                found = 8 if whole in in_names else 5 if start in in_names else 3
            if stem_text in in_labels:
                found += 4 if whole in in_labels else 3 if start in in_labels else 1
            if start in in_body:
                found += 1
            if partial and (found or stem_text in in_body):
                words.add(i)
            score += found
        return (-(100 * len(words) if partial else 0) - score, position[pk])

    return sorted(ids, key=key)


@dataclass
class FacetCounts:
    """How many results carry each value of each filter."""

    total: int
    kind: Counter
    country: Counter
    #: term id -> count, for the vocabularies that have a filter.
    terms: Counter


def facet_counts(ids: set[int], snapshot: Snapshot, vocabularies: list[str]) -> FacetCounts:
    """Counts per kind, country and term (of those vocabularies) over the ids."""
    wanted = {
        pk for pk, vocabulary in snapshot.term_vocabulary.items() if vocabulary in vocabularies
    }
    # Counted in C (Counter over map) rather than one Python step per organisation and term.
    kinds = Counter(map(snapshot.kind.__getitem__, ids))
    countries = Counter(map(snapshot.country.__getitem__, ids))
    every_term = Counter(chain.from_iterable(map(snapshot.terms.get, ids, repeat(()))))
    terms = Counter({term: n for term, n in every_term.items() if term in wanted})
    return FacetCounts(total=len(ids), kind=kinds, country=countries, terms=terms)
