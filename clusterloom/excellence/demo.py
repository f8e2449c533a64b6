"""The excellence part of the demo: benchmarkings on the preloaded bronze set, labels, improvement
areas and services for the partner clusters of EXTRATEX and Hi-Tech-TEX, recorded through the
services so every rule holds. Safe to repeat: once the demo benchmarkings exist nothing is added.

Dates lie after each partnership's start and never after 2026-11-22 (run later, the whole
history moves forward by as many days, so today's picture stays the same). EXTRATEX states no
duration, so, like the ClusterXchange and events demos, the demo treats it as still running:
its partners' first labels (2020-21) have expired and were renewed after a new benchmarking in
2024-25 (3 bronze, valid today, one of them expiring; CLUTEX's silver rests on benchmarkings 19
months apart and 3 documented improvement areas). Hi-Tech-TEX states no start, so its dates lie
in the 24 months up to 2026-11-22: one partner's bronze label is expiring, another's is valid.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from clusterloom.partnerships.models import Partnership

from . import services
from .indicator_sets import bronze_set_ensure
from .models import Benchmarking, ClusterLabel, ClusterService, IndicatorSet

D = datetime.date
ASSESSOR = "ESCA benchmarking expert (demo)"
TODAY = D(2026, 11, 22)


class _System:
    """The demo acts as the platform itself: an admin that no audit entry names."""

    is_active = True
    is_superuser = True
    is_authenticated = False
    pk = None


SYSTEM = _System()

#: partnership -> [(organisation name starts with, held on, six area scores, published)].
BENCHMARKINGS = {
    "EXTRATEX": [
        ("CLUTEX", D(2020, 4, 21), (62, 58, 55, 60, 66, 52)),
        ("AECIM", D(2020, 5, 12), (74, 70, 63, 71, 78, 65)),
        ("Slovenský plastikársky", D(2020, 6, 9), (58, 61, 49, 55, 63, 47)),
        ("OTIR2020-TFC", D(2020, 7, 7), (69, 66, 60, 64, 72, 61)),
        # CLUTEX's second benchmarking: 18 months and 25 days after its first (silver).
        ("CLUTEX", D(2021, 11, 16), (71, 69, 63, 72, 75, 64)),
        # Renewals after the first labels expired.
        ("CLUTEX", D(2023, 6, 20), (68, 66, 60, 70, 72, 61)),
        ("AECIM", D(2024, 11, 19), (78, 74, 66, 75, 80, 70)),
        ("Slovenský plastikársky", D(2025, 3, 11), (63, 64, 53, 60, 66, 52)),
        ("OTIR2020-TFC", D(2025, 5, 13), (72, 70, 62, 68, 75, 64)),
    ],
    "Hi-Tech-TEX": [
        ("CITEVE", D(2024, 12, 10), (81, 77, 72, 83, 85, 79)),
        ("CLUTEX", D(2025, 2, 18), (73, 72, 66, 75, 77, 69)),
        ("Associació Agrupació", D(2025, 3, 11), (64, 60, 57, 62, 70, 55)),
        ("Asociación Textil", D(2025, 4, 8), (67, 63, 61, 65, 71, 58)),
    ],
}
#: CLUTEX's improvement areas from its first benchmarking: (area index, title, status).
IMPROVEMENTS = [
    (1, "Written cluster strategy with yearly review by the board", "documented"),
    (2, "Membership fees restructured to cover 40 % of management costs", "documented"),
    (3, "Member-needs survey repeated every year", "documented"),
    (4, "Newsletter in English for international partners", "in_progress"),
]
#: CLUTEX's improvement areas from its 2023 benchmarking (for the renewed silver label).
IMPROVEMENTS_2023 = [
    (2, "Second income line: paid testing-lab brokerage for non-members", "documented"),
    (3, "Service catalogue reviewed with member SMEs each spring", "documented"),
    (5, "Cluster results published in a yearly impact report", "documented"),
]
#: (partnership, organisation, level, awarded on, held on of the benchmarking it rests on).
LABELS = [
    ("EXTRATEX", "AECIM", "bronze", D(2020, 6, 16), D(2020, 5, 12)),
    ("EXTRATEX", "Slovenský plastikársky", "bronze", D(2020, 7, 14), D(2020, 6, 9)),
    ("EXTRATEX", "OTIR2020-TFC", "bronze", D(2020, 8, 25), D(2020, 7, 7)),
    ("EXTRATEX", "CLUTEX", "silver", D(2021, 12, 14), D(2021, 11, 16)),
    ("EXTRATEX", "AECIM", "bronze", D(2024, 12, 17), D(2024, 11, 19)),
    # Resting on CLUTEX's benchmarking of 2025-02-18 (recorded with Hi-Tech-TEX: one
    # benchmarking serves a cluster in every partnership it belongs to).
    ("EXTRATEX", "CLUTEX", "silver", D(2025, 3, 18), D(2025, 2, 18)),
    ("EXTRATEX", "Slovenský plastikársky", "bronze", D(2025, 4, 8), D(2025, 3, 11)),
    ("EXTRATEX", "OTIR2020-TFC", "bronze", D(2025, 6, 10), D(2025, 5, 13)),
    ("Hi-Tech-TEX", "CITEVE", "bronze", D(2025, 1, 28), D(2024, 12, 10)),
    ("Hi-Tech-TEX", "Asociación Textil", "bronze", D(2025, 5, 6), D(2025, 4, 8)),
]
#: (partnership, organisation, name, novelty, launched on, for whom, built with, description).
SERVICES = [
    (
        "EXTRATEX",
        "CLUTEX",
        "Access to technical-textile testing labs",
        "improved",
        D(2021, 3, 1),
        "Member SMEs developing technical textiles",
        ["OTIR2020-TFC"],
        "Booking of testing capacity at partner laboratories at member rates.",
    ),
    (
        "EXTRATEX",
        "AECIM",
        "Internationalisation desk for textile and plastics SMEs",
        "new",
        D(2021, 6, 1),
        "SMEs looking for partners in Central Europe",
        ["Slovenský plastikársky"],
        "Partner search, market briefs and introductions through the partner clusters.",
    ),
    (
        "EXTRATEX",
        "OTIR2020-TFC",
        "Smart-textiles prototyping service",
        "new",
        D(2021, 10, 1),
        "Members in automotive and health textiles",
        [],
        "Rapid prototyping of textile sensors and e-textile parts.",
    ),
    (
        "Hi-Tech-TEX",
        "CITEVE",
        "Sustainability self-assessment for textile SMEs",
        "new",
        D(2025, 9, 15),
        "Textile SMEs preparing for eco-design rules",
        ["CLUTEX", "Asociación Textil"],
        "An online self-assessment with a follow-up session by an expert.",
    ),
]


def _member(partnership: Partnership, prefix: str):
    found = partnership.members.filter(organisation__name__startswith=prefix).first()
    return found.organisation if found else None


def _scores(bronze: IndicatorSet, values) -> list[dict]:
    areas = list(bronze.areas.order_by("order"))
    return [{"area": a.pk, "value": v} for a, v in zip(areas, values, strict=False)]


@transaction.atomic
def demo_excellence() -> str:
    """Give the seed partnerships' partner clusters a benchmarking and label history."""
    if Benchmarking.objects.filter(assessor=ASSESSOR).exists():
        return "excellence demo: already present"
    bronze = bronze_set_ensure()
    partnerships = {
        p.acronym: p for p in Partnership.objects.filter(acronym__in=list(BENCHMARKINGS))
    }
    if bronze is None or not partnerships:
        return "excellence demo: skipped (no bronze set or no seed partnership)"
    # The history was written on TODAY; on a later day it moves with the calendar, so the
    # labels that are valid, expiring or expired today still are.
    shift = max(timezone.localdate() - TODAY, datetime.timedelta(0))

    def at(day: datetime.date) -> datetime.date:
        return day + shift

    held = {}
    for acronym, rows in BENCHMARKINGS.items():
        partnership = partnerships.get(acronym)
        for prefix, day, values in rows if partnership else ():
            organisation = _member(partnership, prefix)
            if organisation is None or at(day) > timezone.localdate():
                continue
            held[(acronym, prefix, day)] = services.benchmarking_create(
                actor=SYSTEM,
                organisation=organisation,
                data={
                    "indicator_set": bronze.pk,
                    "held_on": at(day),
                    "assessor": ASSESSOR,
                    "partnership": partnership,
                    "is_published": True,
                    "scores": _scores(bronze, values),
                },
            )
    areas = list(bronze.areas.order_by("order"))
    for day, rows, year in (
        (D(2020, 4, 21), IMPROVEMENTS, 2021),
        (D(2023, 6, 20), IMPROVEMENTS_2023, 2024),
    ):
        first = held.get(("EXTRATEX", "CLUTEX", day))
        if first is None:
            continue
        for n, (area, title, status) in enumerate(rows):
            documented = status == "documented"
            services.improvement_create(
                actor=SYSTEM,
                benchmarking=first,
                data={
                    "title": title,
                    "area": areas[area].pk,
                    "status": status,
                    "documented_on": at(D(year, 6 + n, 15)) if documented else None,
                    "evidence_url": (
                        f"https://example.org/clutex/improvement-{year}-{n + 1}.pdf"
                        if documented
                        else ""
                    ),
                },
            )
    labels = 0
    for acronym, prefix, level, awarded_on, held_on in LABELS:
        benchmarking = next(
            (b for (_a, p, day), b in held.items() if p == prefix and day == held_on), None
        )
        if benchmarking is None:
            continue
        services.label_create(
            actor=SYSTEM,
            organisation=benchmarking.organisation,
            data={
                "level": level,
                "awarded_on": at(awarded_on),
                "benchmarking": benchmarking,
                "partnership": partnerships[acronym],
                "certificate_number": f"ESCA-{awarded_on:%Y}-{level[:1].upper()}{labels + 101}",
                "notes": "Demo label.",
            },
        )
        labels += 1
    count = 0
    for acronym, prefix, name, novelty, launched, whom, partners, text in SERVICES:
        partnership = partnerships.get(acronym)
        organisation = _member(partnership, prefix) if partnership else None
        if organisation is None:
            continue
        built_with = [o.pk for o in (_member(partnership, p) for p in partners) if o is not None]
        services.service_create(
            actor=SYSTEM,
            organisation=organisation,
            data={
                "name": name,
                "description": text,
                "novelty": novelty,
                "launched_on": at(launched),
                "target_groups": whom,
                "built_with": built_with,
                "partnership": partnership,
            },
        )
        count += 1
    return (
        f"excellence demo: {len(held)} benchmarkings, {labels} labels "
        f"({ClusterLabel.objects.filter(level='silver').count()} silver), "
        f"{count} services of {ClusterService.objects.values('organisation').distinct().count()} "
        "clusters"
    )
