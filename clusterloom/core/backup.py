"""Backup and restore of a whole install: database, uploaded files and the secret key.

An archive is a gzip'd tar holding `manifest.json` and, beside it, `database.sqlite3` (SQLite's
online backup API: safe while the site runs) or `database.pgdump` (`pg_dump` custom format, in
the same snapshot as the row counts), `secret_key` and `media/...`. The manifest records the
archive format, the clusterloom version, the date, the applied migrations of every app, the
row count of every table and the SHA-256 of every other member.

Restore checks everything before it changes anything: that the file is a readable archive,
that every member is listed with the right checksum and nothing else is there, that the
database is of the kind this install uses, and that no migration in it is unknown to this
code (an archive of a newer schema is refused). Only then does it replace the database, the
uploaded files and the secret key, and apply the migrations this code has on top.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump/pg_restore with argument lists, never a shell
import tarfile
import tempfile
import uuid
import zlib
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.dispatch import Signal

#: Format of the archive; restore refuses a larger one.
FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
KEY_MEMBER = "secret_key"
MEDIA_PREFIX = "media/"

#: Sent after a restore, so apps drop what they derived from the replaced data.
restored = Signal()


class BackupError(Exception):
    """A backup that cannot be made or an archive that cannot be restored; nothing changed."""


@dataclass
class RestoreReport:
    """What a restore put back."""

    manifest: dict
    tables: int = 0
    rows: int = 0
    files: int = 0
    migrated: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _version() -> str:
    try:
        return package_version("clusterloom")
    except PackageNotFoundError:  # pragma: no cover - a source tree without pip install -e
        return "unknown"


def _vendor() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _pg_env_args() -> tuple[dict, list[str]]:
    """Environment and connection arguments for pg_dump/pg_restore from DATABASES."""
    db = connection.settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return env, args


def _run(command: list[str], env: dict) -> None:
    tool = command[0]
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed (it comes with the PostgreSQL client).")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip() or done.returncode}")


# -- backup ----------------------------------------------------------------------------------
def _sqlite_snapshot(target: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Copy the live SQLite database with the online backup API; count its rows."""
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
        tables = [
            name
            for (name,) in destination.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        counts = {
            t: destination.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]  # noqa: S608
            for t in sorted(tables)
        }
        migrations = _migrations_from(destination.execute, "django_migrations" in tables)
    finally:
        destination.close()
    return counts, migrations


def _migrations_from(execute, present: bool) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    if present:
        for app, name in execute("SELECT app, name FROM django_migrations ORDER BY app, name"):
            applied.setdefault(app, []).append(name)
    return applied


def _pg_snapshot(target: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    """pg_dump in the custom format, in one snapshot with the row counts."""
    env, args = _pg_env_args()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            tables = connection.introspection.table_names(cursor)
            counts = {}
            for table in sorted(tables):
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                counts[table] = cursor.fetchone()[0]

            def execute(sql):
                cursor.execute(sql)
                return cursor.fetchall()

            migrations = _migrations_from(execute, "django_migrations" in tables)
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    "--no-owner",
                    "--file",
                    str(target),
                    *args,
                ],
                env,
            )
        finally:
            cursor.execute("COMMIT")
    return counts, migrations


def _outside_transaction() -> None:
    if connection.in_atomic_block:
        raise BackupError("Backup and restore cannot run inside a database transaction.")


def backup_create(out: Path) -> dict:
    """Write the archive `out` (atomically) and return its manifest."""
    vendor = _vendor()
    _outside_transaction()
    out = Path(out)
    if not out.parent.is_dir():
        raise BackupError(f"No such folder: {out.parent}")
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".backup-") as tmp:
        work = Path(tmp)
        if vendor == "sqlite":
            db_member = SQLITE_MEMBER
            counts, migrations = _sqlite_snapshot(work / db_member)
        else:
            db_member = PG_MEMBER
            counts, migrations = _pg_snapshot(work / db_member)
        (work / KEY_MEMBER).write_text(settings.SECRET_KEY)
        files = {db_member: _sha256(work / db_member), KEY_MEMBER: _sha256(work / KEY_MEMBER)}
        media = Path(settings.MEDIA_ROOT)
        media_files = sorted(p for p in media.rglob("*") if p.is_file()) if media.is_dir() else []
        for path in media_files:
            files[MEDIA_PREFIX + path.relative_to(media).as_posix()] = _sha256(path)
        manifest = {
            "format": FORMAT,
            "clusterloom": _version(),
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": {"vendor": vendor, "member": db_member},
            "migrations": migrations,
            "rows": counts,
            "files": files,
        }
        partial = work / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode = len(data), 0o600
            info.mtime = int(datetime.datetime.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(work / db_member, db_member)
            tar.add(work / KEY_MEMBER, KEY_MEMBER)
            for path in media_files:
                tar.add(path, MEDIA_PREFIX + path.relative_to(media).as_posix())
        partial.chmod(0o600)  # it holds the secret key and personal data
        os.replace(partial, out)
    return manifest


# -- restore ---------------------------------------------------------------------------------
def _unpack(archive: Path, into: Path) -> dict:
    """Extract and check the archive; return its manifest. Raises BackupError, changes nothing."""
    if not archive.is_file():
        raise BackupError(f"No such file: {archive}")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(into, filter="data")
    except (tarfile.TarError, zlib.error, EOFError, OSError) as error:
        raise BackupError(
            f"{archive} is damaged or not a clusterloom backup ({error}); nothing was changed."
        ) from None
    try:
        manifest = json.loads((into / MANIFEST).read_text())
        files = dict(manifest["files"])
        db_member = manifest["database"]["member"]
        vendor = manifest["database"]["vendor"]
        fmt = int(manifest["format"])
        migrations = dict(manifest["migrations"])
        dict(manifest["rows"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BackupError(
            f"{archive} has no readable manifest ({error}); nothing was changed."
        ) from None
    if fmt > FORMAT:
        raise BackupError(
            f"{archive} is in backup format {fmt}, newer than this clusterloom reads "
            f"({FORMAT}): upgrade clusterloom first; nothing was changed."
        )
    found = {p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file()} - {MANIFEST}
    if found != set(files) or db_member not in files or KEY_MEMBER not in files:
        odd = sorted(found ^ set(files)) or [db_member]
        raise BackupError(
            f"{archive} is damaged or incomplete: it does not hold what its manifest lists "
            f"(first difference: {odd[0]}); nothing was changed."
        )
    for name, expected in sorted(files.items()):
        if _sha256(into / name) != expected:
            raise BackupError(
                f"{archive} is damaged: the checksum of {name} does not match the manifest; "
                "nothing was changed."
            )
    if vendor != _vendor():
        raise BackupError(
            f"{archive} holds a {vendor} database, but this install uses {_vendor()}; "
            "nothing was changed."
        )
    _check_schema(archive, migrations)
    return manifest


def _check_schema(archive: Path, migrations: dict[str, list[str]]) -> None:
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(
        f"{app}.{name}"
        for app, names in migrations.items()
        for name in names
        if (app, name) not in known
    )
    if unknown:
        raise BackupError(
            f"{archive} was made by a newer clusterloom (its schema has migrations this "
            f"version does not know: {', '.join(unknown[:5])}"
            f"{' ...' if len(unknown) > 5 else ''}); upgrade clusterloom before restoring it; "
            "nothing was changed."
        )


def _restore_database(vendor: str, dump: Path) -> None:
    if vendor == "sqlite":
        # Into Django's own connection: the backup API replaces the whole database, pages
        # locked as for any writer, so other processes wait rather than read half of it.
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        connections.close_all()
        env, args = _pg_env_args()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(dump),
            ],
            env,
        )


def _restore_media(source: Path) -> int:
    """Swap MEDIA_ROOT for the archive's files (the old ones go once the new are in place)."""
    media = Path(settings.MEDIA_ROOT)
    media.parent.mkdir(parents=True, exist_ok=True)
    staged = media.parent / f".{media.name}.restore-{uuid.uuid4().hex[:8]}"
    if source.is_dir():
        shutil.copytree(source, staged)
    else:
        staged.mkdir()
    old = media.parent / f".{media.name}.old-{uuid.uuid4().hex[:8]}"
    if media.exists():
        os.replace(media, old)
    os.replace(staged, media)
    shutil.rmtree(old, ignore_errors=True)
    return sum(1 for p in media.rglob("*") if p.is_file())


def _restore_key(key: str, report: RestoreReport) -> None:
    from_env = os.environ.get("SECRET_KEY", "")
    if from_env:
        if from_env != key:
            report.warnings.append(
                "SECRET_KEY is set in the environment and differs from the archive's key: set "
                "it to the archive's value (now in var/secret_key), or sessions, password reset "
                "links and signed values made before the backup stop working."
            )
        return
    key_file = Path(settings.VAR_DIR) / "secret_key"
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text(key)
    key_file.chmod(0o600)
    if key != settings.SECRET_KEY:
        report.warnings.append(
            "The secret key changed: restart the web processes and workers to use it."
        )


def backup_restore(archive: Path) -> RestoreReport:
    """Check `archive` fully, then put its database, files and secret key in place."""
    from django.core.management import call_command
    from django.db.migrations.executor import MigrationExecutor

    from .page_cache import content_version

    archive = Path(archive)
    _outside_transaction()
    var = Path(settings.VAR_DIR)
    var.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=var, prefix=".restore-") as tmp:
        work = Path(tmp)
        manifest = _unpack(archive, work)
        vendor = manifest["database"]["vendor"]
        try:
            version_before = content_version()
        except Exception:  # noqa: BLE001 - a wiped database has no table to read
            version_before = 0
        report = RestoreReport(manifest=manifest)
        _restore_database(vendor, work / manifest["database"]["member"])
        report.files = _restore_media(work / MEDIA_PREFIX.rstrip("/"))
        _restore_key((work / KEY_MEMBER).read_text(), report)
    rows = _row_counts()
    differ = sorted(t for t, n in manifest["rows"].items() if rows.get(t) != n)
    if differ:
        report.warnings.append(
            f"Row counts differ from the manifest in {len(differ)} table(s): "
            f"{', '.join(differ[:5])}."
        )
    report.tables = len(manifest["rows"])
    report.rows = sum(manifest["rows"].values())
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    report.migrated = [f"{m.app_label}.{m.name}" for m, _backwards in plan]
    if plan:
        call_command("migrate", interactive=False, verbosity=0)
    _after_restore(version_before)
    return report


def _after_restore(version_before: int) -> None:
    """Page caches keyed by content version must not serve pages of the replaced data."""
    from .models import ContentVersion
    from .page_cache import EVERYTHING, content_version

    # Every cached page watches the "*" counter: raise it above both the replaced and the
    # restored value. (It is one row per table since the counters became per table; writing
    # the row with id 1 hit the unique scope when "*" had another id.)
    value = max(version_before, content_version(EVERYTHING)) + 1
    ContentVersion.objects.update_or_create(scope=EVERYTHING, defaults={"version": value})
    restored.send(sender=backup_restore)


def _row_counts() -> dict[str, int]:
    """Rows in every table of the live database."""
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts
