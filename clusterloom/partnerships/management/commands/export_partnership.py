"""`clusterloom export-partnership SLUG --format yaml|json --out FILE`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clusterloom.partnerships.models import Partnership
from clusterloom.partnerships.serialization import export_json, export_yaml


class Command(BaseCommand):
    """Write a whole partnership as YAML or JSON (to a file or standard output)."""

    help = "Export a partnership (profile, partners, actions, results, targets) as YAML or JSON."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the partnership's slug (or acronym)")
        parser.add_argument("--format", choices=["yaml", "json"], default="yaml")
        parser.add_argument("--out", default="", help="file to write; standard output if empty")

    def handle(self, *args, **options):
        slug = options["slug"]
        partnership = (
            Partnership.objects.filter(slug=slug).first()
            or Partnership.objects.filter(acronym__iexact=slug).first()
        )
        if partnership is None:
            raise CommandError(f"no partnership with slug or acronym '{slug}'")
        text = export_json(partnership) if options["format"] == "json" else export_yaml(partnership)
        if options["out"]:
            try:
                Path(options["out"]).write_text(text, encoding="utf-8")
            except OSError as error:
                raise CommandError(f"cannot write {options['out']}: {error}") from None
            self.stdout.write(
                self.style.SUCCESS(f"{partnership.acronym} written to {options['out']}")
            )
        else:
            self.stdout.write(text, ending="")
