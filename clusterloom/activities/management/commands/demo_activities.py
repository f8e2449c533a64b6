"""`clusterloom demo_activities`: the demo joint activities of EXTRATEX and Hi-Tech-TEX."""

from django.core.management.base import BaseCommand

from clusterloom.activities.demo import demo_activities


class Command(BaseCommand):
    help = "Record the demo activities (with attendance) of EXTRATEX and Hi-Tech-TEX (once)."

    def handle(self, *args, **options):
        self.stdout.write(demo_activities())
