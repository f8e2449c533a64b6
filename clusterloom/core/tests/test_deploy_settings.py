"""Security settings come from the environment: with the production block of .env.example,
`check --deploy` reports nothing (HSTS, SSL redirect, secure cookies, secret key, debug); every
page carries a Content-Security-Policy that allows no inline script but the listed handlers."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]


def _production_block() -> dict[str, str]:
    text = (ROOT / ".env.example").read_text()
    block = text.split("# --- production (security)")[1].split("# --- end production")[0]
    values = {}
    for line in block.splitlines():
        match = re.fullmatch(r"#([A-Z_]+)=(.*)", line.strip())
        if match:
            values[match.group(1)] = match.group(2)
    return values


def _check_deploy(env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in _production_block()}
    clean.pop("DATABASE_URL", None)
    # The browser journeys' conftest sets this for Playwright in every test process; a
    # deployment never has it (check --deploy reports async.E001).
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    clean.update(env, CLUSTERLOOM_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="")
    clean.pop("DJANGO_SETTINGS_MODULE")
    return subprocess.run(  # noqa: S603 - our own manage.py with a fixed argument list
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_production_block(tmp_path):
    env = _production_block()
    assert env["SECURE_HSTS_SECONDS"] == "31536000" and env["SECURE_SSL_REDIRECT"] == "true"
    assert env["CACHE_URL"].startswith("redis://")  # else clusterloom.W001 (a per-process cache)
    env["SECRET_KEY"] = secrets.token_urlsafe(50)  # the block asks the operator for one
    result = _check_deploy(env, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_it():
    # The defaults (a developer's machine, the tests) are not production settings.
    from django.core.checks import run_checks

    found = {message.id for message in run_checks(include_deployment_checks=True)}
    assert {"security.W004", "security.W008", "security.W012", "security.W016"} <= found


LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/1",
    }
}


def _deploy_warnings(**kwargs) -> dict:
    from django.core.checks import run_checks

    return {m.id: m for m in run_checks(**kwargs) if m.id.startswith("clusterloom.")}


def test_check_deploy_warns_when_production_counts_logins_per_process(settings):
    # Login and token throttling counts in the cache: with a per-process cache each gunicorn
    # worker counts on its own, so 2 workers let twice the wrong passwords through.
    settings.DEBUG = False
    settings.CACHES = LOCMEM
    found = _deploy_warnings(include_deployment_checks=True)
    assert list(found) == ["clusterloom.W001"]
    assert "throttling counts per worker process" in found["clusterloom.W001"].msg
    assert "CACHE_URL=redis://" in found["clusterloom.W001"].hint
    assert _deploy_warnings() == {}  # `check` without --deploy says nothing
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert list(_deploy_warnings(include_deployment_checks=True)) == ["clusterloom.W001"]


def test_a_shared_cache_or_debug_needs_no_warning(settings):
    settings.DEBUG = False
    settings.CACHES = REDIS
    assert _deploy_warnings(include_deployment_checks=True) == {}
    settings.DEBUG = True  # a developer's machine: one process
    settings.CACHES = LOCMEM
    assert _deploy_warnings(include_deployment_checks=True) == {}


def test_pages_carry_a_content_security_policy(db):
    response = Client().get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    script = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script


def test_every_inline_event_handler_is_allowed_by_its_hash():
    # A handler the policy does not list would silently do nothing in the browser.
    found = set()
    for template in (ROOT / "clusterloom").rglob("*.html"):
        for handler in re.findall(r'\son[a-z]+="([^"]*)"', template.read_text()):
            found.add(handler)
    assert found <= set(settings.CSP_INLINE_HANDLERS), found - set(settings.CSP_INLINE_HANDLERS)
    assert not any(
        re.search(r"<script(?![^>]*\bsrc=)[^>]*>", t.read_text())
        for t in (ROOT / "clusterloom").rglob("*.html")
    ), "inline <script> blocks are refused by the Content-Security-Policy"
