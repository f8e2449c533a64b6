"""`clusterloom import-cordis PATH`: load CORDIS organization.json into the directory."""

from django.core.management.base import BaseCommand, CommandError

from clusterloom.core.errors import DomainError
from clusterloom.directory.services import cordis_organisations_import


class Command(BaseCommand):
    """Import CORDIS organisations (one per organisationID; safe to repeat)."""

    help = "Import CORDIS organization.json: one organisation per organisationID, idempotent."

    def add_arguments(self, parser):
        parser.add_argument("path", help="path to CORDIS organization.json")

    def handle(self, *args, path, **options):
        try:
            result = cordis_organisations_import(actor=None, path_or_data=path)
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{result.rows} rows, {result.organisations} organisations: "
            f"{result.created} created, {result.updated} updated."
        )
