"""Request and response schemas of the excellence API (labels, benchmarking, services)."""

from datetime import date
from decimal import Decimal

from ninja import Field, Schema

from clusterloom.core.api_schemas import changes_of, error_responses


class ExcellenceErrorOut(Schema):
    """What went wrong and the field it concerns."""

    detail: str
    field: str | None = None


ERRORS = error_responses(ExcellenceErrorOut)


class ClusterRefOut(Schema):
    """A cluster organisation."""

    id: int
    slug: str
    name: str


class LabelOut(Schema):
    """A label with its status today."""

    id: int
    organisation: ClusterRefOut
    level: str = Field(description="bronze, silver or gold.")
    awarding_body: str
    awarded_on: date
    valid_until: date
    status: str = Field(description="valid, expiring (within the warning days) or expired.")
    benchmarking: int | None
    partnership: str | None = Field(description="Slug of the partnership.")
    certificate_number: str
    certificate: str | None = Field(description="Download address of the certificate file.")
    evidence_url: str
    notes: str
    is_published: bool


class LabelIn(Schema):
    """A new label; valid_until defaults to the end of the month LABEL_VALIDITY_MONTHS after
    the award month."""

    organisation: int
    level: str
    awarding_body: str | None = None
    awarded_on: date
    valid_until: date | None = None
    benchmarking: int | None = None
    partnership: str | None = None
    certificate_number: str = ""
    evidence_url: str = ""
    notes: str = ""
    is_published: bool = True


class LabelPatch(changes_of(LabelIn, without=("organisation",))):
    """Fields of a label to change."""


class LabelRuleOut(Schema):
    """One rule of a level."""

    code: str
    rule: str
    met: bool
    found: str
    advisory: bool


class LabelCheckOut(Schema):
    """Whether a cluster meets the rules of a level today (or on a date)."""

    organisation: int
    level: str
    on: date
    met: bool
    rules: list[LabelRuleOut]


class IndicatorIn(Schema):
    """An indicator; threshold 0-100 or none."""

    name: str
    description: str = ""
    threshold: Decimal | None = None


class BenchmarkAreaIn(Schema):
    """An area and its indicators (none: the area is scored as a whole)."""

    name: str
    indicators: list[IndicatorIn] = []


class IndicatorSetIn(Schema):
    """A new indicator set of a partnership (admins: no partnership, shared by all)."""

    name: str
    description: str = ""
    level: str = ""
    partnership: str | None = None
    areas: list[BenchmarkAreaIn]


class IndicatorOut(Schema):
    """An indicator."""

    id: int
    name: str
    description: str
    threshold: Decimal | None


class BenchmarkAreaOut(Schema):
    """An area of a set."""

    id: int
    name: str
    order: int
    indicators: list[IndicatorOut]


class IndicatorSetOut(Schema):
    """An indicator set with its areas and indicators."""

    id: int
    name: str
    description: str
    level: str
    partnership: str | None
    is_preloaded: bool
    benchmarkings: int = Field(description="How many benchmarkings use it.")
    areas: list[BenchmarkAreaOut]


class BenchmarkScoreIn(Schema):
    """A score 0-100 of an indicator, or of an area that has no indicators."""

    indicator: int | None = None
    area: int | None = None
    value: Decimal | str
    comment: str = ""


class BenchmarkScoreOut(Schema):
    """A stored score."""

    area: int
    indicator: int | None
    value: Decimal
    comment: str


class ImprovementIn(Schema):
    """An improvement area; documented needs evidence_url (or a file on the page)."""

    title: str
    description: str = ""
    area: int | None = None
    status: str = "identified"
    documented_on: date | None = None
    evidence_url: str = ""


class ImprovementPatch(changes_of(ImprovementIn)):
    """Fields of an improvement area to change."""


class ImprovementOut(Schema):
    """An improvement area."""

    id: int
    benchmarking: int
    title: str
    description: str
    area: int | None
    status: str
    documented_on: date | None
    evidence: str | None
    evidence_url: str


class BenchmarkingIn(Schema):
    """A new benchmarking with its scores."""

    organisation: int
    indicator_set: int
    held_on: date
    assessor: str = ""
    partnership: str | None = None
    notes: str = ""
    is_published: bool = False
    scores: list[BenchmarkScoreIn] = []


class BenchmarkAreaScoreOut(Schema):
    """An area's score: the mean of its indicators, or its own score."""

    area: int
    name: str
    score: Decimal | None


class BenchmarkingOut(Schema):
    """A benchmarking, its scores and its improvement areas."""

    id: int
    organisation: ClusterRefOut
    indicator_set: int
    held_on: date
    assessor: str
    partnership: str | None
    notes: str
    is_published: bool
    total_score: Decimal | None = Field(description="Mean of the area scores.")
    area_scores: list[BenchmarkAreaScoreOut]
    scores: list[BenchmarkScoreOut]
    improvement_areas: list[ImprovementOut]


class ClusterServiceIn(Schema):
    """A new service of a cluster's portfolio."""

    organisation: int
    name: str
    description: str = ""
    novelty: str = Field(description="new or improved.")
    launched_on: date | None = None
    target_groups: str = ""
    built_with: list[int] = []
    partnership: str | None = None
    is_published: bool = True


class ClusterServicePatch(changes_of(ClusterServiceIn, without=("organisation",))):
    """Fields of a service to change."""


class ClusterServiceOut(Schema):
    """A service of a cluster's portfolio."""

    id: int
    organisation: ClusterRefOut
    name: str
    description: str
    novelty: str
    launched_on: date | None
    target_groups: str
    built_with: list[ClusterRefOut]
    partnership: str | None
    is_published: bool
