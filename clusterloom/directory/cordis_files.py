"""CORDIS exports as published: JSON, CSV (`;` or `,` separated) and XLSX, read into rows.

CORDIS publishes each framework programme's projects and participating organisations as a
`project` file and an `organization` file, in its own column names (`id` or `projectID`,
`acronym`, `title`, `objective`, `startDate`, ...; `projectID`, `projectAcronym`,
`organisationID`, `name`, `country`, `activityType`, `SME`, ...). The reader keeps those names
and gives every row with where it came from, so every error names the file, row and column.
Operator files can be large (a programme has over 100,000 participations): the CSV reader
streams, the XLSX one is the uploads' streaming reader (core.xlsx) with a CORDIS file's limits,
and both stop at `MAX_ROWS`.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from clusterloom.core.errors import ImportFailed
from clusterloom.core.xlsx import xlsx_rows

#: The most rows one CORDIS file may hold (Horizon 2020's organization file has ~180,000).
MAX_ROWS = 1_000_000
#: The most a CORDIS XLSX file may unpack to (its XML), against zip bombs.
MAX_UNPACKED_BYTES = 2_000_000_000
#: The longest cell (an objective is a few thousand characters).
MAX_CELL_CHARS = 50_000
#: The most columns of a CORDIS spreadsheet (its exports have about 20).
MAX_COLUMNS = 200


@dataclass
class CordisRow:
    """One data row: its values by CORDIS column name, and where it is (for messages)."""

    file: str
    number: int  # the spreadsheet row number (header = 1) or the JSON list position (1-based)
    values: dict[str, Any]

    def where(self, column: str | None = None) -> str:
        """'organization.csv row 12, column country' (or without the column)."""
        if column:
            return _("%(file)s row %(row)d, column “%(column)s”") % {
                "file": self.file,
                "row": self.number,
                "column": column,
            }
        return _("%(file)s row %(row)d") % {"file": self.file, "row": self.number}

    def fail(self, message: str, column: str | None = None):
        """Raise ImportFailed naming this row (and column)."""
        raise ImportFailed(
            f"{self.where(column)}: {message}", line=self.number, field=column or None
        )


@dataclass
class CordisFile:
    """A CORDIS file's name, its columns and its rows."""

    name: str
    columns: list[str]
    rows: list[CordisRow]

    @property
    def is_projects(self) -> bool:
        """A project file: titles and objectives, no organisation ids."""
        return "title" in self.columns and "organisationID" not in self.columns

    @property
    def is_organisations(self) -> bool:
        """An organization file: one row per participation of an organisation in a project."""
        return "organisationID" in self.columns

    def require(self, *columns: str, any_of: tuple[str, ...] = ()) -> None:
        """Refuse the file when a column is missing, naming it and the columns found."""
        missing = [c for c in columns if c not in self.columns]
        if any_of and not any(c in self.columns for c in any_of):
            missing.append(" / ".join(any_of))
        if missing:
            raise ImportFailed(
                _("%(file)s: column “%(column)s” is missing (columns found: %(found)s)")
                % {
                    "file": self.name,
                    "column": missing[0],
                    "found": ", ".join(self.columns) or _("none"),
                },
                field=missing[0],
            )


def cordis_file_read(path: Path | str, *, content: bytes | None = None) -> CordisFile:
    """The rows of a CORDIS export file, by its suffix (.json, .csv, .xlsx); ImportFailed with
    the file's name when it cannot be read or is not what its name says."""
    path = Path(path)
    name = path.name
    suffix = path.suffix.lower()
    if content is None:
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise ImportFailed(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror or exc}
            ) from None
    if not content.strip():
        raise ImportFailed(_("%(file)s is empty.") % {"file": name})
    if suffix == ".json":
        return _json_file(name, content)
    if suffix in (".csv", ".txt"):
        return _csv_file(name, content)
    if suffix == ".xlsx":
        return _xlsx_file(name, content)
    raise ImportFailed(
        _("%(file)s: a CORDIS export is a .json, .csv or .xlsx file.") % {"file": name}
    )


def _json_file(name: str, content: bytes) -> CordisFile:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFailed(
            _("%(file)s is not a CORDIS JSON file: %(error)s") % {"file": name, "error": exc},
            line=getattr(exc, "lineno", None),
        ) from None
    if not isinstance(data, list):
        raise ImportFailed(_("%(file)s: a CORDIS JSON export holds a list.") % {"file": name})
    if len(data) > MAX_ROWS:
        raise ImportFailed(
            _("%(file)s has more than %(max)d rows.") % {"file": name, "max": MAX_ROWS}
        )
    rows, columns = [], {}
    for number, item in enumerate(data, start=1):
        row = CordisRow(name, number, item if isinstance(item, dict) else {})
        if not isinstance(item, dict):
            row.fail(_("not a JSON object"))
        columns.update(dict.fromkeys(item))
        rows.append(row)
    return CordisFile(name, list(columns), rows)


def _delimiter(header_line: str) -> str:
    """CORDIS writes `;` in its CSV files; other tools `,`: whichever the header holds more of."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _csv_file(name: str, content: bytes) -> CordisFile:
    if content[:4] == b"PK\x03\x04" or b"\x00" in content[:8192]:
        raise ImportFailed(_("%(file)s is named .csv but is not a text file.") % {"file": name})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            _("%(file)s is not UTF-8 text (byte %(position)d).")
            % {"file": name, "position": exc.start + 1}
        ) from None
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(first))
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error):
        raise ImportFailed(_("%(file)s has no header row.") % {"file": name}) from None
    rows = []
    try:
        for values in reader:
            number = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportFailed(
                    _("%(file)s has more than %(max)d rows.") % {"file": name, "max": MAX_ROWS}
                )
            row = CordisRow(name, number, dict(zip(header, values, strict=False)))
            if len(values) > len(header):
                row.fail(
                    _(
                        "%(found)d values for %(columns)d columns (a separator inside a value "
                        "that is not quoted?)"
                    )
                    % {"found": len(values), "columns": len(header)}
                )
            for column, value in row.values.items():
                if len(value) > MAX_CELL_CHARS:
                    row.fail(_("longer than %(max)d characters") % {"max": MAX_CELL_CHARS}, column)
            rows.append(row)
    except csv.Error as exc:
        raise ImportFailed(
            _("%(file)s row %(row)d: %(error)s")
            % {"file": name, "row": reader.line_num, "error": exc},
            line=reader.line_num,
        ) from None
    return CordisFile(name, header, rows)


class _CordisLimits:
    """The limits of an operator's CORDIS workbook for core.xlsx's streaming reader: the rows
    and cell length of a CORDIS file (far above an upload's), any number of columns up to
    MAX_COLUMNS; every refusal names the file."""

    def __init__(self, name: str):
        self.name = name

    def row(self, number: int) -> None:
        if number > MAX_ROWS + 1:  # the header, then MAX_ROWS rows
            raise ImportFailed(
                _("%(file)s has more than %(max)d rows.") % {"file": self.name, "max": MAX_ROWS},
                line=number,
            )

    def column(self, row: int, column: int) -> None:
        if column > MAX_COLUMNS:
            raise ImportFailed(
                _("%(file)s row %(row)d has a value in column %(col)d: at most %(max)d columns.")
                % {"file": self.name, "row": row, "col": column, "max": MAX_COLUMNS},
                line=row,
            )

    def cell(self, row: int | None, length: int) -> None:
        if length > MAX_CELL_CHARS:
            where = (
                _("%(file)s row %(row)d") % {"file": self.name, "row": row} if row else self.name
            )
            raise ImportFailed(
                _("%(where)s: a cell is longer than %(max)d characters.")
                % {"where": where, "max": MAX_CELL_CHARS},
                line=row,
            )


def _xlsx_file(name: str, content: bytes) -> CordisFile:
    """The first sheet of a CORDIS workbook, read by the same streaming reader as uploads
    (core.xlsx: no DTD or entity, unpacked size refused before reading, every limit checked as
    it streams), with a CORDIS file's limits."""
    if content[:4] != b"PK\x03\x04":
        raise ImportFailed(
            _("%(file)s is named .xlsx but is not an Excel workbook.") % {"file": name}
        )
    try:
        table = xlsx_rows(content, _CordisLimits(name), max_unpacked=MAX_UNPACKED_BYTES)
    except ImportFailed as exc:
        if exc.message.startswith(name):
            raise
        raise ImportFailed(f"{name}: {exc.message}", line=exc.line) from None
    if not table or not any(v.strip() for v in table[0]):
        raise ImportFailed(_("%(file)s has no header row.") % {"file": name})
    header = [v.strip() for v in table[0]]
    rows = [
        CordisRow(name, number, dict(zip(header, values, strict=False)))
        for number, values in enumerate(table[1:], start=2)
        if any(v.strip() for v in values)
    ]
    return CordisFile(name, header, rows)
