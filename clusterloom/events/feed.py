"""The partnership's matchmaking events in its public activity feed."""

from django.db.models import Max, Min
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from clusterloom.partnerships.feed import FeedEntry

from .models import EventStatus, MatchmakingEvent


def feed_entries(partnership) -> list[FeedEntry]:
    """Published events (out of draft) of the partnership, dated by their sessions."""
    rows = (
        MatchmakingEvent.objects.filter(partnership=partnership)
        .exclude(status=EventStatus.DRAFT)
        .annotate(first=Min("sessions__starts_at"), last=Max("sessions__ends_at"))
    )
    out = []
    for event in rows:
        start = (event.first or event.created_at).date()
        end = (event.last or event.first or event.created_at).date()
        when = date_format(start, "DATE_FORMAT")
        if end != start:
            when = f"{when} – {date_format(end, 'DATE_FORMAT')}"
        state = _("held") if event.held else event.get_status_display()
        parts = [when, str(state), event.get_kind_display(), event.get_format_display()]
        if event.venue:
            parts.append(event.venue)
        summary = " · ".join(str(p) for p in parts)
        if event.description:
            summary = f"{summary}\n\n{event.description}"
        out.append(
            FeedEntry(
                key=f"event-{event.pk}",
                kind=capfirst(str(_("matchmaking event"))),
                title=event.title,
                summary=summary,
                link=reverse("event_detail", args=[event.slug]),
                starts_on=start,
                created=event.created_at,
                updated=event.updated_at,
                source="events",
            )
        )
    return out
