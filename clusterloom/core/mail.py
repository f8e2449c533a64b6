"""E-mail sent by background tasks: retried with back-off, and sent once per message.

A mail task runs again when its worker died before acknowledging it or when the mail server
could not be reached; `send_once` remembers (in the shared cache, for a week) which messages
went out, so a task that sent to half of its recipients and is run again sends only the rest.
"""

import smtplib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction

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


def notice_queue(task, kind: str, objects: dict) -> None:
    """Queue `task(kind, <name>_id=..., notice=...)` for the objects one step concerns, once the
    change commits (nothing is sent if it rolls back). One notice id per notification: a task
    run again (worker died, mail server down) skips the messages that already went out."""
    ids = {f"{name}_id": obj.pk for name, obj in objects.items()}
    ids["notice"] = uuid.uuid4().hex
    transaction.on_commit(lambda: task.delay(kind, **ids), robust=True)


def notice_objects(*wanted) -> dict | None:
    """{name: row} of the (name, model, pk) triples whose pk is given, as a mail task finds
    them; None when one of them is gone (its notification is then moot)."""
    objects = {}
    for name, model, pk in wanted:
        if pk is not None:
            row = model.objects.filter(pk=pk).first()
            if row is None:
                return None
            objects[name] = row
    return objects


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
