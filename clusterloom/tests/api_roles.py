"""Role-by-role API checks the apps' tests share: the same request sent as every role, each in a
savepoint rolled back afterwards, and a refused request must have written nothing."""

import json

from django.db import transaction
from django.test import Client

from clusterloom.core.models import ApiToken, AuditEntry


def bearer(user) -> dict:
    """The Authorization header of a fresh API token of the user."""
    _token, raw = ApiToken.issue(user, "test")
    return {"Authorization": f"Bearer {raw}"}


def send(client, method, url, body=None, user=None, **extra):
    """One JSON request, with the user's bearer token unless anonymous (user None)."""
    kwargs = {"headers": bearer(user) if user is not None else {}, **extra}
    if body is not None:
        kwargs.update(data=json.dumps(body, default=str), content_type="application/json")
    return getattr(client, method)(url, **kwargs)


def role_matrix(user_for, method, url, expected: dict, body=None) -> dict:
    """Send the request as each role of `expected` (`user_for(role)` gives the user) and assert
    the status each one gets; returns the response bodies by role."""
    client = Client()
    got, bodies = {}, {}
    for role in expected:
        with transaction.atomic():
            audited = AuditEntry.objects.count()
            response = send(client, method, url, body, user_for(role))
            got[role] = response.status_code
            is_json = response.get("Content-Type", "").startswith("application/json")
            bodies[role] = response.json() if response.content and is_json else None
            if response.status_code >= 400:
                assert AuditEntry.objects.count() == audited, (role, bodies[role])
            transaction.set_rollback(True)
    assert got == expected, bodies
    return bodies


def statuses(roles, allowed: dict, *, hidden=(), forbidden=(), anonymous=401) -> dict:
    """The status per role: `allowed` as given, `hidden` roles 404, `forbidden` 403, the
    anonymous visitor `anonymous`."""
    out = {"anonymous": anonymous}
    out.update({role: 404 for role in hidden})
    out.update({role: 403 for role in forbidden})
    out.update(allowed)
    return {role: out[role] for role in roles}
