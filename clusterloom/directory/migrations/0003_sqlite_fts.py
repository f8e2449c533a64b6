"""On SQLite, the FTS5 trigram index of the directory's text search (see directory/fts.py,
which also restores it after any later migration that rebuilds the table)."""

from django.db import migrations

from clusterloom.directory import fts


def create(apps, schema_editor):
    fts.ensure_text_index(schema_editor.connection)


def drop(apps, schema_editor):
    fts.drop_text_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_trigram_indexes")]

    operations = [migrations.RunPython(create, drop)]
