"""Reads of partnerships: what a user may see, the profile as the ECCP shows it, the network."""

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects
from django.urls import reverse
from django.utils.translation import gettext as _

from clusterloom.core.errors import NotFound
from clusterloom.core.permissions import coordinated_partnership_ids, is_admin
from clusterloom.directory.models import Organisation
from clusterloom.taxonomy.models import Vocabulary

from .eccp_text import Commitment, find_commitments, target_sources
from .models import Partnership, PartnershipMember, Target, TargetCode
from .network import NetworkNode


def visible_to(user) -> QuerySet[Partnership]:
    """Published partnerships, plus unpublished ones the user coordinates (all for admins)."""
    qs = Partnership.objects.all()
    if is_admin(user):
        return qs
    return qs.filter(Q(is_published=True) | Q(pk__in=coordinated_partnership_ids(user)))


def partnership_search(user, text: str = "") -> QuerySet[Partnership]:
    """Visible partnerships whose acronym, title, objectives or partners match the text."""
    qs = visible_to(user)
    text = (text or "").strip()[:200]
    if text:
        qs = qs.filter(
            Q(acronym__icontains=text)
            | Q(title__icontains=text)
            | Q(objectives__icontains=text)
            | Q(members__organisation__name__icontains=text)
            | Q(members__organisation__short_name__icontains=text)
        ).distinct()
    return qs.annotate(listed_partner_count=Count("members", distinct=True)).order_by("acronym")


def partnership_cards(user, text: str = "") -> list[dict]:
    """Home-page cards: acronym, title, programme, countries, partner counts."""
    qs = partnership_search(user, text).prefetch_related(
        Prefetch(
            "members",
            queryset=PartnershipMember.objects.select_related("organisation__country"),
        )
    )
    cards = []
    for partnership in qs:
        countries = {}
        for member in partnership.members.all():
            country = member.organisation.country
            countries.setdefault(country.code, country.name)
        cards.append(
            {
                "partnership": partnership,
                "countries": [
                    {"code": code, "name": name} for code, name in sorted(countries.items())
                ],
                "listed_partner_count": partnership.listed_partner_count,
            }
        )
    return cards


def partnership_get_visible(user, slug: str) -> Partnership:
    """The partnership with this slug if the user may see it; NotFound otherwise."""
    partnership = visible_to(user).filter(slug=slug).first()
    if partnership is None:
        raise NotFound(_("No such partnership."))
    return partnership


@dataclass
class PartnerRow:
    """One row of the composition table."""

    member: PartnershipMember
    organisation: Organisation
    name: str
    role: str
    role_label: str
    country_code: str
    country_name: str
    region_code: str
    region_name: str
    members: int | None
    smes: int | None
    sectors: list[str] = field(default_factory=list)
    technology_fields: list[str] = field(default_factory=list)
    #: (category, term) pairs, as the ECCP shows "Manufacturing & Industry" / "Basic metals".
    value_chain: list[tuple[str, str]] = field(default_factory=list)
    emerging_industries: list[str] = field(default_factory=list)


@dataclass
class Profile:
    """Everything the profile page, the print version, the PDF and the API show."""

    partnership: Partnership
    partners: list[PartnerRow]
    actions: list[str]
    results_expected: list[str]
    targets: list[Target]
    emerging_industries: list[str]
    sectoral_industries: list[str]
    other_terms: list[str]

    @cached_property
    def commitments(self) -> list[Commitment]:
        """Sentences of the profile that look like commitments but match no target kind
        (worked out when asked: only coordinators' pages and the API show them)."""
        return open_commitments(self.partnership, self.actions, self.results_expected, self.targets)

    @property
    def role_inferred(self) -> bool:
        """Whether a partner's role was inferred (the profile did not name its coordinator)."""
        return any(row.member.role_inferred for row in self.partners)

    @property
    def listed_partner_count(self) -> int:
        """Partners the profile lists in its composition table."""
        return len(self.partners)

    @property
    def unlisted_partner_count(self) -> int:
        """Partners the profile states but does not list (0 when none are missing)."""
        stated = self.partnership.stated_partner_count
        return max(0, stated - self.listed_partner_count) if stated is not None else 0


def _terms_by_vocabulary(terms) -> dict[str, list]:
    grouped: dict[str, list] = {}
    for term in sorted(terms, key=lambda t: (t.category.casefold(), t.name.casefold())):
        grouped.setdefault(term.vocabulary, []).append(term)
    return grouped


def _partner_row(member: PartnershipMember) -> PartnerRow:
    org = member.organisation
    terms = _terms_by_vocabulary(org.terms.all())
    cluster = getattr(org, "cluster", None)
    value_chain = [(t.category, t.label) for t in terms.get(Vocabulary.VALUE_CHAIN, [])]
    # Key enabling technologies appear under the "KETS" value-chain category on the ECCP.
    value_chain += [(t.category or "KETS", t.label) for t in terms.get(Vocabulary.KET, [])]
    return PartnerRow(
        member=member,
        organisation=org,
        name=member.listed_name or org.name,
        role=member.role,
        role_label=member.get_role_display(),
        country_code=org.country_id,
        country_name=org.country.label,
        region_code=org.region_id or "",
        region_name=org.region.name if org.region else "",
        members=cluster.member_count if cluster else None,
        smes=cluster.sme_count if cluster else None,
        # Names in the reader's language (taxonomy translations, pycountry's country names).
        sectors=[t.label for t in terms.get(Vocabulary.SECTORAL, [])]
        + [t.label for t in terms.get(Vocabulary.ECOSYSTEM, [])],
        technology_fields=[t.label for t in terms.get(Vocabulary.TECHNOLOGY, [])],
        value_chain=value_chain,
        emerging_industries=[t.label for t in terms.get(Vocabulary.EMERGING, [])],
    )


def partnership_profile(partnership: Partnership) -> Profile:
    """The profile with its composition, actions, results, targets and industries."""
    members = partnership.partners_listed
    prefetch_related_objects([m.organisation for m in members], "terms")
    terms = _terms_by_vocabulary(partnership.terms.all())
    targets = sorted(
        partnership.targets_listed,
        key=lambda t: (
            TargetCode.values.index(t.code) if t.code in TargetCode.values else 99,
            t.code,
        ),
    )
    actions = [a.text for a in partnership.actions.all()]
    results = [r.text for r in partnership.expected_results.all()]
    return Profile(
        partnership=partnership,
        partners=[_partner_row(m) for m in members],
        actions=actions,
        results_expected=results,
        targets=targets,
        emerging_industries=[t.label for t in terms.pop(Vocabulary.EMERGING, [])],
        sectoral_industries=[t.label for t in terms.pop(Vocabulary.SECTORAL, [])],
        other_terms=[
            f"{t.category}: {t.label}" if t.category else t.label
            for group in terms.values()
            for t in group
        ],
    )


def open_commitments(
    partnership: Partnership, actions: list[str], results: list[str], targets: list[Target]
) -> list[Commitment]:
    """Sentences of the profile's text that look like commitments ("12 webinars", "at least 40
    cluster managers will be trained") but match no target kind, for a coordinator to set as
    targets; one a coordinator set a target from (same sentence, same value) or said is not a
    target is done."""
    sources = target_sources(actions, partnership.objectives, partnership.target_groups, results)
    done = {(t.source_text, t.value) for t in targets}
    done |= {
        (d.get("source_text"), d.get("value"))
        for d in partnership.dismissed_commitments or []
        if isinstance(d, dict)
    }
    return [c for c in find_commitments(sources) if (c.source_text, c.value) not in done]


@dataclass
class NetworkData:
    """Nodes and edges of the partnership network, and the table alternative."""

    partnerships: list[NetworkNode]
    clusters: list[NetworkNode]
    edges: list[tuple[str, str]]
    #: cluster name -> acronyms of its partnerships, for the accessible table.
    table: list[tuple[Organisation, list[Partnership]]]


def partnership_network(user, *, partnership_url, organisation_url) -> NetworkData:
    """Partnerships the user may see and their partner clusters, for the network view.

    `partnership_url(p)` and `organisation_url(o)` give the links the drawing carries.
    """
    partnerships = list(visible_to(user).order_by("acronym"))
    members = (
        PartnershipMember.objects.filter(partnership__in=partnerships)
        .select_related("organisation", "partnership")
        .order_by("organisation__name")
    )
    by_org: dict[int, tuple[Organisation, list[Partnership]]] = {}
    edges = []
    for member in members:
        org = member.organisation
        by_org.setdefault(org.pk, (org, []))[1].append(member.partnership)
        edges.append((f"p-{member.partnership_id}", f"c-{org.pk}"))
    return NetworkData(
        partnerships=[
            NetworkNode(f"p-{p.pk}", p.acronym, partnership_url(p), f"{p.acronym}: {p.title}")
            for p in partnerships
        ],
        clusters=[
            NetworkNode(f"c-{org.pk}", org.short_name or org.name, organisation_url(org), org.name)
            for org, _ps in by_org.values()
        ],
        edges=edges,
        table=sorted(by_org.values(), key=lambda row: (-len(row[1]), row[0].name.casefold())),
    )


def partners_on_map(partnership: Partnership) -> list:
    """The partners as map points: at their own coordinates, their city's, or (approximate)
    their country's largest city; partners of unknown place are left out."""
    from clusterloom.geo.selectors import largest_cities

    from .partner_map import MapPoint

    points = []
    members = partnership.partners_listed
    largest = largest_cities(
        m.organisation.country_id
        for m in members
        if (m.organisation.latitude is None or m.organisation.longitude is None)
        and not m.organisation.city_id
    )
    for member in members:
        organisation = member.organisation
        label = organisation.short_name or organisation.name
        label = label if len(label) <= 24 else label[:23] + "…"
        label = f"{label} ({organisation.country_id})"
        link = reverse("organisation_detail", args=[organisation.slug])
        if organisation.latitude is not None and organisation.longitude is not None:
            where, approximate = (organisation.latitude, organisation.longitude), False
        elif organisation.city_id:
            where, approximate = (organisation.city.latitude, organisation.city.longitude), False
        else:
            city = largest.get(organisation.country_id)
            where, approximate = ((city.latitude, city.longitude) if city else None), True
        if where is not None:
            points.append(MapPoint(label, where[0], where[1], approximate, link))
    return points
