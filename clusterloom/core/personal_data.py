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
    #: The fields ("app_label.Model.field") pointing at a user or person that this handler
    #: exports and erases; a test fails when such a field is covered by no handler.
    covers: tuple[str, ...] = ()


_handlers: dict[str, PersonalDataHandler] = {}


#: Fields the account itself answers for (core.services): its tokens, its audit trail (kept,
#: unlinked), and its roles (listed in the export, gone with the login).
ACCOUNT_COVERS = (
    "core.ApiToken.user",
    "core.AuditEntry.actor",
    "directory.Organisation.managers",
    "partnerships.Partnership.coordinators",
)


def register(
    name: str,
    *,
    export: Callable[[Any], Any],
    erase: Callable[[Any], None],
    covers: tuple[str, ...] = (),
) -> None:
    """Register an app's handler (call from its AppConfig.ready)."""
    _handlers[name] = PersonalDataHandler(
        name=name, export=export, erase=erase, covers=tuple(covers)
    )


def covered_fields() -> set[str]:
    """Every user or person field some handler (or the account) answers for."""
    return set(ACCOUNT_COVERS).union(*(h.covers for h in _handlers.values()))


def handlers() -> list[PersonalDataHandler]:
    """The registered handlers, in registration order."""
    return list(_handlers.values())
