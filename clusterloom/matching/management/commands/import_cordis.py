"""`clusterloom import-cordis FILE [FILE ...]`: CORDIS projects and organisations, as published.

Project files (JSON, CSV or XLSX; columns `id` or `projectID`, `acronym`, `title`, `objective`,
`startDate`, ...) and organisation files (`projectID`, `projectAcronym`, `organisationID`,
`name`, `country`, `activityType`, `SME`, ...) in CORDIS's own column names, `;` or `,`
separated. All files are checked before anything is written and written in one transaction;
an error names the file, row and column and changes nothing. Safe to repeat.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from clusterloom.core.errors import DomainError
from clusterloom.matching.cordis import cordis_import
from clusterloom.matching.services import match_index_rebuild


class Command(BaseCommand):
    """Import CORDIS project and organisation files; refresh the partner index."""

    help = (
        "Import CORDIS exports (project and organization files; .json, .csv or .xlsx): "
        "organisations into the directory, projects as passages of their profiles."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="CORDIS project and/or organization files")
        parser.add_argument(
            "--no-index", action="store_true", help="do not rebuild the partner index afterwards"
        )

    def handle(self, *args, paths, no_index=False, **options):
        try:
            result = cordis_import(actor=None, paths=paths)
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        for name, r in result.projects.items():
            self.stdout.write(
                _("%(file)s: %(rows)d projects: %(created)d created, %(updated)d updated.")
                % {"file": name, "rows": r.rows, "created": r.created, "updated": r.updated}
            )
        for name, r in result.organisations.items():
            self.stdout.write(
                _(
                    "%(file)s: %(rows)d rows, %(organisations)d organisations: "
                    "%(created)d created, %(updated)d updated."
                )
                % {
                    "file": name,
                    "rows": r.rows,
                    "organisations": r.organisations,
                    "created": r.created,
                    "updated": r.updated,
                }
            )
        if not no_index:
            rebuilt = match_index_rebuild(actor=None)
            self.stdout.write(_("Partner index: %(n)d profiles.") % {"n": rebuilt.profiles})
