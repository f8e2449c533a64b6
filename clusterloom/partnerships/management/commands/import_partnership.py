"""`clusterloom import-partnership FILE`: create or update a partnership from YAML or JSON."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clusterloom.core.errors import DomainError
from clusterloom.partnerships.serialization import load_document, partnership_import_structured


class Command(BaseCommand):
    """Import a partnership document written by `export-partnership` (all or nothing)."""

    help = "Create or update a partnership from a YAML or JSON document."

    def add_arguments(self, parser):
        parser.add_argument("file", help="YAML (.yaml, .yml) or JSON (.json) document")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {path}: {error}") from None
        try:
            outcome = partnership_import_structured(
                actor=None, data=load_document(text, name=path.name)
            )
        except DomainError as error:
            raise CommandError(f"{path}: {error} (nothing was imported)") from None
        partnership = outcome.partnership
        verb = "created" if outcome.created else "updated"
        self.stdout.write(
            self.style.SUCCESS(
                f"{partnership.acronym} {verb}: {partnership.members.count()} partners"
            )
        )
        for warning in outcome.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
