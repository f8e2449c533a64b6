"""Benchmarking: indicator sets as data, results per cluster and date, improvement areas."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clusterloom.core.models import TimeStampedModel, link, optional_link
from clusterloom.directory.models import Organisation
from clusterloom.partnerships.models import Partnership

from .labels import LabelLevel

User = settings.AUTH_USER_MODEL


class CompleteWhen(models.TextChoices):
    """When a benchmarking against a set is complete (only complete ones count)."""

    EVERY_AREA = "every_area", _("every area is scored")
    EVERY_INDICATOR = "every_indicator", _("every indicator is scored")


class IndicatorSet(TimeStampedModel):
    """A benchmarking framework: its areas and indicators are data a coordinator defines."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    #: The label level this set assesses for, if any (the bronze areas; the gold indicators).
    level = models.CharField(
        _("label level"), max_length=10, choices=LabelLevel.choices, blank=True
    )
    #: The partnership that defined the set; empty for the sets every partnership may use.
    partnership = link(Partnership, _("partnership"), "indicator_sets", null=True, blank=True)
    #: A benchmarking counts toward the targets once complete by this rule.
    complete_when = models.CharField(
        _("a benchmarking is complete when"),
        max_length=16,
        choices=CompleteWhen.choices,
        default=CompleteWhen.EVERY_AREA,
    )
    #: Loaded by `clusterloom setup` (the six bronze areas of the ESCA benchmarking).
    is_preloaded = models.BooleanField(_("preloaded"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("indicator set")
        verbose_name_plural = _("indicator sets")

    def __str__(self) -> str:
        return self.name


class BenchmarkArea(models.Model):
    """One area of an indicator set (e.g. "Financing")."""

    indicator_set = link(IndicatorSet, _("set"), "areas")
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["indicator_set", "name"], name="unique_area_name")
        ]
        verbose_name = _("benchmarking area")
        verbose_name_plural = _("benchmarking areas")

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """One indicator of an area, scored 0–100 %; gold indicators carry a threshold."""

    area = link(BenchmarkArea, _("area"), "indicators")
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    #: Score (0–100) an indicator must reach (gold quality indicators); empty when none.
    threshold = models.DecimalField(
        _("threshold (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["area", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="unique_indicator_name")
        ]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name


class Benchmarking(TimeStampedModel):
    """A benchmarking of one cluster organisation on one date against an indicator set."""

    organisation = link(Organisation, _("cluster organisation"), "benchmarkings")
    indicator_set = link(
        IndicatorSet, _("indicator set"), "benchmarkings", on_delete=models.PROTECT
    )
    held_on = models.DateField(_("held on"))
    #: The partnership whose work the benchmarking belongs to (counts toward its targets).
    partnership = optional_link(Partnership, _("partnership"), "benchmarkings")
    assessor = models.CharField(_("assessor"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    #: Mean of the area scores (0–100), kept in step with the scores by the service.
    total_score = models.DecimalField(
        _("total score (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    #: Scored as the set's rule asks (kept in step with the scores by the service); only
    #: complete benchmarkings count toward the partnership's target.
    is_complete = models.BooleanField(_("complete"), default=False)
    is_published = models.BooleanField(_("results published"), default=False)
    recorded_by = optional_link(User, _("recorded by"), "+")

    class Meta:
        ordering = ["-held_on", "id"]
        verbose_name = _("benchmarking")
        verbose_name_plural = _("benchmarkings")

    def __str__(self) -> str:
        return f"{self.organisation} — {self.held_on:%Y-%m-%d}"


class BenchmarkScore(models.Model):
    """A score (0–100 %) of a benchmarking: for an indicator, or for a whole area when the area
    has no indicators (as the preloaded bronze areas)."""

    benchmarking = link(Benchmarking, _("benchmarking"), "scores")
    area = link(BenchmarkArea, _("area"), "scores")
    indicator = link(Indicator, _("indicator"), "scores", null=True, blank=True)
    value = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        ordering = ["area__order", "indicator__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["benchmarking", "indicator"],
                condition=models.Q(indicator__isnull=False),
                name="unique_indicator_score",
            ),
            models.UniqueConstraint(
                fields=["benchmarking", "area"],
                condition=models.Q(indicator__isnull=True),
                name="unique_area_score",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0) & models.Q(value__lte=100),
                name="score_between_0_and_100",
            ),
        ]
        verbose_name = _("score")
        verbose_name_plural = _("scores")

    def __str__(self) -> str:
        return f"{self.indicator or self.area}: {self.value}"


class ImprovementStatus(models.TextChoices):
    """An improvement area is found by a benchmarking, worked on, then documented."""

    IDENTIFIED = "identified", pgettext_lazy("improvement status", "identified")
    IN_PROGRESS = "in_progress", pgettext_lazy("improvement status", "in progress")
    DOCUMENTED = "documented", pgettext_lazy("improvement status", "documented")


def improvement_evidence_path(instance, filename: str) -> str:
    """Improvement evidence lives under improvements/<benchmarking id>/."""
    return (
        f"improvements/{instance.benchmarking_id}/"
        f"{instance.evidence_token}.{instance.evidence_kind}"
    )


class ImprovementArea(TimeStampedModel):
    """An improvement a benchmarking asked for, tracked to its evidence (silver needs 3)."""

    benchmarking = link(Benchmarking, _("benchmarking"), "improvement_areas")
    area = optional_link(BenchmarkArea, _("area"), "improvement_areas")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what was improved"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ImprovementStatus.choices,
        default=ImprovementStatus.IDENTIFIED,
    )
    documented_on = models.DateField(_("documented on"), null=True, blank=True)
    evidence = models.FileField(
        _("evidence"), upload_to=improvement_evidence_path, max_length=200, blank=True
    )
    evidence_kind = models.CharField(max_length=8, blank=True)
    evidence_token = models.CharField(max_length=32, blank=True, editable=False)
    evidence_name = models.CharField(_("file name"), max_length=200, blank=True)
    evidence_url = models.URLField(_("link to the evidence"), max_length=300, blank=True)

    class Meta:
        ordering = ["benchmarking", "id"]
        verbose_name = _("improvement area")
        verbose_name_plural = _("improvement areas")

    def __str__(self) -> str:
        return self.title
