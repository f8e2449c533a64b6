"""`clusterloom demo-exchanges`: the demo ClusterXchange call of EXTRATEX (once)."""

from django.core.management.base import BaseCommand

from clusterloom.exchanges.demo import demo_exchanges


class Command(BaseCommand):
    help = (
        "Create the demo ClusterXchange call of EXTRATEX with offers and exchanges in every state."
    )

    def handle(self, *args, **options):
        self.stdout.write(demo_exchanges())
