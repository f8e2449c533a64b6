"""`clusterloom setup`: reference data, the seed partnerships, demo data and logins."""

from django.core.management.base import BaseCommand

from clusterloom.partnerships.demo import setup_all


class Command(BaseCommand):
    help = (
        "Load reference data, import the seed partnerships (EXTRATEX, Hi-Tech-TEX) and the demo "
        "data, create one login per role. Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-cities", action="store_true", help="skip the city list")

    def handle(self, *args, **options):
        report = setup_all(cities=not options["no_cities"])
        for line in report.lines:
            self.stdout.write(line)
        if report.new_logins:
            self.stdout.write(self.style.WARNING("\nNew logins (passwords are shown only now):"))
            for role, username, password in report.new_logins:
                self.stdout.write(f"  {role:<24} {username:<12} {password}")
        else:
            self.stdout.write(
                "Logins exist already; reset one with `clusterloom changepassword USERNAME`."
            )
        self.stdout.write(
            self.style.SUCCESS("\nSet up. `make run` serves the site at http://127.0.0.1:8000/")
        )
