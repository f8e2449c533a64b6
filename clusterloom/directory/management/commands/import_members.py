"""`clusterloom import-members CLUSTER_SLUG FILE`: load a cluster's member list (CSV/XLSX)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clusterloom.core.errors import DomainError
from clusterloom.directory.models import Organisation
from clusterloom.directory.services import cluster_get_or_create, cluster_members_import


class Command(BaseCommand):
    """Import the member list of a cluster organisation (all rows or none; safe to repeat)."""

    help = "Import a cluster's members from a CSV or XLSX file (columns: name, kind, country, ...)."

    def add_arguments(self, parser):
        parser.add_argument("organisation", help="slug of the cluster organisation")
        parser.add_argument("path", help="CSV or XLSX file")

    def handle(self, *args, organisation, path, **options):
        found = Organisation.objects.filter(slug=organisation).first()
        if found is None:
            raise CommandError(f"No organisation with slug {organisation!r}.")
        try:
            content = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        try:
            cluster, _created = cluster_get_or_create(actor=None, organisation=found)
            result = cluster_members_import(
                actor=None, cluster=cluster, file_name=Path(path).name, content=content
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{result.rows} rows: {result.added} members added ({result.created} new "
            f"organisations), {result.already} already members."
        )
