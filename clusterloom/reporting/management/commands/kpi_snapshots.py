"""`clusterloom kpi-snapshots [--partnership SLUG]`: recompute the monthly KPI snapshots."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from clusterloom.partnerships.models import Partnership
from clusterloom.reporting.services import kpi_snapshots_take


class Command(BaseCommand):
    help = "Store each partnership's KPI values at the end of every month since its start."

    def add_arguments(self, parser):
        parser.add_argument("--partnership", default="", help="slug of one partnership")

    def handle(self, *args, **options):
        partnerships = Partnership.objects.all()
        slug = options["partnership"].strip()
        if slug:
            partnerships = partnerships.filter(slug=slug)
            if not partnerships.exists():
                raise CommandError(_("No partnership with the slug “%(slug)s”.") % {"slug": slug})
        rows = kpi_snapshots_take(partnerships=partnerships)
        self.stdout.write(_("%(n)s KPI snapshots stored.") % {"n": rows})
