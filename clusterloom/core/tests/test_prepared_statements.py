"""On PostgreSQL, statements are bound by the server and prepared on their second use in a
connection, unless DATABASE_PREPARED_STATEMENTS=false (PgBouncer in transaction mode)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from clusterloom.directory.models import Organisation

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_a_statement_run_twice_in_a_connection_is_prepared_once():
    for _ in range(3):
        list(Organisation.objects.filter(slug="nobody-here").values_list("pk", flat=True))
    prepared = [s for s in _prepared() if '"directory_organisation"' in s and "$1" in s]
    assert len(prepared) == 1, prepared


def _options(**env) -> str:
    clean = {k: v for k, v in os.environ.items() if k != "DATABASE_PREPARED_STATEMENTS"}
    clean.update(env)
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'clusterloom.settings';"
        "from django.conf import settings; o = settings.DATABASES['default']['OPTIONS'];"
        "print(o.get('server_side_binding'), o.get('prepare_threshold'))"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and settings, fixed code
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_setting_turns_them_off_for_a_pooler():
    url = connection.settings_dict
    database_url = f"postgres://{url['USER']}@{url['HOST']}:{url['PORT'] or 5432}/{url['NAME']}"
    assert _options(DATABASE_URL=database_url) == "True 2"
    assert _options(DATABASE_URL=database_url, DATABASE_PREPARED_STATEMENTS="false") == "None None"
