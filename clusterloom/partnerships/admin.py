"""Admin registration of partnerships with their partners, actions, results and targets."""

from django.contrib import admin

from .models import Action, ExpectedResult, Partnership, PartnershipMember, Target


class PartnershipMemberInline(admin.TabularInline):
    """The partners, in the order the profile lists them."""

    model = PartnershipMember
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["order", "organisation", "role", "role_inferred", "listed_name"]


class ActionInline(admin.TabularInline):
    """The actions of the profile."""

    model = Action
    extra = 0


class ExpectedResultInline(admin.TabularInline):
    """The expected results of the profile."""

    model = ExpectedResult
    extra = 0


class TargetInline(admin.TabularInline):
    """Numeric targets, proposed from the profile text or confirmed by a coordinator."""

    model = Target
    extra = 0
    fields = ["code", "value", "status", "source_text"]


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    """Partnerships and everything on their profile."""

    list_display = ["acronym", "title", "programme", "start_date", "stated_partner_count"]
    list_filter = ["programme", "is_published"]
    search_fields = ["acronym", "title"]
    prepopulated_fields = {"slug": ["acronym"]}
    filter_horizontal = ["terms", "coordinators"]
    inlines = [PartnershipMemberInline, ActionInline, ExpectedResultInline, TargetInline]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    """Targets of all partnerships, to review the proposed ones."""

    list_display = ["partnership", "code", "value", "status"]
    list_filter = ["status", "code"]
    search_fields = ["partnership__acronym", "source_text"]
