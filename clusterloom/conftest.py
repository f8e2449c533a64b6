"""Fixtures for the whole suite: no outbound network or e-mail, users for each role."""

import socket

import pytest
from hypothesis import HealthCheck, settings

# The suite runs on shared 2-core machines (CI, and beside other sessions' work): a property
# test's data generation or a slow example is not a failure. Tests that need more examples or
# other limits set their own `@settings`, which start from this profile.
settings.register_profile(
    "clusterloom", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("clusterloom")

_real_connect = socket.socket.connect


def _loopback_only(self, address):
    """Tests may reach services on this machine (PostgreSQL, the live server), nothing else."""
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and host not in ("127.0.0.1", "::1", "localhost", "0.0.0.0"):  # noqa: S104
        if not host.startswith("/"):
            raise RuntimeError(f"outbound network access blocked in tests: {address!r}")
    return _real_connect(self, address)


@pytest.fixture
def today(monkeypatch):
    """Freeze django.utils.timezone.localdate() at TODAY for the services."""
    from django.utils import timezone

    from clusterloom.tests.support import TODAY

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    return TODAY


@pytest.fixture(autouse=True)
def _no_outbound_network(monkeypatch, settings):
    """Block outbound HTTP and send e-mail to the in-memory outbox."""
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


#: Countries whose cities the test database gets (the seeds' countries and Germany).
TEST_CITY_COUNTRIES = {"IT", "ES", "CZ", "SK", "PT", "TR", "DE"}


def load_test_reference_data() -> None:
    """Countries, NUTS regions, reference taxonomy terms, and cities of a few countries."""
    from clusterloom.geo.services import cities_load, reference_data_load
    from clusterloom.taxonomy.services import reference_terms_load

    reference_data_load(cities=False)
    cities_load(countries=TEST_CITY_COUNTRIES)
    reference_terms_load()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database starts with the reference data, as a real install does."""
    with django_db_blocker.unblock():
        load_test_reference_data()


@pytest.fixture
def reference_data(transactional_db):
    """For transactional tests (live server): the flush between tests empties every table."""
    load_test_reference_data()


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to a fresh directory, returned."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Pages are rendered afresh in tests; test_page_cache.py turns the cache on itself."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _fresh_directory_snapshot():
    """Each test sees its own directory: the search's in-memory snapshot is rebuilt (a test's
    writes are rolled back without the commit that would change the content version)."""
    from clusterloom.directory import snapshot

    snapshot.touch()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in English: a request in another language must not leave its locale
    active in the thread for the next test (commands and services translate their messages)."""
    from django.utils import translation

    with translation.override("en"):
        yield


class _SmtpSink:
    """Keeps every message the SMTP server receives: (recipients, parsed message)."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        import email
        from email.policy import default

        parsed = email.message_from_bytes(envelope.content, policy=default)
        self.messages.append((envelope.rcpt_tos, parsed))
        return "250 OK"


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server on loopback (aiosmtpd), Django's SMTP backend pointed at it."""
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sink = _SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    sink.port = port
    yield sink
    controller.stop()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: throttle counts and cached values of one test must
    not reach the next."""
    from django.core.cache import cache

    cache.clear()
    yield
