"""Numeric targets stated in profile text ("3 bronze labels", "two learning events").

Pure: no Django. ECCP profiles state the same commitment in many wordings: a joint strategy is
a "joint", "common", "shared" or "partnership" strategy "and its roadmap"; visits are visits,
exchanges, mobilities or ClusterXchanges, with shares "of which 30 are SMEs", "30 of them by
SMEs", "17 by organisations outside the partnership"; labels are "ECEI bronze labels" or "the
silver label for 3 clusters"; matchmaking events are matchmaking, brokerage, B2B or C2C events.
Each target kind is a list of such phrasings (`_KINDS`); each target keeps the sentence it was
read from so a coordinator can check it, and the first statement of a target wins.

A sentence that states a number of something done ("12 webinars", "at least 40 cluster
managers will be trained") that no target kind reads is not dropped: `find_commitments` returns
it for a coordinator to set as a target, or not.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

_UNITS = "one two three four five six seven eight nine".split()
_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()

#: Words profiles use for numbers ("two learning events", "fifty-nine visits").
NUMBER_WORDS: dict[str, int] = {
    **{word: n for n, word in enumerate(_UNITS, start=1)},
    **{word: n for n, word in enumerate(_TEENS, start=10)},
    **{word: 10 * n for n, word in enumerate(_TENS, start=2)},
    "a hundred": 100,
    "one hundred": 100,
}
_WORD_NUM = (
    r"(?:(?:a|one)\s+hundred"
    rf"|(?:{'|'.join(_TENS)})(?:[\s-](?:{'|'.join(_UNITS)}))?"
    rf"|{'|'.join(_TEENS)}|{'|'.join(_UNITS)})"
)
#: A number as digits (up to 999,999; "1,000" too) or words, not glued to letters or codes
#: ("ESCP-4x", "H2020", "COS-CLUSTER-2018").
NUM = rf"((?<![\w.,/-])(?:\d{{1,3}},\d{{3}}|\d{{1,6}})(?![\w%]|[.,]\d)|\b{_WORD_NUM}\b)"
#: A number that may also be "a"/"an" (for singular phrases: "a benchmarking exercise").
NUM_OR_ARTICLE = rf"(\b(?:a|an)\b|{NUM[1:-1]})"


@dataclass
class ParsedTarget:
    """A numeric target read from the text, with the sentence it was read from."""

    code: str
    value: int
    source_text: str


@dataclass
class Commitment:
    """A sentence that states a number of something to be done that no target kind reads."""

    source_text: str
    #: The words that look like the commitment ("12 webinars").
    phrase: str
    value: int


def number_value(text: str) -> int:
    """12 for "12", 1,000 for "1,000", 2 for "two", 59 for "fifty-nine", 1 for "a"."""
    text = " ".join(text.lower().replace("-", " ").split())
    if text.replace(",", "").isdigit():
        return int(text.replace(",", ""))
    if text in ("a", "an"):
        return 1
    if text in NUMBER_WORDS:
        return NUMBER_WORDS[text]
    tens, unit = text.split(" ")
    return NUMBER_WORDS[tens] + NUMBER_WORDS[unit]


def _re(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.I)


#: Words that never start a modifier (numbers, so "3 bronze and 3 silver" is two statements).
_NOT_NUMBER = rf"(?!(?:\d|{_WORD_NUM}\b))"
#: Words that end what a number counts: "3 clusters organise learning events" counts clusters.
_NOT_MODIFIER = (
    r"(?!(?:will|shall|would|can|may|are|is|be|to|of|the|with|for|in|at|on|by|per|from|each|"
    r"every|all|also|organi[sz]e|co-organi[sz]e|hold|held|run|host|attend|join|take|deliver|"
    r"implement|develop|support|plan|carry|out|which|that|who)\b|[\w-]*[^\Wsu]s\b)"
)
#: A word between a number and what it counts ("3 interregional (C2C) matchmaking events").
_MODIFIER = rf"{_NOT_NUMBER}{_NOT_MODIFIER}[\w()’'/&-]+"
#: Up to `n` such words.
_WORDS = {n: rf"(?:{_MODIFIER}\s+){{0,{n}}}" for n in (1, 2, 3)}
_CLUSTERS = (
    r"(?:partner\s+|member\s+|participating\s+|ESCP\s+)?"
    r"(?:clusters?|cluster\s+organi[sz]ations?|partners|organi[sz]ations)"
)
_JOINT = r"(?:joint|common|shared|collective|partnership|partnership['’]s|consortium|ESCP)"
_LEVEL = {"labels_bronze": "bronze", "labels_silver": "silver", "labels_gold": "gold"}
_LABEL_BODY = r"(?:ECEI|ESCA|EUCLES|European|Cluster|Management|Excellence|of|the|['‘’“”\"])"


def _label_patterns(level: str) -> list[re.Pattern]:
    return [
        # "3 bronze labels", "three ECEI Bronze Labels", "3 bronze and 3 silver labels".
        _re(rf"{NUM_OR_ARTICLE}\s+(?:{_LABEL_BODY}\s+){{0,4}}{level}\b(?=.*\blabel)"),
        # "the silver label for 3 clusters", "Bronze Label of Cluster Excellence to six partners".
        _re(
            rf"\b{level}\s+label(?:s|\s+of\s+(?:cluster\s+)?(?:management\s+)?excellence)?"
            rf"\s+(?:{_NOT_NUMBER}(?!(?:bronze|silver|gold|labels?)\b)\w+\s+){{0,4}}?"
            r"(?:for|to|by)\s+(?:at\s+least\s+)?"
            rf"(?:the\s+|all\s+)?{NUM}\s+{_CLUSTERS}\b"
        ),
        # "3 clusters will obtain the ECEI silver label", "six partners achieving Gold Label".
        _re(
            rf"{NUM}\s+{_CLUSTERS}\s+(?:will\s+|to\s+|should\s+)?(?:be\s+)?"
            r"(?:(?:obtain|achiev|reach|award|receiv|gain|get|earn|apply|go)\w*\s+(?:for\s+)?)?"
            rf"(?:the\s+|a\s+|their\s+)?(?:{_LABEL_BODY}\s+){{0,4}}{level}\b"
        ),
    ]


#: Each target kind with the phrasings that state it; group 1 of each is the number.
_KINDS: list[tuple[str, list[re.Pattern]]] = [
    (
        "exchanges",
        [
            # "59 visits", "59 ClusterXchange mobilities", "fifty-nine short-term exchanges".
            _re(
                rf"{NUM}\s+(?:(?:clusterxchange|cluster[\s-]?xchange|cluster|cross-border|"
                r"short-term|long-term|staff|mobility|exchange|international|transnational|"
                r"inter-?regional|physical|individual|bilateral|reciprocal|funded|planned|"
                r"outgoing|incoming)\s+){0,3}"
                r"(?:visits|exchanges|mobilities|clusterxchanges)\b"
            ),
            # "ClusterXchange ... for 59 participants" (the scheme named in the sentence).
            _re(
                rf"^(?=.*\b(?:clusterxchange|mobility\s+scheme)).*?{NUM}\s+"
                r"(?:(?:cluster|SME|company|staff)\s+)?(?:participants|visitors|beneficiaries)\b"
            ),
        ],
    ),
    *[(code, _label_patterns(level)) for code, level in _LEVEL.items()],
    (
        "benchmarkings",
        [
            # "a benchmarking exercise", "6 ESCA benchmarking interviews", "six benchmarks".
            _re(
                rf"{NUM_OR_ARTICLE}\s+(?:(?:ESCA|ECEI|cluster|cluster-management|management|"
                r"joint|individual|external|full)\s+){0,2}"
                r"benchmark(?:ing)?s?(?:\s+(?:exercises?|interviews?|reports?|assessments?))?"
                r"\b(?!\s+(?:visits?|tours?|trips?))"
            ),
            # "benchmarking of the 6 partner clusters", "benchmark all six clusters".
            _re(rf"\bbenchmark(?:ing)?\s+(?:of\s+)?(?:the\s+|all\s+|its\s+)?{NUM}\s+{_CLUSTERS}\b"),
            # "6 clusters will be benchmarked".
            _re(rf"{NUM}\s+{_CLUSTERS}\s+(?:will\s+|to\s+)?(?:be\s+)?benchmarked\b"),
        ],
    ),
    (
        "cluster_strategies",
        [
            # "6 individual clusters strategies", "six cluster development strategies".
            _re(
                rf"{NUM}\s+(?=(?:\w+\s+){{0,2}}(?:individual|own|cluster\S*|organi[sz]ational)\s)"
                r"(?:(?:individual|single|own|cluster|clusters['’]?|cluster-level|"
                r"cluster-specific|organisational|organizational|development|tailored|updated|"
                r"new)\s+){1,3}strategies\b"
            ),
            # "6 strategies and roadmaps, one for each cluster".
            _re(
                rf"{NUM}\s+(?:new\s+)?strategies\b(?=.*\b(?:one|a)\s+(?:for|per)\s+"
                r"(?:each\s+|every\s+)?(?:partner\s+)?cluster\b)"
            ),
            # "a strategy and roadmap for each of the 6 partner clusters".
            _re(
                r"\bstrateg(?:y|ies)\s+(?:and\s+(?:a\s+|its\s+)?roadmaps?\s+)?(?:for|per)\s+"
                rf"(?:each\s+(?:of\s+)?)?(?:the\s+|all\s+)?{NUM}\s+{_CLUSTERS}\b"
            ),
        ],
    ),
    (
        "joint_strategies",
        [
            # "a joint strategy", "one common strategy", "a partnership strategy and roadmap".
            _re(
                rf"{NUM_OR_ARTICLE}\s+(?:(?:new|single|comprehensive|coherent|long-term|global|"
                rf"overall|integrated|sustainable)\s+)?{_JOINT}\s+"
                r"(?:(?:cluster|partnership|strategic|internationali[sz]ation|development|"
                r"excellence|cooperation|growth|collaboration|action)\s+){0,2}"
                r"(?:strategy|strategies|strategic\s+plan)\b"
            ),
            # "a comprehensive strategy for the cluster partnership".
            _re(
                rf"{NUM_OR_ARTICLE}\s+(?:(?:comprehensive|joint|common|single|shared|new|overall)"
                r"\s+)?strategy\s+(?:and\s+(?:a\s+|its\s+)?roadmap\s+)?for\s+the\s+"
                r"(?:whole\s+|entire\s+)?(?:cluster\s+)?(?:partnership|consortium|ESCP)\b"
            ),
            # "Developing the joint strategy with its roadmap" (the one joint strategy).
            _re(
                r"\b(?:develop|define|definition\s+of|draft|writ|elaborat|co-design|co-creat|"
                r"prepar|design|build|agree)\w*\s+(?:on\s+|of\s+)?the\s+()"
                rf"(?:{_JOINT}\s+){{1,2}}strategy\b"
            ),
            # "Joint strategy and roadmap" as the sentence's subject.
            _re(
                rf"^(?:the\s+)?()(?:{_JOINT}\s+){{1,2}}strategy\s+(?:and|with)\s+(?:its\s+|a\s+)?"
                r"roadmap\b"
            ),
        ],
    ),
    (
        "learning_events",
        [
            # "two learning events", "2 peer-learning workshops", "3 mutual learning sessions".
            _re(
                rf"{NUM}\s+{_WORDS[2]}(?:\w+-)?learning\s+"
                r"(?:events?|workshops?|sessions?|seminars?|labs?)\b"
            ),
        ],
    ),
    (
        "study_visits",
        [
            # "4 study visits", "four study tours", "2 benchmarking visits", "3 learning journeys".
            _re(
                rf"{NUM}\s+{_WORDS[1]}(?:study[\s-](?:visits?|tours?|trips?)|"
                r"learning\s+journeys?|benchmarking\s+visits?|field\s+(?:visits?|trips?))\b"
            ),
        ],
    ),
    (
        "matchmaking_events",
        [
            # "3 interregional matchmaking events (C2C and B2B)", "three brokerage events".
            _re(
                rf"{NUM}\s+{_WORDS[3]}(?:match-?making|brokerage)\s+"
                r"(?:events?|sessions?|fora|forums?|days?)\b"
            ),
            _re(rf"{NUM}\s+{_WORDS[2]}match-?makings\b"),
            # "3 B2B and C2C events", "2 international B2B events" (not "300 B2B meetings").
            _re(
                rf"{NUM}\s+{_WORDS[1]}(?:B2B|C2C)(?:\s*(?:and|&|or|/|,)\s*(?:B2B|C2C))?\s+"
                r"(?:match-?making\s+)?(?:events?|fora|forums?|days?|conferences?)\b"
            ),
        ],
    ),
    (
        "trainings",
        [
            # "4 trainings", "6 training sessions", "8 coaching sessions", "3 courses".
            _re(
                rf"{NUM}\s+{_WORDS[2]}(?:trainings?\b(?!\s+(?:events?|of)\b)|training\s+"
                r"(?:sessions?|courses?|modules?|workshops?|programmes?|activities)|"
                r"coaching\s+(?:sessions?|programmes?)|courses?|capacity[\s-]building\s+"
                r"(?:sessions?|workshops?|trainings?))\b"
            ),
        ],
    ),
    (
        "dissemination",
        [
            # "12 dissemination activities", "4 awareness-raising events".
            _re(
                rf"{NUM}\s+{_WORDS[1]}(?:dissemination|awareness[\s-]raising|communication)\s+"
                r"(?:activities|actions|events|campaigns?)\b"
            ),
        ],
    ),
]

_SHARE_GLUE = (
    r"(?:(?:of\s+(?:them|which|these|those)|are|will\s+be|to\s+be|by|for|from|with|involving|"
    r"made|carried\s+out|undertaken|of)\s+){0,3}"
)
#: Shares of the visits, read after the visits in the same sentence.
_SME_SHARE = _re(rf"{NUM}\s+{_SHARE_GLUE}(?:visiting\s+)?SMEs?\b")
_NON_MEMBER_SHARE = _re(
    rf"{NUM}\s+{_SHARE_GLUE}(?:non[\s-](?:[\w-]+\s+)?(?:members?|partners?)|"
    r"(?:(?:organi[sz]ations?|participants?|visitors?|entities|companies)\s+)?"
    r"(?:from\s+)?outside\s+(?:of\s+)?the\s+(?:partnership|consortium|ESCP)|"
    r"external\s+(?:organi[sz]ations?|participants?|visitors?|entities|companies)|"
    r"(?:organi[sz]ations?|participants?|visitors?)\s+(?:that\s+are\s+)?not\s+"
    r"(?:members?|part)\s+of\s+the\s+(?:partnership|consortium))"
)


def _read(sentence: str) -> list[tuple[str, int, tuple[int, int]]]:
    """Every (code, value, span of the number) the sentence states, in order of kinds."""
    found = []
    for code, patterns in _KINDS:
        for pattern in patterns:
            if m := pattern.search(sentence):
                found.append((code, number_value(m[1]) if m[1] else 1, m.span(1)))
                if code == "exchanges":
                    for share_code, share in (
                        ("exchanges_sme", _SME_SHARE),
                        ("exchanges_non_member", _NON_MEMBER_SHARE),
                    ):
                        if s := share.search(sentence, m.end()):
                            found.append((share_code, number_value(s[1]), s.span(1)))
                break
    return found


def find_targets(sources: Iterable[str]) -> list[ParsedTarget]:
    """Numeric targets stated in the given sentences; the first statement of each wins."""
    found: dict[str, ParsedTarget] = {}
    for source in sources:
        for code, value, _span in _read(source):
            found.setdefault(code, ParsedTarget(code, value, source))
    return list(found.values())


#: Nouns for things a partnership does or produces, so "12 webinars" reads as a commitment.
_WORK = (
    r"(?:events?|workshops?|webinars?|seminars?|conferences?|sessions?|meetings?|trainings?|"
    r"courses?|modules?|visits?|exchanges?|mobilities|missions?|trips?|tours?|labels?|"
    r"certificat\w*|benchmark\w*|assessments?|audits?|strateg(?:y|ies)|roadmaps?|"
    r"action\s+plans?|reports?|studies|study|publications?|newsletters?|guides?|toolkits?|"
    r"services?|pilots?|projects?|actions?|activities|campaigns?|hackathons?|challenges?|"
    r"vouchers?|agreements?|MoUs?|matchmakings?|interviews?|surveys?|videos?|podcasts?|"
    r"articles?|press\s+releases?|fora|forums?|labs?|demonstrators?|prototypes?|"
    r"solutions?|infodays?|info\s+days?|exhibitions?|fairs?|tools?|platforms?|"
    r"collaborations?|partnerships?)"
)
_WORK_PHRASE = _re(rf"{NUM}\s+(?:{_MODIFIER}\s+){{0,3}}{_WORK}\b(?!\s+of\s+the\s+partnership)")
#: Words that make a sentence a commitment ("will", "at least", "target").
_CUE = _re(
    r"\b(?:will|shall|at\s+least|target(?:s|ed)?|aims?\s+to|plann?(?:ed|s)?|foreseen|"
    r"expected|commit\w*|to\s+be\s+(?:organi[sz]ed|held|delivered|trained|reached))\b"
)
#: What a number counts when it is not work done: time, money, shares, the consortium itself.
_TIME_MONEY = (
    r"(?:years?|months?|weeks?|days?|hours?|h|minutes?|percent|per\s+cent|EUR|euros?|times)"
)
_NOT_WORK = (
    rf"(?:{_TIME_MONEY}|partners|clusters|countries|regions|members|organi[sz]ations|sectors|"
    r"of|and|or|to|in|on|at|for|the|a|an|x)"
)
_CUE_PHRASE = _re(
    rf"{NUM}\s+(?!{_NOT_WORK}\b)(?!(?:[\w-]+\s+)?{_TIME_MONEY}\b)"
    r"([A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*)?)"
)
_YEAR = re.compile(r"(?:19|20)\d\d")


def find_commitments(sources: Iterable[str]) -> list[Commitment]:
    """Sentences stating a number of something to do ("12 webinars", "at least 40 cluster
    managers will be trained") that no target kind reads: each with the words that look like
    the commitment, once per sentence and phrase, in the order of the sources."""
    out: list[Commitment] = []
    for source in sources:
        read = [span for _code, _value, span in _read(source)]
        candidates = {m.start(1): m for m in _WORK_PHRASE.finditer(source)}
        if _CUE.search(source):
            for m in _CUE_PHRASE.finditer(source):
                candidates.setdefault(m.start(1), m)
        for start, m in sorted(candidates.items()):
            if _YEAR.fullmatch(m[1]) or any(a <= start < b for a, b in read):
                continue
            out.append(Commitment(source, " ".join(m[0].split()), number_value(m[1])))
    return out
