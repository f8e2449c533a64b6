"""Celery tasks of ClusterXchange: take ids, call a service (queued on commit)."""

from celery import shared_task

from clusterloom.core.mail import mail_task_options, notice_objects


@shared_task(**mail_task_options())
def exchange_notify(
    event: str,
    application_id: int | None = None,
    offer_id: int | None = None,
    exchange_id: int | None = None,
    notice: str | None = None,
) -> int:
    """E-mail everyone one step of an exchange concerns."""
    from .models import Exchange, ExchangeApplication, HostingOffer
    from .notifications import send

    objects = notice_objects(
        ("application", ExchangeApplication, application_id),
        ("offer", HostingOffer, offer_id),
        ("exchange", Exchange, exchange_id),
    )
    return 0 if objects is None else send(event, notice=notice, **objects)
