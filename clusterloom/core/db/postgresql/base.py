"""Django's PostgreSQL backend, raising the page cache's counters at commit (`core.db`)."""

from django.db.backends.postgresql import base

from clusterloom.core.db import CountersAtCommit


class DatabaseWrapper(CountersAtCommit, base.DatabaseWrapper):
    pass
