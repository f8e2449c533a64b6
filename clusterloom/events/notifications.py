"""E-mails of matchmaking events: who is told what, sent once the change commits."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterloom.core.mail import notice_queue, send_once

SUBJECTS = {
    "registered": gettext_lazy("New registration to approve: %(what)s"),
    "registration_reviewed": gettext_lazy("Your registration for %(event)s: %(status)s"),
    "meeting_requested": gettext_lazy("%(who)s asks to meet you at %(event)s"),
    "meeting_accepted": gettext_lazy("Meeting accepted: %(what)s"),
    "meeting_declined": gettext_lazy("Meeting declined: %(what)s"),
    "meeting_cancelled": gettext_lazy("Meeting cancelled: %(what)s"),
    "meeting_rescheduled": gettext_lazy("Meeting moved: %(what)s"),
    "meeting_expired": gettext_lazy("Your meeting request expired: %(what)s"),
    "schedule_published": gettext_lazy("Your agenda for %(event)s is ready"),
    "reminder_request": gettext_lazy("A meeting request waits for your answer: %(what)s"),
    "reminder_meeting": gettext_lazy("Tomorrow at %(event)s: %(what)s"),
    "reminder_feedback": gettext_lazy("How was your meeting at %(event)s? %(what)s"),
    "reminder_findability": gettext_lazy("Nobody can find you at %(event)s yet"),
}


def notify(kind: str, **objects) -> None:
    """Queue the e-mails of one event (after commit; nothing is sent on rollback)."""
    if kind not in SUBJECTS:
        return
    from .tasks import event_notify

    notice_queue(event_notify, kind, objects)


def _mail(participant) -> set[str]:
    emails = set()
    if participant.email:
        emails.add(participant.email)
    if participant.user_id and participant.user.email:
        emails.add(participant.user.email)
    return emails


def _organisers(event) -> set[str]:
    return {u.email for u in event.partnership.coordinators.all() if u.is_active and u.email}


def recipients(kind: str, *, participant=None, meeting=None, event=None) -> set[str]:
    """Whom one event concerns."""
    if kind == "registered":
        return _organisers(participant.event)
    if kind in ("registration_reviewed", "reminder_findability"):
        return _mail(participant)
    if kind in ("meeting_requested", "reminder_request"):
        return _mail(meeting.invitee)
    if kind in ("meeting_accepted", "meeting_declined", "meeting_expired"):
        return _mail(meeting.requester)
    if kind in (
        "meeting_cancelled",
        "meeting_rescheduled",
        "reminder_meeting",
        "reminder_feedback",
    ):
        return _mail(meeting.requester) | _mail(meeting.invitee)
    return set()


def _findability_body(participant) -> str:
    """Why nobody can find the participant, and what to do about it."""
    from .meetings import meeting_rules

    event = participant.event
    lines = [_("Hello %(name)s,") % {"name": participant.name}, ""]
    if not participant.consent_public:
        url = settings.SITE_URL.rstrip("/") + reverse("event_registration_edit", args=[event.slug])
        lines += [
            _(
                "your profile for %(event)s is not published: the other participants do not "
                "see you, and you are suggested to nobody. Publishing shows your name, "
                "organisation, profile, offers and requests to the other approved participants "
                "of this event only; it is your choice, and you can withdraw it at any time."
            )
            % {"event": event.title},
            _("To publish it, tick “Publish my profile” on your registration: %(url)s")
            % {"url": url},
        ]
    if meeting_rules(event).meets_nobody(participant):
        lines += [
            "",
            _(
                "The organisers' rules let you meet nobody yet, as you are in no group that "
                "may meet others: ask the organisers to put you in one."
            ),
        ]
    lines += ["", _("The organisers of %(event)s") % {"event": event.title}]
    return "\n".join(lines) + "\n"


def send(kind: str, *, participant=None, meeting=None, event=None, notice=None) -> int:
    """Send one notification; returns how many addresses it went to."""
    if kind == "reminder_findability":
        to = sorted(_mail(participant))
        if not to:
            return 0
        subject = str(SUBJECTS[kind]) % {"event": participant.event.title}
        return send_once(notice, subject, _findability_body(participant), to)
    if kind == "schedule_published":
        n = 0
        for person in event.participants.filter(status="approved"):
            url = settings.SITE_URL.rstrip("/") + reverse("event_agenda", args=[event.slug])
            subject = str(SUBJECTS[kind]) % {"event": event.title}
            body = _("%(subject)s: %(url)s\n") % {"subject": subject, "url": url}
            to = sorted(_mail(person))
            if to:
                n += send_once(notice and f"{notice}:{person.pk}", subject, body, to)
        return n
    to = sorted(recipients(kind, participant=participant, meeting=meeting, event=event))
    if not to:
        return 0
    if meeting is not None:
        the_event = meeting.event
        what = str(meeting)
        path = reverse("event_meeting_detail", args=[the_event.slug, meeting.pk])
    else:
        the_event = participant.event
        what = f"{participant.name} ({participant.organisation.name})"
        path = reverse("event_participant_detail", args=[the_event.slug, participant.pk])
    subject = str(SUBJECTS[kind]) % {
        "what": what,
        "event": the_event.title,
        "who": meeting.requester.name if meeting is not None else what,
        "status": participant.get_status_display() if participant is not None else "",
    }
    url = settings.SITE_URL.rstrip("/") + path
    body = _("%(subject)s.\n\nSee it and answer: %(url)s\n") % {"subject": subject, "url": url}
    return send_once(notice, subject, body, to)
