"""Preload the ESCA bronze benchmarking: its six areas (DOMAIN.md), no invented indicators."""

from django.db import migrations

NAME = "ESCA benchmarking (bronze label)"
DESCRIPTION = (
    "The six areas of the ESCA benchmarking a bronze label rests on (36 indicators whose names "
    "are not published here: score each area 0-100 %)."
)
AREAS = (
    "Structure of the cluster",
    "Cluster management and governance",
    "Financing of the cluster management",
    "Services of the cluster management",
    "Contacts and interaction",
    "Achievements and recognition",
)


def preload(apps, schema_editor):
    indicator_set_model = apps.get_model("excellence", "IndicatorSet")
    area_model = apps.get_model("excellence", "BenchmarkArea")
    found = indicator_set_model.objects.filter(
        name=NAME, partnership__isnull=True, is_preloaded=True
    ).first()
    if found is None:
        found = indicator_set_model.objects.create(
            name=NAME, description=DESCRIPTION, level="bronze", is_preloaded=True
        )
    for order, name in enumerate(AREAS, start=1):
        area_model.objects.get_or_create(indicator_set=found, name=name, defaults={"order": order})


def unload(apps, schema_editor):
    indicator_set_model = apps.get_model("excellence", "IndicatorSet")
    indicator_set_model.objects.filter(
        name=NAME, partnership__isnull=True, is_preloaded=True, benchmarkings__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("excellence", "0001_initial")]

    operations = [migrations.RunPython(preload, unload)]
