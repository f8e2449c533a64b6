"""Fixtures for the whole suite: no outbound network or e-mail, users for each role."""

import socket

import pytest

_real_connect = socket.socket.connect


def _loopback_only(self, address):
    """Tests may reach services on this machine (PostgreSQL, the live server), nothing else."""
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and host not in ("127.0.0.1", "::1", "localhost", "0.0.0.0"):  # noqa: S104
        if not host.startswith("/"):
            raise RuntimeError(f"outbound network access blocked in tests: {address!r}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _no_outbound_network(monkeypatch, settings):
    """Block outbound HTTP and send e-mail to the in-memory outbox."""
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
