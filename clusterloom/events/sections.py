"""The matchmaking-events section of a partnership's page: its events and those held against
its `matchmaking_events` target."""

from django.template.loader import render_to_string

from clusterloom.partnerships.models import TargetCode

from .counting import held_events
from .selectors import events_visible_to


def partnership_section(request, partnership) -> str:
    """The partnership's events and "matchmaking events held: N / target"."""
    events = list(events_visible_to(request.user).filter(partnership=partnership))
    target = partnership.target_values.get(TargetCode.MATCHMAKING_EVENTS)
    if not events and not target:
        return ""
    held = held_events(partnership)
    context = {
        "partnership": partnership,
        "events": events,
        "held": held,
        "target": target,
        "percent": min(100, round(100 * held / target)) if target else None,
        "may_add": request.user.has_perm("events.add_event", partnership),
    }
    return render_to_string("events/_partnership_section.html", context, request=request)
