"""System checks of clusterloom's own deployment settings (`clusterloom check --deploy`)."""

from django.conf import settings
from django.core import checks

#: Cache backends that each process keeps for itself (or not at all).
PROCESS_LOCAL_CACHES = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    }
)


@checks.register(checks.Tags.security, checks.Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """Production (DEBUG off) needs one cache for all processes: login and API-token throttling
    counts in the cache, so a per-process cache lets each gunicorn worker count on its own (two
    workers let twice the failed logins through), and a background task's progress never
    reaches the web processes."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or backend not in PROCESS_LOCAL_CACHES:
        return []
    return [
        checks.Warning(
            f"The cache is local to each process ({backend.rsplit('.', 1)[-1]}): login and "
            "API-token throttling counts per worker process, so the limits are multiplied by "
            "the number of workers, and background progress is not shared.",
            hint="Set CACHE_URL to a Redis server all web and task processes reach, e.g. "
            "CACHE_URL=redis://127.0.0.1:6379/1.",
            id="clusterloom.W001",
        )
    ]
