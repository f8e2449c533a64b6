"""Seed the integration test's database: an open B2B event with N approved participants and
about 2.1 N accepted meetings, two members who will register through the web, the organiser.

Run in the topology's environment (its DATABASE_URL):
    python -m clusterloom.tests.integration.seed --participants 1000
Prints one JSON object: the event's slug, the logins' API tokens and ids.
"""

import argparse
import datetime
import json
import os
import random


def seed(participants: int, seed: int = 15) -> dict:
    """Create the event and its participants; return what the test needs."""
    from django.utils import timezone

    from clusterloom.core.models import ApiToken
    from clusterloom.directory.tests.factories import (
        AdminFactory,
        MemberUserFactory,
        OrganisationFactory,
        UserFactory,
    )
    from clusterloom.events.models import Meeting, MeetingStatus, Participant
    from clusterloom.events.services import event_status_set, session_add, tables_set
    from clusterloom.events.tests.factories import textiles_event
    from clusterloom.partnerships.tests.factories import PartnershipFactory

    rng = random.Random(seed)
    organiser = UserFactory(username="organiser", email="organiser@example.test")
    partnership = PartnershipFactory(acronym="XTEX", slug="xtex")
    partnership.coordinators.add(organiser)
    day = timezone.localdate() + datetime.timedelta(days=30)
    event = textiles_event(
        organiser,
        partnership,
        opens=day - datetime.timedelta(days=40),
        closes=day - datetime.timedelta(days=1),
        max_meetings=8,
    )
    for name, start, end in (("Morning", "09:00", "13:00"), ("Afternoon", "14:00", "18:00")):
        session_add(
            actor=organiser,
            event=event,
            data={
                "name": name,
                "starts_at": f"{day}T{start}",
                "ends_at": f"{day}T{end}",
                "slot_minutes": 25,
                "break_minutes": 5,
            },
        )
    tables_set(actor=organiser, event=event, count=150)
    event_status_set(actor=organiser, event=event, status="open")
    organisations = [OrganisationFactory(name=f"Seeded organisation {i}") for i in range(40)]
    people = Participant.objects.bulk_create(
        Participant(
            event=event,
            organisation=organisations[i % len(organisations)],
            name=f"Participant {i}",
            email=f"participant{i}@example.test",
            status="approved",
        )
        for i in range(participants)
    )
    slots = list(event.slots.values_list("pk", flat=True))
    Through = Participant.available_slots.through
    Through.objects.bulk_create(
        Through(participant_id=p.pk, timeslot_id=s) for p in people for s in slots
    )
    pairs = set()
    while len(pairs) < int(2.1 * participants):
        a, b = rng.sample(range(participants), 2)
        pairs.add((min(a, b), max(a, b)))
    Meeting.objects.bulk_create(
        Meeting(
            event=event,
            requester=people[a],
            invitee=people[b],
            status=MeetingStatus.ACCEPTED,
            mutual=rng.random() < 0.25,
        )
        for a, b in sorted(pairs)
    )
    members = {}
    for name, organisation in (("alice", organisations[0]), ("bob", organisations[1])):
        user = MemberUserFactory(username=name, email=f"{name}@example.test")
        user.person.organisation = organisation
        user.person.save()
        members[name] = {
            "token": ApiToken.issue(user, "integration")[1],
            "organisation": organisation.pk,
        }
    admin = AdminFactory(username="admin")
    return {
        "event": event.slug,
        "admin_token": ApiToken.issue(admin, "integration")[1],
        "changed_organisation": organisations[7].slug,
        "slots": len(slots),
        "organiser": {"username": "organiser", "password": "pw",
                      "token": ApiToken.issue(organiser, "integration")[1]},
        **members,
    }  # fmt: skip


def main() -> None:
    """Parse arguments, seed, print the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=1000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterloom.settings")
    import django

    django.setup()
    print(json.dumps(seed(args.participants)))  # noqa: T201


if __name__ == "__main__":
    main()
