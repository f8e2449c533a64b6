"""E-mails at each step of an exchange: who is told what, sent once the change commits."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterloom.core.mail import notice_queue, send_once

#: event -> subject; {what} is the application, offer or exchange it concerns.
SUBJECTS = {
    "application_submitted": gettext_lazy("New ClusterXchange registration: %(what)s"),
    "application_reviewed": gettext_lazy("Your ClusterXchange registration was %(status)s"),
    "offer_submitted": gettext_lazy("New hosting offer to validate: %(what)s"),
    "offer_reviewed": gettext_lazy("Your hosting offer was %(status)s"),
    "exchange_proposed": gettext_lazy("A ClusterXchange match awaits your confirmation: %(what)s"),
    "exchange_matched": gettext_lazy("Matched: %(what)s; now draft the Commitment to Quality"),
    "exchange_declined": gettext_lazy("A proposed exchange was declined: %(what)s"),
    "exchange_cancelled": gettext_lazy("An exchange was cancelled: %(what)s"),
    "exchange_committed": gettext_lazy("Commitment to Quality signed by all four: %(what)s"),
    "exchange_reported": gettext_lazy("Closing report to validate: %(what)s"),
    "exchange_validated": gettext_lazy("Your exchange report was validated: %(what)s"),
    "exchange_returned": gettext_lazy("Your exchange report needs completing: %(what)s"),
    "exchange_paid": gettext_lazy("Your ClusterXchange lump sum was paid: %(what)s"),
}


def notify(event: str, **objects) -> None:
    """Queue the e-mails of one event (after commit; nothing is sent if the change rolls back)."""
    if event not in SUBJECTS:
        return
    from .tasks import exchange_notify

    notice_queue(exchange_notify, event, objects)


def _emails(users) -> set[str]:
    return {u.email for u in users if u is not None and u.is_active and u.email}


def _coordinators(partnership) -> set[str]:
    return _emails(partnership.coordinators.all())


def _side(registration) -> set[str]:
    users = [registration.submitted_by]
    if registration.person_id and registration.person.user_id:
        users.append(registration.person.user)
    emails = _emails(users)
    if registration.person_id and registration.person.email:
        emails.add(registration.person.email)
    return emails


def recipients(event: str, *, application=None, offer=None, exchange=None) -> set[str]:
    """Whom an event concerns."""
    if exchange is not None:
        application, offer = exchange.application, exchange.offer
        visitor, host = _side(application), _side(offer)
        both = _coordinators(application.call.partnership) | _coordinators(offer.partnership)
        if event == "exchange_proposed":
            out = set()
            if not exchange.visitor_confirmed_at:
                out |= visitor
            if not exchange.host_confirmed_at:
                out |= host
            return out
        if event in ("exchange_matched", "exchange_committed", "exchange_cancelled"):
            return visitor | host | both
        if event == "exchange_declined":
            return visitor | host
        if event == "exchange_reported":
            return _coordinators(application.call.partnership)
        return visitor
    if event == "application_submitted":
        return _coordinators(application.call.partnership)
    if event == "application_reviewed":
        return _side(application)
    if event == "offer_submitted":
        return _coordinators(offer.partnership)
    if event == "offer_reviewed":
        return _side(offer)
    return set()


def send(event: str, *, application=None, offer=None, exchange=None, notice=None) -> int:
    """Send one event's e-mail to everyone it concerns; returns how many were addressed."""
    to = sorted(recipients(event, application=application, offer=offer, exchange=exchange))
    if not to:
        return 0
    if exchange is not None:
        what = str(exchange)
        path = reverse("exchange_detail", args=[exchange.pk])
        status = exchange.get_status_display()
    elif application is not None:
        what = f"{application.organisation.name} ({application.call.title})"
        path = reverse("exchange_application_detail", args=[application.pk])
        status = application.get_status_display()
    else:
        what = f"{offer.title} ({offer.organisation.name})"
        path = reverse("hosting_offer_detail", args=[offer.pk])
        status = offer.get_status_display()
    subject = str(SUBJECTS[event]) % {"what": what, "status": status}
    url = settings.SITE_URL.rstrip("/") + path
    body = _("%(subject)s.\n\nSee it and take the next step: %(url)s\n") % {
        "subject": subject,
        "url": url,
    }
    return send_once(notice, subject, body, to)
