"""The funder report as an XLSX workbook (openpyxl): the KPI sheet first, then one per area.
Dates are real dates, numbers are numbers, the header row is frozen, columns have widths."""

from __future__ import annotations

import datetime
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .evidence import kpi_sheet_rows
from .report import Report

HEADER_FILL = PatternFill("solid", fgColor="EEF3FA")
MAX_WIDTH = 60
#: Excel refuses sheet names longer than this.
NAME_CHARS = 31


def _write(ws, columns: list[str], rows: list[list]) -> None:
    ws.append([str(c) for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    widths = [len(str(c)) for c in columns]
    for row in rows:
        ws.append(row)
        for i, value in enumerate(row):
            text = value.isoformat() if isinstance(value, datetime.date) else str(value or "")
            widths[i] = max(widths[i], len(text))
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, str):
                # Users' text (titles, names) stays text: openpyxl would store "=..." as a
                # formula that the coordinator's spreadsheet then runs.
                cell.data_type = "s"
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, width + 2)
    ws.freeze_panes = "A2"


def report_xlsx(rep: Report) -> bytes:
    """The workbook's bytes."""
    book = Workbook()
    ws = book.active
    ws.title = "KPIs"
    _write(
        ws,
        [
            _("Target"),
            _("Code"),
            _("Target value"),
            _("Actual as of %(day)s") % {"day": rep.date_to.isoformat()},
            _("In the period"),
            _("Status"),
            _("Expected by then"),
            _("Not counted"),
        ],
        kpi_sheet_rows(rep),
    )
    for sheet in rep.sheets:
        _write(book.create_sheet(str(sheet.title)[:NAME_CHARS]), sheet.columns, sheet.rows)
    props = book.properties
    props.title = (
        f"{rep.partnership.acronym} {rep.date_from.isoformat()} – {rep.date_to.isoformat()}"
    )
    props.creator = "clusterloom"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
