"""Account services: personal-data export and erasure (GDPR), API tokens."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from . import personal_data
from .audit import audit
from .models import ApiToken, AuditEntry


def personal_data_export(*, user) -> dict[str, Any]:
    """Everything the platform holds about a user, as JSON-ready data."""
    data: dict[str, Any] = {
        "account": {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "roles": {
            "coordinates": [p.acronym for p in user.coordinated_partnerships.all()],
            "manages": [o.name for o in user.managed_organisations.all()],
        },
        "api_tokens": [
            {"name": t.name, "prefix": t.prefix, "created": t.created_at.isoformat()}
            for t in user.api_tokens.all()
        ],
        "activity": [
            {"at": e.at.isoformat(), "action": e.action, "object": e.object_repr}
            for e in AuditEntry.objects.filter(actor=user)[:1000]
        ],
    }
    for handler in personal_data.handlers():
        exported = handler.export(user)
        if exported is not None:
            data[handler.name] = exported
    return data


@transaction.atomic
def account_erase(*, user) -> None:
    """Erase a user's personal data: every app erases what it holds, then the login goes.

    Audit entries stay (they record what happened) but lose their link to the person.
    """
    # Later apps first: they depend on the earlier ones (events' registrations on directory's
    # person), so each still finds what links the user to its rows.
    for handler in reversed(personal_data.handlers()):
        handler.erase(user)
    get_user_model().objects.filter(pk=user.pk).delete()


def api_token_issue(*, user, name: str) -> tuple[ApiToken, str]:
    """Issue an API token for the user; the raw token is returned once."""
    token, raw = ApiToken.issue(user, name)
    audit(user, "api_token.issued", token)
    return token, raw
