"""E-mail sent by background tasks: retried with back-off, and sent once per message.

A mail task runs again when its worker died before acknowledging it or when the mail server
could not be reached; `send_once` remembers (in the shared cache, for a week) which messages
went out, so a task that sent to half of its recipients and is run again sends only the rest.
"""

import smtplib

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage

#: Failures worth another try later: the server refused, timed out or could not be reached.
MAIL_ERRORS = (smtplib.SMTPException, OSError)

#: How long a sent message is remembered, in seconds.
SENT_REMEMBERED = 7 * 24 * 3600


def mail_task_options() -> dict:
    """Options of every Celery task that sends e-mail (exponential back-off with jitter)."""
    return {
        "autoretry_for": MAIL_ERRORS,
        "retry_backoff": True,
        "retry_backoff_max": settings.EMAIL_RETRY_BACKOFF_MAX,
        "retry_jitter": True,
        "max_retries": settings.EMAIL_MAX_RETRIES,
        "ignore_result": True,
    }


def send_once(key: str | None, subject: str, body: str, to: list[str], **headers) -> int:
    """Send one message unless the message with this key was sent already; returns how many
    addresses it went to. A key of None sends unconditionally."""
    marker = f"mail-sent:{key}"
    if key is not None and cache.get(marker):
        return 0
    EmailMessage(
        subject=subject.replace("\n", " ")[:200],
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        **headers,
    ).send()
    if key is not None:
        cache.set(marker, 1, SENT_REMEMBERED)
    return len(to)
