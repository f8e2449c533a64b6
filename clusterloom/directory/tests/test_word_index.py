"""The snapshot's word index answers exactly what scanning every organisation's texts answered."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterloom.directory import search, snapshot
from clusterloom.directory.textsearch import fold, query_words, stem
from clusterloom.directory.word_index import WordIndex


def scanned(texts: dict[int, tuple[str, str, str]], text: str) -> set[int]:
    """The look-up the index replaces (search._stem_ids before it), written out again."""
    return {
        pk
        for pk, (names, labels, body) in texts.items()
        if text in names or text in labels or text in body
    }


#: Few letters, so that words share pieces often; Latin, Greek and Cyrillic, and digits.
LETTERS = "aeilnrstxàéαβγжик19"
words = st.text(LETTERS, min_size=1, max_size=9)
#: A text as the search columns hold them (words between single spaces, padded), or as they
#: might be (other spaces, none around it, empty).
texts = st.one_of(
    st.lists(words, max_size=8).map(lambda ws: " " + " ".join(ws) + " " if ws else ""),
    st.text(LETTERS + " \t\n", max_size=30),
)
organisations = st.dictionaries(st.integers(1, 10_000), st.tuples(texts, texts, texts), max_size=25)


@settings(max_examples=300, deadline=None)
@given(organisations, st.lists(st.one_of(words, st.text(LETTERS + " ", max_size=4)), max_size=8))
def test_the_index_finds_what_a_scan_of_every_text_finds(texts_of, asked):
    """Generated texts and words (pieces of the texts' words too): the index, uniting postings
    whatever they cost, and with the budget that falls back to scanning, equal the scan."""
    pieces = [
        word[start:end]
        for triple in texts_of.values()
        for text in triple
        for word in text.split()[:2]
        for start, end in ((0, 3), (1, len(word)), (1, 2))
    ]
    every_time = WordIndex(texts_of, scan_factor=10**9)
    never = WordIndex(texts_of, scan_factor=0)
    usual = WordIndex(texts_of)
    for text in [*asked, *pieces, "", " "]:
        expected = scanned(texts_of, text)
        assert every_time.containing(text) == expected, text
        assert never.containing(text) == expected, text
        assert usual.containing(text) == expected, text


def test_the_vocabulary_is_each_distinct_word_once_sorted_with_its_organisations():
    index = WordIndex({1: (" tex ", " textile tex ", ""), 2: ("", "", " tessile textile ")})
    assert index.words == ["tessile", "tex", "textile"]
    assert [sorted(ids) for ids in index.postings] == [[2], [1], [1, 2]]
    assert index.containing("ile") == {1, 2}
    assert index.containing("ex") == {1, 2}
    assert index.containing("tess") == {2}
    # Holding a space, a text spans words: the texts are scanned.
    assert index.containing("e t") == {1, 2}
    assert index.containing("x t") == set()


#: Typed words in the platform's languages, typos and bits of words (the seeded data's).
TYPED = [
    "textile",
    "tessile",
    "textilie",
    "Textilien",
    "têxteis",
    "tekstil",
    "textilné materiály",
    "Τεχνολογία",
    "текстил",
    "automotive",
    "liberec",
    "prato",
    "cz",
    "xe",
    "e",
    "1",
    "ß",
]


def test_searches_on_the_seeded_directory_look_up_what_the_scan_found(seeded):
    """On either database: each typed word's stem, through the snapshot's index, finds the
    organisations the former scan of the snapshot's texts found."""
    current = snapshot.current()
    texts_of = {
        pk: (current.names[pk], current.labels[pk], current.body[pk]) for pk in current.by_name
    }
    checked = 0
    for typed in TYPED:
        for word in query_words(typed)[0]:
            wanted = stem(word)
            expected = scanned(texts_of, wanted)
            assert current.word_index().containing(wanted) == expected, typed
            checked += bool(expected)
    assert checked >= 10
    assert current.word_index() is current.word_index()  # built once per snapshot


def test_postgresql_looks_words_up_in_the_index(seeded, django_assert_max_num_queries):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite looks words of 3 letters or more up in its FTS5 index")
    current = snapshot.current()
    with django_assert_max_num_queries(0):
        found = search._stem_ids(stem(fold("textile").strip()), current)
    assert found and current._word_index is not None


@pytest.fixture
def seeded(db):
    from clusterloom.partnerships.demo import seed_partnerships_import

    seed_partnerships_import()
