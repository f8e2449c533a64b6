"""`clusterloom restore ARCHIVE`: put back what `clusterloom backup` saved."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clusterloom.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    """Restore a backup archive; checks it fully first and changes nothing if it is wrong."""

    help = (
        "Replace the database, the uploaded files and the secret key with those of a backup "
        "archive. Stop the web processes and workers first. The archive is checked (checksums, "
        "schema not newer than this version) before anything is changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="a .tar.gz written by `clusterloom backup`")

    def handle(self, *args, archive, **options):
        try:
            report = backup_restore(Path(archive))
        except BackupError as error:
            raise CommandError(str(error)) from None
        manifest = report.manifest
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']} (clusterloom "
            f"{manifest['clusterloom']}): {report.tables} tables with {report.rows} rows, "
            f"{report.files} uploaded files, the secret key."
        )
        if report.migrated:
            self.stdout.write(
                f"Applied {len(report.migrated)} newer migrations: {', '.join(report.migrated)}."
            )
        for warning in report.warnings:
            self.stderr.write(f"Warning: {warning}")
