"""Partnerships API, mounted at /api/partnerships.

Reads are public for published partnerships; a coordinator (session or API token) also sees
the unpublished ones they coordinate. Writes need a session with CSRF or an API token
(`WRITE_AUTH`): creating a partnership needs `partnerships.add_partnership` (admins),
changing one or its targets `partnerships.change_partnership` (its coordinators, admins).
"""

from datetime import date

from django.http import HttpRequest
from ninja import Field, Router, Schema

from clusterloom.core.api_auth import READ_AUTH, WRITE_AUTH
from clusterloom.core.api_schemas import ErrorOut
from clusterloom.core.bounds import MAX_TARGET
from clusterloom.core.permissions import require

from . import selectors, services
from .models import Partnership

router = Router(tags=["partnerships"])


class ValueChainOut(Schema):
    """A value-chain term with the category the ECCP shows it under."""

    category: str
    name: str


class PartnerOut(Schema):
    """One partner of the composition table."""

    name: str
    organisation_slug: str
    country: str = Field(description="ISO 3166 alpha-2 code")
    country_name: str
    region: str | None = Field(None, description="Region name")
    region_code: str | None = Field(None, description="NUTS code")
    members: int | None
    smes: int | None
    role: str
    sectors: list[str]
    technology_fields: list[str]
    emerging_industries: list[str]
    value_chain: list[ValueChainOut]


class TargetOut(Schema):
    """A numeric target: proposed (read from text) or confirmed by a coordinator."""

    code: str
    label: str
    value: int
    status: str


class CommitmentOut(Schema):
    """A sentence of the profile that looks like a commitment but matches no target kind."""

    source_text: str
    phrase: str = Field(description='The words that look like the commitment ("12 webinars").')
    value: int


class PartnershipSummaryOut(Schema):
    """A partnership in the list."""

    slug: str
    acronym: str
    title: str
    programme: str
    start_date: date | None
    is_published: bool
    stated_partner_count: int | None
    listed_partner_count: int
    countries: list[str]


class PartnershipOut(Schema):
    """The full profile, as on the ECCP page."""

    slug: str
    acronym: str
    title: str
    programme: str
    start_date: date | None
    duration_months: int | None
    stated_partner_count: int | None
    listed_partner_count: int
    planned_exchanges: int | None
    origin: str
    objectives: str
    target_groups: str
    other_partner_members: str
    key_partners_networks: str
    website: str
    source: str
    is_published: bool
    emerging_industries: list[str]
    sectoral_industries: list[str]
    actions: list[str]
    results_expected: list[str]
    partners: list[PartnerOut]
    targets: list[TargetOut]
    unmatched_commitments: list[CommitmentOut] = Field(
        description="Sentences of the profile's actions, objectives and results that state a "
        "number of things to do but match no target kind, for a coordinator to set as targets "
        "(PUT /targets/{code}) or leave."
    )


class PartnershipIn(Schema):
    """A new partnership (admins)."""

    acronym: str
    title: str
    slug: str | None = None
    programme: str | None = None
    start_date: date | None = None
    duration_months: int | None = Field(None, ge=0)
    stated_partner_count: int | None = Field(None, ge=0)
    planned_exchanges: int | None = Field(None, ge=0)
    origin: str = ""
    objectives: str = ""
    target_groups: str = ""
    other_partner_members: str = ""
    key_partners_networks: str = ""
    website: str = ""
    source: str = ""
    is_published: bool = True


class PartnershipPatch(Schema):
    """Profile fields to change; fields left out stay as they are."""

    title: str | None = None
    programme: str | None = None
    start_date: date | None = None
    duration_months: int | None = Field(None, ge=0)
    stated_partner_count: int | None = Field(None, ge=0)
    planned_exchanges: int | None = Field(None, ge=0)
    origin: str | None = None
    objectives: str | None = None
    target_groups: str | None = None
    other_partner_members: str | None = None
    key_partners_networks: str | None = None
    website: str | None = None
    source: str | None = None
    is_published: bool | None = None
    actions: list[str] | None = None
    results_expected: list[str] | None = None


class TargetIn(Schema):
    """The value of a target."""

    value: int = Field(ge=0, le=MAX_TARGET, description="0 to 1,000,000 (core.bounds).")
    source_text: str = Field(
        "",
        max_length=20_000,
        description="The profile sentence it was read from (an unmatched commitment's "
        "source_text), so the commitment is no longer listed.",
    )


class CommitmentDismissIn(Schema):
    """A listed commitment (as `unmatched_commitments` gives it) that is not a target."""

    source_text: str = Field(max_length=20_000)
    value: int = Field(ge=0, le=MAX_TARGET, description="0 to 1,000,000 (core.bounds).")


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _profile_out(partnership: Partnership) -> dict:
    profile = selectors.partnership_profile(partnership)
    p = profile.partnership
    return {
        "slug": p.slug,
        "acronym": p.acronym,
        "title": p.title,
        "programme": p.programme,
        "start_date": p.start_date,
        "duration_months": p.duration_months,
        "stated_partner_count": p.stated_partner_count,
        "listed_partner_count": profile.listed_partner_count,
        "planned_exchanges": p.planned_exchanges,
        "origin": p.origin,
        "objectives": p.objectives,
        "target_groups": p.target_groups,
        "other_partner_members": p.other_partner_members,
        "key_partners_networks": p.key_partners_networks,
        "website": p.website,
        "source": p.source,
        "is_published": p.is_published,
        "emerging_industries": profile.emerging_industries,
        "sectoral_industries": profile.sectoral_industries,
        "actions": profile.actions,
        "results_expected": profile.results_expected,
        "partners": [
            {
                "name": row.name,
                "organisation_slug": row.organisation.slug,
                "country": row.country_code,
                "country_name": row.country_name,
                "region": row.region_name or None,
                "region_code": row.region_code or None,
                "members": row.members,
                "smes": row.smes,
                "role": row.role,
                "sectors": row.sectors,
                "technology_fields": row.technology_fields,
                "emerging_industries": row.emerging_industries,
                "value_chain": [{"category": c, "name": n} for c, n in row.value_chain],
            }
            for row in profile.partners
        ],
        "targets": [
            {
                "code": t.code,
                "label": str(t.get_code_display()),
                "value": t.value,
                "status": t.status,
            }
            for t in profile.targets
        ],
        "unmatched_commitments": [
            {"source_text": c.source_text, "phrase": c.phrase, "value": c.value}
            for c in profile.commitments
        ],
    }


@router.get("", response=list[PartnershipSummaryOut], auth=READ_AUTH)
def partnership_list(request: HttpRequest, q: str = ""):
    """Published partnerships (and unpublished ones the caller coordinates)."""
    return [
        {
            "slug": card["partnership"].slug,
            "acronym": card["partnership"].acronym,
            "title": card["partnership"].title,
            "programme": card["partnership"].programme,
            "start_date": card["partnership"].start_date,
            "is_published": card["partnership"].is_published,
            "stated_partner_count": card["partnership"].stated_partner_count,
            "listed_partner_count": card["listed_partner_count"],
            "countries": [c["code"] for c in card["countries"]],
        }
        for card in selectors.partnership_cards(request.user, q)
    ]


@router.get("/{slug}", response={200: PartnershipOut, 404: ErrorOut}, auth=READ_AUTH)
def partnership_detail(request: HttpRequest, slug: str):
    """One partnership's profile with its partners, actions, results and targets."""
    return _profile_out(selectors.partnership_get_visible(request.user, slug))


# One response model only: ninja then answers 201 without the deprecated (status, body) tuple.
# Errors (400/401/403/422) come from the API's exception handlers, as {"detail": ...}.
@router.post("", response={201: PartnershipOut}, auth=WRITE_AUTH)
def partnership_create(request: HttpRequest, payload: PartnershipIn):
    """Create a partnership (admins)."""
    require(request.user, "partnerships.add_partnership")
    partnership = services.partnership_create(
        actor=request.user, data=payload.model_dump(exclude_none=True)
    )
    return _profile_out(partnership)


@router.patch("/{slug}", response={200: PartnershipOut, **ERRORS, 422: dict}, auth=WRITE_AUTH)
def partnership_patch(request: HttpRequest, slug: str, payload: PartnershipPatch):
    """Change profile fields (the partnership's coordinators, admins)."""
    partnership = selectors.partnership_get_visible(request.user, slug)
    require(request.user, "partnerships.change_partnership", partnership)
    data = payload.model_dump(exclude_unset=True)
    partnership = services.partnership_update(
        actor=request.user, partnership=partnership, data=data
    )
    return _profile_out(partnership)


@router.put(
    "/{slug}/targets/{code}",
    response={200: TargetOut, **ERRORS, 422: dict},
    auth=WRITE_AUTH,
)
def target_put(request: HttpRequest, slug: str, code: str, payload: TargetIn):
    """Set a target's value; set by a coordinator, the target is confirmed."""
    partnership = selectors.partnership_get_visible(request.user, slug)
    require(request.user, "partnerships.change_partnership", partnership)
    target = services.target_set(
        actor=request.user,
        partnership=partnership,
        code=code,
        value=payload.value,
        source_text=payload.source_text,
    )
    return {
        "code": target.code,
        "label": str(target.get_code_display()),
        "value": target.value,
        "status": target.status,
    }


@router.post(
    "/{slug}/commitments/dismiss",
    response={200: list[CommitmentOut], **ERRORS, 422: dict},
    auth=WRITE_AUTH,
)
def commitment_dismiss(request: HttpRequest, slug: str, payload: CommitmentDismissIn):
    """Say a listed commitment is not a target (the partnership's coordinators, admins): it is
    no longer listed; answers the commitments still listed."""
    partnership = selectors.partnership_get_visible(request.user, slug)
    require(request.user, "partnerships.change_partnership", partnership)
    partnership = services.commitment_dismiss(
        actor=request.user,
        partnership=partnership,
        source_text=payload.source_text,
        value=payload.value,
    )
    return [
        {"source_text": c.source_text, "phrase": c.phrase, "value": c.value}
        for c in selectors.partnership_profile(partnership).commitments
    ]
