"""Request and response schemas of the strategies API (dates ISO 8601)."""

from datetime import date, datetime

from ninja import Field, Schema

from clusterloom.core.api_schemas import error_responses

from .api_schemas import ExcellenceErrorOut


class StrategyErrorOut(ExcellenceErrorOut):
    """What went wrong and the field it concerns."""


ERRORS = error_responses(StrategyErrorOut)


class StrategyRefOut(Schema):
    """An organisation or partnership named by the strategy."""

    id: int
    name: str
    slug: str


class StrategySummaryOut(Schema):
    """A strategy in the list."""

    id: int
    scope: str = Field(description="cluster or joint.")
    title: str
    status: str = Field(description="draft or adopted.")
    adopted_on: date | None
    adopted_version: int | None
    period_start: date | None
    period_end: date | None
    is_published: bool
    organisation: StrategyRefOut | None = Field(description="The cluster (cluster strategies).")
    partnership: StrategyRefOut | None
    current_version: int | None


class StrategyVersionOut(Schema):
    """A saved version (without its text)."""

    number: int
    note: str
    created_at: datetime
    created_by: str | None


class StrategyVersionTextOut(StrategyVersionOut):
    """A saved version with its text, raw and rendered."""

    text: str
    html: str = Field(description="The Markdown rendered to sanitised HTML.")


class RoadmapMilestoneOut(Schema):
    """A milestone of a roadmap action."""

    id: int
    title: str
    due_on: date
    reached_on: date | None


class RoadmapActionOut(Schema):
    """A roadmap action."""

    id: int
    strategy: int
    title: str
    description: str
    owner: StrategyRefOut | None
    owner_name: str
    starts_on: date
    ends_on: date
    status: str = Field(description="planned, in_progress, done or cancelled.")
    completed_on: date | None
    target_codes: list[str]
    order: int
    late: bool = Field(description="Not done or cancelled, and its end or a milestone is past.")
    milestones: list[RoadmapMilestoneOut]


class StrategyOut(StrategySummaryOut):
    """A strategy with its current text, versions and roadmap."""

    text: str = Field(description="The current version's Markdown.")
    html: str = Field(description="The current version rendered to sanitised HTML.")
    versions: list[StrategyVersionOut]
    actions: list[RoadmapActionOut]


class StrategyIn(Schema):
    """A new strategy: a cluster's (organisation id) or a partnership's joint one."""

    scope: str = Field(description="cluster or joint.")
    organisation: int | None = Field(None, description="The cluster's organisation id.")
    partnership: str | None = Field(
        None, description="Partnership slug: the joint strategy's, or the one that produced it."
    )
    title: str
    text: str = ""
    note: str = ""
    period_start: date | None = None
    period_end: date | None = None
    is_published: bool = False


class StrategyPatch(Schema):
    """Changes; a changed `text` is saved as a new version with its `note`."""

    title: str | None = None
    text: str | None = None
    note: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    confirm_outside_period: bool = Field(
        False,
        description="Keep a new period that leaves roadmap actions outside it (refused otherwise).",
    )


class StrategyAdoptIn(Schema):
    """Adoption date (not in the future) and version (latest by default)."""

    adopted_on: date
    version: int | None = None


class StrategyPublishIn(Schema):
    """Published or not."""

    published: bool


class RoadmapActionIn(Schema):
    """A roadmap action."""

    title: str
    description: str = ""
    owner: int | None = Field(None, description="An organisation of the partnership (id).")
    owner_name: str = ""
    starts_on: date
    ends_on: date
    status: str = "planned"
    completed_on: date | None = None
    target_codes: list[str] = []
    order: int | None = None
    confirm_outside_period: bool = Field(
        False,
        description="Keep dates that lie outside the strategy's period (refused otherwise).",
    )


class RoadmapActionPatch(Schema):
    """Changes of a roadmap action (fields left out stay)."""

    title: str | None = None
    description: str | None = None
    owner: int | None = None
    owner_name: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    status: str | None = None
    completed_on: date | None = None
    target_codes: list[str] | None = None
    order: int | None = None
    confirm_outside_period: bool = Field(
        False,
        description="Keep dates that lie outside the strategy's period (refused otherwise).",
    )


class RoadmapMilestoneIn(Schema):
    """A milestone."""

    title: str
    due_on: date
    reached_on: date | None = None


class RoadmapMilestonePatch(Schema):
    """Changes of a milestone."""

    title: str | None = None
    due_on: date | None = None
    reached_on: date | None = None


class LateRoadmapActionOut(RoadmapActionOut):
    """A late action with the strategy it belongs to."""

    strategy_title: str
