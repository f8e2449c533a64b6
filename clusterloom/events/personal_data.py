"""Personal data in matchmaking events (GDPR): a user's registrations with their profile,
offers and requests, meeting requests with their messages, and feedback.

Erasure cancels the user's live requests and meetings of events not yet held (the other side
is freed), blanks every text they wrote and anonymises their registrations: the row stays so
that held events keep their counts, but it holds no name, e-mail, profile or link, is hidden
from the other participants, and its calendar feed address changes.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from .meetings import cancel_all_of
from .models import (
    MarketplaceItem,
    Meeting,
    MeetingFeedback,
    Participant,
    RegistrationStatus,
    _token,
)

#: Fields of this app that point at a user or person, all covered by the handlers below.
COVERS = ("events.Participant.user", "events.Participant.person")


def _registrations(user):
    person = getattr(user, "person", None)
    match = Q(user=user)
    if person is not None:
        match |= Q(person=person)
    return Participant.objects.filter(match).select_related("event")


def personal_data_export(user) -> list[dict] | None:
    """The user's registrations, each with its items, meetings and feedback."""
    out = []
    for p in _registrations(user).select_related("organisation"):
        meetings = Meeting.objects.filter(Q(requester=p) | Q(invitee=p)).select_related(
            "requester", "invitee", "slot"
        )
        out.append(
            {
                "event": p.event.title,
                "name": p.name,
                "email": p.email,
                "organisation": str(p.organisation),
                "status": p.status,
                "profile": p.profile,
                "meeting_link": p.meeting_link,
                "registered": p.created_at.isoformat(),
                "items": [
                    {"kind": i.kind, "title": i.title, "description": i.description}
                    for i in MarketplaceItem.objects.filter(participant=p)
                ],
                "meetings": [
                    {
                        "with": (m.invitee if m.requester_id == p.pk else m.requester).name,
                        "requested_by_me": m.requester_id == p.pk,
                        "status": m.status,
                        "message": m.message,
                        "reason": m.decline_reason,
                        "slot": m.slot.starts_at.isoformat() if m.slot else None,
                    }
                    for m in meetings
                ],
                "feedback": [
                    {"stage": f.stage, "outcome": f.outcome, "comment": f.comment}
                    for f in MeetingFeedback.objects.filter(participant=p)
                ],
            }
        )
    return out or None


def personal_data_erase(user) -> None:
    """Cancel live meetings of events not held, blank the user's texts, anonymise their
    registrations (see the module's docstring)."""
    for participant in _registrations(user):
        if not participant.event.held:
            cancel_all_of(actor=user, participant=participant, reason="")
            if participant.status in (RegistrationStatus.SUBMITTED, RegistrationStatus.APPROVED):
                participant.status = RegistrationStatus.CANCELLED
        Meeting.objects.filter(requester=participant).update(message="")
        Meeting.objects.filter(Q(requester=participant) | Q(invitee=participant)).update(
            decline_reason=""
        )
        MeetingFeedback.objects.filter(participant=participant).update(comment="")
        MarketplaceItem.objects.filter(participant=participant).delete()
        participant.name = _("(erased)")
        participant.email = participant.profile = participant.meeting_link = ""
        participant.consent_public = False
        participant.person = participant.user = None
        participant.calendar_token = _token()
        participant.save()
        participant.terms.clear()
