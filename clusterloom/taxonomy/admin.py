from django.contrib import admin

from .models import Term


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "vocabulary", "category", "is_reference"]
    list_filter = ["vocabulary", "is_reference"]
    search_fields = ["name", "category"]
    prepopulated_fields = {"slug": ["name"]}
