"""Admin for organisations, clusters with their memberships, and people."""

from django.contrib import admin

from .models import Cluster, ClusterMembership, Organisation, Person


class PersonInline(admin.TabularInline):
    """People at the organisation."""

    model = Person
    extra = 0
    fields = ("first_name", "last_name", "job_title", "email", "phone", "consent_public", "user")
    raw_id_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Organisations of every kind."""

    list_display = ("name", "short_name", "kind", "country", "region", "city_name", "cordis_id")
    list_filter = ("kind", "country")
    search_fields = ("name", "short_name", "city_name", "slug")
    list_select_related = ("country", "region")
    prepopulated_fields = {"slug": ("name",)}
    raw_id_fields = ("region", "city")
    filter_horizontal = ("terms", "managers")
    inlines = [PersonInline]


class ClusterMembershipInline(admin.TabularInline):
    """The cluster's listed members."""

    model = ClusterMembership
    extra = 0
    raw_id_fields = ("organisation",)


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    """Clusters: declared figures and listed members."""

    list_display = ("organisation", "member_count", "sme_count", "management_fte")
    search_fields = ("organisation__name",)
    raw_id_fields = ("organisation",)
    list_select_related = ("organisation",)
    inlines = [ClusterMembershipInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """People in the directory."""

    list_display = ("last_name", "first_name", "organisation", "job_title", "consent_public")
    search_fields = ("last_name", "first_name", "email", "organisation__name")
    raw_id_fields = ("organisation", "user")
