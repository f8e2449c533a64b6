"""Tokenising, stemming and snippets for partner matching (pure: no Django)."""

from __future__ import annotations

import re
from collections.abc import Iterable

import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS

#: Words of two letters or more, digits allowed ("5G", "h2020", "sic"); accents kept.
_WORD = re.compile(r"[^\W_]{2,}", re.UNICODE)

#: Function words of the platform's other languages that people type into a need or a profile
#: ("Asociación de Empresas del Metal", "tessuti per l'automotive"): never a match on their own.
#: A curated list, not whole stopword catalogues, which hold English content words ("era",
#: "come", "son").
FOREIGN_FUNCTION_WORDS = frozenset(
    """
    de del la las el los en con por para al un una unos unas lo su sus
    di da dei della delle degli il gli per che con nel nella alla alle ed
    der die das den dem des und mit für fur von zu zum zur im ist sind ein eine einer
    le les du et pour avec aux sur une dans par est
    dos das em com na nas nos pelo pela ao aos uma
    pro od ze na ve se je jsou nebo pre sa alebo ako
    ve ile için bir bu ve da de
    """.split()
)

#: Legal forms in organisation names, as CORDIS spells them ("VALMET TECHNOLOGIES OY", "SPINNOVA
#: PLC", "... GMBH"), and the Greek "and" of transliterated legal names ("IDRYMA TECHNOLOGIAS KAI
#: EREVNAS"): they say how a company is registered, not what it does, and made partner
#: suggestions out of nothing else ("plc", "kai": 'good match' in the demo data).
LEGAL_FORMS = frozenset(
    """
    plc ltd llc inc corp gmbh mbh ag kg ohg ug sa sas sarl srl srls spa snc sl slu sll bv nv vzw
    oy oyj ab asa aps sro zrt kft nyrt doo dd ae ike epe oe ee kai lda sgps
    """.split()
)

#: English function words (bm25s's extended list), the other languages' function words, legal
#: forms, and words every project or profile says.
STOPWORDS = (
    frozenset(STOPWORDS_EN_PLUS)
    | FOREIGN_FUNCTION_WORDS
    | LEGAL_FORMS
    | frozenset("also will shall may can could would within using use used based new well".split())
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
