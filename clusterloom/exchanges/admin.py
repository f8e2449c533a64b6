"""Admin registration of ClusterXchange (read-mostly: state changes go through the pages)."""

from django.contrib import admin

from .models import Exchange, ExchangeApplication, ExchangeCall, ExchangeEvidence, HostingOffer


@admin.register(ExchangeCall)
class ExchangeCallAdmin(admin.ModelAdmin):
    list_display = ("title", "partnership", "status", "opens_on", "closes_on", "target_exchanges")
    list_filter = ("status", "partnership")
    search_fields = ("title",)


@admin.register(HostingOffer)
class HostingOfferAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "partnership", "capacity", "status")
    list_filter = ("status", "partnership")
    search_fields = ("title", "organisation__name")
    raw_id_fields = ("organisation", "person", "submitted_by", "reviewed_by")


@admin.register(ExchangeApplication)
class ExchangeApplicationAdmin(admin.ModelAdmin):
    list_display = ("organisation", "call", "status", "is_sme", "is_member")
    list_filter = ("status", "call", "is_sme", "is_member")
    search_fields = ("organisation__name",)
    raw_id_fields = ("organisation", "person", "submitted_by", "reviewed_by", "member_of")


class EvidenceInline(admin.TabularInline):
    model = ExchangeEvidence
    extra = 0
    fields = ("original_name", "kind", "size", "uploaded_by", "created_at")
    readonly_fields = fields


@admin.register(Exchange)
class ExchangeAdmin(admin.ModelAdmin):
    list_display = ("__str__", "status", "origin", "start", "end", "grant_total")
    list_filter = ("status", "origin")
    raw_id_fields = ("application", "offer", "validated_by")
    readonly_fields = ("signatures", "grant_lines")
    inlines = [EvidenceInline]
