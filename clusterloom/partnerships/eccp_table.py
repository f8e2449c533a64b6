"""The "Partnership composition" table of an ECCP profile page, read from its text (pure).

Copied as text, the table loses its columns: each partner becomes a block of lines (name and
sectoral industries; technology fields; value-chain terms with the category glued on, e.g.
"KETSAdvanced materials"; emerging industries) ending with "Country Region Members SMEs".
Lines may be missing, so each line is classified by its content, not by its position.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

Classifier = Callable[[str], str | None]
_LINE_MAX_WORDS = 12


class ProfileParseError(ValueError):
    """The text is not (or not all of) an ECCP partnership profile."""

    def __init__(self, message: str, *, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True)
class ParsedTerm:
    """A taxonomy term as read: vocabulary code, name and (for value chains) category."""

    vocabulary: str
    name: str
    category: str = ""


@dataclass
class ParsedPartner:
    """One row of the composition table."""

    listed_name: str
    short_name: str
    country: str
    country_code: str
    region: str
    member_count: int | None
    sme_count: int | None
    terms: list[ParsedTerm] = field(default_factory=list)
    line: int = 0


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: how names are compared."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.replace("ı", "i").casefold().split())


def split_terms(line: str) -> list[str]:
    """Comma-separated terms, keeping commas inside brackets and before a lower-case word
    ("Moulding, injection moulding, sintering" is one ECCP technology field)."""
    items: list[str] = []
    current = ""
    depth = 0
    for index, char in enumerate(line):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        if char == "," and depth == 0:
            rest = line[index + 1 :].lstrip()
            if rest and not rest[0].islower():
                items.append(current.strip())
                current = ""
                continue
        current += char
    items.append(current.strip())
    return [item for item in items if item]


def split_glued(item: str, categories: Iterable[str]) -> tuple[str, str] | None:
    """("KETS", "Advanced materials") for "KETSAdvanced materials"; None when not glued."""
    for category in sorted(categories, key=len, reverse=True):
        if item.startswith(category) and len(item) > len(category):
            rest = item[len(category) :]
            if rest[0].isupper() or rest[0].isdigit():
                return category, rest.strip()
    return None


_GENERIC_GLUE = re.compile(r"^([A-Z][A-Za-z&,' -]{2,}?[a-z])([A-Z][a-z].*)$")


def _split_generic_glue(item: str) -> tuple[str, str] | None:
    """A category not on the known list, glued the same way ("AgrifoodCrop production")."""
    m = _GENERIC_GLUE.match(item)
    return (m[1].strip(), m[2].strip()) if m else None


@dataclass
class Line:
    number: int
    text: str


class CompositionReader:
    """Reads the rows of the "Partnership composition" table."""

    def __init__(self, classify: Classifier, countries: dict[str, str], categories: list[str]):
        self.classify = classify
        self.countries = countries
        self.categories = categories
        self.warnings: list[str] = []

    def country_row(self, text: str):
        """(country, code, region, members, smes) when the line is a row's last line."""
        words = text.split(" ")
        for k in range(min(5, len(words)), 0, -1):
            code = self.countries.get(fold(" ".join(words[:k])))
            if not code:
                continue
            rest = words[k:]
            numbers: list[str] = []
            while rest and re.fullmatch(r"\d{1,7}", rest[-1]) and len(numbers) < 2:
                numbers.insert(0, rest.pop())
            region = " ".join(rest)
            if len(numbers) < 2 and ("," in region or len(rest) > _LINE_MAX_WORDS):
                return None
            return " ".join(words[:k]), code, region, numbers
        return None

    def split_name(self, text: str) -> tuple[str, list[str]]:
        """The partner's name and the sectoral industries that follow it on the same line."""
        words = text.split(" ")
        for i in range(1, len(words)):
            items = split_terms(" ".join(words[i:]))
            if items and all(self.classify(item) == "sectoral" for item in items):
                return " ".join(words[:i]).rstrip(",").strip(), items
        return text, []

    def term_line(self, text: str, has_sectors: bool, line: int) -> list[ParsedTerm]:
        """The terms of one line, classified by what the line holds."""
        items = split_terms(text)
        glued = [split_glued(item, self.categories) for item in items]
        if not any(glued):
            generic = [_split_generic_glue(item) for item in items]
            if all(generic):
                glued = generic
                self.warnings.append(
                    f"line {line}: value-chain categories not on the known list: "
                    + ", ".join(sorted({g[0] for g in generic if g}))
                )
        if any(glued):
            terms = []
            for item, parts in zip(items, glued, strict=True):
                if parts is None:
                    terms.append(ParsedTerm("value_chain", item))
                elif parts[0].upper() == "KETS":
                    terms.append(ParsedTerm("ket", parts[1]))
                else:
                    terms.append(ParsedTerm("value_chain", parts[1], parts[0]))
            return terms
        kinds = [self.classify(item) for item in items]
        if kinds.count("emerging") * 2 > len(items):
            vocabulary = "emerging"
        elif all(k == "ket" for k in kinds):
            vocabulary = "ket"
        elif all(k == "sectoral" for k in kinds) and not has_sectors:
            vocabulary = "sectoral"
        else:
            vocabulary = "technology"
        return [ParsedTerm(vocabulary, item) for item in items]

    def read(self, lines: list[Line], table_line: int) -> list[ParsedPartner]:
        """Every partner of the table; a row without its country line is an error."""
        body = [line for line in lines if line.text]
        if body and body[0].text.lower().startswith("name ") and "country" in body[0].text.lower():
            body = body[1:]
        partners: list[ParsedPartner] = []
        current: dict | None = None
        for line in body:
            if current is None:
                name, sectors = self.split_name(line.text)
                current = {
                    "name": name,
                    "line": line.number,
                    "terms": [ParsedTerm("sectoral", s) for s in sectors],
                }
                continue
            row = self.country_row(line.text)
            if row is None:
                has_sectors = any(t.vocabulary == "sectoral" for t in current["terms"])
                current["terms"].extend(self.term_line(line.text, has_sectors, line.number))
                continue
            partners.append(self._partner(current, row, line.number))
            current = None
        if current is not None:
            raise ProfileParseError(
                f"the row of partner '{current['name']}' has no 'Country Region Members SMEs' "
                "line: the text seems to be cut off",
                line=current["line"],
            )
        if not partners:
            raise ProfileParseError(
                "the 'Partnership composition' table lists no partners", line=table_line
            )
        return partners

    def _partner(self, current: dict, row, line: int) -> ParsedPartner:
        country, code, region, numbers = row
        if len(numbers) == 1:
            raise ProfileParseError(
                "expected 'Country Region Members SMEs' but found one number: "
                "the text seems to be cut off",
                line=line,
            )
        members, smes = (int(numbers[0]), int(numbers[1])) if numbers else (None, None)
        name = current["name"]
        if not numbers:
            self.warnings.append(f"line {line}: no member and SME counts for '{name}'")
        if not region:
            self.warnings.append(f"line {line}: no region for '{name}'")
        if members is not None and smes is not None and smes > members:
            self.warnings.append(f"line {line}: '{name}' states more SMEs than members")
        terms: list[ParsedTerm] = []
        for term in current["terms"]:
            if term not in terms:
                terms.append(term)
        short = ""
        if m := re.match(r"^([A-Z0-9][A-Z0-9&\-]{1,20})\s+[-–]\s+\S", name):
            short = m[1]
        return ParsedPartner(
            listed_name=name,
            short_name=short,
            country=country,
            country_code=code,
            region=region,
            member_count=members,
            sme_count=smes,
            terms=terms,
            line=current["line"],
        )
