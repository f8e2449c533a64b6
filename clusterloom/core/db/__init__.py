"""clusterloom's database backends: Django's SQLite and PostgreSQL backends, which raise the
page cache's change counters (`core.page_cache`) as the last step of each transaction, just
before it commits.

A write inside a transaction only notes which tables it touched; `commit()` raises their
counters in one statement, in the transaction, in a fixed order (the tables' names sorted),
and then commits. So the change and its counters commit together (one commit, one fsync: on
PostgreSQL the counters were raised in a second transaction after the commit, a second
round trip and a second fsync for every write), no cached page can be served as fresh after
the change committed, and no transaction holds a counter's row while it works: it takes them
only at its end, all in the same order, so two writes cannot deadlock on them. A rolled-back
transaction raises nothing.
"""


class CountersAtCommit:
    """Mixin for a DatabaseWrapper: `note_changed(scopes)` inside a transaction, raised at
    commit (see the module's docstring)."""

    def note_changed(self, scopes) -> None:
        pending = self.__dict__.setdefault("pending_scopes", set())
        pending.update(scopes)

    def raise_pending(self, only=None) -> None:
        """Raise the noted counters now (of `only` these scopes, if given), in the open
        transaction if there is one."""
        pending = self.__dict__.get("pending_scopes")
        if not pending:
            return
        scopes = pending if only is None else pending.intersection(only)
        self.pending_scopes = pending - scopes
        if scopes:
            from clusterloom.core.page_cache import raise_counters

            raise_counters(scopes, using=self.alias)

    def commit(self):
        self.raise_pending()
        super().commit()

    def rollback(self):
        self.__dict__.pop("pending_scopes", None)
        super().rollback()

    def close(self):
        self.__dict__.pop("pending_scopes", None)
        super().close()
