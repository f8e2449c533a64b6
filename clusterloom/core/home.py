"""What each user's own home page shows; core knows none of the apps that fill it.

An app registers, in its AppConfig.ready(), a function user -> [Task] (what needs the user:
registrations to approve, reports to validate, requests to answer) and a function
user -> [HomeSection] (the user's own things: their partnerships, organisations, events,
meetings, exchanges, requests). The home page shows every task first, then the sections in the
order the apps registered them. A provider returns nothing for a user it has nothing for, and
reads only what the user may see.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Task:
    """Something waiting for the user, linking to the page where it is done."""

    #: What to do, with the count in it ("3 registrations await approval").
    title: str
    #: Where: the event, call, partnership or organisation it belongs to.
    where: str
    link: str
    #: The date it is due or became due, when there is one (earliest first on the page).
    due: datetime.date | None = None


@dataclass(frozen=True)
class HomeItem:
    """One of the user's own things in a section."""

    title: str
    link: str
    #: A short line under the title (status, organisation, place).
    detail: str = ""
    #: When it happens, shown in the locale's format.
    when: datetime.date | datetime.datetime | None = None


@dataclass
class HomeSection:
    """A heading with the user's things of one kind, and where to see or start more."""

    #: Unique on the page, also the HTML id ("my-events").
    key: str
    heading: str
    items: list[HomeItem] = field(default_factory=list)
    #: Links under the list: (label, url), e.g. ("All events", "/events/").
    links: list[tuple[str, str]] = field(default_factory=list)
    #: Shown when there are no items.
    empty: str = ""


TaskProvider = Callable[..., list[Task]]
SectionProvider = Callable[..., list[HomeSection]]
_tasks: dict[str, TaskProvider] = {}
#: source -> (place on the page, provider)
_sections: dict[str, tuple[int, SectionProvider]] = {}


def register(
    source: str,
    *,
    tasks: TaskProvider | None = None,
    sections: SectionProvider | None = None,
    place: int = 50,
) -> None:
    """Add an app's providers (once per source: the app's label); sections of a lower `place`
    come first (a coordinator's partnerships before a member's requests)."""
    if tasks is not None:
        _tasks.setdefault(source, tasks)
    if sections is not None:
        _sections.setdefault(source, (place, sections))


def tasks_for(user) -> list[Task]:
    """Everything that needs the user, dated ones first by date, then the rest."""
    found = [task for provider in _tasks.values() for task in provider(user)]
    found.sort(key=lambda t: (t.due is None, t.due or datetime.date.min))
    return found


def sections_for(user) -> list[HomeSection]:
    """The user's own things, app by app."""
    ordered = sorted(_sections.values(), key=lambda pair: pair[0])
    return [section for _place, provider in ordered for section in provider(user)]
