from django.db import migrations, models


def render_versions(apps, schema_editor):
    """Render every saved version once with the linear-time renderer (a version saved with a
    text that made the old renderer take minutes now renders in well under a second)."""
    from clusterloom.excellence.markdown import render_markdown

    StrategyVersion = apps.get_model("excellence", "StrategyVersion")
    for version in StrategyVersion.objects.only("pk", "text").iterator(chunk_size=200):
        StrategyVersion.objects.filter(pk=version.pk).update(html=render_markdown(version.text))


class Migration(migrations.Migration):
    dependencies = [
        ("excellence", "0002_bronze_indicator_set"),
    ]

    operations = [
        migrations.AddField(
            model_name="strategyversion",
            name="html",
            field=models.TextField(blank=True, editable=False, verbose_name="text (HTML)"),
        ),
        migrations.RunPython(render_versions, migrations.RunPython.noop),
    ]
