"""Waiting for the database's write locks: bounded, and answered with a 503 when the bound is hit.

A write waits at most `DATABASE_LOCK_TIMEOUT` seconds for another transaction's lock (SQLite's
busy timeout; PostgreSQL's `lock_timeout`, both set on each connection by the settings), then
fails; the request answers 503 "the database is busy" with `Retry-After` instead of holding a
worker and ending in a 500. Reads never wait: PostgreSQL's plain reads take no lock a writer
holds, SQLite's WAL lets readers go on beside the writer, and the one write a read may do (an
API token's last use) waits 50 ms at most and is skipped when it cannot get the lock.
"""

import contextlib
import sys

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

#: SQLite's messages when the busy timeout ran out; PostgreSQL's SQLSTATEs for a lock not
#: obtained in lock_timeout (55P03) and for a deadlock it broke (40P01).
_SQLITE_BUSY = ("database is locked", "database table is locked")
_POSTGRES_BUSY = {"55P03", "40P01"}


def is_lock_timeout(error: BaseException | None) -> bool:
    """Whether the error says a lock held by another transaction was not obtained in time."""
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) in _POSTGRES_BUSY:
        return True
    return any(message in str(error) for message in _SQLITE_BUSY)


def busy_message() -> str:
    return _(
        "The database is busy with another change, so this one could not be made. "
        "Try again in a few seconds."
    )


def busy_response(request):
    """503 with `Retry-After`: JSON `{"detail": ...}` under /api/, a page elsewhere."""
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": busy_message()}, status=503)
    else:
        response = render(request, "503.html", {"message": busy_message()}, status=503)
    response["Retry-After"] = str(max(1, round(settings.DATABASE_LOCK_TIMEOUT)))
    return response


def busy_response_for_current_exception(request):
    """The 503 if the exception being handled (in handler500) is a lock timeout, else None:
    covers a lock timeout raised outside a view (a middleware saving the session)."""
    error = sys.exc_info()[1]
    return busy_response(request) if is_lock_timeout(error) else None


class DatabaseBusyMiddleware:
    """A view whose write ran into DATABASE_LOCK_TIMEOUT answers 503 instead of 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_lock_timeout(exception):
            return busy_response(request)
        return None


@contextlib.contextmanager
def lock_wait(seconds: float | None):
    """Wait at most `seconds` for a lock inside the block (None: as long as it takes) instead
    of DATABASE_LOCK_TIMEOUT. On PostgreSQL the block runs in a transaction and the limit holds
    until that transaction ends (SET LOCAL: inside a caller's transaction, for the rest of it).
    On SQLite it is the connection's busy timeout, restored after the block; SQLite takes the
    write lock when a transaction begins, so there the block must begin it to matter."""
    if connection.vendor == "postgresql":
        with transaction.atomic():
            value = "0" if seconds is None else f"{max(1, round(seconds * 1000))}ms"
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [value])
            yield
        return
    if connection.vendor != "sqlite":
        yield
        return
    milliseconds = 24 * 3600 * 1000 if seconds is None else max(1, round(seconds * 1000))
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(before)}")
