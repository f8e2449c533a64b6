"""Index profiles built from directory organisations (and back from stored MatchProfile rows)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, QuerySet

from clusterloom.directory.models import Organisation
from clusterloom.partnerships.models import PartnershipMember

from .index import Profile, Weights, default_weights
from .models import CordisProject, MatchProfile


def ranking_weights(*, semantic: bool = False, short: bool = False) -> Weights | None:
    """The weights the platform ranks with (of long needs, or with `short` of short ones):
    learned from its own records when `learn-ranking` wrote settings.MATCHING_RANKING_FILE,
    else the shipped ones."""
    return default_weights(semantic=semantic, path=settings.MATCHING_RANKING_FILE, short=short)


def term_key(term) -> str:
    """A taxonomy term as the index names it: "vocabulary:slug"."""
    return f"{term.vocabulary}:{term.slug}"


@dataclass(frozen=True)
class ProfileData:
    """The derived fields of one organisation's MatchProfile."""

    text: str
    terms: tuple[str, ...]
    country: str
    kind: str
    offers: str
    requests: str
    activity: float
    partners: tuple[str, ...] = ()
    passages: tuple[str, ...] = ()


def organisations_for_profiles() -> QuerySet[Organisation]:
    """Organisations with what a profile reads, in few queries."""
    return (
        Organisation.objects.select_related("city", "region")
        .prefetch_related("terms")
        .annotate(partnership_count=Count("partnership_memberships", distinct=True))
    )


def project_passages(acronyms: Iterable[str] | None = None) -> dict[str, str]:
    """Known CORDIS projects as passages (title and objective) by acronym (all of them, or
    those asked for)."""
    rows = CordisProject.objects.all()
    if acronyms is not None:
        rows = rows.filter(acronym__in=list(acronyms))
    return {
        acronym: (f"{title}. {objective}" if objective else title)
        for acronym, title, objective in rows.values_list("acronym", "title", "objective")
    }


def partners_of(organisation: Organisation) -> tuple[str, ...]:
    """Ids of the organisations it worked with: partnership co-members, CORDIS co-participants."""
    partnership_ids = PartnershipMember.objects.filter(organisation=organisation).values(
        "partnership_id"
    )
    ids = set(
        PartnershipMember.objects.filter(partnership_id__in=partnership_ids).values_list(
            "organisation_id", flat=True
        )
    )
    for acronym in organisation.cordis_projects or []:
        # The JSON list read as text holds the acronym in quotes (SQLite and PostgreSQL alike).
        ids.update(
            pk
            for pk, projects in Organisation.objects.filter(
                cordis_projects__icontains=f'"{acronym}"'
            ).values_list("pk", "cordis_projects")
            if acronym in (projects or [])
        )
    ids.discard(organisation.pk)
    return tuple(str(pk) for pk in sorted(ids))


def partners_all(
    projects: Iterable[str] | None = None, *, with_partnerships: bool = True
) -> dict[int, set[int]]:
    """Every organisation's partners at once (for a full rebuild); with `projects`, only
    co-participants in those CORDIS projects count (and, unless `with_partnerships` is off,
    partnership co-members)."""
    allowed = None if projects is None else set(projects)
    groups: dict[str, set[int]] = defaultdict(set)
    memberships = PartnershipMember.objects.values_list("partnership_id", "organisation_id")
    for partnership_id, org_id in memberships if with_partnerships else ():
        groups[f"p{partnership_id}"].add(org_id)
    for org_id, theirs in Organisation.objects.exclude(cordis_projects=[]).values_list(
        "pk", "cordis_projects"
    ):
        for acronym in theirs or []:
            if allowed is None or acronym in allowed:
                groups[f"c{acronym}"].add(org_id)
    partners: dict[int, set[int]] = defaultdict(set)
    for members in groups.values():
        if len(members) < 2:
            continue
        for org_id in members:
            partners[org_id].update(members)
    for org_id, ids in partners.items():
        ids.discard(org_id)
    return partners


def profile_data(
    organisation: Organisation,
    passages: dict[str, str],
    partners: Iterable | None = None,
    *,
    projects: Iterable[str] | None = None,
    with_partnerships: bool = True,
) -> ProfileData:
    """An organisation's profile: its own texts, place and terms, its CORDIS projects as
    passages, its activity and partners.

    `organisation` should come from `organisations_for_profiles()` (terms prefetched,
    partnership_count annotated); `passages` maps CORDIS acronyms to passage texts; `partners`
    (ids) are looked up when not given; `projects`, when given, are the only CORDIS projects
    that count (a profile as of a date, for learning); without `with_partnerships` its
    partnerships do not count as activity (learning from partnership compositions, where they
    would give the answers away).
    """
    place = []
    if organisation.city_id:
        place.append(organisation.city.name)
    elif organisation.city_name:
        place.append(organisation.city_name)
    if organisation.region_id:
        place.append(organisation.region.name)
    mine = list(organisation.cordis_projects or [])
    if projects is not None:
        allowed = set(projects)
        mine = [a for a in mine if a in allowed]
    # The names of its industries and technology fields describe an organisation in words too:
    # "Advanced Textile Materials" must answer a search for "technical textiles" even when the
    # profile has no description (the ECCP composition table gives only terms).
    term_names = sorted({t.name for t in organisation.terms.all()})
    parts = [
        organisation.name,
        organisation.short_name,
        organisation.description,
        organisation.offers,
        organisation.requests,
        ", ".join(place),
        ", ".join(term_names),
    ]
    text = "\n".join(p.strip() for p in parts if p and p.strip())
    terms = tuple(sorted({term_key(t) for t in organisation.terms.all()}))
    partnerships = getattr(organisation, "partnership_count", None)
    if not with_partnerships:
        partnerships = 0
    elif partnerships is None:
        partnerships = organisation.partnership_memberships.count()
    return ProfileData(
        text=text,
        terms=terms,
        country=organisation.country_id or "",
        kind=organisation.kind,
        offers=organisation.offers.strip(),
        requests=organisation.requests.strip(),
        activity=float(partnerships + len(mine)),
        partners=partners_of(organisation)
        if partners is None
        else tuple(str(pk) for pk in sorted(partners)),
        passages=tuple(passages[a] for a in sorted(mine) if a in passages),
    )


def profile_from_row(row: MatchProfile) -> Profile:
    """The index's Profile for a stored MatchProfile row."""
    return Profile(
        id=str(row.organisation_id),
        text=row.text,
        terms=tuple(row.terms),
        country=row.country,
        kind=row.kind,
        offers=row.offers,
        requests=row.requests,
        activity=row.activity,
        partners=tuple(row.partners),
        passages=tuple(row.passages),
    )
