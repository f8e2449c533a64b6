"""The activities part of the demo: learning events, study visits, trainings and coaching with
attendance, dissemination, for EXTRATEX and Hi-Tech-TEX, recorded through the services (the
attendance through the same CSV import coordinators use). Safe to repeat: an activity whose
title the partnership has already is left alone. Held activities are dated up to today, planned
ones after it; the partners are the organisers."""

import csv
import datetime
import io

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from clusterloom.partnerships.models import Partnership

from . import services
from .attendance_import import attendance_import
from .models import Activity

#: (kind, title, position, organiser index, city, country, extra fields). Position: a fraction
#: of the held period (0 = its start, 1 = today) for held ones, or "+N" days after today.
EXTRATEX = [
    (
        "training",
        "Cluster management excellence: towards the bronze label",
        0.12,
        0,
        "",
        "",
        {"topic": "Cluster management", "hours": 12, "is_online": True},
    ),
    (
        "learning_event",
        "Learning event: sustainable textiles for car interiors",
        0.2,
        3,
        "Prato",
        "IT",
        {},
    ),
    (
        "training",
        "Internationalisation services for cluster members",
        0.35,
        2,
        "Liberec",
        "CZ",
        {"topic": "Internationalisation", "hours": 8},
    ),
    (
        "study_visit",
        "Study visit to the technical-textile labs of Liberec",
        0.45,
        2,
        "Liberec",
        "CZ",
        {},
    ),
    (
        "coaching",
        "Coaching: designing new services for members",
        0.55,
        0,
        "",
        "",
        {"topic": "Service portfolio", "hours": 6, "is_online": True},
    ),
    (
        "learning_event",
        "Learning event: circular plastics and textile composites",
        0.7,
        1,
        "Bratislava",
        "SK",
        {},
    ),
    (
        "training",
        "Digital tools for cluster managers",
        0.85,
        3,
        "Prato",
        "IT",
        {"topic": "Digitalisation", "hours": 10},
    ),
    (
        "study_visit",
        "Study visit to the automotive suppliers of Valencia",
        "+60",
        0,
        "Valencia",
        "ES",
        {},
    ),
    (
        "training",
        "Green transition of textile value chains",
        "+95",
        1,
        "",
        "",
        {"topic": "Sustainability", "hours": 8, "is_online": True},
    ),
]
EXTRATEX_DISSEMINATION = [
    ("newsletter", "EXTRATEX newsletter no. 1: the partnership starts", 0.05, 1800),
    ("website", "EXTRATEX website launched", 0.08, 4200),
    ("social_media", "LinkedIn campaign: ClusterXchange call open", 0.3, 12500),
    ("conference", "EXTRATEX at Techtextil Frankfurt", 0.5, 650),
    ("newsletter", "EXTRATEX newsletter no. 2: first exchanges", 0.6, 2100),
    ("social_media", "Video stories of exchange visitors", 0.75, 9800),
    ("website", "Results page: labels and strategies of the partners", 0.95, 1500),
    ("conference", "EXTRATEX final conference in Brussels", "+120", None),
]
HITECHTEX = [
    (
        "training",
        "Cluster excellence capacity building: benchmarking",
        0.25,
        0,
        "Porto",
        "PT",
        {"topic": "Cluster management", "hours": 10},
    ),
    (
        "learning_event",
        "Learning event: high-tech textiles for health",
        0.4,
        2,
        "Valencia",
        "ES",
        {},
    ),
    (
        "study_visit",
        "Study visit to CITEVE's smart-textile pilot lines",
        0.6,
        0,
        "Famalicão",
        "PT",
        {},
    ),
    (
        "coaching",
        "Coaching: internationalisation roadmaps",
        0.8,
        3,
        "",
        "",
        {"topic": "Internationalisation", "hours": 6, "is_online": True},
    ),
    (
        "learning_event",
        "Learning event: technical textiles in Denizli",
        "+75",
        3,
        "Denizli",
        "TR",
        {},
    ),
]
HITECHTEX_DISSEMINATION = [
    ("website", "Hi-Tech-TEX website launched", 0.1, 2600),
    ("newsletter", "Hi-Tech-TEX newsletter no. 1", 0.35, 1400),
    ("social_media", "Hi-Tech-TEX on LinkedIn: meet the partners", 0.55, 7300),
    ("press", "Press release: five textile clusters join forces", 0.7, 20000),
]
FIRST = ["Ana", "Marco", "Lucía", "Petr", "Jana", "Tomás", "Elif", "Sofia", "Karel", "Inês"]
LAST = ["Novák", "Rossi", "García", "Kováč", "Silva", "Yılmaz", "Bianchi", "Dvořák", "Costa"]


def _months_before(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 - months
    return datetime.date(day.year + month // 12, month % 12 + 1, min(day.day, 28))


def _held_from(partnership: Partnership, today: datetime.date) -> datetime.date:
    """The start of the held period: the partnership's start, at most two years back."""
    start = partnership.start_date or _months_before(today, 18)
    return max(start, _months_before(today, 24))


def _date(position, held_from: datetime.date, today: datetime.date) -> datetime.date:
    if isinstance(position, str):
        return today + datetime.timedelta(days=int(position))
    return held_from + datetime.timedelta(days=round((today - held_from).days * position))


def _attendance_csv(partners, index: int) -> bytes:
    """Each partner sends its cluster manager and one or two staff (one of them half the time)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["name", "organisation", "role", "hours"])
    n = index
    for organisation in partners:
        writer.writerow(
            [f"{FIRST[n % 10]} {LAST[n % 9]}", organisation.name, "cluster manager", ""]
        )
        n += 1
        writer.writerow([f"{FIRST[n % 10]} {LAST[(n + 4) % 9]}", organisation.name, "staff", ""])
        n += 1
        if (index + n) % 3 == 0:
            writer.writerow(
                [f"{FIRST[(n + 5) % 10]} {LAST[n % 9]}", organisation.name, "staff", "4"]
            )
            n += 1
    return buffer.getvalue().encode("utf-8")


def _description(kind: str, extra: dict, partnership, organiser) -> str:
    acronym = partnership.acronym
    texts = {
        "training": f"A {extra.get('hours', '')}-hour training for the managers and staff of "
        f"the {acronym} clusters.",
        "coaching": f"Coaching sessions with an expert for the cluster managers of {acronym}.",
        "learning_event": f"Good practices, presentations and discussion among the {acronym} "
        f"partners and their members, hosted by {organiser.name}.",
        "study_visit": f"The {acronym} partners visit {organiser.name} and its members to see "
        f"their practice at first hand.",
        "newsletter": f"Sent to the members of the {acronym} partner clusters.",
        "website": f"News and results of {acronym} on its website.",
        "social_media": "Posts and videos on the partners' LinkedIn and X accounts.",
        "conference": f"{acronym} presents its results to companies and clusters at a stand "
        f"and in a talk.",
        "press": f"A press release sent to the trade press of the {acronym} countries.",
    }
    return texts.get(extra.get("channel") or kind, "")


def _record(admin, partnership, plan, dissemination, today) -> tuple[int, int]:
    partners = [
        m.organisation for m in partnership.members.select_related("organisation").order_by("order")
    ]
    if not partners:
        return 0, 0
    held_from = _held_from(partnership, today)
    titles = set(partnership.activities.values_list("title", flat=True))
    made = attendees = 0
    rows = [(k, t, pos, org, city, country, extra) for k, t, pos, org, city, country, extra in plan]
    rows += [
        ("dissemination", title, pos, n % len(partners), "", "", {"channel": ch, "reach": reach})
        for n, (ch, title, pos, reach) in enumerate(dissemination)
    ]
    for number, (kind, title, position, org, city, country, extra) in enumerate(rows):
        if title in titles:
            continue
        day = _date(position, held_from, today)
        held = day <= today
        slug = partnership.slug
        data = {
            "kind": kind,
            "title": title,
            "status": "held" if held else "planned",
            "starts_on": day,
            "ends_on": day + datetime.timedelta(days=1 if kind == "study_visit" else 0),
            "organiser": partners[org % len(partners)].pk,
            "city_name": city,
            "country": country,
            "link": f"https://{slug}.example.org/activities/{number + 1}",
            "description": _description(kind, extra, partnership, partners[org % len(partners)]),
            **extra,
        }
        if not held:
            data.pop("reach", None)
        activity = services.activity_create(actor=admin, partnership=partnership, data=data)
        made += 1
        if held and kind in ("training", "coaching", "learning_event", "study_visit"):
            result = attendance_import(
                actor=admin,
                activity=activity,
                file_name="attendance.csv",
                content=_attendance_csv(partners, number),
            )
            attendees += result.added
    return made, attendees


@transaction.atomic
def demo_activities() -> str:
    """Record the demo activities of EXTRATEX and Hi-Tech-TEX (what is missing only)."""
    admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    if admin is None:
        return "Activities demo: skipped (no admin)"
    today = timezone.localdate()
    parts = []
    for acronym, plan, dissemination in (
        ("EXTRATEX", EXTRATEX, EXTRATEX_DISSEMINATION),
        ("Hi-Tech-TEX", HITECHTEX, HITECHTEX_DISSEMINATION),
    ):
        partnership = Partnership.objects.filter(acronym=acronym).first()
        if partnership is None:
            parts.append(f"{acronym} missing")
            continue
        made, attendees = _record(admin, partnership, plan, dissemination, today)
        total = Activity.objects.filter(partnership=partnership).count()
        parts.append(f"{acronym} {made} new ({attendees} attendees), {total} in all")
    return "Activities demo: " + "; ".join(parts)
