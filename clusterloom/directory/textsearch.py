"""Words of the directory search, as people type them in any of the platform's languages.

Pure functions (no Django): the index stores every text folded (lower case, accents and
punctuation removed, words between single spaces), and a typed word is folded the same way,
then cut to its *stem*, a prefix that the word's other forms share in most European languages
("textiles", "textile", "textil", "textilie", "textilní" all begin with "textil"; "tessile",
"tessili" with "tessil"). A stem matches anywhere in a word, so compounds are found too
("tessil" in "Tecnotessile", "textil" in "Textilindustrie").
"""

import re
import unicodedata

#: Words of a query that are looked at; the rest are ignored (and the user told).
MAX_WORDS = 8
#: Longer words are cut (no real word is longer; a pasted blob must not make a huge pattern).
MAX_WORD_LENGTH = 40

#: Letters NFKD does not split into a base letter and an accent.
_LETTERS = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ħ": "h", "æ": "ae", "œ": "oe"})
_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Lower case, accents removed, anything but letters and digits turned into single spaces,
    with one space before and after: " clutex klastr technicke textilie z s "."""
    text = unicodedata.normalize("NFKD", (text or "").casefold().translate(_LETTERS))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    words = _NON_WORD.sub(" ", text).split()
    return " " + " ".join(words) + " " if words else ""


def query_words(query: str) -> tuple[list[str], bool]:
    """The distinct folded words of a query, at most MAX_WORDS, each at most MAX_WORD_LENGTH
    characters; and whether words were left out. One-letter words are dropped when there are
    longer ones ("a", "e" in "textile e moda")."""
    found: list[str] = []
    for word in fold(query).split():
        word = word[:MAX_WORD_LENGTH]
        if word not in found:
            found.append(word)
    longer = [w for w in found if len(w) > 1]
    if longer:
        found = longer
    return found[:MAX_WORDS], len(found) > MAX_WORDS


def stem(word: str) -> str:
    """The prefix a word's forms share: up to 4 letters the word itself, then 1, 2 or 3
    letters fewer as words grow (textile -> textil, textiles -> textil, manufacturing ->
    manufactur). Numbers and codes are kept whole."""
    if len(word) <= 4 or not word.isalpha():
        return word
    cut = 1 if len(word) <= 7 else 2 if len(word) <= 9 else 3
    return word[: len(word) - cut]


def typo_budget(word: str) -> int:
    """How many edits a typed word may be away from a known one: none for short words (too
    many neighbours), one from 4 letters, two from 8."""
    if len(word) < 4 or not word.isalpha():
        return 0
    return 1 if len(word) < 8 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (insert, delete, substitute, swap two neighbours),
    or limit + 1 as soon as it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)
