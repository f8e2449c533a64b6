"""`clusterloom load-reference-data`: countries, NUTS regions, cities and taxonomies."""

from django.core.management.base import BaseCommand

from clusterloom.geo.services import reference_data_load
from clusterloom.taxonomy.services import reference_terms_load


class Command(BaseCommand):
    help = "Load countries (EU/COSME flags), NUTS regions, cities and reference taxonomies."

    def add_arguments(self, parser):
        parser.add_argument("--no-cities", action="store_true", help="skip the city list")

    def handle(self, *args, **options):
        counts = reference_data_load(cities=not options["no_cities"])
        counts["taxonomy terms"] = reference_terms_load()
        self.stdout.write(", ".join(f"{n} {k}" for k, n in counts.items()))
