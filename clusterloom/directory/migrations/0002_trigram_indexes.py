"""On PostgreSQL, trigram indexes let the directory's substring search (icontains, which
Django writes as UPPER(col) LIKE UPPER(%word%)) use an index instead of scanning every row.
Other databases skip this migration."""

from django.db import migrations

COLUMNS = ["name", "short_name", "description", "city_name"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS directory_org_{column}_trgm "
            f'ON directory_organisation USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS directory_org_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
