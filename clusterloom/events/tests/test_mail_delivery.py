"""Event e-mails through a real SMTP server (the `smtp_sink` fixture): their content and
language, and the task's retries with back-off when the server cannot be reached."""

from celery.exceptions import Retry
from django.utils import translation

from clusterloom.core.mail import mail_task_options

from .conftest import ask


def test_an_accepted_meeting_is_told_in_the_language_it_was_sent_in(eworld, smtp_sink):
    from clusterloom.events.notifications import send

    w = eworld
    meeting = ask(w, accept=True)
    smtp_sink.messages.clear()  # the request and the acceptance, sent on commit
    with translation.override("de"):
        assert send("meeting_accepted", meeting=meeting, notice="n1") == 1
        assert send("meeting_accepted", meeting=meeting, notice="n1") == 0  # run again
    ((to, message),) = smtp_sink.messages
    assert to == sorted({w.p_it.email, w.p_it.user.email} - {""})
    subject = str(message["Subject"]).strip()
    assert subject == "Termin angenommen: Giulia Bianchi ↔ Lucía García"
    body = message.get_content()
    assert body.startswith(subject + ".")
    assert f"/events/{w.event.slug}/meetings/{meeting.pk}/" in body


def test_a_mail_server_that_is_down_is_tried_again(eworld, smtp_sink, settings, monkeypatch):
    """The first two attempts find no server (connection refused) and ask to be run again
    after a growing wait; the third delivers, once."""
    from clusterloom.events import notifications, tasks

    w = eworld
    meeting = ask(w, accept=True)
    smtp_sink.messages.clear()
    attempts = []
    real_send, real_port = notifications.send, settings.EMAIL_PORT

    def flaky_send(*args, **kwargs):
        attempts.append(1)
        settings.EMAIL_PORT = real_port if len(attempts) > 2 else 9  # 9: nothing listens
        return real_send(*args, **kwargs)

    monkeypatch.setattr(notifications, "send", flaky_send)
    waits = []
    for retries in range(5):  # as a worker does: run, and again after the countdown asked
        try:
            result = tasks.event_notify.apply(
                ("meeting_accepted",), {"meeting_id": meeting.pk, "notice": "n2"}, retries=retries
            )
        except Retry as retry:
            waits.append(retry.when)
            continue
        break
    assert result.state == "SUCCESS" and result.result == 1
    assert len(attempts) == 3 and len(waits) == 2
    assert 0 <= waits[0] <= 1 and 0 <= waits[1] <= 2  # exponential back-off, with jitter
    assert len(smtp_sink.messages) == 1
    options = mail_task_options()
    assert options["retry_backoff"] is True and options["retry_jitter"] is True
    assert options["max_retries"] == settings.EMAIL_MAX_RETRIES
