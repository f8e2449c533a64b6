"""Cached public pages: what anonymous visitors see is rendered once and served again until a
table it read changes.

While a page (or a `versioned` value) is built, the SQL it runs is watched and the tables it
reads are kept beside it with their change counters (ContentVersion, one row per table). A
later visit compares those counters with the current ones in one indexed query and serves the
cached page only if none moved. Every save, delete or many-to-many change of a clusterloom model
raises its table's counter in its transaction, as the last step before the commit (`core.db`),
so a cached page never shows data older than the last commit, and a write invalidates only the pages
that read what it touched: following a partner request no longer throws away every cached
profile. Bulk writes that bypass signals call `content_changed(Model, ...)` themselves (with no
model: everything).

Pages for logged-in users are never cached (they carry edit controls and CSRF tokens). A page
is served from the cache only on the day it was built: what counts on a page can change because
a date passed with no write at all (an event counts as held once its last day is over, a label
expires, a target's expected share grows with the days elapsed).
"""

import contextlib
import functools
import re
import threading

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from .models import ApiToken, AuditEntry, ContentVersion

#: Writes to these models do not change what public pages show.
_IGNORED = {AuditEntry, ApiToken, ContentVersion}
#: The scope every cached value depends on, raised by changes that name no table.
EVERYTHING = "*"
_QUOTED = re.compile(r'"([A-Za-z0-9_]+)"')
#: The builds under way in this thread, innermost last: a cached value used inside a page's
#: build hands its tables to the page, whether it was built now or served from the cache.
_building = threading.local()


@functools.cache
def _tables() -> frozenset[str]:
    """The tables of clusterloom's models (and their many-to-many tables) pages may read."""
    names = set()
    for model in apps.get_models(include_auto_created=True):
        if model in _IGNORED:
            continue
        names.add(model._meta.db_table)
    return frozenset(names)


def raise_counters(scopes, using: str = DEFAULT_DB_ALIAS) -> None:
    """Raise the counters of these tables now, creating the missing ones. The rows are locked
    in the order of the tables' names (FOR UPDATE in that order, on PostgreSQL), so two
    transactions raising overlapping sets cannot deadlock on them."""
    scopes = sorted(set(scopes))
    rows = ContentVersion.objects.using(using)
    db = connections[using]
    table = db.ops.quote_name(ContentVersion._meta.db_table)
    marks = ", ".join(["%s"] * len(scopes))
    lock = " FOR UPDATE" if db.features.has_select_for_update else ""
    # One statement, written out: it runs with every write, and the ORM spends longer
    # building it than the database does running it. Names from the model, values bound.
    select = f"SELECT id FROM {table} WHERE scope IN ({marks}) ORDER BY scope{lock}"  # noqa: S608
    sql = f"UPDATE {table} SET version = version + 1 WHERE id IN ({select})"  # noqa: S608
    with transaction.atomic(using=using) if db.get_autocommit() else contextlib.nullcontext():
        with db.cursor() as cursor:
            cursor.execute(sql, scopes)
            raised = cursor.rowcount
        if raised == len(scopes):
            return
        found = set(rows.filter(scope__in=scopes).values_list("scope", flat=True))
        for scope in sorted(set(scopes) - found):
            row, created = rows.get_or_create(scope=scope, defaults={"version": 1})
            if not created:
                rows.filter(pk=row.pk).update(version=F("version") + 1)


def _bump_with(scopes) -> None:
    """Raise the counters with the current transaction, as its last step before it commits
    (clusterloom's database backends, `core.db`); outside a transaction, now.

    Inside a transaction the write only notes its tables: raised at once, a counter's row
    would stay locked until the commit (on PostgreSQL two writes raising two counters in
    opposite orders would deadlock), and raised after the commit it costs a second
    transaction and a second fsync, and on SQLite a second turn at the one write lock. The
    on-commit hook raises these tables' counters if they are still noted because no commit
    ran the step (a test's transaction, whose callbacks a test runs by hand); after a real
    commit it finds nothing to do."""
    if not connection.in_atomic_block:
        raise_counters(scopes)
        return
    note = getattr(connection, "note_changed", None)
    if note is None:  # a database backend other than clusterloom's
        transaction.on_commit(lambda: raise_counters(scopes))
        return
    note(scopes)
    transaction.on_commit(functools.partial(connection.raise_pending, frozenset(scopes)))


def content_changed(*models) -> None:
    """Raise the counters of the models' tables (of everything without a model) with the
    current transaction (see `_bump_with`; outside one: now)."""
    _bump_with([m._meta.db_table for m in models] or [EVERYTHING])


def content_version(scope: str = EVERYTHING) -> int:
    """The counter of one table (or of "*"): one indexed read."""
    return ContentVersion.objects.filter(scope=scope).values_list("version", flat=True).first() or 0


def content_versions(scopes: tuple[str, ...]) -> tuple[int, ...]:
    """The counters of these tables (and/or "*"), in their order: one indexed read."""
    return _versions(scopes)


def _versions(scopes: tuple[str, ...]) -> tuple[int, ...]:
    known = _known_versions()
    if known is not None:
        return tuple(known.get(scope, 0) for scope in scopes)
    if not scopes:
        return ()
    current = _read_counters(scopes)
    return tuple(current.get(scope, 0) for scope in scopes)


def _read_counters(scopes: tuple[str, ...] | None = None) -> dict[str, int]:
    """{scope: version} of these scopes (of every scope when None). Written out, as in
    raise_counters: every page served from the cache reads them, and every page built, and
    building the query with the ORM took longer than the rest of serving a cached page (names
    from the model, values bound)."""
    table = connection.ops.quote_name(ContentVersion._meta.db_table)
    sql = f"SELECT scope, version FROM {table}"  # noqa: S608
    if scopes is not None:
        sql += f" WHERE scope IN ({', '.join(['%s'] * len(scopes))})"
    with connection.cursor() as cursor:
        cursor.execute(sql, scopes)
        return dict(cursor.fetchall())


def _known_versions() -> dict[str, int] | None:
    """Inside a build: every counter as read when the innermost build began. What the build
    reads (cached fragments, the directory's snapshot) is checked against those instead of
    reading the counters again; the page is stored with them too, so nothing it holds is
    newer than what it says it depends on."""
    stack = getattr(_building, "stack", None)
    return stack[-1].versions if stack else None


def _on_change(sender, **kwargs) -> None:
    if sender in _IGNORED or not sender.__module__.startswith("clusterloom."):
        return
    _bump_with([sender._meta.db_table])


def _on_m2m(sender, action, **kwargs) -> None:
    if action.startswith("post_"):
        _bump_with([sender._meta.db_table])  # the many-to-many table itself


def connect_signals() -> None:
    """Watch every model write (called from CoreConfig.ready)."""
    post_save.connect(_on_change, dispatch_uid="page_cache_save")
    post_delete.connect(_on_change, dispatch_uid="page_cache_delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="page_cache_m2m")


class _TablesRead:
    """An execute wrapper noting which known tables the SQL run inside it names."""

    def __init__(self, versions: dict[str, int]):
        self.tables: set[str] = set()
        #: Every counter as read before the build.
        self.versions = versions

    def __call__(self, execute, sql, params, many, context):
        known = _tables()
        self.tables.update(name for name in _QUOTED.findall(sql) if name in known)
        return execute(sql, params, many, context)


def _build_watched(build, versions: dict[str, int]):
    """Run `build` (the counters read before it: `versions`) and return its value with the
    sorted scopes it depends on."""
    watcher = _TablesRead(versions)
    stack = _building.__dict__.setdefault("stack", [])
    stack.append(watcher)
    try:
        with connection.execute_wrapper(watcher):
            value = build()
    finally:
        stack.pop()
    scopes = (EVERYTHING, *sorted(watcher.tables))
    return value, scopes


def depends_on(scopes) -> None:
    """Tell the builds under way that they depend on these scopes too: a cached value they
    used, or data read without SQL (a per-process copy of these tables): the page must be
    rebuilt when they change, as if it had read them."""
    for watcher in getattr(_building, "stack", ()):
        watcher.tables.update(s for s in scopes if s != EVERYTHING)


def _cached(key: str, build, timeout: int, keep=lambda value: True):
    """The value under `key` if the tables it read are unchanged, else built and stored."""
    entry = cache.get(key)
    if entry is not None:
        scopes, versions, value = entry
        if _versions(scopes) == versions:
            depends_on(scopes)
            return value
    # Counters are read before building: a change during the build leaves the entry stale,
    # never a stale value fresh.
    before = _versions_all()
    value, scopes = _build_watched(build, before)
    depends_on(scopes)
    if keep(value):
        versions = tuple(before.get(scope, 0) for scope in scopes)
        cache.set(key, (scopes, versions, value), timeout)
    return value


def _versions_all() -> dict[str, int]:
    """Every counter (a few dozen rows), read before a build (inside one: its counters)."""
    known = _known_versions()
    if known is not None:
        return known
    return _read_counters()


def public_page(view):
    """Serve anonymous GET/HEAD requests from the cache while the tables they read are
    unchanged."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.PAGE_CACHE_SECONDS
        if (
            not seconds
            or request.method not in ("GET", "HEAD")
            or request.user.is_authenticated
            or request.headers.get("HX-Request")
        ):
            return view(request, *args, **kwargs)
        # The day is part of the key: counts "as of today" must not outlive the day.
        key = f"page:{get_language()}:{timezone.localdate():%Y%m%d}:{request.get_full_path()}"
        built = []

        def render():
            response = view(request, *args, **kwargs)
            built.append(response)
            if response.status_code == 200 and not response.streaming and not response.cookies:
                headers = [(h, response[h]) for h in ("Content-Disposition",) if h in response]
                return (response.content, response["Content-Type"], headers)
            return None

        cached = _cached(key, render, seconds, keep=lambda value: value is not None)
        if built:
            response = built[0]
        else:
            content, content_type, headers = cached
            response = HttpResponse(content, content_type=content_type)
            for name, value in headers:
                response[name] = value
        patch_vary_headers(response, ["Cookie", "Accept-Language"])
        return response

    return wrapper


def versioned(key: str, build, timeout: int = 600):
    """A value computed once and kept while the tables it read are unchanged (lists for
    filters, fragments of pages)."""
    return _cached(f"v:{key}", build, timeout)
