"""Review findings: extreme dates give a clear 400, never a 500."""

import pytest

from .conftest import user_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/reporting/partnerships/xtex/report/?from=2026-01-01&to=9999-12-31&format=xlsx",
        "/reporting/partnerships/xtex/report/?from=0001-01-01&to=2026-11-22&format=pdf",
        "/reporting/partnerships/xtex/report/print/?from=0001-01-01&to=9999-12-31",
        "/api/reporting/partnerships/xtex/report?from=0001-01-01&to=2026-11-22",
        "/api/partnerships/xtex/kpis?as_of=9999-12-31",
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_refused_not_a_500(client, world, url):
    client.force_login(user_of(world, "coordinator"))
    response = client.get(url)
    assert response.status_code == 400
    assert "Give a date between 1900-01-01 and 2999-12-31." in response.content.decode()
