"""`clusterloom report SLUG --format xlsx|pdf --from DATE --to DATE --out FILE`."""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from clusterloom.core.errors import DomainError
from clusterloom.core.files import write_atomically
from clusterloom.partnerships.models import Partnership
from clusterloom.reporting.outputs import report_file
from clusterloom.reporting.report import report_format, report_period


class Command(BaseCommand):
    help = "Write a partnership's funder report for a period as XLSX or PDF."

    def add_arguments(self, parser):
        parser.add_argument("partnership", help="slug of the partnership")
        parser.add_argument("--format", default="xlsx", help="xlsx or pdf")
        parser.add_argument("--from", dest="from", default="", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="to", default="", help="last day, YYYY-MM-DD")
        parser.add_argument("--out", required=True, help="file to write")

    def handle(self, *args, **options):
        partnership = Partnership.objects.filter(slug=options["partnership"]).first()
        if partnership is None:
            raise CommandError(
                _("No partnership with the slug “%(slug)s”.") % {"slug": options["partnership"]}
            )
        try:
            fmt = report_format(options["format"])
            first, last = report_period({"from": options["from"], "to": options["to"]})
        except DomainError as error:
            raise CommandError(f"--{error.field}: {error.message}") from None
        out = Path(options["out"])
        folder = out.parent if str(out.parent) else Path(".")
        if out.is_dir() or not folder.is_dir() or not os.access(folder, os.W_OK):
            raise CommandError(_("Cannot write “%(path)s”.") % {"path": out})
        if out.exists() and not os.access(out, os.W_OK):
            raise CommandError(_("Cannot write “%(path)s”.") % {"path": out})
        found = report_file(partnership, first, last, fmt)
        try:
            write_atomically(out, found.content)
        except OSError as error:
            raise CommandError(
                _("Cannot write “%(path)s”: %(error)s") % {"path": out, "error": error.strerror}
            ) from None
        self.stdout.write(
            _("%(format)s report of %(acronym)s for %(first)s to %(last)s written to %(path)s")
            % {
                "format": fmt.upper(),
                "acronym": partnership.acronym,
                "first": first.isoformat(),
                "last": last.isoformat(),
                "path": out,
            }
        )
