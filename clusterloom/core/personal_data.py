"""Personal data across apps (GDPR): each app registers how to export and erase what it holds
about a user, so the account page can answer for all of them without core importing them."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PersonalDataHandler:
    """How one app exports and erases the personal data it holds about a user."""

    name: str
    #: user -> JSON-ready data, or None when the app holds nothing about the user.
    export: Callable[[Any], Any]
    #: user -> None; anonymises or deletes what the app holds (inside the caller's transaction).
    erase: Callable[[Any], None]


_handlers: dict[str, PersonalDataHandler] = {}


def register(name: str, *, export: Callable[[Any], Any], erase: Callable[[Any], None]) -> None:
    """Register an app's handler (call from its AppConfig.ready)."""
    _handlers[name] = PersonalDataHandler(name=name, export=export, erase=erase)


def handlers() -> list[PersonalDataHandler]:
    """The registered handlers, in registration order."""
    return list(_handlers.values())
