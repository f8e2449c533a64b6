"""`clusterloom demo-events`: the demo B2B matchmaking event of EXTRATEX (once)."""

from django.core.management.base import BaseCommand

from clusterloom.events.demo import demo_event


class Command(BaseCommand):
    help = "Create the demo B2B matchmaking event of EXTRATEX with participants and a schedule."

    def handle(self, *args, **options):
        self.stdout.write(demo_event())
