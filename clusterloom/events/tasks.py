"""Celery tasks of matchmaking events: notifications, expiry, reminders, large schedules."""

import datetime

from celery import shared_task

from clusterloom.core.mail import mail_task_options, notice_objects


@shared_task(**mail_task_options())
def event_notify(
    kind: str, participant_id=None, meeting_id=None, event_id=None, notice=None
) -> int:
    """E-mail everyone one step concerns."""
    from .models import MatchmakingEvent, Meeting, Participant
    from .notifications import send

    objects = notice_objects(
        ("participant", Participant, participant_id),
        ("meeting", Meeting, meeting_id),
        ("event", MatchmakingEvent, event_id),
    )
    return 0 if objects is None else send(kind, notice=notice, **objects)


@shared_task(ignore_result=True)
def requests_expire() -> int:
    """Expire unanswered meeting requests whose time is up (periodic)."""
    from .meetings import requests_expire as expire

    return expire()


@shared_task(ignore_result=True)
def reminders_send() -> int:
    """Remind invitees of requests expiring within a day, and both sides of tomorrow's
    meetings (periodic, e.g. hourly; each meeting is reminded once)."""
    from django.utils import timezone

    from .models import Meeting, MeetingStatus
    from .notifications import send

    now = timezone.now()
    soon = now + datetime.timedelta(days=1)
    n = 0
    pending = Meeting.objects.filter(
        status=MeetingStatus.REQUESTED,
        expires_at__gt=now,
        expires_at__lt=soon,
        reminded_at__isnull=True,
    )
    upcoming = Meeting.objects.filter(
        status=MeetingStatus.SCHEDULED,
        published=True,
        slot__starts_at__gt=now,
        slot__starts_at__lt=soon,
        reminded_at__isnull=True,
    )
    for kind, rows in (("reminder_request", pending), ("reminder_meeting", upcoming)):
        for meeting in rows:
            n += send(kind, meeting=meeting)
            Meeting.objects.filter(pk=meeting.pk).update(reminded_at=now)
    return n + feedback_reminders_send(now=now)


def feedback_reminders_send(*, now=None) -> int:
    """Ask both sides of a held meeting for feedback: a day after it, and again when the
    second stage opens (about six months later). Each stage is asked once."""
    from django.utils import timezone

    from .meetings import SECOND_STAGE_AFTER
    from .models import FeedbackStage, Meeting, MeetingStatus
    from .notifications import send

    now = now or timezone.now()
    week = datetime.timedelta(days=7)
    day = datetime.timedelta(days=1)
    n = 0
    for stage, opens in (
        (FeedbackStage.AFTER_EVENT, day),
        (FeedbackStage.SIX_MONTHS, SECOND_STAGE_AFTER),
    ):
        rows = Meeting.objects.filter(
            status=MeetingStatus.SCHEDULED,
            slot__starts_at__lt=now - opens,
            slot__starts_at__gt=now - opens - week,
        ).exclude(attendance="no_show")
        for meeting in rows:
            if stage in meeting.feedback_reminded:
                continue
            n += send("reminder_feedback", meeting=meeting)
            meeting.feedback_reminded = [*meeting.feedback_reminded, stage]
            Meeting.objects.filter(pk=meeting.pk).update(
                feedback_reminded=meeting.feedback_reminded
            )
    return n


def progress_key(event_id: int) -> str:
    """Cache key of a background run's progress: the run writes its figures inside one long
    transaction, so the page reads its progress from the shared cache instead."""
    return f"events:schedule-progress:{event_id}"


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def event_schedule(
    event_id: int, user_id: int, time_limit: float | None = None, job: str | None = None
) -> None:
    """Schedule a large event in the background; progress is kept on the event.

    Safe to run again: a run queued as `job` stores its result in the same transaction as
    the mark "job done", so a task redelivered after its worker died, or running twice at
    once, schedules the event once; a job replaced by a newer one does nothing. The time
    limit is the task's wall time, from its start (reading the event included).
    """
    import time

    started = time.monotonic()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import transaction

    from clusterloom.core.errors import DomainError
    from clusterloom.core.locks import lock_wait

    from .models import MatchmakingEvent
    from .scheduling import _state
    from .scheduling import event_schedule as run

    event = MatchmakingEvent.objects.get(pk=event_id)
    state = event.schedule_state or {}
    if job is not None and (state.get("job") != job or state.get("done_job") == job):
        return  # replaced by a newer run, or finished already
    user = get_user_model().objects.get(pk=user_id)
    limit = settings.EVENT_SCHEDULE_TIME_LIMIT if time_limit is None else time_limit
    key = progress_key(event_id)

    def progress(fraction: float, message: str) -> None:
        cache.set(key, {"progress": round(float(fraction), 3), "message": str(message)[:200]}, 3600)

    cache.set(key, {"progress": 0.0, "message": "", "attempt": state.get("attempts", 0) + 1}, 3600)
    if job is not None:
        _state(event, attempts=state.get("attempts", 0) + 1)
    try:
        # A second run of the same job waits for the first to commit (then finds the mark),
        # however long it takes, instead of failing after DATABASE_LOCK_TIMEOUT like a request.
        with lock_wait(None), transaction.atomic():
            run(actor=user, event=event, time_limit=limit, progress=progress, started=started)
            if job is not None:
                locked = MatchmakingEvent.objects.select_for_update().get(pk=event_id)
                if (locked.schedule_state or {}).get("done_job") == job:
                    raise _AlreadyDone
                _state(event, done_job=job)
    except _AlreadyDone:
        return
    except DomainError as error:
        _state(event, running=False, error=error.message)
    finally:
        cache.delete(key)


class _AlreadyDone(Exception):
    """Another run of the same job committed first: this one's result is rolled back."""
