"""The directory API at /api/organisations: search, read, create, update, member import."""

from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from clusterloom.core.api_auth import WRITE_AUTH
from clusterloom.core.api_schemas import ErrorOut
from clusterloom.core.errors import DomainError, NotFound
from clusterloom.core.permissions import require
from clusterloom.core.uploads import upload_check_size
from clusterloom.taxonomy.models import Vocabulary
from clusterloom.taxonomy.services import term_get_or_create

from . import selectors, services
from .imports import MemberImportFailed
from .models import Cluster, Organisation

router = Router(tags=["organisations"])


class TermOut(Schema):
    """A taxonomy term: its English name and its name in the request's language."""

    vocabulary: str
    name: str
    label: str
    slug: str


class OrganisationOut(Schema):
    """An organisation as the directory lists it."""

    id: int
    slug: str
    name: str
    short_name: str
    kind: str
    country: str
    country_name: str
    region: str | None
    city: str
    website: str
    terms: list[TermOut]

    @staticmethod
    def from_model(org: Organisation) -> "OrganisationOut":
        """Build from a model (country loaded and terms prefetched by the selector); names
        of the country and terms in the active language."""
        return OrganisationOut(
            id=org.pk,
            slug=org.slug,
            name=org.name,
            short_name=org.short_name,
            kind=org.kind,
            country=org.country_id,
            country_name=org.country.label,
            region=org.region_id,
            city=org.city_label,
            website=org.website,
            terms=[
                TermOut(vocabulary=t.vocabulary, name=t.name, label=t.label, slug=t.slug)
                for t in org.terms.all()
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


class FacetValueOut(Schema):
    """A filter value: what to pass as the filter, its name, how many results have it."""

    value: str
    label: str
    count: int
    selected: bool


class FacetOut(Schema):
    """A filter (the query parameter `name`) and its most frequent values among the results."""

    name: str
    title: str
    values: list[FacetValueOut]


class OrganisationPage(Schema):
    """One page of search results, best match first, with counts per filter value."""

    count: int
    page: int
    pages: int
    page_size: int
    items: list[OrganisationOut]
    facets: list[FacetOut]
    #: Words that matched nothing -> the known words searched instead (typos).
    corrections: dict[str, list[str]]
    #: No organisation matched every word: the items match some of them, most words first.
    partial: bool
    #: Words beyond the first 8 were not searched.
    words_dropped: bool


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
    org = selectors.organisations_by_ids([org.pk])[0]
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
    ecosystem: str = "",
    page: int = 1,
):
    """Search the directory: `q` is matched against names, descriptions, every taxonomy term
    and the country in all the platform's languages, the region and the city (word forms and
    small typos included); filters as on the directory page. Best match first, with counts
    per filter value (`facets`), labels in the request's language. Public."""
    filters = selectors.DirectoryFilters.from_mapping(
        {
            "q": q,
            "country": country,
            "region": region,
            "kind": kind,
            "sector": sector,
            "emerging": emerging,
            "ket": ket,
            "ecosystem": ecosystem,
        }
    )
    found = selectors.directory_search(
        filters, max(page, 1), user=request.user, language=get_language()
    )
    result = found.page
    return OrganisationPage(
        count=result.paginator.count,
        page=result.number,
        pages=result.paginator.num_pages,
        page_size=result.paginator.per_page,
        items=[
            OrganisationOut.from_model(org)
            for org in selectors.organisations_by_ids(result.object_list)
        ],
        facets=[
            FacetOut(
                name=facet.name,
                title=facet.title,
                values=[FacetValueOut(**vars(value)) for value in facet.values],
            )
            for facet in found.facets
        ],
        corrections=found.text.corrections,
        partial=found.text.partial,
        words_dropped=found.text.words_dropped,
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
