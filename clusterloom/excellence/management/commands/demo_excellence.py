"""`clusterloom demo-excellence`: labels, benchmarkings, services, strategies and roadmaps of
the seed partnerships (safe to repeat)."""

from django.core.management.base import BaseCommand

from clusterloom.excellence.demo import demo_excellence
from clusterloom.excellence.strategy_demo import demo_strategies


class Command(BaseCommand):
    help = (
        "Give the seed partnerships' clusters benchmarkings, labels and services, and the "
        "partnerships strategies with roadmaps (demo data; idempotent)."
    )

    def handle(self, *args, **options):
        self.stdout.write(demo_excellence())
        self.stdout.write(demo_strategies())
