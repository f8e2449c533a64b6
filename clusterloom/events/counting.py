"""What counts as a held matchmaking event: the one definition the partnership page, the
dashboard, the funder report and the API all use (reporting builds on it).

An event counts toward `matchmaking_events` when its organiser confirmed it was held and its
last session ended on or before the day asked about. An event marked held without any session
has no date and does not count (the organiser adds its sessions); a past event not confirmed
does not count either: both are reported as "not counted" with their reason.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import EventSession, MatchmakingEvent, TimeSlot


def midnight(day: datetime.date) -> datetime.datetime:
    """The start of a day in the current time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def events_with_end() -> QuerySet[MatchmakingEvent]:
    """Events annotated with `last_end`, the end of their last session (or slot)."""
    session_end = (
        EventSession.objects.filter(event=OuterRef("pk"))
        .values("event")
        .annotate(m=Max("ends_at"))
        .values("m")
    )
    slot_end = (
        TimeSlot.objects.filter(event=OuterRef("pk")).values("event").annotate(m=Max("ends_at"))
    ).values("m")
    return MatchmakingEvent.objects.annotate(
        last_end=Coalesce(Subquery(session_end), Subquery(slot_end))
    )


def _ended_by(as_of: datetime.date) -> Q:
    return Q(last_end__isnull=False, last_end__lt=midnight(as_of + datetime.timedelta(days=1)))


def events_counted(ids, as_of: datetime.date, since=None) -> QuerySet[MatchmakingEvent]:
    """The partnerships' events confirmed held whose last session ended by as_of (and, with
    `since`, on or after it)."""
    rows = events_with_end().filter(_ended_by(as_of), partnership_id__in=ids, held=True)
    return rows.filter(last_end__gte=midnight(since)) if since else rows


def event_counts(ids, as_of: datetime.date, since=None) -> dict[int, dict[str, int]]:
    """Partnership id -> how many of its events count as held as of the date (`counted`, from
    `since` when given) and how many are left out and why: `not_confirmed` (ended, not
    confirmed held), `not_ended` (marked held, not over or without sessions). One query;
    partnerships without events are missing."""
    ended = _ended_by(as_of)
    counted = ended & Q(held=True)
    if since:
        counted &= Q(last_end__gte=midnight(since))
    rows = (
        events_with_end()
        .filter(partnership_id__in=ids)
        .values("partnership_id")
        .annotate(
            counted=Count("id", filter=counted),
            not_confirmed=Count("id", filter=ended & Q(held=False)),
            not_ended=Count("id", filter=Q(held=True) & ~ended),
        )
        .order_by()
    )
    return {
        row["partnership_id"]: {k: row[k] for k in ("counted", "not_confirmed", "not_ended")}
        for row in rows
    }


def held_events(partnership, as_of: datetime.date | None = None) -> int:
    """How many of the partnership's events count as held today (or as of the date)."""
    return events_counted([partnership.pk], as_of or timezone.localdate()).count()


def may_be_held(event: MatchmakingEvent, now: datetime.datetime | None = None) -> bool:
    """The event has sessions and the last one has ended (it can be confirmed held)."""
    row = events_with_end().filter(pk=event.pk).values_list("last_end", flat=True).first()
    return row is not None and row <= (now or timezone.now())
