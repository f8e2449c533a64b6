"""`clusterloom rebuild-match-index`: recompute every match profile and relearn affinities."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from clusterloom.core.errors import DomainError
from clusterloom.matching.services import match_index_rebuild, sector_affinities_relearn

DEFAULT_PROJECTS = Path(settings.BASE_DIR) / "data" / "cordis" / "project.json"


class Command(BaseCommand):
    """Rebuild the partner index's profiles from the directory (safe to repeat)."""

    help = (
        "Recompute every organisation's match profile (with CORDIS project titles when the "
        "project export is found) and learn sector affinities again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--projects",
            default=None,
            help=f"CORDIS project.json for project titles (default: {DEFAULT_PROJECTS}, if any)",
        )
        parser.add_argument(
            "--no-affinities", action="store_true", help="keep the sector affinities as they are"
        )

    def handle(self, *args, projects=None, no_affinities=False, **options):
        path = Path(projects) if projects else DEFAULT_PROJECTS
        if projects and not path.exists():
            raise CommandError(f"No such file: {path}")
        try:
            result = match_index_rebuild(actor=None, projects_path=path if path.exists() else None)
            learned = None if no_affinities else sector_affinities_relearn(actor=None)
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        line = (
            f"{result.profiles} match profiles computed, {result.removed} removed, "
            f"{result.project_titles} CORDIS project titles read"
        )
        if learned is not None:
            line += f", {learned} sector affinities learned"
        self.stdout.write(line + ".")
