"""Reporting API, mounted at "" under /api.

`GET /api/partnerships/{slug}/kpis?as_of=DATE`: every target of a published partnership (its
coordinators also see an unpublished one; otherwise 404) with its actual value, status and the
value expected by then. `GET /api/reporting/partnerships/{slug}/report?format=&from=&to=`: the
funder report file, for the partnership's coordinators (session or API token).
"""

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from clusterloom.core.api_auth import READ_AUTH, WRITE_AUTH
from clusterloom.core.api_schemas import ErrorOut
from clusterloom.core.inputs import date_in_range, parse_date
from clusterloom.core.permissions import require
from clusterloom.partnerships.selectors import partnership_get_visible

from . import outputs, selectors
from .report import report_format, report_period

router = Router(tags=["reporting"])


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class KpiOut(Schema):
    """One target code: target (null when none is set), actual, status, expected by then."""

    code: str
    label: str
    target: int | None
    actual: int
    status: str
    expected: int | None
    #: What the count leaves out and why (e.g. "1 benchmarking not complete ...").
    excluded: list[str]


@router.get(
    "/partnerships/{slug}/kpis",
    response={200: list[KpiOut], **ERRORS},
    auth=READ_AUTH,
)
def partnership_kpis(request: HttpRequest, slug: str, as_of: str = ""):
    """Every target of the partnership with its value as of the date (today by default).
    status: reached, on_track, behind, no_timeline (start or duration unknown) or no_target."""
    partnership = partnership_get_visible(request.user, slug)
    require(request.user, "reporting.view_kpis", partnership)
    day = date_in_range(parse_date(as_of, "as_of"), "as_of") or timezone.localdate()
    return [
        {
            "code": k.code,
            "label": k.label,
            "target": k.target,
            "actual": k.actual,
            "status": k.status,
            "expected": k.expected,
            "excluded": k.excluded,
        }
        for k in selectors.kpis_of(partnership, day)
    ]


class ReportQuery(Schema):
    """The period (YYYY-MM-DD, `from` not after `to`) and the format (xlsx or pdf)."""

    format: str = "xlsx"
    from_: str = Field("", alias="from")
    to: str = ""


@router.get(
    "/reporting/partnerships/{slug}/report",
    response={200: None, **ERRORS},
    auth=WRITE_AUTH,
)
def partnership_report(request: HttpRequest, slug: str, query: Query[ReportQuery]):
    """The funder report for ?from=YYYY-MM-DD&to=YYYY-MM-DD as xlsx or pdf (coordinators)."""
    partnership = partnership_get_visible(request.user, slug)
    require(request.user, "reporting.download_report", partnership)
    fmt = report_format(query.format)
    first, last = report_period({"from": query.from_, "to": query.to})
    found = outputs.report_file(partnership, first, last, fmt, request)
    response = HttpResponse(found.content, content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    return response
