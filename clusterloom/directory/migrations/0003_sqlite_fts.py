"""On SQLite, an FTS5 trigram index answers the directory's substring search without reading
every row (the same matches as icontains: any part of a word, in any of the four columns).
Triggers keep it in step with every insert, update and delete, bulk ones included.
PostgreSQL has trigram indexes instead (0002); SQLite builds without FTS5 or older than 3.34
(no trigram tokenizer) skip this, and the search falls back to LIKE."""

import sqlite3

from django.db import migrations

TABLE = "directory_organisation"
FTS = "directory_organisation_fts"
COLUMNS = "name, short_name, description, city_name"
NEW = "new.name, new.short_name, new.description, new.city_name"
OLD = "old.name, old.short_name, old.description, old.city_name"


def _supported(connection) -> bool:
    if connection.vendor != "sqlite" or sqlite3.sqlite_version_info < (3, 34):
        return False
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA compile_options")
        return any("FTS5" in row[0] for row in cursor.fetchall())


def create(apps, schema_editor):
    if not _supported(schema_editor.connection):
        return
    run = schema_editor.execute
    run(
        f"CREATE VIRTUAL TABLE {FTS} USING fts5({COLUMNS}, content='{TABLE}', "
        "content_rowid='id', tokenize='trigram')"
    )
    run(
        f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON {TABLE} BEGIN "
        f"INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END"
    )
    run(
        f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON {TABLE} BEGIN "
        f"INSERT INTO {FTS}({FTS}, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD}); END"
    )
    run(
        f"CREATE TRIGGER {FTS}_au AFTER UPDATE ON {TABLE} BEGIN "
        f"INSERT INTO {FTS}({FTS}, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD}); "
        f"INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END"
    )
    run(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for suffix in ("ai", "ad", "au"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {FTS}_{suffix}")
    schema_editor.execute(f"DROP TABLE IF EXISTS {FTS}")


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_trigram_indexes")]

    operations = [migrations.RunPython(create, drop)]
