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
from dataclasses import dataclass, field

from .eccp_table import (
    Classifier,
    CompositionReader,
    Line,
    ParsedPartner,
    ParsedTerm,
    ProfileParseError,
    fold,
    split_glued,
    split_terms,
)
from .eccp_targets import (
    NUM,
    Commitment,
    ParsedTarget,
    find_commitments,
    find_targets,
    number_value,
)

__all__ = [
    "Classifier",
    "Commitment",
    "ParsedPartner",
    "ParsedProfile",
    "ParsedTarget",
    "ParsedTerm",
    "ProfileParseError",
    "find_commitments",
    "find_targets",
    "parse_profile",
    "split_glued",
    "split_terms",
    "target_sources",
]

MONTHS = {
    name: number
    for number, name in enumerate(
        "january february march april may june july august september october november "
        "december".split(),
        start=1,
    )
}
_BULLET = re.compile(r"^[•·\-\*–]\s*")


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
    #: Sentences that look like commitments but match no target kind, for a coordinator.
    commitments: list[Commitment] = field(default_factory=list)
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


# --- the parser ----------------------------------------------------------------------------


def _lines(text: str) -> list[Line]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    return [Line(n, " ".join(raw.split())) for n, raw in enumerate(text.split("\n"), start=1)]


def _label_of(line: str) -> tuple[str, str] | None:
    for key, pattern in _LABEL_RES.items():
        if m := pattern.match(line):
            return key, (m[1] or "").strip()
    return None


def _paragraphs(lines: list[Line]) -> list[list[Line]]:
    """Lines grouped into paragraphs; every bullet is a paragraph of its own."""
    groups: list[list[Line]] = []
    current: list[Line] = []
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


def target_sources(
    actions: list[str], objectives: str, target_groups: str, results: list[str]
) -> list[str]:
    """The sentences targets are read from, in the order a first statement wins: the action
    list, the objectives and target groups sentence by sentence, the results expected."""
    sources = [*actions]
    for paragraph in (objectives, target_groups):
        sources.extend(_sentences(paragraph))
    sources.extend(results)
    return sources


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
    rf"\b(?:composed of|consists of|consisting of|made up of|brings together|gathers)\s+{NUM}"
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
    composition = CompositionReader(classify, countries, categories or default_categories())
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

    sections: dict[str, tuple[int, list[Line]]] = {}
    current: str | None = None
    for line in lines:
        if line.number <= title_line.number or _IGNORED.match(line.text):
            continue
        label = _label_of(line.text) if line.text else None
        if label:
            current = label[0]
            inline = [Line(line.number, label[1])] if label[1] else []
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

    sources = target_sources(
        profile.actions, profile.objectives, profile.target_groups, profile.results
    )
    profile.targets = find_targets(sources)
    profile.commitments = find_commitments(sources)
    exchanges = next((t for t in profile.targets if t.code == "exchanges"), None)
    if profile.planned_exchanges is None and exchanges is not None:
        profile.planned_exchanges = exchanges.value
    profile.warnings.extend(composition.warnings)
    return profile
