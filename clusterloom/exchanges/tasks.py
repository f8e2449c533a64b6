"""Celery tasks of ClusterXchange: take ids, call a service (queued on commit)."""

from celery import shared_task

from clusterloom.core.mail import mail_task_options


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

    objects = {}
    for name, model, pk in (
        ("application", ExchangeApplication, application_id),
        ("offer", HostingOffer, offer_id),
        ("exchange", Exchange, exchange_id),
    ):
        if pk is not None:
            obj = model.objects.filter(pk=pk).first()
            if obj is None:
                return 0
            objects[name] = obj
    return send(event, notice=notice, **objects)
