"""Admin for partner requests, sector affinities and the derived match profiles."""

from django.contrib import admin

from .models import (
    CordisProject,
    MatchProfile,
    PartnerInterest,
    PartnerRequest,
    SectorAffinity,
)


class PartnerInterestInline(admin.TabularInline):
    """Expressions of interest in the request."""

    model = PartnerInterest
    extra = 0
    fields = ("user", "organisation", "message", "notified_at")
    raw_id_fields = ("user", "organisation")
    readonly_fields = ("notified_at",)


@admin.register(PartnerRequest)
class PartnerRequestAdmin(admin.ModelAdmin):
    """Partner requests."""

    list_display = ("title", "organisation", "status", "is_public", "deadline", "created_at")
    list_filter = ("status", "is_public")
    search_fields = ("title", "sought", "organisation__name")
    raw_id_fields = ("organisation", "posted_by", "followers")
    filter_horizontal = ("terms",)
    inlines = [PartnerInterestInline]


@admin.register(SectorAffinity)
class SectorAffinityAdmin(admin.ModelAdmin):
    """Learned and adjusted affinities (coordinators adjust them on /partners/affinities/)."""

    list_display = ("term_a", "term_b", "learned", "adjusted", "adjusted_by", "adjusted_at")
    search_fields = ("term_a", "term_b")
    readonly_fields = ("learned", "learned_at", "adjusted_by", "adjusted_at")


@admin.register(MatchProfile)
class MatchProfileAdmin(admin.ModelAdmin):
    """Derived data, read only: `clusterloom rebuild-match-index` recomputes it."""

    list_display = ("organisation_id", "kind", "country", "activity", "removed", "version")
    list_filter = ("removed", "kind")
    search_fields = ("text",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(CordisProject)
