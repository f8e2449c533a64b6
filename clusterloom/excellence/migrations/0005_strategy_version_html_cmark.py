from importlib import import_module

from django.db import migrations


def render_versions(apps, schema_editor):
    """Render every saved version again with cmark-gfm, which replaced markdown-it-py (the same
    CommonMark; this keeps every stored version the output of the renderer in use)."""
    earlier = import_module("clusterloom.excellence.migrations.0003_strategy_version_html")
    earlier.render_versions(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("excellence", "0004_benchmarking_complete"),
    ]

    operations = [
        migrations.RunPython(render_versions, migrations.RunPython.noop),
    ]
