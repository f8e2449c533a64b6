"""The directory API at /api/organisations: search, read, create, update, member import."""

from django.db import transaction
from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from clusterloom.core.api_auth import WRITE_AUTH
from clusterloom.core.api_schemas import ErrorOut
from clusterloom.core.errors import DomainError, NotFound
from clusterloom.core.permissions import require
from clusterloom.taxonomy.models import Vocabulary
from clusterloom.taxonomy.services import term_get_or_create

from . import selectors, services
from .imports import MemberImportFailed, upload_check_size
from .models import Cluster, Organisation

router = Router(tags=["organisations"])


class TermOut(Schema):
    """A taxonomy term."""

    vocabulary: str
    name: str
    slug: str


class OrganisationOut(Schema):
    """An organisation as the directory lists it."""

    id: int
    slug: str
    name: str
    short_name: str
    kind: str
    country: str
    region: str | None
    city: str
    website: str
    terms: list[TermOut]

    @staticmethod
    def from_model(org: Organisation) -> "OrganisationOut":
        """Build from a model (terms prefetched by the selector)."""
        return OrganisationOut(
            id=org.pk,
            slug=org.slug,
            name=org.name,
            short_name=org.short_name,
            kind=org.kind,
            country=org.country_id,
            region=org.region_id,
            city=org.city_label,
            website=org.website,
            terms=[
                TermOut(vocabulary=t.vocabulary, name=t.name, slug=t.slug) for t in org.terms.all()
            ],
        )


class OrganisationDetailOut(OrganisationOut):
    """One organisation with its texts and cluster figures."""

    description: str
    offers: str
    requests: str
    size: str
    is_sme: bool | None
    latitude: float | None
    longitude: float | None
    cordis_projects: list[str]
    member_count: int | None = None
    sme_count: int | None = None


class OrganisationPage(Schema):
    """One page of search results."""

    count: int
    page: int
    pages: int
    page_size: int
    items: list[OrganisationOut]


class TermIn(Schema):
    """A term by vocabulary and name; unknown names become new (non-reference) terms."""

    vocabulary: str
    name: str


class OrganisationIn(Schema):
    """Fields to set; on PATCH only those sent are changed."""

    name: str | None = None
    short_name: str | None = None
    kind: str | None = None
    country: str | None = None
    region: str | None = None
    city: str | None = None
    website: str | None = None
    description: str | None = None
    offers: str | None = None
    requests: str | None = None
    size: str | None = None
    is_sme: bool | None = None
    terms: list[TermIn] | None = None


class MemberImportOut(Schema):
    """What a member import did."""

    rows: int
    added: int
    created: int
    already: int


class ProblemsOut(Schema):
    """An import that failed: every problem, nothing imported."""

    detail: str
    problems: list[str]
    line: int | None = None


def _detail(org: Organisation) -> OrganisationDetailOut:
    org = selectors.organisations_search(selectors.DirectoryFilters()).get(pk=org.pk)
    base = OrganisationOut.from_model(org).model_dump()
    cluster = Cluster.objects.filter(organisation=org).first()
    return OrganisationDetailOut(
        **base,
        description=org.description,
        offers=org.offers,
        requests=org.requests,
        size=org.size,
        is_sme=org.is_sme,
        latitude=org.latitude,
        longitude=org.longitude,
        cordis_projects=list(org.cordis_projects or []),
        member_count=cluster.member_count if cluster else None,
        sme_count=cluster.sme_count if cluster else None,
    )


def _data(payload: OrganisationIn, *, partial: bool) -> dict:
    data = payload.model_dump(exclude_unset=partial)
    if not partial:
        data = {k: v for k, v in data.items() if v is not None}
    if data.get("terms") is not None:
        terms = []
        for term in data["terms"]:
            if term["vocabulary"] not in Vocabulary.values:
                raise DomainError(
                    _("Unknown vocabulary “%(value)s”.") % {"value": term["vocabulary"]},
                    field="terms",
                )
            terms.append(term_get_or_create(vocabulary=term["vocabulary"], name=term["name"]))
        data["terms"] = terms
    for text in ("short_name", "website", "description", "offers", "requests", "size", "city"):
        if text in data and data[text] is None:
            data[text] = ""
    return data


def _get(slug: str) -> Organisation:
    org = selectors.organisations_visible_to(None).filter(slug=slug).first()
    if org is None:
        raise NotFound(_("No organisation “%(slug)s”.") % {"slug": slug})
    return org


@router.get("", response=OrganisationPage, auth=None)
def organisation_list(
    request,
    q: str = "",
    country: str = "",
    region: str = "",
    kind: str = "",
    sector: str = "",
    emerging: str = "",
    ket: str = "",
    page: int = 1,
):
    """Search the directory; filters as on the directory page. Public."""
    filters = selectors.DirectoryFilters.from_mapping(
        {
            "q": q,
            "country": country,
            "region": region,
            "kind": kind,
            "sector": sector,
            "emerging": emerging,
            "ket": ket,
        }
    )
    result = selectors.organisations_page(filters, max(page, 1), user=request.user)
    return OrganisationPage(
        count=result.paginator.count,
        page=result.number,
        pages=result.paginator.num_pages,
        page_size=result.paginator.per_page,
        items=[OrganisationOut.from_model(org) for org in result.object_list],
    )


@router.get("/{slug}", response={200: OrganisationDetailOut, 404: ErrorOut}, auth=None)
def organisation_detail(request, slug: str):
    """One organisation. Public."""
    return _detail(_get(slug))


@router.post(
    "",
    response={201: OrganisationDetailOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    auth=WRITE_AUTH,
)
def organisation_create(request, payload: OrganisationIn):
    """Create an organisation (cluster managers, coordinators, admins)."""
    require(request.user, "directory.add_organisation")
    org = services.organisation_add(actor=request.user, data=_data(payload, partial=False))
    return Status(201, _detail(org))


@router.patch(
    "/{slug}",
    response={
        200: OrganisationDetailOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
    },
    auth=WRITE_AUTH,
)
def organisation_update(request, slug: str, payload: OrganisationIn):
    """Change an organisation (its managers, coordinators of a partnership it is in, admins)."""
    org = _get(slug)
    require(request.user, "directory.change_organisation", org)
    data = _data(payload, partial=True)
    if "name" in data and data["name"] is None:
        raise DomainError(_("An organisation needs a name."), field="name")
    services.organisation_update(actor=request.user, organisation=org, data=data)
    return _detail(org)


@router.post(
    "/{slug}/members",
    response={
        200: MemberImportOut,
        400: ProblemsOut | ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
    },
    auth=WRITE_AUTH,
)
def organisation_members_import(request, slug: str, file: UploadedFile = File(...)):  # noqa: B008
    """Import the cluster's member list (CSV or XLSX, multipart field `file`): all or nothing."""
    org = _get(slug)
    require(request.user, "directory.import_members", org)
    upload_check_size(file.size)
    try:
        with transaction.atomic():
            cluster, _created = services.cluster_get_or_create(actor=request.user, organisation=org)
            result = services.cluster_members_import(
                actor=request.user, cluster=cluster, file_name=file.name or "", content=file.read()
            )
    except MemberImportFailed as exc:
        return Status(400, ProblemsOut(detail=exc.message, problems=exc.problems, line=exc.line))
    return MemberImportOut(
        rows=result.rows, added=result.added, created=result.created, already=result.already
    )
