"""The report's files: the print page's context, the PDF (WeasyPrint, from the print page's
template) and the XLSX; one function for the pages, the API and the command."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string

from clusterloom.partnerships.pdf import html_to_pdf

from . import rules
from .evidence import build_report
from .report import Report
from .selectors import STATUS_BADGES, progress_charts, status_label

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def decorate(rows) -> list:
    """KPI rows with their status word and badge class for templates."""
    for row in rows:
        row.status_label = status_label(row.status)
        row.badge = STATUS_BADGES[row.status][1]
    return rows


def print_context(rep: Report) -> dict:
    """What the print page (and the PDF) shows."""
    rows = decorate(rep.kpis)
    charts = progress_charts(rep.partnership, rows, rep.date_to)
    by_code = {row.code: row for row in rows}
    for row in rows:
        row.chart = charts.get(row.code, "")

    def block(code):
        row = by_code.get(code)
        return {
            "code": code,
            "label": row.label if row else code,
            "actual": row.actual if row else 0,
            "target": row.target if row else None,
            "lines": rep.evidence.get(code, []),
        }

    evidence = [block(code) for code in rules.CODES if code in by_code or rep.evidence.get(code)]
    results = [
        {"text": text, "blocks": [block(code) for code in codes]} for text, codes in rep.results
    ]
    return {
        "partnership": rep.partnership,
        "rep": rep,
        "kpi_rows": rows,
        "evidence": evidence,
        "results": results,
    }


@dataclass
class ReportFile:
    """A report ready to send or write."""

    content: bytes
    content_type: str
    filename: str


def report_file(partnership, first, last, fmt: str, request=None) -> ReportFile:
    """The report of the period in the format (xlsx or pdf)."""
    rep = build_report(partnership, first, last)
    name = f"{partnership.slug}-report-{first.isoformat()}-{last.isoformat()}.{fmt}"
    if fmt == "xlsx":
        from .xlsx import report_xlsx

        return ReportFile(report_xlsx(rep), XLSX_TYPE, name)
    return ReportFile(html_to_pdf(report_html(rep, request)), "application/pdf", name)


def report_html(rep: Report, request=None) -> str:
    """The HTML the PDF is made from (the print page without its buttons)."""
    context = {**print_context(rep), "for_pdf": True}
    return render_to_string("reporting/report_print.html", context, request=request)
