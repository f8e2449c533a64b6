"""Celery tasks of the excellence app: label expiry reminders."""

from celery import shared_task

from clusterloom.core.mail import mail_task_options


@shared_task(ignore_result=True)
def label_expiry_reminders_send() -> int:
    """Queue a reminder for each label expiring soon that has none yet (periodic, daily)."""
    from .notifications import expiry_reminders_queue

    return expiry_reminders_queue()


@shared_task(**mail_task_options())
def label_expiry_notify(label_id: int) -> int:
    """E-mail one label's cluster managers and partnership coordinators."""
    from .models import ClusterLabel
    from .notifications import expiry_reminder_send

    label = (
        ClusterLabel.objects.select_related("organisation", "partnership")
        .filter(pk=label_id)
        .first()
    )
    return expiry_reminder_send(label) if label is not None else 0
