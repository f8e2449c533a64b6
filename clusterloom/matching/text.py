"""Tokenising, stemming and snippets for partner matching (pure: no Django)."""

from __future__ import annotations

import re
from collections.abc import Iterable

import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS

#: Words of two letters or more, digits allowed ("5G", "h2020", "sic"); accents kept.
_WORD = re.compile(r"[^\W_]{2,}", re.UNICODE)

#: English function words (bm25s's extended list) plus words every project or profile says.
STOPWORDS = frozenset(STOPWORDS_EN_PLUS) | frozenset(
    "also will shall may can could would within using use used based new well".split()
)

_stemmer = Stemmer.Stemmer("english")
_stemmer.maxCacheSize = 200_000


def stems(text: str) -> list[str]:
    """The stemmed content words of `text`, in order (stopwords and one-letter words dropped)."""
    words = [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS]
    return _stemmer.stemWords(words)


def stem_to_words(text: str) -> dict[str, str]:
    """Each stem of `text` mapped to the first word that produced it (to show words, not stems)."""
    words = [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS]
    out: dict[str, str] = {}
    for word, stem in zip(words, _stemmer.stemWords(words), strict=True):
        out.setdefault(stem, word)
    return out


def snippet(text: str, wanted: Iterable[str], *, width: int = 24) -> str:
    """The part of `text` (about `width` words) holding the most words whose stem is in `wanted`.

    Falls back to the start of the text when no word matches.
    """
    wanted = set(wanted)
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    if not spans:
        return text.strip()[:200]
    words = [text[a:b].lower() for a, b in spans]
    hits = [0] * len(words)
    content = [(i, w) for i, w in enumerate(words) if w not in STOPWORDS]
    for (i, _w), stem in zip(content, _stemmer.stemWords([w for _i, w in content]), strict=True):
        hits[i] = 1 if stem in wanted else 0
    best_start, best, window = 0, -1, 0
    for i in range(len(words)):
        window += hits[i]
        if i >= width:
            window -= hits[i - width]
        if window > best:
            best, best_start = window, max(0, i - width + 1)
    if best <= 0:
        best_start = 0
    end_index = min(len(spans), best_start + width) - 1
    start_char, end_char = spans[best_start][0], spans[end_index][1]
    out = " ".join(text[start_char:end_char].split())
    if start_char > 0:
        out = "… " + out
    if end_char < len(text.rstrip()):
        out += " …"
    return out
