"""`clusterloom backup --out ARCHIVE`: the database, uploaded files and secret key in one file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clusterloom.core.backup import BackupError, backup_create


class Command(BaseCommand):
    """Write a backup archive (safe while the site runs)."""

    help = (
        "Back up the database (SQLite online backup or pg_dump custom format), the uploaded "
        "files and the secret key into one .tar.gz with a manifest of row counts and checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="archive to write, e.g. backup.tar.gz")

    def handle(self, *args, out, **options):
        path = Path(out)
        try:
            manifest = backup_create(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        media = sum(1 for name in manifest["files"] if name.startswith("media/"))
        self.stdout.write(
            f"Backed up {manifest['database']['vendor']} database "
            f"({len(manifest['rows'])} tables, {sum(manifest['rows'].values())} rows), "
            f"{media} uploaded files and the secret key to {path} "
            f"({path.stat().st_size} bytes)."
        )
