"""Admin registration of labels, indicator sets, benchmarkings and cluster services."""

from django.contrib import admin

from .models import (
    BenchmarkArea,
    Benchmarking,
    BenchmarkScore,
    ClusterLabel,
    ClusterService,
    ImprovementArea,
    Indicator,
    IndicatorSet,
)


@admin.register(ClusterLabel)
class ClusterLabelAdmin(admin.ModelAdmin):
    """Labels; recorded through the pages or the API so their rules are checked."""

    list_display = ["organisation", "level", "awarded_on", "valid_until", "partnership"]
    list_filter = ["level", "partnership", "is_published"]
    search_fields = ["organisation__name", "certificate_number"]
    date_hierarchy = "awarded_on"
    raw_id_fields = ["organisation", "benchmarking", "recorded_by"]
    readonly_fields = ["evidence_kind", "evidence_token", "expiry_reminder_sent_on"]


class BenchmarkAreaInline(admin.TabularInline):
    """The areas of a set."""

    model = BenchmarkArea
    extra = 0


@admin.register(IndicatorSet)
class IndicatorSetAdmin(admin.ModelAdmin):
    """Indicator sets with their areas."""

    list_display = ["name", "level", "partnership", "is_preloaded"]
    list_filter = ["level", "is_preloaded"]
    inlines = [BenchmarkAreaInline]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    """Indicators of an area, with their thresholds."""

    list_display = ["name", "area", "threshold"]
    list_filter = ["area__indicator_set"]
    search_fields = ["name"]


class BenchmarkScoreInline(admin.TabularInline):
    """The scores of a benchmarking."""

    model = BenchmarkScore
    extra = 0
    raw_id_fields = ["area", "indicator"]


class ImprovementAreaInline(admin.TabularInline):
    """The improvement areas of a benchmarking."""

    model = ImprovementArea
    extra = 0
    fields = ["title", "area", "status", "documented_on", "evidence_url"]
    raw_id_fields = ["area"]


@admin.register(Benchmarking)
class BenchmarkingAdmin(admin.ModelAdmin):
    """Benchmarkings with their scores and improvement areas."""

    list_display = ["organisation", "held_on", "indicator_set", "total_score", "partnership"]
    list_filter = ["indicator_set", "partnership", "is_published"]
    search_fields = ["organisation__name", "assessor"]
    raw_id_fields = ["organisation", "recorded_by"]
    readonly_fields = ["total_score"]
    inlines = [BenchmarkScoreInline, ImprovementAreaInline]


@admin.register(ClusterService)
class ClusterServiceAdmin(admin.ModelAdmin):
    """Services of cluster portfolios."""

    list_display = ["name", "organisation", "novelty", "launched_on", "partnership"]
    list_filter = ["novelty", "partnership", "is_published"]
    search_fields = ["name", "organisation__name"]
    raw_id_fields = ["organisation"]
    filter_horizontal = ["built_with"]
