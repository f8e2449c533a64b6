"""ECCP cluster-profile validity: four criteria, each passed, failed or unknown.

The check itself (`profile_validity`) is pure and works on `ClusterFacts`; `cluster_facts`
builds those facts from a Cluster.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

PASSED, FAILED, UNKNOWN = "passed", "failed", "unknown"

#: ECCP thresholds (DOMAIN.md: at least 0.5 FTE, 15 members, 2 member types, English website).
MIN_MANAGEMENT_FTE = Decimal("0.5")
MIN_MEMBERS = 15
MIN_MEMBER_KINDS = 2


@dataclass(frozen=True)
class ClusterFacts:
    """What the check needs to know about a cluster; None where the data is missing."""

    management_fte: Decimal | None
    member_count: int | None
    #: Kinds of the listed members, else the kinds the cluster declares; None if neither.
    member_kinds: frozenset[str] | None
    website: str
    website_in_english: bool | None


@dataclass(frozen=True)
class Criterion:
    """One criterion's outcome with a plain message."""

    code: str
    label: str
    status: str
    message: str


@dataclass(frozen=True)
class Validity:
    """All criteria; valid only when every one passed."""

    criteria: tuple[Criterion, ...]

    @property
    def status(self) -> str:
        """passed when all passed, failed when any failed, else unknown."""
        statuses = {c.status for c in self.criteria}
        if FAILED in statuses:
            return FAILED
        return UNKNOWN if UNKNOWN in statuses else PASSED


def profile_validity(facts: ClusterFacts) -> Validity:
    """Check a cluster against the ECCP profile criteria."""
    criteria = []
    label = _("Management staff of at least 0.5 FTE")
    if facts.management_fte is None:
        criteria.append(
            Criterion("staff", label, UNKNOWN, _("The management staff (FTE) is not known."))
        )
    else:
        ok = Decimal(facts.management_fte) >= MIN_MANAGEMENT_FTE
        criteria.append(
            Criterion(
                "staff",
                label,
                PASSED if ok else FAILED,
                _("%(fte)s FTE of management staff.") % {"fte": facts.management_fte},
            )
        )
    label = _("At least 15 committed members")
    if facts.member_count is None:
        criteria.append(
            Criterion("members", label, UNKNOWN, _("The number of members is not known."))
        )
    else:
        criteria.append(
            Criterion(
                "members",
                label,
                PASSED if facts.member_count >= MIN_MEMBERS else FAILED,
                _("%(count)d members.") % {"count": facts.member_count},
            )
        )
    label = _("Members of at least 2 types")
    if not facts.member_kinds:
        criteria.append(
            Criterion("member_kinds", label, UNKNOWN, _("The kinds of members are not known."))
        )
    else:
        count = len(facts.member_kinds)
        criteria.append(
            Criterion(
                "member_kinds",
                label,
                PASSED if count >= MIN_MEMBER_KINDS else FAILED,
                _("%(count)d type(s) of members.") % {"count": count},
            )
        )
    label = _("A website in English")
    if facts.website_in_english is None:
        message = (
            _("Not known whether the website is in English.")
            if facts.website
            else _("No website is recorded.")
        )
        criteria.append(Criterion("website", label, UNKNOWN, message))
    elif facts.website_in_english:
        criteria.append(Criterion("website", label, PASSED, _("The website is in English.")))
    else:
        criteria.append(Criterion("website", label, FAILED, _("The website is not in English.")))
    return Validity(tuple(criteria))


def cluster_facts(cluster, members=None) -> ClusterFacts:
    """The facts of a Cluster: declared member count or the listed members, whichever is more
    (`members`: its memberships with their organisations, when the caller has read them)."""
    if members is None:
        listed_kinds = list(cluster.memberships.values_list("organisation__kind", flat=True))
    else:
        listed_kinds = [membership.organisation.kind for membership in members]
    counts = [n for n in (cluster.member_count, len(listed_kinds) or None) if n is not None]
    if listed_kinds:
        kinds = frozenset(listed_kinds)
    elif cluster.declared_member_kinds:
        kinds = frozenset(cluster.declared_member_kinds)
    else:
        kinds = None
    return ClusterFacts(
        management_fte=cluster.management_fte,
        member_count=max(counts) if counts else None,
        member_kinds=kinds,
        website=cluster.organisation.website,
        website_in_english=cluster.website_in_english,
    )


def cluster_validity(cluster, members=None) -> Validity:
    """The ECCP profile validity of a Cluster (`members` as for cluster_facts)."""
    return profile_validity(cluster_facts(cluster, members))
