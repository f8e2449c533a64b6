"""Admin registration of joint activities (read-mostly: changes go through the pages, audited)."""

from django.contrib import admin

from .models import Activity, Attendance


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ("person", "organisation")


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("title", "partnership", "kind", "status", "starts_on", "is_published")
    list_filter = ("kind", "status", "is_published", "partnership")
    search_fields = ("title", "topic")
    date_hierarchy = "starts_on"
    raw_id_fields = ("organiser", "created_by")
    inlines = [AttendanceInline]
