"""Celery tasks of matchmaking events: notifications, expiry, reminders, large schedules."""

import datetime

from celery import shared_task


@shared_task(ignore_result=True)
def event_notify(kind: str, participant_id=None, meeting_id=None, event_id=None) -> int:
    """E-mail everyone one step concerns."""
    from .models import MatchmakingEvent, Meeting, Participant
    from .notifications import send

    objects = {}
    for name, model, pk in (
        ("participant", Participant, participant_id),
        ("meeting", Meeting, meeting_id),
        ("event", MatchmakingEvent, event_id),
    ):
        if pk is not None:
            obj = model.objects.filter(pk=pk).first()
            if obj is None:
                return 0
            objects[name] = obj
    return send(kind, **objects)


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


@shared_task(ignore_result=True)
def event_schedule(event_id: int, user_id: int, time_limit: float = 30.0) -> None:
    """Schedule a large event in the background; progress is kept on the event."""
    from django.contrib.auth import get_user_model

    from clusterloom.core.errors import DomainError

    from .models import MatchmakingEvent
    from .scheduling import _state
    from .scheduling import event_schedule as run

    event = MatchmakingEvent.objects.get(pk=event_id)
    user = get_user_model().objects.get(pk=user_id)

    def progress(fraction: float, message: str) -> None:
        _state(event, progress=round(float(fraction), 3), message=str(message)[:200], running=True)

    try:
        run(actor=user, event=event, time_limit=time_limit, progress=progress)
    except DomainError as error:
        _state(event, running=False, error=error.message)
