"""`clusterloom check-seeds`: are both seed partnerships on the site, complete?"""

from django.core.management.base import BaseCommand, CommandError

from clusterloom.partnerships.models import Partnership

#: What the seeds state: acronym -> (listed partners, targets that must be there).
EXPECTED = {
    "EXTRATEX": (4, {"exchanges": 59, "exchanges_sme": 30, "exchanges_non_member": 17}),
    "Hi-Tech-TEX": (6, {}),
}


class Command(BaseCommand):
    help = "Check that the seed partnerships are present with their partners and targets."

    def handle(self, *args, **options):
        problems = []
        for acronym, (partners, targets) in EXPECTED.items():
            partnership = Partnership.objects.filter(acronym=acronym).first()
            if partnership is None:
                problems.append(f"{acronym}: missing")
                continue
            listed = partnership.members.count()
            if listed != partners:
                problems.append(f"{acronym}: {listed} partners listed, expected {partners}")
            found = dict(partnership.targets.values_list("code", "value"))
            for code, value in targets.items():
                if found.get(code) != value:
                    problems.append(f"{acronym}: target {code} is {found.get(code)}, not {value}")
        if problems:
            raise CommandError("; ".join(problems))
        self.stdout.write(self.style.SUCCESS("Seed partnerships complete: " + ", ".join(EXPECTED)))
