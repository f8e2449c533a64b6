"""Label expiry reminders: who gets them, when, and only once per label."""

import datetime

import pytest
from django.core import mail

from clusterloom.excellence import services
from clusterloom.excellence.models import ClusterLabel
from clusterloom.excellence.tasks import label_expiry_reminders_send

from .conftest import TODAY, bench, label

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def labels(world, django_capture_on_commit_callbacks):
    """A's label expires in 90 days (due), B's in 91 days (not yet), C's expired yesterday."""
    bench(world, world.a, D(2024, 1, 10))
    bench(world, world.b, D(2024, 1, 10))
    bench(world, world.c, D(2024, 1, 10))
    world.due = label(world, world.a, awarded_on=D(2024, 2, 1), valid_until=D(2027, 2, 20))
    world.later = label(world, world.b, awarded_on=D(2024, 2, 1), valid_until=D(2027, 2, 21))
    world.gone = label(world, world.c, awarded_on=D(2024, 2, 1), valid_until=D(2026, 11, 21))
    return world


def run(capture):
    with capture(execute=True):
        return label_expiry_reminders_send()


def test_reminder_goes_to_the_managers_and_coordinators_once(
    labels, django_capture_on_commit_callbacks
):
    assert run(django_capture_on_commit_callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["coordinator@example.org", "manager_a@example.org"]
    assert "Alpha Textile Cluster" in message.subject and "20 February 2027" in message.subject
    assert "/excellence/organisations/alpha/" in message.body
    assert ClusterLabel.objects.get(pk=labels.due.pk).expiry_reminder_sent_on == TODAY
    assert run(django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1


def test_renewed_label_is_reminded_again_before_its_new_date(
    labels, django_capture_on_commit_callbacks
):
    run(django_capture_on_commit_callbacks)
    services.label_update(
        actor=labels.admin, label=labels.due, data={"valid_until": D(2027, 1, 31)}
    )
    assert run(django_capture_on_commit_callbacks) == 1
    assert len(mail.outbox) == 2


def test_without_partnership_only_the_managers(world, django_capture_on_commit_callbacks):
    bench(world, world.a, D(2024, 1, 10))
    label(world, world.a, awarded_on=D(2024, 2, 1), valid_until=D(2027, 1, 1), partnership=None)
    assert run(django_capture_on_commit_callbacks) == 1
    assert mail.outbox[0].to == ["manager_a@example.org"]


def test_nothing_is_sent_when_the_transaction_rolls_back(labels):
    from django.db import transaction

    with transaction.atomic():
        label_expiry_reminders_send()
        transaction.set_rollback(True)
    assert not mail.outbox
    assert ClusterLabel.objects.get(pk=labels.due.pk).expiry_reminder_sent_on is None
