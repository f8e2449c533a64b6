"""Entries other apps add to a partnership's public activity feed; this app knows none of them.

An app registers a function partnership -> [FeedEntry] under its label in its
AppConfig.ready() (joint activities, matchmaking events); the feed page and the Atom feed show
them all, newest first.
Only what the public may see belongs in an entry.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class FeedEntry:
    """One public item of a partnership's activity feed."""

    #: Unique within the feed, e.g. "activity-12", "event-3".
    key: str
    #: What kind of item, for people ("Learning event", "Matchmaking event").
    kind: str
    title: str
    #: Plain text (dates, status, place, description); the feed escapes it.
    summary: str
    #: The item's page (a path).
    link: str
    starts_on: datetime.date
    created: datetime.datetime
    updated: datetime.datetime
    #: The registering app's label ("activities", "events").
    source: str


Provider = Callable[..., list[FeedEntry]]
#: source (the app's label) -> its provider, in registration order.
_providers: dict[str, Provider] = {}


def register(source: str, provider: Provider) -> None:
    """Add an app's provider of feed entries (once per source)."""
    _providers.setdefault(source, provider)


def feed_entries(
    partnership, *, limit: int | None = None, exclude: frozenset[str] = frozenset()
) -> list[FeedEntry]:
    """The entries of every provider but the `exclude`d sources, for a published partnership,
    newest start first."""
    if not partnership.is_published:
        return []
    entries = [
        entry
        for source, provider in _providers.items()
        if source not in exclude
        for entry in provider(partnership)
    ]
    entries.sort(key=lambda e: (e.starts_on, e.created), reverse=True)
    return entries[:limit] if limit is not None else entries
