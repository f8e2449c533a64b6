"""Reads of labels, benchmarkings and services: who sees what, rule checks, comparisons."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterloom.core.errors import DomainError
from clusterloom.core.inputs import id_value
from clusterloom.core.permissions import (
    coordinated_partnership_ids,
    is_admin,
    managed_organisation_ids,
    organisations_of_coordinated,
)
from clusterloom.partnerships.selectors import visible_to as partnerships_visible_to

from . import label_rules
from .models import (
    Benchmarking,
    ClusterLabel,
    ClusterService,
    ImprovementArea,
    ImprovementStatus,
    IndicatorSet,
    LabelStatus,
)


def _changeable(user) -> set[int]:
    return managed_organisation_ids(user) | organisations_of_coordinated(user)


def _published_or_mine(rows: QuerySet, user) -> QuerySet:
    if is_admin(user):
        return rows
    return rows.filter(Q(is_published=True) | Q(organisation_id__in=_changeable(user)))


def labels_visible_to(user) -> QuerySet[ClusterLabel]:
    """Published labels, and the labels of the clusters the user may change."""
    rows = ClusterLabel.objects.select_related("organisation", "partnership")
    return _published_or_mine(rows, user)


def benchmarkings_visible_to(user) -> QuerySet[Benchmarking]:
    """Published benchmarkings, and those of the clusters the user may change."""
    rows = Benchmarking.objects.select_related("organisation", "indicator_set", "partnership")
    return _published_or_mine(rows, user)


def services_visible_to(user) -> QuerySet[ClusterService]:
    """Published services, and those of the clusters the user may change."""
    rows = ClusterService.objects.select_related("organisation", "partnership")
    return _published_or_mine(rows, user)


def labels_of_partnership(rows: QuerySet, user, slug: str) -> QuerySet:
    """Labels recorded for the partnership or held by its partners, if the user may see it (the
    filter must not tell who is part of an unpublished partnership)."""
    found = partnerships_visible_to(user).filter(slug=slug)
    return rows.filter(
        Q(partnership__in=found) | Q(organisation__partnership_memberships__partnership__in=found)
    ).distinct()


def indicator_sets_visible_to(user) -> QuerySet[IndicatorSet]:
    """Shared sets, sets of published partnerships, and the sets of coordinated ones."""
    rows = IndicatorSet.objects.select_related("partnership")
    if is_admin(user):
        return rows
    return rows.filter(
        Q(partnership__isnull=True)
        | Q(partnership__is_published=True)
        | Q(partnership_id__in=coordinated_partnership_ids(user))
    )


def indicator_set_usable(organisation, value) -> IndicatorSet:
    """The set a benchmarking of the organisation may use: a shared one or one of a
    partnership the organisation belongs to."""
    pk = id_value(value)
    found = IndicatorSet.objects.filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise DomainError(_("Choose an indicator set."), field="indicator_set")
    if (
        found.partnership_id
        and not found.partnership.members.filter(organisation=organisation).exists()
    ):
        raise DomainError(
            _("The set “%(set)s” belongs to a partnership %(org)s is not part of.")
            % {"set": found.name, "org": organisation.name},
            field="indicator_set",
        )
    return found


def status_of(label: ClusterLabel, day: datetime.date | None = None) -> str:
    """valid, expiring or expired on `day` (today by default)."""
    day = day or timezone.localdate()
    return label_rules.label_status(label.valid_until, day, settings.LABEL_EXPIRY_WARNING_DAYS)


def status_filter(rows: QuerySet[ClusterLabel], status: str, day=None) -> QuerySet:
    """Labels of one status on `day`, as a database filter (the same rule as status_of)."""
    day = day or timezone.localdate()
    warn = day + datetime.timedelta(days=settings.LABEL_EXPIRY_WARNING_DAYS)
    if status == label_rules.EXPIRED:
        return rows.filter(valid_until__lt=day)
    if status == label_rules.EXPIRING:
        return rows.filter(valid_until__gte=day, valid_until__lte=warn)
    if status == label_rules.VALID:
        return rows.filter(valid_until__gt=warn)
    return rows


def with_status(labels, day=None) -> list[ClusterLabel]:
    """Labels with their `status` (and its display name) as of `day` (today by default)."""
    labels = list(labels)
    names = dict(LabelStatus.choices)
    for label in labels:
        label.status = status_of(label, day)
        label.status_name = names[label.status]
    return labels


def documented_filter() -> Q:
    """Improvement areas documented with evidence (a file or a link)."""
    return Q(status=ImprovementStatus.DOCUMENTED) & (~Q(evidence="") | ~Q(evidence_url=""))


def benchmarking_facts(organisation) -> list[label_rules.BenchmarkingFacts]:
    """The organisation's benchmarkings as the label rules see them."""
    rows = (
        Benchmarking.objects.filter(organisation=organisation)
        .annotate(
            documented=Count(
                "improvement_areas",
                filter=Q(improvement_areas__in=ImprovementArea.objects.filter(documented_filter())),
            )
        )
        .order_by("held_on", "id")
    )
    facts = []
    for b in rows:
        below, has_thresholds = [], False
        for score in b.scores.select_related("indicator").filter(
            indicator__threshold__isnull=False
        ):
            has_thresholds = True
            if score.value < score.indicator.threshold:
                below.append(score.indicator.name)
        facts.append(
            label_rules.BenchmarkingFacts(
                b.pk, b.held_on, b.total_score, b.documented, tuple(below), has_thresholds
            )
        )
    return facts


def label_check(organisation, level: str, *, on=None, benchmarking_id=None):
    """Every rule of `level` for the organisation as of `on` (today by default)."""
    on = on or timezone.localdate()
    history = benchmarking_facts(organisation)
    return label_rules.check_level(level, history, on=on, chosen_id=benchmarking_id)


@dataclass
class AreaRow:
    """One area of a benchmarking's comparison chart."""

    name: str
    score: object
    previous: object = None
    peer_mean: object = None
    peer_median: object = None
    peer_count: int = 0


def area_scores_of(benchmarking: Benchmarking) -> dict:
    """Area id -> area score (mean of its indicators, or the area's own score); uses
    prefetched scores and areas (with indicators) when the caller prefetched them."""
    areas = benchmarking.indicator_set.areas.all()
    with_indicators = {a.pk for a in areas if a.indicators.all()}
    rows = [(x.area_id, x.indicator_id, x.value) for x in benchmarking.scores.all()]
    return label_rules.area_scores(rows, with_indicators)


#: What a list of benchmarkings prefetches so each one's scores cost no query.
BENCHMARKING_PREFETCH = ("scores", "improvement_areas", "indicator_set__areas__indicators")


def previous_of(benchmarking: Benchmarking, user) -> Benchmarking | None:
    """The cluster's previous benchmarking on the same set that the user may see."""
    return (
        benchmarkings_visible_to(user)
        .filter(
            organisation=benchmarking.organisation,
            indicator_set=benchmarking.indicator_set,
            held_on__lt=benchmarking.held_on,
        )
        .order_by("-held_on")
        .first()
    )


def peer_benchmarkings(benchmarking: Benchmarking, *, published_only: bool) -> list:
    """The latest benchmarking on the same set of each other partner of its partnership."""
    partnership = benchmarking.partnership
    if partnership is None:
        return []
    partners = partnership.members.exclude(
        organisation_id=benchmarking.organisation_id
    ).values_list("organisation_id", flat=True)
    rows = Benchmarking.objects.filter(
        organisation_id__in=list(partners), indicator_set=benchmarking.indicator_set
    ).select_related("organisation")
    if published_only:
        rows = rows.filter(is_published=True)
    latest = {}
    for row in rows.order_by("held_on", "id"):
        latest[row.organisation_id] = row
    return list(latest.values())


def comparison(benchmarking: Benchmarking, user) -> dict:
    """Area rows (own, previous, peers' mean and median) and, for the partnership's
    coordinators only, each peer's area scores."""
    areas = list(benchmarking.indicator_set.areas.all())
    own = area_scores_of(benchmarking)
    previous = previous_of(benchmarking, user)
    before = area_scores_of(previous) if previous else {}
    coordinator = is_admin(user) or (
        benchmarking.partnership_id in coordinated_partnership_ids(user)
    )
    peers = peer_benchmarkings(benchmarking, published_only=not coordinator)
    peer_scores = [(p, area_scores_of(p)) for p in peers]
    figures = label_rules.peer_figures([s for _p, s in peer_scores])
    rows = []
    for area in areas:
        figure = figures.get(area.pk)
        rows.append(
            AreaRow(
                area.name,
                own.get(area.pk),
                before.get(area.pk),
                figure.mean if figure else None,
                figure.median if figure else None,
                figure.count if figure else 0,
            )
        )
    per_peer = []
    if coordinator:
        per_peer = [
            (p, [scores.get(a.pk) for a in areas], p.total_score) for p, scores in peer_scores
        ]
    return {"rows": rows, "previous": previous, "peers": per_peer, "areas": areas}
