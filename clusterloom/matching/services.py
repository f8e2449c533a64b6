"""Writes of partner matching: match profiles, sector affinities, CORDIS project titles.

Partner requests (posting, following, interest) are in `request_services.py`.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterloom.core.audit import audit
from clusterloom.core.errors import DomainError, PermissionDenied
from clusterloom.core.permissions import has_rule_perm
from clusterloom.directory.models import Organisation
from clusterloom.partnerships.models import PartnershipMember

from .complementarity import learn_affinities
from .models import MatchIndexState, MatchProfile, SectorAffinity
from .profiles import (
    organisations_for_profiles,
    partners_all,
    profile_data,
    project_passages,
    term_key,
)

PROFILE_FIELDS = (
    "text",
    "terms",
    "country",
    "kind",
    "offers",
    "requests",
    "activity",
    "partners",
    "passages",
)


def _values(data) -> dict:
    values = {name: getattr(data, name) for name in PROFILE_FIELDS}
    values["terms"] = list(data.terms)
    values["partners"] = list(data.partners)
    values["passages"] = list(data.passages)
    return values


def _state_locked() -> MatchIndexState:
    """The index state row, locked for this transaction (created on first use)."""
    MatchIndexState.objects.get_or_create(pk=1, defaults={"generation": uuid.uuid4().hex})
    return MatchIndexState.objects.select_for_update().get(pk=1)


def _version_next() -> int:
    """Raise the index version (holding its row lock until commit) and return it."""
    _state_locked()
    MatchIndexState.objects.filter(pk=1).update(version=F("version") + 1)
    return MatchIndexState.objects.values_list("version", flat=True).get(pk=1)


@transaction.atomic
def match_profile_refresh(*, organisation_id: int) -> MatchProfile | None:
    """Recompute one organisation's profile; a deleted organisation leaves a tombstone.

    Derived data, so not audited: the change that caused it was.
    """
    organisation = organisations_for_profiles().filter(pk=organisation_id).first()
    row = MatchProfile.objects.filter(organisation_id=organisation_id).first()
    if organisation is None:
        if row is None or row.removed:
            return row
        row.removed = True
        row.version = _version_next()
        row.save(update_fields=["removed", "version", "updated_at"])
        return row
    data = profile_data(organisation, project_passages(organisation.cordis_projects or []))
    values = _values(data)
    if row is not None and not row.removed:
        if all(getattr(row, name) == value for name, value in values.items()):
            return row  # nothing the index reads has changed
    row = row or MatchProfile(organisation_id=organisation_id)
    for name, value in values.items():
        setattr(row, name, value)
    row.removed = False
    row.version = _version_next()
    row.save()
    return row


@dataclass
class RebuildResult:
    """What a full rebuild did."""

    profiles: int
    removed: int
    project_titles: int


@transaction.atomic
def match_index_rebuild(*, actor=None, projects_path: Path | None = None) -> RebuildResult:
    """Recompute every profile (optionally loading CORDIS project titles first).

    Starts a new index generation, so every process rebuilds its index on next use.
    """
    titles_loaded = 0
    if projects_path is not None:
        titles_loaded = cordis_project_titles_load(path=projects_path)
    state = _state_locked()
    version = state.version + 1
    titles = project_passages()
    partners = partners_all()
    existing = {row.organisation_id: row for row in MatchProfile.objects.all()}
    new_rows, changed_rows = [], []
    for organisation in organisations_for_profiles().iterator(chunk_size=1000):
        data = profile_data(organisation, titles, partners.get(organisation.pk, ()))
        values = _values(data)
        row = existing.pop(organisation.pk, None)
        if row is None:
            new_rows.append(
                MatchProfile(organisation_id=organisation.pk, version=version, **values)
            )
            continue
        for name, value in values.items():
            setattr(row, name, value)
        row.removed, row.version, row.updated_at = False, version, timezone.now()
        changed_rows.append(row)
    MatchProfile.objects.bulk_create(new_rows, batch_size=1000)
    MatchProfile.objects.bulk_update(
        changed_rows, [*PROFILE_FIELDS, "removed", "version", "updated_at"], batch_size=1000
    )
    removed = MatchProfile.objects.filter(organisation_id__in=list(existing)).delete()[0]
    state.version = version
    state.generation = uuid.uuid4().hex
    state.save(update_fields=["version", "generation"])
    result = RebuildResult(len(new_rows) + len(changed_rows), removed, titles_loaded)
    audit(
        actor,
        "matching.index_rebuilt",
        state,
        changes={"profiles": result.profiles, "removed": removed, "titles": titles_loaded},
    )
    return result


def cordis_project_titles_load(*, path: Path) -> int:
    """Read the projects of a CORDIS project export (JSON, CSV or XLSX): titles and objectives
    become passages of their participants' profiles; returns how many the file holds."""
    from .cordis import cordis_projects_load

    return cordis_projects_load(actor=None, path=path).rows


def affinity_groups() -> list[list[tuple[str, ...]]]:
    """Groups of co-members' term sets: each partnership's partners, each CORDIS project's
    participants (organisations without terms add nothing and are left out)."""
    terms_of: dict[int, tuple[str, ...]] = defaultdict(tuple)
    through = Organisation.terms.through.objects.select_related("term")
    collected: dict[int, set[str]] = defaultdict(set)
    for link in through.iterator(chunk_size=5000):
        collected[link.organisation_id].add(term_key(link.term))
    for org_id, keys in collected.items():
        terms_of[org_id] = tuple(sorted(keys))
    groups: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for partnership_id, org_id in PartnershipMember.objects.values_list(
        "partnership_id", "organisation_id"
    ):
        if terms_of.get(org_id):
            groups[f"partnership:{partnership_id}"].append(terms_of[org_id])
    for org_id, projects in Organisation.objects.exclude(cordis_projects=[]).values_list(
        "id", "cordis_projects"
    ):
        if terms_of.get(org_id):
            for acronym in projects or []:
                groups[f"cordis:{acronym}"].append(terms_of[org_id])
    return [members for members in groups.values() if len(members) >= 2]


def _affinity_changed(state: MatchIndexState | None = None) -> None:
    state = state or _state_locked()
    MatchIndexState.objects.filter(pk=state.pk).update(affinity_version=F("affinity_version") + 1)


@transaction.atomic
def sector_affinities_relearn(*, actor, min_support: int = 2) -> int:
    """Learn sector affinities again from the platform's data; adjusted values are kept.

    Returns the number of learned pairs.
    """
    learned: dict[tuple[str, str], float] = {}
    for (a, b), value in learn_affinities(affinity_groups(), min_support=min_support).items():
        if a == b:
            continue
        pair = (a, b) if a < b else (b, a)
        learned[pair] = max(value, learned.get(pair, 0.0))
    now = timezone.now()
    existing = {(row.term_a, row.term_b): row for row in SectorAffinity.objects.all()}
    create, update = [], []
    for pair, value in learned.items():
        row = existing.pop(pair, None)
        if row is None:
            create.append(
                SectorAffinity(term_a=pair[0], term_b=pair[1], learned=value, learned_at=now)
            )
        else:
            row.learned, row.learned_at = value, now
            update.append(row)
    SectorAffinity.objects.bulk_create(create, batch_size=1000)
    SectorAffinity.objects.bulk_update(update, ["learned", "learned_at"], batch_size=1000)
    stale = [row.pk for row in existing.values() if row.adjusted is None]
    SectorAffinity.objects.filter(pk__in=stale).delete()
    SectorAffinity.objects.filter(pk__in=[r.pk for r in existing.values()]).update(
        learned=None, learned_at=now
    )
    state = _state_locked()
    _affinity_changed(state)
    audit(
        actor,
        "matching.affinities_relearned",
        state,
        changes={"learned": len(learned), "dropped": len(stale)},
    )
    return len(learned)


@transaction.atomic
def sector_affinity_adjust(
    *, actor, term_a: str, term_b: str, value: float | None
) -> SectorAffinity | None:
    """Set (or, with None, clear) a coordinator's value for a pair of terms."""
    if not has_rule_perm(actor, "matching.change_sectoraffinity"):
        raise PermissionDenied(_("Only coordinators and admins may adjust sector affinities."))
    if value is not None and not 0.0 <= value <= 1.0:
        raise DomainError(_("An affinity lies between 0 and 1."), field="value")
    if term_a == term_b:
        raise DomainError(_("Choose two different terms."), field="term_b")
    a, b = sorted((term_a, term_b))
    row = SectorAffinity.objects.select_for_update().filter(term_a=a, term_b=b).first()
    before = row.adjusted if row is not None else None
    if row is None:
        if value is None:
            return None
        row = SectorAffinity(term_a=a, term_b=b)
    row.adjusted = value
    row.adjusted_by = actor if value is not None else None
    row.adjusted_at = timezone.now() if value is not None else None
    if value is None and row.learned is None:
        row.delete()
        row = None
    else:
        row.save()
    state = _state_locked()
    _affinity_changed(state)
    audit(
        actor,
        "matching.affinity_adjusted",
        row or state,
        from_state="" if before is None else f"{before:.2f}",
        to_state="" if value is None else f"{value:.2f}",
        changes={"pair": [a, b]},
    )
    return row
