"""On PostgreSQL, the pg_trgm extension, whose trigram indexes let the directory's substring
search use an index (the index itself comes with the search_text column, 0004). Other
databases skip this migration."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
