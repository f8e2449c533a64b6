"""Prepare the mixed-load benchmark on a database bench/generate.py filled: N members with API
tokens at organisations, an open matchmaking event of the first partnership where all of them
are approved participants, a partner request for them to follow, and, for the abuse passes, a
cluster manager with a strategy and the partnership's coordinator. Prints a JSON manifest."""

import argparse
import datetime
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    """Create the users, tokens, event, request and strategy; print their ids as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterloom.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from clusterloom.core.models import ApiToken
    from clusterloom.directory.models import Organisation, Person
    from clusterloom.events.services import (
        event_create,
        event_status_set,
        registration_review,
        registration_submit,
        session_add,
        tables_set,
    )
    from clusterloom.excellence.strategy_services import strategy_create
    from clusterloom.matching.request_services import partner_request_create
    from clusterloom.partnerships.models import Partnership

    users = get_user_model().objects
    partnership = Partnership.objects.order_by("pk").first()
    partner_ids = list(partnership.members.values_list("organisation_id", flat=True))
    coordinator = users.create_user("bench-coordinator", password="bench-Password-1")
    partnership.coordinators.add(coordinator)
    cluster = Organisation.objects.get(pk=partner_ids[0])
    manager = users.create_user("bench-manager", password="bench-Password-1")
    cluster.managers.add(manager)
    organisations = list(Organisation.objects.order_by("pk")[: args.members])
    members, tokens = [], []
    for n, organisation in enumerate(organisations):
        user = users.create_user(f"bench-member-{n}", password="bench-Password-1")
        Person.objects.create(
            organisation=organisation, user=user, first_name="Member", last_name=str(n)
        )
        members.append(user)
        tokens.append(ApiToken.issue(user, "bench")[1])
    event = event_create(
        actor=coordinator,
        partnership=partnership,
        data={
            "title": "Bench meetings",
            "kind": "b2b",
            "format": "onsite",
            "max_meetings": 50,
            "request_mode": "approval",
            "registration_opens": datetime.date.today() - datetime.timedelta(days=1),
            "registration_closes": datetime.date.today() + datetime.timedelta(days=60),
        },
    )
    session_add(
        actor=coordinator,
        event=event,
        data={"name": "Morning", "starts_at": "2030-03-10T09:00", "ends_at": "2030-03-10T12:00"},
    )
    tables_set(actor=coordinator, event=event, count=10)
    event_status_set(actor=coordinator, event=event, status="open")
    participants = []
    for user, organisation in zip(members, organisations, strict=True):
        participant = registration_submit(
            actor=user, event=event, data={"organisation": organisation.pk, "consent_public": True}
        )
        participants.append(
            registration_review(actor=coordinator, participant=participant, decision="approve").pk
        )
    request = partner_request_create(
        actor=manager,
        organisation=cluster,
        data={"title": "Partners for the bench", "sought": "Anyone who follows."},
    )
    strategy = strategy_create(
        actor=manager,
        scope="cluster",
        organisation=cluster,
        partnership=partnership,
        data={"title": "Bench strategy", "text": "# Vision\n\nGrow."},
    )
    print(
        json.dumps(
            {
                "tokens": tokens,
                "participants": participants,
                "event": event.slug,
                "partner_request": request.pk,
                "strategy": strategy.pk,
                "cluster": cluster.slug,
                "manager_token": ApiToken.issue(manager, "bench")[1],
                "coordinator_token": ApiToken.issue(coordinator, "bench")[1],
            }
        )
    )


if __name__ == "__main__":
    main()
