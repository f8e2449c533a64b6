"""Throttling of failed logins and failed API tokens, counted in the cache.

A failure counts against the account name tried and against the client's address; past the
limit within the window, further attempts are refused (429) without checking the password or
token, until the window ends. A successful login clears its account's count. With the default
per-process memory cache each worker counts on its own; production sets CACHE_URL (Redis) so
every worker shares the counts.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from .errors import DomainError


class Throttled(DomainError):
    """Too many failed attempts: try again later."""

    status_code = 429


def client_address(request) -> str:
    """The client's address (REMOTE_ADDR; behind a proxy, set it from the proxy's header)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(scope: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().casefold().encode()).hexdigest()[:32]
    return f"throttle:{scope}:{digest}"


def failures(scope: str, value: str) -> int:
    """Failures counted for this scope and value in the current window."""
    return cache.get(_key(scope, value), 0)


def failure_record(scope: str, value: str) -> None:
    """Count one failure; the window starts with the first."""
    key = _key(scope, value)
    if not cache.add(key, 1, settings.THROTTLE_WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, settings.THROTTLE_WINDOW_SECONDS)


def failures_clear(scope: str, value: str) -> None:
    """Forget the failures (after a successful login)."""
    cache.delete(_key(scope, value))


def message() -> str:
    """What a throttled client is told."""
    minutes = max(1, settings.THROTTLE_WINDOW_SECONDS // 60)
    return _("Too many failed attempts. Try again in %(minutes)d minutes.") % {"minutes": minutes}


def login_check(request, username: str) -> None:
    """Raise Throttled when the account or the address has failed too often."""
    if (
        failures("login-user", username) >= settings.LOGIN_FAILURES_PER_ACCOUNT
        or failures("login-ip", client_address(request)) >= settings.LOGIN_FAILURES_PER_ADDRESS
    ):
        raise Throttled(message())


def login_failed(request, username: str) -> None:
    """Count a failed login against the account and the address."""
    failure_record("login-user", username)
    failure_record("login-ip", client_address(request))


def token_check(request) -> None:
    """Raise Throttled when the address has sent too many unknown tokens."""
    if failures("token-ip", client_address(request)) >= settings.TOKEN_FAILURES_PER_ADDRESS:
        raise Throttled(message())


def token_failed(request) -> None:
    """Count an unknown or revoked token against the address."""
    failure_record("token-ip", client_address(request))
