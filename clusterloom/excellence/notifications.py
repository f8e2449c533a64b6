"""E-mails of labels: the expiry reminder, sent once per label after the change commits."""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clusterloom.core.mail import send_once

from .models import ClusterLabel


def recipients(label: ClusterLabel) -> list[str]:
    """The cluster's managers and the coordinators of the label's partnership."""
    users = list(label.organisation.managers.all())
    if label.partnership_id:
        users += list(label.partnership.coordinators.all())
    return sorted({u.email for u in users if u.is_active and u.email})


def expiry_reminder_send(label: ClusterLabel) -> int:
    """E-mail one label's expiry reminder; returns how many addresses it went to."""
    to = recipients(label)
    if not to:
        return 0
    subject = _("The %(level)s label of %(cluster)s expires on %(day)s") % {
        "level": label.get_level_display(),
        "cluster": label.organisation.name,
        "day": date_format(label.valid_until, "DATE_FORMAT"),
    }
    url = settings.SITE_URL.rstrip("/") + reverse(
        "excellence_organisation", args=[label.organisation.slug]
    )
    body = _(
        "%(subject)s.\n\nPlan the next benchmarking in time to renew it, then record the new "
        "label: %(url)s\n"
    ) % {"subject": subject, "url": url}
    # Once per label and valid-until date, even if the task runs again.
    key = f"label-expiry:{label.pk}:{label.created_at.isoformat()}:{label.valid_until}"
    return send_once(key, subject, body, to)


def expiry_reminders_queue(day: datetime.date | None = None) -> int:
    """Mark every label expiring within LABEL_EXPIRY_WARNING_DAYS and not yet reminded, and
    queue its e-mail once that commits; returns how many labels were queued."""
    from .tasks import label_expiry_notify

    day = day or timezone.localdate()
    last = day + datetime.timedelta(days=settings.LABEL_EXPIRY_WARNING_DAYS)
    with transaction.atomic():
        due = list(
            ClusterLabel.objects.select_for_update()
            .filter(
                valid_until__gte=day, valid_until__lte=last, expiry_reminder_sent_on__isnull=True
            )
            .values_list("pk", flat=True)
        )
        ClusterLabel.objects.filter(pk__in=due).update(expiry_reminder_sent_on=day)
        for pk in due:
            transaction.on_commit(lambda pk=pk: label_expiry_notify.delay(pk), robust=True)
    return len(due)
