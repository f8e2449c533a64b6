"""Drop `search_text`, the stored concatenation of the three search columns: since the
directory search reads the snapshot each process holds (directory/search.py), nothing reads
it, yet every organisation write rewrote it and, on PostgreSQL, its trigram GIN index (which
goes with the column). SQLite's FTS5 index reads the three columns themselves (fts.py)."""

from django.db import migrations

INDEX = "directory_org_search_text_trgm"


def create_index(apps, schema_editor):
    """Going back: the trigram index of migration 0006 on the restored column."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON directory_organisation "
            "USING gin (search_text gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0009_cluster_figure_bounds"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, create_index),
        migrations.RemoveField(model_name="organisation", name="search_text"),
    ]
