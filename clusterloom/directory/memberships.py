"""Who may become a member of a cluster: never the cluster's own organisation, and never an
organisation whose own cluster already holds this cluster, directly or through other clusters
(A in B in A). One check for every path that creates a membership: the member-list import (page,
API, command), the admin and a ClusterXchange registration's "member of"."""

from django.utils.translation import gettext as _

from clusterloom.core.errors import DomainError

from .models import Cluster, ClusterMembership, Organisation


def organisations_above(cluster: Cluster) -> set[int]:
    """Ids of the organisations whose cluster holds `cluster`'s organisation as a member,
    directly or through other clusters (one query per level)."""
    above: set[int] = set()
    frontier = {cluster.organisation_id}
    while frontier:
        rows = ClusterMembership.objects.filter(organisation_id__in=frontier).values_list(
            "cluster__organisation_id", flat=True
        )
        frontier = set(rows) - above
        above |= frontier
    return above


def membership_check(
    cluster: Cluster, organisation: Organisation, *, field: str = "organisation", above=None
) -> None:
    """Refuse `organisation` as a member of `cluster` when it is the cluster's own organisation
    or when the memberships would go in a circle. `above` is organisations_above(cluster) when
    the caller checks many organisations against one cluster."""
    if organisation.pk == cluster.organisation_id:
        raise DomainError(
            _("%(organisation)s cannot be a member of its own cluster.")
            % {"organisation": organisation.name},
            field=field,
        )
    above = organisations_above(cluster) if above is None else above
    if organisation.pk in above:
        raise DomainError(
            _(
                "%(organisation)s cannot be a member of %(cluster)s: %(cluster)s is already a "
                "member of %(organisation)s (directly or through other clusters), and "
                "memberships cannot go in a circle."
            )
            % {"organisation": organisation.name, "cluster": cluster.organisation.name},
            field=field,
        )
