"""Keeping the test's database connection open while code that is not Django's test client
serves a request inside the test's transaction.

Django's WSGI handler fires `request_started` and, when the response is closed,
`request_finished`; both run `close_old_connections`, which closes a connection whose autocommit
differs from the setting, as it does inside the transaction every `django_db` test runs in. On
SQLite's in-memory test database closing does nothing, so the loss shows only on PostgreSQL:
"the connection is closed", then a 500 on every later request. Django's test client disconnects
`close_old_connections` around each request (and reconnects it afterwards, so disconnecting it
once before a test-client request does not last); these helpers do the same for the rest."""

from contextlib import contextmanager

from django.core.signals import request_finished, request_started
from django.db import close_old_connections


@contextmanager
def connection_kept():
    """Requests served and responses closed in this block leave the test's connection open."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def wsgi_app_in_test_transaction(application):
    """The WSGI application, each call of it (response body read and closed) inside
    `connection_kept()`, for tools that call a WSGI app directly (schemathesis)."""

    def app(environ, start_response):
        with connection_kept():
            response = application(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                response.close()

    return app
