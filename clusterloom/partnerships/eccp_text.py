"""Reading the text of an ECCP partnership profile page (pure: no Django).

The European Cluster Collaboration Platform shows a partnership as a page with a breadcrumb
("Home > Escp 4x Profiles > EXTRATEX"), a title, labelled sections and a "Partnership
composition" table. Copied as text, the table loses its columns: each partner becomes a block of
lines (name and sectors; technology fields; value-chain terms with their category glued on;
emerging industries), ending with "Country Region Members SMEs" on one line. Lines of a block may
be missing, so each line is classified by what it contains, not by where it is.

`parse_profile()` returns a `ParsedProfile` or raises `ProfileParseError` naming what is missing
and where; it never returns half a profile.
"""

import datetime
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

Classifier = Callable[[str], str | None]

#: Words profiles use for small numbers ("two learning events").
NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
}
MONTHS = {
    name: number
    for number, name in enumerate(
        "january february march april may june july august september october november "
        "december".split(),
        start=1,
    )
}
_NUM = r"(\d{1,6}|" + "|".join(NUMBER_WORDS) + r")"
#: A number that may also be "a"/"an" (for singular phrases: "a benchmarking exercise").
_NUM1 = r"(\d{1,6}|a|an|" + "|".join(NUMBER_WORDS) + r")"
_BULLET = re.compile(r"^[•·\-\*–]\s*")
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


@dataclass
class ParsedTarget:
    """A numeric target read from the text, with the sentence it was read from."""

    code: str
    value: int
    source_text: str


@dataclass
class ParsedProfile:
    """Everything the profile page states about a partnership."""

    acronym: str
    title: str
    programme: str
    start_date: datetime.date | None = None
    duration_months: int | None = None
    stated_partner_count: int | None = None
    planned_exchanges: int | None = None
    origin: str = ""
    objectives: str = ""
    target_groups: str = ""
    other_partner_members: str = ""
    key_partners_networks: str = ""
    actions: list[str] = field(default_factory=list)
    results: list[str] = field(default_factory=list)
    terms: list[ParsedTerm] = field(default_factory=list)
    partners: list[ParsedPartner] = field(default_factory=list)
    #: Index in `partners` of the coordinator; `coordinator_inferred` when the page does not say.
    coordinator_index: int | None = None
    coordinator_inferred: bool = False
    targets: list[ParsedTarget] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


#: Section labels of the page, in the order the ECCP shows them.
LABELS = {
    "start": "Start of Partnership",
    "duration": "Partnership duration",
    "partner_count": "Number of partners",
    "planned_exchanges": "Number of planned Exchanges",
    "origin": "Partnership's Origin",
    "objectives": "Partnership Objectives",
    "emerging": "Emerging industries",
    "sectoral": "Sectoral Industries",
    "results": "Results expected",
    "other_members": "Other partner members of the consortium",
    "key_partners": "Other key partners or networks your partnership is linked with in Europe "
    "and in third countries",
    "composition": "Partnership composition",
}
_LABEL_RES = {
    key: re.compile(r"^" + re.escape(text).replace("'", "['’]") + r"\s*(?::\s*(.*))?$", re.I)
    for key, text in LABELS.items()
}
_IGNORED = re.compile(r"^(printer-friendly version)+$", re.I)


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: how names are compared."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.replace("ı", "i").casefold().split())


def default_classifier() -> Classifier:
    """A classifier from the reference vocabularies (used when the caller gives none)."""
    from clusterloom.taxonomy import reference as ref

    index: dict[str, str] = {}
    for vocabulary, names in (
        ("ket", ref.KEY_ENABLING_TECHNOLOGIES),
        ("emerging", ref.EMERGING_INDUSTRIES),
        ("sectoral", ref.SECTORAL_INDUSTRIES + ref.ECCP_SECTORAL_NAMES),
    ):
        for name in names:
            index[fold(name)] = vocabulary
    return lambda name: index.get(fold(name))


def default_country_names() -> dict[str, str]:
    """Folded country names (pycountry plus the usual English aliases) -> ISO alpha-2."""
    import pycountry

    from clusterloom.geo.reference import COUNTRY_ALIASES

    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                names[fold(value)] = country.alpha_2
    names.update({fold(alias): code for alias, code in COUNTRY_ALIASES.items()})
    return names


def default_categories() -> list[str]:
    """Value-chain categories the ECCP glues to terms."""
    from clusterloom.taxonomy.reference import ECCP_VALUE_CHAIN_CATEGORIES

    return list(ECCP_VALUE_CHAIN_CATEGORIES)


# --- small readers -------------------------------------------------------------------------


def number_value(text: str) -> int:
    """12 for "12", 2 for "two", 1 for "a"."""
    text = text.lower()
    if text.isdigit():
        return int(text)
    return 1 if text in ("a", "an") else NUMBER_WORDS[text]


def read_date(text: str) -> datetime.date | None:
    """A date written as "Monday, 3 February, 2020", "3 February 2020" or "2020-02-03"."""
    try:
        if m := re.search(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", text):
            return datetime.date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.search(r"\b(\d{1,2})\.?\s+([A-Za-z]+),?\s+(\d{4})\b", text):
            month = MONTHS.get(m[2].lower())
            return datetime.date(int(m[3]), month, int(m[1])) if month else None
        if m := re.search(r"\b([A-Za-z]+)\s+(\d{1,2}),?\s+(\d{4})\b", text):
            month = MONTHS.get(m[1].lower())
            return datetime.date(int(m[3]), month, int(m[2])) if month else None
        if m := re.search(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b", text):
            return datetime.date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        return None
    return None


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


# --- the parser ----------------------------------------------------------------------------


@dataclass
class _Line:
    number: int
    text: str


def _lines(text: str) -> list[_Line]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    return [_Line(n, " ".join(raw.split())) for n, raw in enumerate(text.split("\n"), start=1)]


def _label_of(line: str) -> tuple[str, str] | None:
    for key, pattern in _LABEL_RES.items():
        if m := pattern.match(line):
            return key, (m[1] or "").strip()
    return None


def _paragraphs(lines: list[_Line]) -> list[list[_Line]]:
    """Lines grouped into paragraphs; every bullet is a paragraph of its own."""
    groups: list[list[_Line]] = []
    current: list[_Line] = []
    for line in lines:
        if not line.text or _BULLET.match(line.text):
            if current:
                groups.append(current)
            current = []
            if line.text:
                groups.append([line])
            continue
        current.append(line)
    if current:
        groups.append(current)
    return groups


def _bullet_text(text: str) -> str:
    text = _BULLET.sub("", text).strip()
    text = re.sub(r"[;,]?\s*(?:and|or)$", "", text).strip()
    return text.rstrip(";,").strip()


def _strip_lead_in(paragraph: str) -> str:
    """Drop the sentence that introduces a list ("... through the following actions:")."""
    if not paragraph.endswith(":"):
        return paragraph
    sentences = re.split(r"(?<=[.!?])\s+", paragraph)
    return " ".join(sentences[:-1]).strip()


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?;])\s+", text) if s.strip()]


class _Composition:
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

    def read(self, lines: list[_Line], table_line: int) -> list[ParsedPartner]:
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


_TARGET_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("exchanges", re.compile(rf"\b{_NUM}\s+(?:clusterxchange\s+)?(?:visits|exchanges)\b", re.I)),
    ("labels_bronze", re.compile(rf"\b{_NUM1}\s+bronze\b(?=.*\blabel)", re.I)),
    ("labels_silver", re.compile(rf"\b{_NUM1}\s+silver\b(?=.*\blabel)", re.I)),
    ("labels_gold", re.compile(rf"\b{_NUM1}\s+gold\b(?=.*\blabel)", re.I)),
    (
        "benchmarkings",
        re.compile(rf"\b{_NUM1}\s+benchmarking(?:s|\s+exercises?|\s+interviews?)?\b", re.I),
    ),
    (
        "cluster_strategies",
        re.compile(rf"\b{_NUM}\s+(?:individual\s+)?clusters?['’]?\s+strategies\b", re.I),
    ),
    (
        "joint_strategies",
        re.compile(
            rf"\b{_NUM1}\s+(?:(?:joint|common|shared)\s+strategy"
            r"|(?:comprehensive\s+)?strategy\s+for\s+the\s+(?:cluster\s+)?partnership)\b",
            re.I,
        ),
    ),
    ("learning_events", re.compile(rf"\b{_NUM}\s+(?:[\w-]+\s+)?learning\s+events?\b", re.I)),
    ("study_visits", re.compile(rf"\b{_NUM}\s+study[\s-]visits?\b", re.I)),
    (
        "matchmaking_events",
        re.compile(rf"\b{_NUM}\s+(?:[\w()-]+\s+){{0,2}}matchmaking\s+events?\b", re.I),
    ),
    ("trainings", re.compile(rf"\b{_NUM}\s+(?:[\w-]+\s+)?trainings?\b", re.I)),
]
_SME_SHARE = re.compile(
    rf"\b(?:of which|including|incl\.)\s+{_NUM}\s+(?:are\s+)?(?:by\s+)?SMEs\b", re.I
)
_NON_MEMBER_SHARE = re.compile(
    rf"\b{_NUM}\s+(?:are\s+)?(?:by\s+)?non[\s-](?:[\w-]+\s+)?members\b", re.I
)


def find_targets(sources: Iterable[str]) -> list[ParsedTarget]:
    """Numeric targets stated in the given sentences; the first statement of each wins."""
    found: dict[str, ParsedTarget] = {}
    for source in sources:
        for code, pattern in _TARGET_PATTERNS:
            if code in found:
                continue
            if m := pattern.search(source):
                found[code] = ParsedTarget(code, number_value(m[1]), source)
                if code == "exchanges":
                    if share := _SME_SHARE.search(source, m.end()):
                        found.setdefault(
                            "exchanges_sme",
                            ParsedTarget("exchanges_sme", number_value(share[1]), source),
                        )
                    if share := _NON_MEMBER_SHARE.search(source, m.end()):
                        found.setdefault(
                            "exchanges_non_member",
                            ParsedTarget("exchanges_non_member", number_value(share[1]), source),
                        )
    return list(found.values())


def _programme(crumbs: str) -> str:
    text = fold(crumbs).replace("-", " ")
    for pattern, code in (
        (r"\bescp\s*4\s*x\b", "ESCP-4x"),
        (r"\bescp\s*4\s*i\b", "ESCP-4i"),
        (r"\bescp\s*s\s*3\b", "ESCP-S3"),
        (r"\beuroclusters?\b", "Euroclusters"),
    ):
        if re.search(pattern, text):
            return code
    return "other"


_STATED_COUNT = re.compile(
    rf"\b(?:composed of|consists of|consisting of|made up of|brings together|gathers)\s+{_NUM}"
    r"\s+(?:[\w-]+\s+){0,2}?(?:clusters|cluster organisations|partners|organisations)\b",
    re.I,
)


def _small_int(text: str, limit: int) -> int | None:
    m = re.search(r"\b(\d{1,6})\b", text or "")
    return int(m[1]) if m and int(m[1]) <= limit else None


def parse_profile(
    text: str,
    *,
    classify: Classifier | None = None,
    country_names: dict[str, str] | None = None,
    categories: list[str] | None = None,
) -> ParsedProfile:
    """Read an ECCP partnership profile page; raise ProfileParseError when it is not one."""
    if not isinstance(text, str):
        raise ProfileParseError("the profile must be text")
    classify = classify or default_classifier()
    countries = country_names if country_names is not None else default_country_names()
    composition = _Composition(classify, countries, categories or default_categories())
    lines = _lines(text)
    content = [line for line in lines if line.text]
    if not content:
        raise ProfileParseError("the text is empty")

    crumb = next((line for line in content if re.match(r"^home\s*>", line.text, re.I)), None)
    if crumb is None:
        raise ProfileParseError(
            "no breadcrumb 'Home > … > ACRONYM' found, so the partnership's acronym is unknown"
        )
    parts = [part.strip() for part in crumb.text.split(">")]
    acronym = parts[-1]
    if not acronym or len(acronym) > 40:
        raise ProfileParseError(
            "no partnership acronym at the end of the breadcrumb", line=crumb.number
        )
    after = [line for line in content if line.number > crumb.number]
    if not after or _label_of(after[0].text) or _IGNORED.match(after[0].text):
        raise ProfileParseError(
            "no partnership title found (expected on the line after the breadcrumb)",
            line=crumb.number + 1,
        )
    title_line = after[0]
    profile = ParsedProfile(
        acronym=acronym, title=title_line.text[:400], programme=_programme(" ".join(parts[1:-1]))
    )
    if profile.programme == "other":
        profile.warnings.append(f"line {crumb.number}: programme not recognised in the breadcrumb")

    sections: dict[str, tuple[int, list[_Line]]] = {}
    current: str | None = None
    for line in lines:
        if line.number <= title_line.number or _IGNORED.match(line.text):
            continue
        label = _label_of(line.text) if line.text else None
        if label:
            current = label[0]
            inline = [_Line(line.number, label[1])] if label[1] else []
            sections.setdefault(current, (line.number, []))[1].extend(inline)
            if current == "composition":
                sections["composition"][1].extend(
                    rest for rest in lines if rest.number > line.number
                )
                break
            continue
        if current is None:
            if line.text:
                profile.warnings.append(f"line {line.number}: text before any section ignored")
            continue
        sections[current][1].append(line)

    if "composition" not in sections:
        raise ProfileParseError("no 'Partnership composition' table found")
    table_line, table = sections.pop("composition")
    profile.partners = composition.read(table, table_line)

    def text_of(key: str) -> str:
        body = sections.get(key, (0, []))[1]
        return "\n\n".join(
            " ".join(line.text for line in group) for group in _paragraphs(body)
        ).strip()

    if start := text_of("start"):
        profile.start_date = read_date(start)
        if profile.start_date is None:
            profile.warnings.append(f"could not read the start date '{start[:60]}'")
    profile.duration_months = _small_int(text_of("duration"), 600)
    profile.stated_partner_count = _small_int(text_of("partner_count"), 1000)
    profile.planned_exchanges = _small_int(text_of("planned_exchanges"), 100000)
    profile.origin = text_of("origin")
    profile.other_partner_members = text_of("other_members")
    profile.key_partners_networks = text_of("key_partners")

    objectives, target_groups = [], []
    for group in _paragraphs(sections.get("objectives", (0, []))[1]):
        joined = " ".join(line.text for line in group)
        if _BULLET.match(joined):
            profile.actions.append(_bullet_text(joined))
        elif "target group" in joined.lower():
            target_groups.append(_strip_lead_in(joined))
        else:
            objectives.append(_strip_lead_in(joined))
    profile.objectives = "\n\n".join(p for p in objectives if p)
    profile.target_groups = "\n\n".join(p for p in target_groups if p)
    for group in _paragraphs(sections.get("results", (0, []))[1]):
        profile.results.append(_bullet_text(" ".join(line.text for line in group)))
    for key, vocabulary in (("sectoral", "sectoral"), ("emerging", "emerging")):
        for line in sections.get(key, (0, []))[1]:
            for item in split_terms(line.text):
                term = ParsedTerm(vocabulary, item)
                if term not in profile.terms:
                    profile.terms.append(term)

    if profile.stated_partner_count is None:
        if m := _STATED_COUNT.search(profile.objectives):
            value = number_value(m[1])
            profile.stated_partner_count = value if value <= 1000 else None
    listed = len(profile.partners)
    if profile.stated_partner_count is not None and profile.stated_partner_count != listed:
        profile.warnings.append(
            f"the profile states {profile.stated_partner_count} partners but lists {listed}"
        )
    # The ECCP lists the coordinator first; the page does not say so, hence "inferred".
    profile.coordinator_index = 0
    profile.coordinator_inferred = True

    sources = [*profile.actions]
    for paragraph in (profile.objectives, profile.target_groups):
        sources.extend(_sentences(paragraph))
    sources.extend(profile.results)
    profile.targets = find_targets(sources)
    exchanges = next((t for t in profile.targets if t.code == "exchanges"), None)
    if profile.planned_exchanges is None and exchanges is not None:
        profile.planned_exchanges = exchanges.value
    profile.warnings.extend(composition.warnings)
    return profile
