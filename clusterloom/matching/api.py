"""Partner matching API (mounted at /api): search, suggestions, partner requests."""

from datetime import date

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from clusterloom.core.api_auth import READ_AUTH, WRITE_AUTH
from clusterloom.core.api_schemas import ErrorOut, changes_of
from clusterloom.core.errors import DomainError, NotFound
from clusterloom.core.permissions import require
from clusterloom.directory.models import Organisation

from . import request_services, selectors
from .models import PartnerRequest

router = Router(tags=["partner matching"])


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class MatchSearchIn(Schema):
    """A partner need in words, with optional terms and filters."""

    text: str = Field("", description="What you are looking for, in words.")
    terms: list[str] = Field(
        default_factory=list, description='Taxonomy terms as "vocabulary:slug".'
    )
    country: str = Field("", description="ISO alpha-2 country of the asker.")
    other_country_only: bool = Field(False, description="Only organisations outside `country`.")
    kinds: list[str] = Field(default_factory=list, description="Organisation kinds to include.")
    exclude: list[int] = Field(default_factory=list, description="Organisation ids to leave out.")
    k: int = Field(20, description="How many results (1 to 100).")


class OrganisationRefOut(Schema):
    """The organisation a result points to."""

    id: int
    slug: str
    name: str
    country: str
    kind: str


class SharedTermOut(Schema):
    """A taxonomy term both sides carry."""

    term: str
    name: str


class ComplementaryOut(Schema):
    """A pair of different terms that work together, with their learned or set affinity."""

    query_term: str
    query_term_name: str
    term: str
    name: str
    affinity: float


class ExplanationOut(Schema):
    """Why an organisation was suggested."""

    shared_terms: list[SharedTermOut]
    complementary: list[ComplementaryOut]
    matched_words: list[str]
    snippet: str
    components: dict[str, float]


class MatchOut(Schema):
    """One ranked organisation."""

    organisation: OrganisationRefOut
    score: float
    strength: str = Field(
        "",
        description="Suggestions (a reciprocal fit): `strong`, `good` or `possible`; "
        "empty for a search, whose score ranks for one need and has no such scale.",
    )
    strength_label: str = Field("", description="The strength in the caller's language.")
    explanation: ExplanationOut


class MatchResultsOut(Schema):
    """Ranked results, best first."""

    results: list[MatchOut]


def _results(results: list[selectors.MatchResult]) -> dict:
    return {
        "results": [
            {
                "organisation": {
                    "id": r.organisation.pk,
                    "slug": r.organisation.slug,
                    "name": r.organisation.name,
                    "country": r.organisation.country_id,
                    "kind": r.organisation.kind,
                },
                "score": r.score,
                "strength": r.strength,
                "strength_label": r.strength_label,
                "explanation": r.explanation_dict(),
            }
            for r in results
        ]
    }


@router.post(
    "/match/search", response={200: MatchResultsOut, 400: ErrorOut, 422: dict}, auth=READ_AUTH
)
def match_search(request: HttpRequest, payload: MatchSearchIn):
    """Organisations ranked for a need described in words (the caller's own are left out)."""
    params = selectors.SearchParams(**payload.model_dump())
    return _results(selectors.partner_search(params, user=request.user))


@router.get(
    "/organisations/{organisation_id}/suggestions",
    response={200: MatchResultsOut, 400: ErrorOut, 404: ErrorOut, 422: dict},
    auth=READ_AUTH,
)
def organisation_suggestions(
    request: HttpRequest, organisation_id: int, k: int = 10, other_country_only: bool = True
):
    """Reciprocal partner suggestions: each side fits the other's needs."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise NotFound(_("No organisation with id %(id)s.") % {"id": organisation_id}, field="id")
    results = selectors.partner_suggestions(
        organisation, k=k, other_country_only=other_country_only, user=request.user
    )
    return _results(results)


class PartnerRequestIn(Schema):
    """A partner request to post."""

    organisation: int = Field(description="Id of the organisation the request is for.")
    title: str
    sought: str = Field(description="What kind of partner is sought.")
    offered: str = ""
    terms: list[str] = Field(default_factory=list, description='Terms as "vocabulary:slug".')
    deadline: date | None = None
    is_public: bool = True


class PartnerRequestPatch(changes_of(PartnerRequestIn, without=("organisation",))):
    """Fields to change (only those sent)."""


class PartnerRequestOut(Schema):
    """A partner request."""

    id: int
    title: str
    sought: str
    offered: str
    terms: list[str]
    deadline: date | None
    is_public: bool
    status: str
    organisation: OrganisationRefOut
    interest_count: int
    follower_count: int


class InterestIn(Schema):
    """An expression of interest: a message to the poster."""

    message: str
    organisation: int | None = Field(None, description="Id of your organisation (optional).")


class InterestOut(Schema):
    """The expression of interest recorded."""

    id: int
    request: int
    message: str


class FollowOut(Schema):
    """Whether the caller follows the request."""

    following: bool


def _request_out(partner_request: PartnerRequest) -> dict:
    org = partner_request.organisation
    return {
        "id": partner_request.pk,
        "title": partner_request.title,
        "sought": partner_request.sought,
        "offered": partner_request.offered,
        "terms": [f"{t.vocabulary}:{t.slug}" for t in partner_request.terms.all()],
        "deadline": partner_request.deadline,
        "is_public": partner_request.is_public,
        "status": partner_request.status,
        "organisation": {
            "id": org.pk,
            "slug": org.slug,
            "name": org.name,
            "country": org.country_id,
            "kind": org.kind,
        },
        "interest_count": partner_request.interests.count(),
        "follower_count": partner_request.followers.count(),
    }


def _visible(request: HttpRequest, request_id: int, related: bool = True) -> PartnerRequest:
    """The request if the caller may read it; NotFound otherwise. Without `related`, its own
    row only (for a change that shows nothing of its organisation or poster)."""
    rows = selectors.partner_requests_visible_to(request.user)
    found = (rows if related else rows.select_related(None)).filter(pk=request_id).first()
    if found is None:
        raise NotFound(_("No partner request with id %(id)s.") % {"id": request_id}, field="id")
    return found


@router.get("/partner-requests", response=list[PartnerRequestOut], auth=READ_AUTH)
def partner_request_list(request: HttpRequest, status: str = "open"):
    """Partner requests the caller may read (public ones for anonymous callers)."""
    rows = selectors.partner_requests_visible_to(request.user).prefetch_related("terms")
    if status in ("open", "closed"):
        rows = rows.filter(status=status)
    return [_request_out(r) for r in rows[:200]]


@router.get(
    "/partner-requests/{request_id}", response={200: PartnerRequestOut, **ERRORS}, auth=READ_AUTH
)
def partner_request_detail(request: HttpRequest, request_id: int):
    """One partner request."""
    return _request_out(_visible(request, request_id))


@router.get(
    "/partner-requests/{request_id}/matches",
    response={200: MatchResultsOut, **ERRORS},
    auth=READ_AUTH,
)
def partner_request_matches(request: HttpRequest, request_id: int, k: int = 10):
    """Organisations that could answer the request."""
    if not 1 <= k <= selectors.MAX_RESULTS:
        raise DomainError(
            _("The number of results must be between 1 and %(max)d.")
            % {"max": selectors.MAX_RESULTS},
            field="k",
        )
    return _results(selectors.partner_request_matches(_visible(request, request_id), k=k))


@router.post(
    "/partner-requests", response={201: PartnerRequestOut, **ERRORS, 422: dict}, auth=WRITE_AUTH
)
def partner_request_create(request: HttpRequest, payload: PartnerRequestIn):
    """Post a partner request (members, cluster managers, coordinators; for their organisation)."""
    require(request.user, "matching.add_partnerrequest")
    organisation = Organisation.objects.filter(pk=payload.organisation).first()
    if organisation is None:
        raise NotFound(
            _("No organisation with id %(id)s.") % {"id": payload.organisation},
            field="organisation",
        )
    data = payload.model_dump(exclude={"organisation"})
    created = request_services.partner_request_create(
        actor=request.user, organisation=organisation, data=data
    )
    return Status(201, _request_out(created))


@router.patch(
    "/partner-requests/{request_id}",
    response={200: PartnerRequestOut, **ERRORS, 422: dict},
    auth=WRITE_AUTH,
)
def partner_request_patch(request: HttpRequest, request_id: int, payload: PartnerRequestPatch):
    """Change a request (its poster, admins)."""
    partner_request = _visible(request, request_id)
    updated = request_services.partner_request_update(
        actor=request.user,
        partner_request=partner_request,
        data=payload.model_dump(exclude_unset=True),
    )
    return _request_out(updated)


@router.post(
    "/partner-requests/{request_id}/close",
    response={200: PartnerRequestOut, **ERRORS},
    auth=WRITE_AUTH,
)
def partner_request_close(request: HttpRequest, request_id: int):
    """Close a request (its poster, admins)."""
    closed = request_services.partner_request_close(
        actor=request.user, partner_request=_visible(request, request_id)
    )
    return _request_out(closed)


@router.post(
    "/partner-requests/{request_id}/follow", response={200: FollowOut, **ERRORS}, auth=WRITE_AUTH
)
def partner_request_follow(request: HttpRequest, request_id: int):
    """Follow a request (members, managers, coordinators; not your own)."""
    following = request_services.partner_request_follow(
        actor=request.user,
        partner_request=_visible(request, request_id, related=False),
        follow=True,
    )
    return {"following": following}


@router.delete(
    "/partner-requests/{request_id}/follow", response={200: FollowOut, **ERRORS}, auth=WRITE_AUTH
)
def partner_request_unfollow(request: HttpRequest, request_id: int):
    """Stop following a request."""
    following = request_services.partner_request_follow(
        actor=request.user,
        partner_request=_visible(request, request_id, related=False),
        follow=False,
    )
    return {"following": following}


@router.post(
    "/partner-requests/{request_id}/interest",
    response={201: InterestOut, **ERRORS, 422: dict},
    auth=WRITE_AUTH,
)
def partner_request_interest(request: HttpRequest, request_id: int, payload: InterestIn):
    """Express interest in a request; its poster gets an e-mail. Once per person."""
    partner_request = _visible(request, request_id)
    organisation = None
    if payload.organisation is not None:
        organisation = next(
            (o for o in selectors.user_organisations(request.user) if o.pk == payload.organisation),
            None,
        )
        if organisation is None:
            raise NotFound(
                _("You do not act for organisation %(id)s.") % {"id": payload.organisation},
                field="organisation",
            )
    interest = request_services.partner_interest_express(
        actor=request.user,
        partner_request=partner_request,
        message=payload.message,
        organisation=organisation,
    )
    return Status(
        201, {"id": interest.pk, "request": partner_request.pk, "message": interest.message}
    )
