"""An uploaded XLSX workbook's first sheet read as text rows, streamed with every limit checked.

An XLSX file is a zip of XML parts. openpyxl loads a workbook's whole shared-string table into
memory, so a 455 KB file unpacking to 187 MB held a worker for 30 s and 622 MB. This reader
refuses a workbook whose parts unpack to more than UPLOAD_MAX_UNPACKED_BYTES before reading
them, then streams the XML (expat, 64 KB at a time, no DTD or entity accepted) and stops at the
first limit crossed (`core.uploads` passes the row, column and cell limits).
"""

import io
import posixpath
import zipfile
import zlib
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import ImportFailed

_CHUNK = 64 * 1024


class _NotWorkbook(Exception):
    pass


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def _attribute(attributes: dict, name: str) -> str | None:
    for key, value in attributes.items():
        if _local(key) == name:
            return value
    return None


def _refuse_dtd(*args) -> None:
    raise _NotWorkbook


def _stream_xml(archive: zipfile.ZipFile, part: str, start, end, text, budget: list[int]):
    """Parse one part with expat, 64 KB at a time, counting unpacked bytes against `budget`."""
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.buffer_text = True
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise ImportFailed(_unpacked_message(budget[1]))
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _unpacked_message(max_bytes: int) -> str:
    return _("The workbook unpacks to more than %(max)d bytes; save a smaller one.") % {
        "max": max_bytes
    }


def _read_small(archive: zipfile.ZipFile, part: str, budget: list[int]) -> bytes:
    info = archive.getinfo(part)
    budget[0] -= info.file_size
    if budget[0] < 0:
        raise ImportFailed(_unpacked_message(budget[1]))
    return archive.read(part)


def _first_sheet(archive: zipfile.ZipFile, names: set[str], budget) -> tuple[str, str | None]:
    """The first worksheet's part name and the shared strings' (None without one)."""
    found: dict[str, str | None] = {"sheet": None}
    rels: dict[str, tuple[str, str]] = {}

    def on_sheet(name, attributes):
        if _local(name) == "sheet" and found["sheet"] is None:
            found["sheet"] = _attribute(attributes, "id")

    def on_relationship(name, attributes):
        if _local(name) == "Relationship":
            rels[attributes.get("Id", "")] = (
                attributes.get("Type", ""),
                attributes.get("Target", ""),
            )

    for part, handler in (
        ("xl/workbook.xml", on_sheet),
        ("xl/_rels/workbook.xml.rels", on_relationship),
    ):
        if part not in names:
            raise _NotWorkbook
        parser = expat.ParserCreate()
        parser.StartDoctypeDeclHandler = _refuse_dtd
        parser.EntityDeclHandler = _refuse_dtd
        parser.StartElementHandler = handler
        parser.Parse(_read_small(archive, part, budget), True)

    def resolve(target: str) -> str:
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join("xl", target))

    if found["sheet"] not in rels:
        raise _NotWorkbook
    sheet = resolve(rels[found["sheet"]][1])
    strings = next(
        (resolve(t) for kind, t in rels.values() if kind.endswith("/sharedStrings")), None
    )
    if sheet not in names:
        raise _NotWorkbook
    return sheet, strings if strings in names else None


def _shared_strings(archive, part: str, budget, limits) -> list[str]:
    """The shared-string table; phonetic runs (rPh) are left out as Excel shows them."""
    strings: list[str] = []
    state = {"in_text": False, "skip": 0, "length": 0}
    parts: list[str] = []

    def start(name, attributes):
        local = _local(name)
        if local == "si":
            parts.clear()
            state["length"] = 0
        elif local == "rPh":
            state["skip"] += 1
        elif local == "t" and not state["skip"]:
            state["in_text"] = True

    def end(name):
        local = _local(name)
        if local == "si":
            strings.append("".join(parts))
        elif local == "rPh":
            state["skip"] -= 1
        elif local == "t":
            state["in_text"] = False

    def text(data):
        if state["in_text"]:
            state["length"] += len(data)
            limits.cell(None, state["length"])
            parts.append(data)

    _stream_xml(archive, part, start, end, text, budget)
    return strings


def _column_number(reference: str) -> int:
    number = 0
    for char in reference:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        else:
            break
    return number


def _number_text(value: str) -> str:
    """A number as the member lists expect it: 3.0 -> "3", other values unchanged."""
    try:
        number = float(value)
    except ValueError:
        return value
    if number.is_integer() and abs(number) < 1e16:
        return str(int(number))
    return str(number)


def _sheet_rows(archive, part: str, strings: list[str], budget, limits):
    rows: list[list[str]] = []
    current: dict = {"row": None, "cells": {}, "col": 0, "type": "", "text": [], "length": 0}
    state = {"capture": False, "skip": 0, "row_number": 0}

    def start(name, attributes):
        local = _local(name)
        if local == "row":
            number = attributes.get("r")
            row = int(number) if number and number.isdigit() else state["row_number"] + 1
            limits.row(row)
            if row <= state["row_number"]:
                raise _NotWorkbook
            state["row_number"] = row
            current["row"], current["cells"] = row, {}
            current["next_col"] = 1
        elif local == "c":
            reference = attributes.get("r", "")
            column = _column_number(reference) if reference else current["next_col"]
            current["col"], current["type"] = column, attributes.get("t", "n")
            current["next_col"] = column + 1
            current["text"], current["length"] = [], 0
        elif local in ("v", "t") and not state["skip"]:
            state["capture"] = True
        elif local == "rPh":
            state["skip"] += 1

    def end(name):
        local = _local(name)
        if local in ("v", "t"):
            state["capture"] = False
        elif local == "rPh":
            state["skip"] -= 1
        elif local == "c":
            raw = "".join(current["text"])
            kind = current["type"]
            if kind == "s":
                index = int(raw) if raw.strip().isdigit() else -1
                if not 0 <= index < len(strings):
                    raise _NotWorkbook
                value = strings[index]
            elif kind == "b":
                value = "True" if raw.strip() == "1" else "False"
            elif kind in ("str", "inlineStr", "e"):
                value = raw
            else:
                value = _number_text(raw.strip())
            if value != "":
                limits.column(current["row"], current["col"])
                current["cells"][current["col"]] = value
        elif local == "row":
            cells = current["cells"]
            while len(rows) < current["row"] - 1:
                rows.append([])  # rows the sheet leaves out are blank rows
            width = max(cells, default=0)
            rows.append([cells.get(i, "") for i in range(1, width + 1)])

    def text(data):
        if state["capture"]:
            current["length"] += len(data)
            limits.cell(current["row"], current["length"])
            current["text"].append(data)

    _stream_xml(archive, part, start, end, text, budget)
    return rows


def xlsx_rows(content: bytes, limits, *, max_unpacked: int | None = None) -> list[list[str]]:
    """The first worksheet's rows as text, read with every limit checked as it streams; the
    parts may unpack to `max_unpacked` bytes (UPLOAD_MAX_UNPACKED_BYTES by default: uploads;
    an operator's CORDIS export from the command line may be larger). Cells are their stored
    text: a date is its serial day number, as a spreadsheet stores it."""
    max_unpacked = max_unpacked or settings.UPLOAD_MAX_UNPACKED_BYTES
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        names = set(archive.namelist())
        declared = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportFailed(_("The file is named .xlsx but is not an Excel workbook.")) from None
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise ImportFailed(_("The file is named .xlsx but is not an Excel workbook."))
    if declared > max_unpacked:
        raise ImportFailed(_unpacked_message(max_unpacked))
    budget = [max_unpacked, max_unpacked]  # what is left, the limit
    try:
        sheet, strings_part = _first_sheet(archive, names, budget)
        strings = _shared_strings(archive, strings_part, budget, limits) if strings_part else []
        return _sheet_rows(archive, sheet, strings, budget, limits)
    except ImportFailed:
        raise
    except (_NotWorkbook, expat.ExpatError, zipfile.BadZipFile, KeyError, ValueError, OSError,
            EOFError, NotImplementedError, RuntimeError, zlib.error):  # fmt: skip
        raise ImportFailed(
            _("The Excel workbook cannot be read: it is damaged or not saved by a spreadsheet.")
        ) from None
