"""Organisation names compared the way people write them (pure: no Django).

Profiles, member lists and CORDIS spell the same organisation differently: "CLUTEX - klastr
technicke textilie, z.s." and "Clutex – Klastr Technicke Textilie" are one cluster. A *name key*
drops accents, case, punctuation, kinds of dashes and trailing legal-form suffixes, so two
spellings compare equal.
"""

import re
import unicodedata

#: Legal-form suffixes dropped from the end of a name (after dots are removed: "s.r.o." -> "sro").
LEGAL_SUFFIXES = frozenset(
    """
    ab ag aisbl aps as asbl bv cv doo ev eg eig ek gbr ggmbh gie gmbh inc kft kg lda ltd
    limited llc nv nyrt ohg onlus oy oyj plc ry sa sarl sas scarl scrl se sl sll slu spa srl
    sro ug vzw zrt zs
    """.split()
)

#: Letters that Unicode decomposition does not reduce to ASCII.
_FOLD = str.maketrans(
    {"ß": "ss", "ı": "i", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "đ": "d"}
)
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_SEPARATOR = re.compile(r"\s[" + _DASHES + r"|:/]\s|\s*[()]\s*")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower case ASCII without accents ("Kraków" -> "krakow")."""
    text = unicodedata.normalize("NFKD", (text or "").translate(_FOLD))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def name_key(name: str) -> str:
    """The comparable form of a name: folded, punctuation-free, legal suffix dropped."""
    text = fold(name).replace(".", "").replace("&", " and ")
    words = _NON_WORD.sub(" ", text).split()
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    # "z s" (from "z. s." written with a space) and "s r o" are suffixes too.
    while len(words) > 2 and "".join(words[-2:]) in LEGAL_SUFFIXES:
        del words[-2:]
    while len(words) > 3 and "".join(words[-3:]) in LEGAL_SUFFIXES:
        del words[-3:]
    return " ".join(words)


def name_keys(name: str, short_name: str = "") -> set[str]:
    """All keys an organisation answers to: its full name, short name and the parts of a name
    written as "ACRONYM - Long name" (each part at least 4 characters, so "AB" matches nothing).
    """
    keys = {name_key(name)}
    if short_name:
        keys.add(name_key(short_name))
    parts = _SEPARATOR.split(name or "")
    if len(parts) > 1:
        keys.update(name_key(part) for part in parts)
    return {key for key in keys if len(key.replace(" ", "")) >= 4 or key == name_key(name)}
