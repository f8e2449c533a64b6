"""Django's SQLite backend, raising the page cache's counters at commit (`core.db`)."""

from django.db.backends.sqlite3 import base

from clusterloom.core.db import CountersAtCommit


class DatabaseWrapper(CountersAtCommit, base.DatabaseWrapper):
    pass
