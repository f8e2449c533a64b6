"""The matchmaking part of the demo: an EXTRATEX B2B event with a few hundred participants
(registered by the same CSV import organisers use), their requests and the schedule. Safe to
repeat: once the event exists nothing is added. Seeded, so every install gets the same event."""

import contextlib
import csv
import datetime
import io
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from clusterloom.core.errors import DomainError
from clusterloom.directory.models import Organisation
from clusterloom.partnerships.models import Partnership

from . import meetings, services
from .models import MatchmakingEvent, Participant, RegistrationStatus

SLUG = "extratex-b2b-textiles-meet-automotive"
PARTICIPANTS = 240
SEED = 20261122
#: Share of demo participants who publish their profile (real events see most, not all).
PUBLISHED_SHARE = 0.7

OFFERS = [
    "Technical textiles for car interiors",
    "Flame-retardant fabrics",
    "Spacer fabrics for seats",
    "Recycled polyester yarns",
    "Textile testing and certification",
    "Plastic injection moulding",
    "Composite parts reinforced with textiles",
    "Smart textiles with sensors",
    "Finishing and coating of fabrics",
    "Design of seat covers",
]
REQUESTS = [
    "Suppliers of technical textiles for car seats",
    "Partners for recycled fibres",
    "Testing labs for automotive textiles",
    "Plastics recyclers",
    "Buyers of spacer fabrics",
    "Research partners for smart textiles",
    "Distributors in Central Europe",
    "Partners for a Horizon Europe proposal",
]


def _csv(organisations, rng) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["name", "email", "organisation", "country", "group", "profile", "offers", "requests"]
    )
    first = ["Anna", "Marco", "Lucía", "Petr", "Jana", "Tomás", "Elif", "Sofia", "Karel", "Ines"]
    last = ["Novák", "Rossi", "García", "Kováč", "Silva", "Yılmaz", "Bianchi", "Dvořák", "Costa"]
    for n, organisation in enumerate(organisations):
        group = "Buyers" if n % 3 == 0 else "Suppliers"
        offer = rng.choice(OFFERS)
        request = rng.choice(REQUESTS)
        writer.writerow(
            [
                f"{rng.choice(first)} {rng.choice(last)}",
                f"participant{n + 1}@example.org",
                organisation.name,
                organisation.country_id,
                group,
                f"{organisation.name}: {offer.lower()}; looking for {request.lower()}.",
                offer,
                request,
            ]
        )
    return buffer.getvalue().encode("utf-8")


@override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
@transaction.atomic
def demo_event() -> str:
    """Create the demo event, its participants, requests and schedule (once; no e-mails)."""
    if MatchmakingEvent.objects.filter(slug=SLUG).exists():
        return "Matchmaking demo: already there"
    extratex = Partnership.objects.filter(acronym="EXTRATEX").first()
    admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    if extratex is None or admin is None:
        return "Matchmaking demo: skipped (no EXTRATEX or no admin)"
    rng = random.Random(SEED)
    today = timezone.localdate()
    day = today + datetime.timedelta(days=45)
    event = services.event_create(
        actor=admin,
        partnership=extratex,
        data={
            "title": "Textiles meet automotive (B2B)",
            "description": "Interregional B2B meetings of textile, automotive and plastics "
            "companies of the EXTRATEX clusters and beyond.",
            "kind": "b2b",
            "format": "hybrid",
            "venue": "Prato, Museo del Tessuto",
            "time_zone": "Europe/Rome",
            "registration_opens": today - datetime.timedelta(days=30),
            "registration_closes": day - datetime.timedelta(days=3),
            "max_meetings": 10,
            "request_mode": "approval",
            "request_expiry_hours": 96,
        },
    )
    event.slug = SLUG
    event.save(update_fields=["slug"])
    for name, start, end in (("Morning", "09:00", "12:30"), ("Afternoon", "14:00", "17:30")):
        services.session_add(
            actor=admin,
            event=event,
            data={
                "name": name,
                "starts_at": f"{day}T{start}",
                "ends_at": f"{day}T{end}",
                "slot_minutes": 20,
                "break_minutes": 5,
            },
        )
    services.tables_set(
        actor=admin,
        event=event,
        count=40,
        link_template="https://meet.example.org/extratex-b2b-{n}",
    )
    buyers = services.group_add(actor=admin, event=event, name="Buyers")
    suppliers = services.group_add(actor=admin, event=event, name="Suppliers")
    services.group_rule_set(actor=admin, event=event, group_a=buyers, group_b=suppliers)
    services.group_rule_set(actor=admin, event=event, group_a=suppliers, group_b=suppliers)
    # Those who register themselves without choosing a group may meet everyone.
    visitors = services.group_add(actor=admin, event=event, name="Visitors")
    for other in (buyers, suppliers):
        services.group_rule_set(actor=admin, event=event, group_a=visitors, group_b=other)
    services.event_default_group_set(actor=admin, event=event, group=visitors.pk)
    event.status = "open"
    event.save(update_fields=["status"])
    pool = list(Organisation.objects.filter(country__is_cosme=True).order_by("pk"))
    chosen = rng.sample(pool, min(PARTICIPANTS, len(pool)))
    services.registrations_import(
        actor=admin,
        event=event,
        file_name="participants.csv",
        content=_csv(chosen, rng),
        approve=True,
    )
    people = list(event.participants.filter(status=RegistrationStatus.APPROVED).order_by("pk"))
    # Demo people only (no real person's consent is assumed): most publish their profile.
    published = rng.sample(people, round(PUBLISHED_SHARE * len(people)))
    Participant.objects.filter(pk__in=[p.pk for p in published]).update(consent_public=True)
    slots = list(event.slots.all())
    for person in people:  # partial availability: most stay all day, some half a day
        share = rng.random()
        if share < 0.15:
            person.available_slots.set(slots[: len(slots) // 2])
        elif share < 0.3:
            person.available_slots.set(slots[len(slots) // 2 :])
    # Power-law popularity: a few participants receive many requests.
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(people))]
    made = 0
    for requester in people:
        for _ in range(rng.randint(1, 6)):
            invitee = rng.choices(people, weights=weights)[0]
            if invitee.pk == requester.pk or not meetings.may_meet(requester, invitee):
                continue
            try:
                meeting = meetings.meeting_request(
                    actor=admin,
                    requester=requester,
                    invitee=invitee,
                    message="We would like to discuss a cooperation.",
                )
            except DomainError:  # a full agenda or a pair that already met: skip it
                continue
            made += 1
            roll = rng.random()
            if meeting.status == "requested" and roll < 0.8:
                with contextlib.suppress(DomainError):  # the invitee's agenda is full
                    meetings.meeting_accept(actor=admin, meeting=meeting)
            elif meeting.status == "requested" and roll < 0.9:
                meetings.meeting_decline(actor=admin, meeting=meeting, reason="No capacity now.")
    from .scheduling import event_schedule, schedule_publish

    result = event_schedule(actor=admin, event=event, time_limit=10)
    schedule_publish(actor=admin, event=event)
    share = result.objective / result.upper_bound if result.upper_bound else 1
    return (
        f"Matchmaking demo: “{event.title}” with {len(people)} participants, {made} requests, "
        f"{len(result.assignments)} meetings scheduled ({share:.1%} of the upper bound)"
    )
