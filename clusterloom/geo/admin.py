from django.contrib import admin

from .models import City, Country, Region


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_eu", "is_cosme"]
    list_filter = ["is_eu", "is_cosme"]
    search_fields = ["code", "name"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "country", "category"]
    list_filter = ["level", "category", "country"]
    list_editable = ["category"]
    search_fields = ["code", "name"]


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "latitude", "longitude", "population"]
    list_filter = ["country"]
    search_fields = ["name"]
