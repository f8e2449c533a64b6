"""Celery tasks of partner matching: take ids, call a service (queued on commit)."""

from celery import shared_task

from clusterloom.core.mail import mail_task_options


@shared_task(ignore_result=True)
def match_profile_refresh(organisation_id: int) -> None:
    """Recompute one organisation's match profile (or drop it once deleted)."""
    from .services import match_profile_refresh as refresh

    refresh(organisation_id=organisation_id)


@shared_task(**mail_task_options())
def partner_interest_notify(interest_id: int) -> None:
    """E-mail a request's poster about one expression of interest."""
    from .request_services import partner_interest_notify as notify

    notify(interest_id=interest_id)
