# ruff: noqa: S608  (DDL assembled from the constants below; no user input reaches it)
"""The SQLite FTS5 trigram index of the directory's text search.

It answers `MATCH "stem"` with the same organisations as a substring search over the folded
search columns (names; labels in every language; description; see search_index.py), without
reading every row. Triggers keep it in step with every write, bulk ones included. SQLite drops
a table's triggers whenever a migration rebuilds the table, so `ensure_text_index` runs after
every `migrate` (post_migrate) and puts back whatever is missing. PostgreSQL reads the
snapshot each process holds (quicker than its trigram index on a `search_text` column, which
migration 0010 dropped; directory/search.py), as do SQLite builds without FTS5 or older than
3.34 (no trigram tokenizer).
"""

import sqlite3

TABLE = "directory_organisation"
FTS = "directory_organisation_search"
#: The index of migrations 0003-0005 (other columns), dropped where found.
OLD_FTS = "directory_organisation_fts"
OLD_TRIGGERS = [f"{OLD_FTS}_ai", f"{OLD_FTS}_ad", f"{OLD_FTS}_au"]
FIELDS = ["search_names", "search_labels", "search_body"]
COLUMNS = ", ".join(FIELDS)
_NEW = ", ".join(f"new.{name}" for name in FIELDS)
_OLD = ", ".join(f"old.{name}" for name in FIELDS)

TRIGGERS = {
    f"{FTS}_ai": f"AFTER INSERT ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES (new.id, {_NEW}); END",
    f"{FTS}_ad": f"AFTER DELETE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, {COLUMNS}) VALUES ('delete', old.id, {_OLD}); END",
    f"{FTS}_au": f"AFTER UPDATE OF {COLUMNS} ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, {COLUMNS}) VALUES ('delete', old.id, {_OLD}); "
    f"INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES (new.id, {_NEW}); END",
}


def supported(connection) -> bool:
    """SQLite with FTS5 and the trigram tokenizer."""
    if connection.vendor != "sqlite" or sqlite3.sqlite_version_info < (3, 34):
        return False
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA compile_options")
        return any("FTS5" in row[0] for row in cursor.fetchall())


def _drop_old(cursor) -> None:
    for name in OLD_TRIGGERS:
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    cursor.execute(f"DROP TABLE IF EXISTS {OLD_FTS}")


def ensure_text_index(connection) -> bool:
    """Create the index and its triggers where missing; rebuild it if anything was missing.

    Returns whether the index is in place (not before the search columns exist).
    """
    if not supported(connection):
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA table_info({TABLE})")
        if not set(FIELDS) <= {row[1] for row in cursor.fetchall()}:
            return False  # before migration 0006
        _drop_old(cursor)
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE %s",
            [f"{FTS}%"],
        )
        present = {row[0] for row in cursor.fetchall()}
        missing = FTS not in present or any(name not in present for name in TRIGGERS)
        if FTS not in present:
            cursor.execute(
                f"CREATE VIRTUAL TABLE {FTS} USING fts5({COLUMNS}, content='{TABLE}', "
                "content_rowid='id', tokenize='trigram')"
            )
        for name, body in TRIGGERS.items():
            if name not in present:
                cursor.execute(f"CREATE TRIGGER {name} {body}")
        if missing:
            cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
    return True


def drop_text_index(connection) -> None:
    """Remove the index and its triggers (and those of the older index)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"DROP TABLE IF EXISTS {FTS}")
        _drop_old(cursor)
