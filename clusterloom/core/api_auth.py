"""API authentication: the browser session (with CSRF) or a bearer API token."""

import datetime

from django.conf import settings
from django.db import OperationalError, connection
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from . import throttle
from .locks import lock_wait
from .models import ApiToken


def _touch(token: ApiToken) -> None:
    """Record the token's use, at most once per TOKEN_LAST_USED_SECONDS, never waiting for a
    lock: a read must not queue behind another request's write. The write gives up after 50 ms
    (SQLite's busy timeout, PostgreSQL's lock_timeout) and is tried on a later request."""
    now = timezone.now()
    every = datetime.timedelta(seconds=settings.TOKEN_LAST_USED_SECONDS)
    if token.last_used_at and now - token.last_used_at < every:
        return
    if connection.in_atomic_block:  # inside a caller's transaction (tests): a plain write
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return
    try:
        with lock_wait(0.05):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    except OperationalError:
        pass  # the database is busy writing: the next request records the use


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cl_...`: acts as the token's user. An address that sent too many
    unknown tokens gets a 429 until the throttle window ends."""

    def authenticate(self, request, token):
        throttle.token_check(request)
        found = (
            # The member profile too (a LEFT JOIN; None for users without one): most rules
            # ask whether the caller is a member, which would read it again.
            ApiToken.objects.select_related("user", "user__person")
            .filter(key_hash=ApiToken.hash(token), user__is_active=True)
            .first()
        )
        if found is None:
            throttle.token_failed(request)
            return None
        _touch(found)
        request.user = found.user
        return found.user


class BrowserSessionAuth(SessionAuth):
    """The logged-in browser session, CSRF-checked; a caller without a session gets a 401."""

    def _get_key(self, request):
        if not request.COOKIES.get(self.param_name):
            return None  # no session at all: "authentication required", not a CSRF failure
        return super()._get_key(request)


#: Writes accept a logged-in browser session (with its CSRF token) or an API token.
WRITE_AUTH = [TokenAuth(), BrowserSessionAuth()]


def anyone(request) -> bool:
    """Reads need no login; a valid token or session still identifies the caller."""
    return True


#: Reads: a token first (so a token's user sees what they may, their drafts too), then anyone.
READ_AUTH = [TokenAuth(), anyone]
