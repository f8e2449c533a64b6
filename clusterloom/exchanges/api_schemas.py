"""Request and response schemas of the ClusterXchange API (money as decimal strings)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from clusterloom.core.api_schemas import changes_of, error_responses
from clusterloom.matching.api import ExplanationOut, OrganisationRefOut

__all__ = ["ExplanationOut", "OrganisationRefOut"]


class FailureOut(Schema):
    """One eligibility rule that is not met."""

    rule: str
    field: str
    message: str


class ExchangeErrorOut(Schema):
    """What went wrong; `failures` lists every eligibility rule broken, when that is why."""

    detail: str
    field: str | None = None
    line: int | None = None
    failures: list[FailureOut] | None = None


ERRORS = error_responses(ExchangeErrorOut)


class PartnershipRefOut(Schema):
    """The partnership a call, an offer or a signature belongs to."""

    slug: str
    acronym: str


class CallRefOut(Schema):
    """The call an application or exchange is under."""

    slug: str
    title: str


class ProgressOut(Schema):
    """One exchange target: validated exchanges (`done`), exchanges under way, the target."""

    code: str
    label: str
    target: int | None
    done: int
    under_way: int


class TravelBandIn(Schema):
    """The travel amount for a one-way distance in [min_km, max_km); no max_km: and above."""

    min_km: float
    max_km: float | None = None
    amount: Decimal


class TravelBandOut(Schema):
    """A travel band of the call (amounts as decimal strings)."""

    min_km: float
    max_km: float | None
    amount: str


class CallSummaryOut(Schema):
    """A call in the list."""

    slug: str
    title: str
    status: str = Field(description="As the coordinator set it: draft, open or closed.")
    state: str = Field(
        description="What people are shown, from the status and the application dates: "
        "draft, upcoming (opened, applications not yet open), open, or closed "
        "(closed by the coordinator or past the closing date)."
    )
    partnership: PartnershipRefOut
    opens_on: date
    closes_on: date
    exchanges_from: date
    exchanges_until: date


class CallOut(CallSummaryOut):
    """A call with its funding rules, its share of the targets and its progress."""

    description: str
    budget: str
    target_exchanges: int
    target_sme: int
    target_non_member: int
    daily_rates: dict[str, str] = Field(description="Host country (ISO alpha-2) -> EUR per day.")
    default_daily_rate: str | None
    travel_bands: list[TravelBandOut]
    travel_bands_are_default: bool = Field(
        description="The call sets no bands of its own: these are the Erasmus+ default bands."
    )
    cap_per_organisation: str | None
    progress: list[ProgressOut]


class CallIn(Schema):
    """A new call (draft). Targets left out default to the partnership's exchange targets."""

    partnership: str = Field(description="Slug of the partnership that runs the call.")
    title: str
    description: str = ""
    opens_on: date
    closes_on: date
    exchanges_from: date
    exchanges_until: date
    budget: Decimal | None = None
    target_exchanges: int | None = None
    target_sme: int | None = None
    target_non_member: int | None = None
    daily_rates: dict[str, Decimal] | None = Field(
        None, description='EUR per working day by host country: {"IT": 130}.'
    )
    default_daily_rate: Decimal | None = None
    travel_bands: list[TravelBandIn] | None = Field(
        None, description="Leave out for the Erasmus+ default bands."
    )
    cap_per_organisation: Decimal | None = None


class CallPatch(changes_of(CallIn, without=("partnership",))):
    """Call fields to change; fields left out stay as they are."""


class CallStatusIn(Schema):
    """`draft`, `open` or `closed`."""

    status: str


class ApplicationIn(Schema):
    """A visitor's registration for a call."""

    organisation: int | None = Field(
        None, description="Id of the organisation you act for (may be left out if only one)."
    )
    member_of: int | None = Field(None, description="Id of the cluster it is a member of.")
    goals: str
    offers: str = ""
    seeks: str = ""
    languages: list[str] = Field(default_factory=list)
    preferred_start: date | None = None
    preferred_end: date | None = None


class ApplicationPatch(changes_of(ApplicationIn, without=("organisation",))):
    """Registration fields to change before it is validated; fields left out stay."""


class ApplicationOut(Schema):
    """A visitor's registration."""

    id: int
    call: CallRefOut
    organisation: OrganisationRefOut
    member_of: OrganisationRefOut | None
    contact: str | None
    status: str
    goals: str
    offers: str
    seeks: str
    languages: list[str]
    preferred_start: date | None
    preferred_end: date | None
    is_sme: bool
    is_member: bool
    review_note: str
    reviewed_at: datetime | None
    submitted_at: datetime
    exchange: int | None = Field(description="Id of its exchange, when one is under way.")


class ReviewIn(Schema):
    """The partnership's decision on a registration: `validate` or `reject` (with a note)."""

    decision: str
    note: str = ""


class OfferIn(Schema):
    """A hosting offer."""

    partnership: str = Field(description="Slug of the partnership that validates the host.")
    organisation: int | None = Field(
        None, description="Id of the organisation you act for (may be left out if only one)."
    )
    title: str
    topics: str
    offers: str = ""
    seeks: str = ""
    languages: list[str] = Field(default_factory=list)
    capacity: int = 1
    available_from: date
    available_until: date
    terms: list[str] = Field(default_factory=list, description='Terms as "vocabulary:slug".')


class OfferPatch(changes_of(OfferIn, without=("partnership", "organisation"))):
    """Offer fields to change; fields left out stay as they are."""


class OfferOut(Schema):
    """A hosting offer."""

    id: int
    title: str
    topics: str
    offers: str
    seeks: str
    languages: list[str]
    capacity: int
    places_left: int
    available_from: date
    available_until: date
    status: str
    review_note: str
    partnership: PartnershipRefOut
    organisation: OrganisationRefOut
    terms: list[str]


class HostSuggestionOut(Schema):
    """A hosting offer that fits the visitor, with the score and why."""

    offer: OfferOut
    score: float
    strength: str = Field(description="`strong`, `good` or `possible` (the reciprocal fit).")
    strength_label: str = Field(description="The strength in the caller's language.")
    explanation: ExplanationOut


class HostSuggestionsOut(Schema):
    """Suggested hosts, best first."""

    results: list[HostSuggestionOut]


class ExchangeIn(Schema):
    """A proposed match; the side that proposes confirms at once."""

    application: int = Field(description="Id of the visitor's validated registration.")
    offer: int = Field(description="Id of the validated hosting offer.")
    origin: str = Field(
        "catalogue", description="`suggestion`, `catalogue`, `prior_agreement` or `allocation`."
    )
    start: date | None = Field(None, description="First day at the host (default: preferred).")
    end: date | None = Field(None, description="Last day at the host (default: preferred).")


class ReasonIn(Schema):
    """Why (required to cancel)."""

    reason: str = ""


class CommitmentIn(Schema):
    """The Commitment to Quality; fields left out stay. Any change clears the signatures."""

    start: date | None = None
    end: date | None = None
    objectives: str | None = None
    agenda: str | None = None


class SignIn(Schema):
    """`visitor`, `host`, `visitor_partnership` or `host_partnership`."""

    role: str


class ReportIn(Schema):
    """The visitor's closing report."""

    report: str


class ValidateIn(Schema):
    """Validate the report (it then counts), or return it with a note saying what is missing."""

    approve: bool
    note: str = ""


class PaidIn(Schema):
    """The payment of the lump sum (paid today when `paid_on` is left out)."""

    paid_on: date | None = None
    reference: str = ""


class OfferRefOut(Schema):
    """The hosting offer of an exchange."""

    id: int
    title: str


class ConfirmationsOut(Schema):
    """When each side confirmed the match."""

    visitor: datetime | None
    host: datetime | None


class SignatureOut(Schema):
    """A signature of the Commitment to Quality."""

    role: str
    name: str
    at: str


class GrantLineOut(Schema):
    """One line of the lump-sum computation."""

    code: str
    label: str
    params: dict[str, Any]
    amount: str


class GrantOut(Schema):
    """The lump sum to the visitor (EUR), computed from the call's funding rules."""

    total: str | None
    lines: list[GrantLineOut]


class EvidenceOut(Schema):
    """A document attached to the closing report (the file itself is not served here)."""

    id: int
    name: str
    kind: str
    size: int
    description: str
    uploaded_at: datetime


class PaymentOut(Schema):
    """The payment, once recorded."""

    paid_on: date | None
    reference: str


class ExchangeSummaryOut(Schema):
    """An exchange in the list."""

    id: int
    status: str
    call: CallRefOut
    visitor: OrganisationRefOut
    host: OrganisationRefOut
    start: date | None
    end: date | None
    grant_total: str | None


class ExchangeOut(ExchangeSummaryOut):
    """One exchange from the match to the payment."""

    origin: str
    fit: float | None
    application: int
    offer: OfferRefOut
    visitor_partnership: PartnershipRefOut
    host_partnership: PartnershipRefOut
    confirmations: ConfirmationsOut
    objectives: str
    agenda: str
    signatures: list[SignatureOut]
    can_sign: list[str] = Field(description="Signatures the caller may still give.")
    grant: GrantOut
    working_days: int | None
    distance_km: float | None
    evidence: list[EvidenceOut]
    report: str
    reported_at: datetime | None
    validated_at: datetime | None
    review_note: str
    payment: PaymentOut
    cancel_reason: str


class AllocationIn(Schema):
    """How long the optimiser may run."""

    time_limit: float = Field(10.0, gt=0, le=120, description="Seconds (at most 120).")


class AllocationPairOut(Schema):
    """One proposed visitor-host pair."""

    application: int
    offer: int
    visitor: str
    visitor_country: str
    host: str
    host_country: str
    fit: float
    sme: bool
    member: bool
    agreed: bool = Field(description="Already matched: kept as it is.")


class AllocationOut(Schema):
    """The optimiser's proposal for a whole call; nothing is saved until it is confirmed."""

    status: str
    score: float
    bound: float
    gap: float
    totals: dict[str, int]
    shortfall: dict[str, int]
    messages: list[str]
    visitors: int
    hosts: int
    candidate_pairs: int
    pairs: list[AllocationPairOut]


class AllocationPairIn(Schema):
    """A pair the coordinator keeps."""

    application: int
    offer: int


class AllocationConfirmIn(Schema):
    """The pairs to turn into proposed matches."""

    pairs: list[AllocationPairIn] = Field(max_length=5000)


class AllocationConfirmOut(Schema):
    """The proposed matches created (visitor and host then confirm each)."""

    exchanges: list[int]
