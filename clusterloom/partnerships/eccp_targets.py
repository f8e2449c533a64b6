"""Numeric targets stated in profile text ("3 bronze labels", "two learning events").

Pure: no Django. Each target keeps the sentence it was read from so a coordinator can check it;
the first statement of a target wins.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

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
NUM = r"(\d{1,6}|" + "|".join(NUMBER_WORDS) + r")"
#: A number that may also be "a"/"an" (for singular phrases: "a benchmarking exercise").
NUM_OR_ARTICLE = r"(\d{1,6}|a|an|" + "|".join(NUMBER_WORDS) + r")"


@dataclass
class ParsedTarget:
    """A numeric target read from the text, with the sentence it was read from."""

    code: str
    value: int
    source_text: str


def number_value(text: str) -> int:
    """12 for "12", 2 for "two", 1 for "a"."""
    text = text.lower()
    if text.isdigit():
        return int(text)
    return 1 if text in ("a", "an") else NUMBER_WORDS[text]


_TARGET_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("exchanges", re.compile(rf"\b{NUM}\s+(?:clusterxchange\s+)?(?:visits|exchanges)\b", re.I)),
    ("labels_bronze", re.compile(rf"\b{NUM_OR_ARTICLE}\s+bronze\b(?=.*\blabel)", re.I)),
    ("labels_silver", re.compile(rf"\b{NUM_OR_ARTICLE}\s+silver\b(?=.*\blabel)", re.I)),
    ("labels_gold", re.compile(rf"\b{NUM_OR_ARTICLE}\s+gold\b(?=.*\blabel)", re.I)),
    (
        "benchmarkings",
        re.compile(
            rf"\b{NUM_OR_ARTICLE}\s+benchmarking(?:s|\s+exercises?|\s+interviews?)?\b", re.I
        ),
    ),
    (
        "cluster_strategies",
        re.compile(rf"\b{NUM}\s+(?:individual\s+)?clusters?['’]?\s+strategies\b", re.I),
    ),
    (
        "joint_strategies",
        re.compile(
            rf"\b{NUM_OR_ARTICLE}\s+(?:(?:joint|common|shared)\s+strategy"
            r"|(?:comprehensive\s+)?strategy\s+for\s+the\s+(?:cluster\s+)?partnership)\b",
            re.I,
        ),
    ),
    ("learning_events", re.compile(rf"\b{NUM}\s+(?:[\w-]+\s+)?learning\s+events?\b", re.I)),
    ("study_visits", re.compile(rf"\b{NUM}\s+study[\s-]visits?\b", re.I)),
    (
        "matchmaking_events",
        re.compile(rf"\b{NUM}\s+(?:[\w()-]+\s+){{0,2}}matchmaking\s+events?\b", re.I),
    ),
    ("trainings", re.compile(rf"\b{NUM}\s+(?:[\w-]+\s+)?trainings?\b", re.I)),
]
_SME_SHARE = re.compile(
    rf"\b(?:of which|including|incl\.)\s+{NUM}\s+(?:are\s+)?(?:by\s+)?SMEs\b", re.I
)
_NON_MEMBER_SHARE = re.compile(
    rf"\b{NUM}\s+(?:are\s+)?(?:by\s+)?non[\s-](?:[\w-]+\s+)?members\b", re.I
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
