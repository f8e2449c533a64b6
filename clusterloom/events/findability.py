"""Participants nobody can find, for the organisers: who keeps the profile unpublished, who is
in no group that may meet anyone; and a reminder e-mail to them (each at most once every
`REMIND_AGAIN_AFTER`, audited). Publishing stays the participant's own choice (GDPR consent):
the organisers may remind, never publish for them."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterloom.core.audit import audit
from clusterloom.core.errors import DomainError
from clusterloom.core.permissions import require

from .meetings import meeting_rules
from .models import MatchmakingEvent, Participant, RegistrationStatus

#: A participant is reminded at most once in this time, however often the organisers ask.
REMIND_AGAIN_AFTER = datetime.timedelta(days=3)


@dataclass
class Findability:
    """Approved participants whom no other participant can find, by reason."""

    approved: int = 0
    #: Keep their profile unpublished: shown and suggested to nobody.
    unpublished: list[Participant] = field(default_factory=list)
    #: Published, but the group rules let them meet nobody (no group, or a group no rule names).
    meets_nobody: list[Participant] = field(default_factory=list)

    @property
    def unfindable(self) -> list[Participant]:
        """Everyone nobody can find (each once)."""
        seen = {p.pk for p in self.unpublished}
        return self.unpublished + [p for p in self.meets_nobody if p.pk not in seen]


def event_findability(event: MatchmakingEvent) -> Findability:
    """Who among the approved participants nobody can find, and why."""
    rules = meeting_rules(event)
    people = list(
        event.participants.filter(status=RegistrationStatus.APPROVED)
        .select_related("group", "organisation", "user")
        .order_by("name", "pk")
    )
    return Findability(
        approved=len(people),
        unpublished=[p for p in people if not p.consent_public],
        meets_nobody=[p for p in people if p.consent_public and rules.meets_nobody(p)],
    )


@dataclass
class Reminded:
    """What a reminder run did."""

    sent: int = 0
    #: Reminded within `REMIND_AGAIN_AFTER`: not reminded again.
    recently: int = 0
    #: No e-mail address to write to.
    no_address: int = 0


@transaction.atomic
def findability_remind(*, actor, event: MatchmakingEvent) -> Reminded:
    """E-mail every participant nobody can find why and how to change it (after commit);
    those reminded recently or without an address are skipped and counted."""
    require(actor, "events.change_event", event)
    found = event_findability(event)
    if not found.unfindable:
        raise DomainError(_("Every approved participant can be found: nobody to remind."))
    now = timezone.now()
    result = Reminded()
    due = []
    for participant in found.unfindable:
        last = participant.findability_reminded_at
        if last is not None and now - last < REMIND_AGAIN_AFTER:
            result.recently += 1
        elif not (participant.email or (participant.user_id and participant.user.email)):
            result.no_address += 1
        else:
            due.append(participant)
    Participant.objects.filter(pk__in=[p.pk for p in due]).update(findability_reminded_at=now)
    from .notifications import notify

    for participant in due:
        notify("reminder_findability", participant=participant)
    result.sent = len(due)
    audit(
        actor,
        "events.findability_reminded",
        event,
        changes={
            "reminded": [p.pk for p in due],
            "skipped_recently_reminded": result.recently,
            "skipped_no_address": result.no_address,
        },
    )
    return result
