"""`clusterloom import-profile FILE`: create or update a partnership from ECCP profile text."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clusterloom.core.errors import DomainError
from clusterloom.partnerships.services import partnership_import_eccp


class Command(BaseCommand):
    """Import the text of an ECCP partnership profile page (all or nothing)."""

    help = "Create or update a partnership from the text of its ECCP profile page."

    def add_arguments(self, parser):
        parser.add_argument("file", help="text file with the profile page (UTF-8)")
        parser.add_argument("--source", default="", help="where the text came from (URL)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {path}: {error}") from None
        try:
            outcome = partnership_import_eccp(
                actor=None, text=text, source=options["source"] or path.name
            )
        except DomainError as error:
            raise CommandError(f"{path}: {error} (nothing was imported)") from None
        partnership = outcome.partnership
        verb = "created" if outcome.created else "updated"
        self.stdout.write(
            self.style.SUCCESS(
                f"{partnership.acronym} {verb}: {partnership.members.count()} partners, "
                f"{partnership.targets.count()} targets"
            )
        )
        for warning in outcome.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
