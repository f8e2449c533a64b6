"""Reads of the directory: search and filter, visibility, an organisation's page data."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from clusterloom.core.errors import DomainError
from clusterloom.core.permissions import is_admin, managed_organisation_ids
from clusterloom.taxonomy.models import Term, Vocabulary

from . import fts
from .models import ClusterMembership, Organisation, OrganisationKind, Person


def organisations_visible_to(user) -> QuerySet[Organisation]:
    """Every organisation is public; people's contact details are guarded separately."""
    return Organisation.objects.all()


def people_visible_to(user, organisation: Organisation) -> list[tuple[Person, bool]]:
    """People of an organisation as (person, may see contact details).

    Anonymous visitors and members without rights see only people who consented to a public
    profile, and no contact details; users with `directory.view_person` see everything.
    """
    result = []
    for person in organisation.people.all():
        may_contact = user.has_perm("directory.view_person", person)
        if may_contact or person.consent_public:
            result.append((person, may_contact))
    return result


@dataclass
class DirectoryFilters:
    """The directory's search form: every field optional."""

    q: str = ""
    country: str = ""
    region: str = ""
    kind: str = ""
    sector: str = ""
    emerging: str = ""
    ket: str = ""

    @classmethod
    def from_mapping(cls, data: Any) -> "DirectoryFilters":
        """From request.GET or a dict; values trimmed and length-capped."""
        return cls(
            **{name: str(data.get(name) or "").strip()[:200] for name in cls.__annotations__}
        )


def _term_filter(vocabulary: str, value: str) -> Q:
    """Organisations carrying the term of that vocabulary (by slug or name)."""
    terms = Term.objects.filter(vocabulary=vocabulary).filter(
        Q(slug=value.lower()) | Q(name__iexact=value)
    )
    return Q(
        pk__in=Organisation.terms.through.objects.filter(term__in=terms).values("organisation")
    )


FTS_TABLE = fts.FTS


def _fts_available() -> bool:
    """Whether this database has the SQLite trigram index of migration 0003."""
    if connection.vendor != "sqlite":
        return False
    if not hasattr(connection, "_clusterloom_fts"):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [FTS_TABLE])
            connection._clusterloom_fts = cursor.fetchone() is not None
    return connection._clusterloom_fts


def _text_filter(word: str) -> Q:
    """Organisations with the word in their name, short name, description or city.

    A substring match, case-insensitive. On SQLite words of 3 or more characters go through
    the FTS5 trigram index, on PostgreSQL through the trigram-indexed search_text column: the
    same matches as a LIKE on each column, without reading every row.
    """
    if len(word) >= 3 and _fts_available():
        phrase = '"' + word.replace('"', '""') + '"'
        # The table name is a constant and the word travels as a bound parameter.
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
        return Q(pk__in=RawSQL(sql, [phrase]))  # noqa: S611
    if connection.vendor == "postgresql":
        # One stored, trigram-indexed column (migration 0004); PostgreSQL's UPPER keeps "ß".
        return Q(search_text__contains=word.replace("ß", "\0").upper().replace("\0", "ß"))
    return (
        Q(name__icontains=word)
        | Q(short_name__icontains=word)
        | Q(description__icontains=word)
        | Q(city_name__icontains=word)  # services keep it equal to the linked city's name
    )


def organisations_search(filters: DirectoryFilters, *, user=None) -> QuerySet[Organisation]:
    """Organisations matching the filters, with country, region and city loaded and terms
    prefetched (one query each, however many rows)."""
    qs = organisations_visible_to(user)
    if filters.q:
        for word in filters.q.split()[:8]:
            qs = qs.filter(_text_filter(word))
    if filters.country:
        qs = qs.filter(country_id=filters.country.upper()[:2])
    if filters.region:
        qs = qs.filter(region__code__startswith=filters.region.upper())
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    for vocabulary, value in (
        (Vocabulary.SECTORAL, filters.sector),
        (Vocabulary.EMERGING, filters.emerging),
        (Vocabulary.KET, filters.ket),
    ):
        if value:
            qs = qs.filter(_term_filter(vocabulary, value))
    return qs.select_related("country", "region", "city").prefetch_related(
        Prefetch("terms", queryset=Term.objects.order_by("vocabulary", "name"))
    )


def organisations_page(filters: DirectoryFilters, page: Any, *, user=None):
    """One page of search results (settings.DIRECTORY_PAGE_SIZE); the count is taken once."""
    paginator = Paginator(
        organisations_search(filters, user=user).order_by("name", "pk"),
        settings.DIRECTORY_PAGE_SIZE,
    )
    try:
        return paginator.page(page or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


@dataclass
class DirectoryRow:
    """One line of the directory's result table: plain values, no model instances."""

    slug: str
    name: str
    short_name: str
    kind: str
    country: str
    region_code: str
    region_name: str
    city: str
    terms: list[str]


_ROW_FIELDS = (
    "pk",
    "slug",
    "name",
    "short_name",
    "kind",
    "country__name",
    "region__code",
    "region__name",
    "city__name",
    "city_name",
)


def directory_rows_page(filters: DirectoryFilters, page: Any, *, user=None, terms_per_row=4):
    """A page of results for the directory page, as DirectoryRow values.

    Reads plain values in four small queries (count, the page's ids, its rows, their terms)
    instead of building model instances and prefetching: on a 10,000-organisation directory
    this halves the page's cost.
    """
    # Count and page over bare ids (no joins for the thousands of matches), then read the
    # 25 rows of the page with their country, region and city.
    ids = organisations_search(filters, user=user).select_related(None).prefetch_related(None)
    paginator = Paginator(
        ids.order_by("name", "pk").values_list("pk", flat=True), settings.DIRECTORY_PAGE_SIZE
    )
    try:
        result = paginator.page(page or 1)
    except PageNotAnInteger:
        result = paginator.page(1)
    except EmptyPage:
        result = paginator.page(paginator.num_pages)
    page_ids = list(result.object_list)
    values = Organisation.objects.filter(pk__in=page_ids).values_list(*_ROW_FIELDS)
    by_id = {row[0]: row for row in values}
    rows = [by_id[pk] for pk in page_ids]
    terms: dict[int, list[str]] = {}
    links = (
        Organisation.terms.through.objects.filter(organisation_id__in=[r[0] for r in rows])
        .order_by("term__vocabulary", "term__name")
        .values_list("organisation_id", "term__name")
    )
    for organisation_id, term_name in links:
        terms.setdefault(organisation_id, []).append(term_name)
    kinds = dict(OrganisationKind.choices)
    result.object_list = []
    for pk, slug, name, short_name, kind, country, code, region, city, city_name in rows:
        result.object_list.append(
            DirectoryRow(
                slug=slug,
                name=name,
                short_name=short_name,
                kind=str(kinds.get(kind, kind)),
                country=country,
                region_code=code or "",
                region_name=region or "",
                city=city or city_name or "",
                terms=terms.get(pk, [])[:terms_per_row],
            )
        )
    return result


def terms_for_filters() -> dict[str, list[Term]]:
    """Reference terms offered in the filter lists, per vocabulary."""
    grouped: dict[str, list[Term]] = {
        Vocabulary.SECTORAL: [],
        Vocabulary.EMERGING: [],
        Vocabulary.KET: [],
    }
    for term in Term.objects.filter(vocabulary__in=list(grouped), is_reference=True).order_by(
        "name"
    ):
        grouped[term.vocabulary].append(term)
    return grouped


def cluster_members(cluster) -> QuerySet[ClusterMembership]:
    """A cluster's members with their country and city, by name."""
    return cluster.memberships.select_related(
        "organisation", "organisation__country", "organisation__city"
    ).order_by("organisation__name")


def user_organisations(user) -> list[Organisation]:
    """The organisations a user acts for: their own (as a member) and those they manage."""
    if not (user and user.is_authenticated):
        return []
    ids = set(managed_organisation_ids(user))
    person = getattr(user, "person", None)
    if person is not None:
        ids.add(person.organisation_id)
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def organisation_acted_for(actor, value, field: str = "organisation") -> Organisation:
    """The organisation a user chose to act for (its id or the object); the only one they act
    for when they chose none; admins may act for any organisation."""
    mine = {o.pk: o for o in user_organisations(actor)}
    try:
        key = int(getattr(value, "pk", value))
    except (TypeError, ValueError):
        key = None
    if key is None and value in (None, "") and len(mine) == 1:
        return next(iter(mine.values()))
    if key is not None and key not in mine and is_admin(actor):
        found = Organisation.objects.filter(pk=key).first()
        if found is not None:
            return found
    if key not in mine:
        raise DomainError(_("Choose one of the organisations you act for."), field=field)
    return mine[key]
