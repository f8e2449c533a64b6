"""The background scheduling job is safe to run again: a redelivered or duplicated job
schedules the event once, a job replaced by a newer one does nothing, and its progress is
readable by any web process (the shared cache)."""

from django.core.cache import cache
from django.urls import reverse

from clusterloom.core.models import AuditEntry
from clusterloom.events.models import MatchmakingEvent, Meeting
from clusterloom.events.scheduling import _state
from clusterloom.events.tasks import event_schedule, progress_key

from .conftest import agreed


def _runs(w) -> int:
    return AuditEntry.objects.filter(action="events.scheduled", object_id=str(w.event.pk)).count()


def test_a_job_run_twice_schedules_once(eworld):
    w = eworld
    agreed(w)
    _state(w.event, running=True, job="job-1", attempts=0)
    event_schedule(w.event.pk, w.organiser.pk, 2, job="job-1")
    event_schedule(w.event.pk, w.organiser.pk, 2, job="job-1")  # redelivered
    state = MatchmakingEvent.objects.get(pk=w.event.pk).schedule_state
    assert state["done_job"] == "job-1" and state["attempts"] == 1 and not state["running"]
    assert _runs(w) == 1
    assert Meeting.objects.filter(event=w.event, status="scheduled").count() == 4


def test_a_replaced_job_does_nothing(eworld):
    w = eworld
    agreed(w)
    _state(w.event, running=True, job="job-2")
    event_schedule(w.event.pk, w.organiser.pk, 2, job="job-1")
    assert _runs(w) == 0
    assert not Meeting.objects.filter(event=w.event, status="scheduled").exists()


def test_the_progress_comes_from_the_shared_cache(client, eworld):
    w = eworld
    client.force_login(w.organiser)
    _state(w.event, running=True, progress=0.0, job="job-3")
    cache.set(progress_key(w.event.pk), {"progress": 0.37, "message": "improving"})
    try:
        page = client.get(reverse("event_schedule_progress", args=[w.event.slug]))
    finally:
        cache.delete(progress_key(w.event.pk))
    assert "37 %" in page.content.decode()


def test_a_run_waits_for_the_lock_as_long_as_it_takes(eworld, monkeypatch):
    # A duplicate run waits for the first one's transaction to commit, then finds the mark;
    # requests wait DATABASE_LOCK_TIMEOUT at most, the background run is not held to that.
    from django.db import connection

    w = eworld
    seen = []

    def run(**kwargs):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SHOW lock_timeout")
            else:
                cursor.execute("PRAGMA busy_timeout")
            seen.append(str(cursor.fetchone()[0]))

    monkeypatch.setattr("clusterloom.events.scheduling.event_schedule", run)
    _state(w.event, running=True, job="job-4")
    event_schedule(w.event.pk, w.organiser.pk, 2, job="job-4")
    assert seen == ["0" if connection.vendor == "postgresql" else str(24 * 3600 * 1000)]
