"""Cached public pages: what anonymous visitors see is rendered once per content version.

Pages for logged-in users are never cached (they carry edit controls and CSRF tokens). Any
save, delete or many-to-many change of a clusterloom model raises the content version once
its transaction commits, so a cached page never shows data older than the last commit.
Bulk writes that bypass signals call `content_changed()` themselves.
"""

import functools

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from .models import ApiToken, AuditEntry, ContentVersion

#: Writes to these models do not change what public pages show.
_IGNORED = {AuditEntry, ApiToken, ContentVersion}


def _bump() -> None:
    if not ContentVersion.objects.filter(pk=1).update(version=F("version") + 1):
        ContentVersion.objects.get_or_create(pk=1, defaults={"version": 1})


def content_changed() -> None:
    """Raise the content version when the current transaction commits (now, outside one)."""
    transaction.on_commit(_bump)


def content_version() -> int:
    """The current content version (one indexed read)."""
    return ContentVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def _on_change(sender, **kwargs) -> None:
    if sender in _IGNORED or not sender.__module__.startswith("clusterloom."):
        return
    content_changed()


def _on_m2m(sender, action, **kwargs) -> None:
    if action.startswith("post_"):
        _on_change(kwargs["instance"].__class__)


def connect_signals() -> None:
    """Watch every model write (called from CoreConfig.ready)."""
    post_save.connect(_on_change, dispatch_uid="page_cache_save")
    post_delete.connect(_on_change, dispatch_uid="page_cache_delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="page_cache_m2m")


def public_page(view):
    """Serve anonymous GET/HEAD requests from the cache while the content is unchanged."""

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
        key = f"page:{content_version()}:{get_language()}:{request.get_full_path()}"
        cached = cache.get(key)
        if cached is not None:
            content, content_type, headers = cached
            response = HttpResponse(content, content_type=content_type)
            for name, value in headers:
                response[name] = value
        else:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming and not response.cookies:
                headers = [(h, response[h]) for h in ("Content-Disposition",) if h in response]
                cache.set(key, (response.content, response["Content-Type"], headers), seconds)
        patch_vary_headers(response, ["Cookie", "Accept-Language"])
        return response

    return wrapper


def versioned(key: str, build, timeout: int = 600):
    """A value computed once per content version (lists for filters, fragments of pages)."""
    full_key = f"v:{content_version()}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = build()
        cache.set(full_key, value, timeout)
    return value
