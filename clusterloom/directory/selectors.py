"""Reads of the directory: search and filter, visibility, an organisation's page data."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Case, Prefetch, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from clusterloom.core.errors import DomainError
from clusterloom.core.permissions import is_admin, managed_organisation_ids
from clusterloom.geo.labels import country_label
from clusterloom.taxonomy.models import Term, Vocabulary, term_label

from . import search, snapshot
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
    ecosystem: str = ""

    @classmethod
    def from_mapping(cls, data: Any) -> "DirectoryFilters":
        """From request.GET or a dict; values trimmed and length-capped."""
        return cls(
            **{name: str(data.get(name) or "").strip()[:200] for name in cls.__annotations__}
        )


#: Filter name -> the vocabulary its terms come from.
TERM_FILTERS = {
    "sector": Vocabulary.SECTORAL,
    "emerging": Vocabulary.EMERGING,
    "ket": Vocabulary.KET,
    "ecosystem": Vocabulary.ECOSYSTEM,
}
#: Filter values listed per facet (most frequent first).
FACET_VALUES = 12


def _term_ids(vocabulary: str, value: str) -> set[int]:
    """Ids of the terms of that vocabulary a filter value names (by slug or name)."""
    return set(
        Term.objects.filter(vocabulary=vocabulary)
        .filter(Q(slug=value.lower()) | Q(name__iexact=value))
        .values_list("pk", flat=True)
    )


def _filtered(filters: DirectoryFilters, snapshot) -> set[int] | None:
    """Organisations passing every filter but the words (None: no filter set): the
    intersection of the snapshot's sets for each filter, smallest first."""
    sets: list[set[int]] = []
    if filters.country:
        sets.append(snapshot.with_country.get(filters.country.upper()[:2], set()))
    if filters.region:
        prefix = filters.region.upper()
        sets.append(
            set().union(
                *(ids for code, ids in snapshot.with_region.items() if code.startswith(prefix))
            )
        )
    if filters.kind:
        sets.append(snapshot.with_kind.get(filters.kind, set()))
    for name, vocabulary in TERM_FILTERS.items():
        value = getattr(filters, name)
        if value:
            wanted = _term_ids(vocabulary, value)
            sets.append(set().union(*(snapshot.with_term.get(t, set()) for t in wanted)))
    if not sets:
        return None
    sets.sort(key=len)
    return sets[0].intersection(*sets[1:])


@dataclass
class FacetValue:
    """One value of a filter with the number of results that have it."""

    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    """A filter and its most frequent values among the results."""

    name: str
    title: str
    values: list[FacetValue]


@dataclass
class DirectorySearch:
    """A page of search results: ids best first, facets, and what the search did with the
    words (corrections, partial matches)."""

    page: Any
    facets: list[Facet]
    text: search.TextQuery
    #: The snapshot the results come from (for their rows: directory_rows).
    current: snapshot.Snapshot | None = None


def _search(
    filters: DirectoryFilters, user
) -> tuple[list[int], search.TextQuery, Any, snapshot.Snapshot]:
    """The matching organisations' ids best first, the parsed words and the facet counts
    (typos corrected, partial results when nothing matches every word). Every organisation
    is public (organisations_visible_to), so the snapshot holds them all."""
    current = snapshot.current()
    within = _filtered(filters, current)
    text = search.parse(filters.q)
    vocabularies = list(TERM_FILTERS.values())
    ids = search.matching(text, current, within)
    if not ids and text.words and search.correct_typos(text, current):
        ids = search.matching(text, current, within)
    if not ids and len(text.words) > 1:
        text.partial = True
        ids = search.matching_some(text, current, within)
    counts = search.facet_counts(ids, current, vocabularies)
    return search.ranked(ids, text, current), text, counts, current


def _facets(
    filters: DirectoryFilters, counts, language: str | None, current: snapshot.Snapshot
) -> list[Facet]:
    """The facets to show, labelled in `language` (names from the snapshot: no query)."""

    def top(values: dict, label) -> list[tuple]:
        ranked = sorted(values.items(), key=lambda item: (-item[1], label(item[0])))
        return ranked[:FACET_VALUES]

    kinds = dict(OrganisationKind.choices)
    facets = [
        Facet(
            "kind",
            str(_("Kind")),
            [
                FacetValue(k, str(kinds.get(k, k)), n, filters.kind == k)
                for k, n in top(counts.kind, lambda k: str(kinds.get(k, k)))
            ],
        )
    ]
    names = current.country_names

    def country(code):
        return country_label(code, names.get(code, code), language)

    facets.append(
        Facet(
            "country",
            str(_("Country")),
            [
                FacetValue(c, country(c), n, filters.country.upper() == c)
                for c, n in top(counts.country, country)
            ],
        )
    )
    terms = current.term_names

    def label(pk: int) -> str:
        _slug, name, translations = terms[pk]
        return term_label(name, translations, language)

    for name, vocabulary in TERM_FILTERS.items():
        in_vocabulary = {
            pk: n for pk, n in counts.terms.items() if current.term_vocabulary[pk] == vocabulary
        }
        selected = getattr(filters, name).lower()
        values = [
            FacetValue(
                terms[pk][0],
                label(pk),
                n,
                selected in (terms[pk][0], terms[pk][1].lower()),
            )
            for pk, n in top(in_vocabulary, label)
        ]
        facets.append(Facet(name, str(Vocabulary(vocabulary).label), values))
    return facets


def directory_search(
    filters: DirectoryFilters, page: Any, *, user=None, language: str | None = None
) -> DirectorySearch:
    """One page of results (settings.DIRECTORY_PAGE_SIZE), best match first (by name when no
    words were typed), with facets; the page's object_list holds organisation ids."""
    ids, text, counts, current = _search(filters, user)
    paginator = Paginator(ids, settings.DIRECTORY_PAGE_SIZE)
    try:
        result = paginator.page(page or 1)
    except PageNotAnInteger:
        result = paginator.page(1)
    except EmptyPage:
        result = paginator.page(paginator.num_pages)
    result.object_list = list(result.object_list)
    return DirectorySearch(
        page=result,
        facets=_facets(filters, counts, language, current),
        text=text,
        current=current,
    )


def organisations_search(filters: DirectoryFilters, *, user=None) -> QuerySet[Organisation]:
    """Organisations matching the filters, best match first, with country, region and city
    loaded and terms prefetched (one query each, however many rows)."""
    ids, _text, _counts, _current = _search(filters, user)
    order = Case(*(When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)), default=Value(0))
    return (
        Organisation.objects.filter(pk__in=ids)
        .order_by(order if ids else "pk")
        .select_related("country", "region", "city")
        .prefetch_related(Prefetch("terms", queryset=Term.objects.order_by("vocabulary", "name")))
    )


def organisations_by_ids(ids: list[int]) -> list[Organisation]:
    """Organisations in the order of `ids`, with country, region, city and terms loaded."""
    found = (
        Organisation.objects.filter(pk__in=ids)
        .select_related("country", "region", "city")
        .prefetch_related(Prefetch("terms", queryset=Term.objects.order_by("vocabulary", "name")))
    )
    by_id = {org.pk: org for org in found}
    return [by_id[pk] for pk in ids if pk in by_id]


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
    #: The stored logo's name ("organisations/7/<token>.png"), "" without one.
    logo: str = ""


def directory_rows(
    ids: list[int],
    *,
    language: str | None,
    terms_per_row=4,
    current: snapshot.Snapshot | None = None,
) -> list[DirectoryRow]:
    """The result table's rows for these organisation ids, in their order, with term and
    country names in `language`.

    Read from the snapshot the search used (`current`; else this process's current one),
    which holds each organisation's line and its terms in order: no query. Reading the 25 rows
    and their terms from the database (two queries, the terms' translations parsed from JSON
    each time) cost about 1.5 ms of a 11-ms page on 10,000 organisations (docs/PERFORMANCE.md).
    """
    current = current or snapshot.current()
    labels = current.term_labels(language)
    names = current.country_names
    kinds = {value: str(label) for value, label in OrganisationKind.choices}
    result = []
    for pk in ids:
        row = current.rows.get(pk)
        if row is None:
            continue
        slug, name, short_name, kind, code, region_code, region_name, city, logo = row
        result.append(
            DirectoryRow(
                slug=slug,
                name=name,
                short_name=short_name,
                kind=kinds.get(kind, kind),
                country=country_label(code, names.get(code, code), language),
                region_code=region_code,
                region_name=region_name,
                city=city,
                terms=[labels[t] for t in current.terms.get(pk, ())[:terms_per_row]],
                logo=logo,
            )
        )
    return result


def terms_for_filters() -> dict[str, list[Term]]:
    """Reference terms offered in the filter lists, per vocabulary."""
    grouped: dict[str, list[Term]] = {vocabulary: [] for vocabulary in TERM_FILTERS.values()}
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
