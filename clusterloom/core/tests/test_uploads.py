"""Uploaded tables are read with every size bounded before the work: a workbook that unpacks
to too much, too many rows or columns, or a huge cell is refused at once with a message naming
the limit; ordinary workbooks read as before."""

import io
import time
import zipfile

import pytest
from openpyxl import Workbook

from clusterloom.core.errors import ImportFailed
from clusterloom.core.uploads import MAX_CELL_CHARS, MAX_COLUMNS, upload_read_rows

CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="x"/>'
WORKBOOK = (
    b'<?xml version="1.0"?><workbook xmlns:r="r"><sheets>'
    b'<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
RELS = (
    b'<?xml version="1.0"?><Relationships>'
    b'<Relationship Id="rId1" Type="http://x/worksheet" Target="worksheets/sheet1.xml"/>'
    b'<Relationship Id="rId2" Type="http://x/sharedStrings" Target="sharedStrings.xml"/>'
    b"</Relationships>"
)


def _xlsx(sheet: bytes, strings: bytes = b"<sst></sst>") -> bytes:
    """A minimal workbook, packed as Excel packs it (deflated)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", RELS)
        archive.writestr("xl/sharedStrings.xml", strings)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def _sheet(rows: str) -> bytes:
    return f'<?xml version="1.0"?><worksheet><sheetData>{rows}</sheetData></worksheet>'.encode()


def _refused(content: bytes, name="members.xlsx") -> str:
    started = time.process_time()
    with pytest.raises(ImportFailed) as caught:
        upload_read_rows(name, content)
    assert time.process_time() - started < 1
    return caught.value.message


def test_a_workbook_that_unpacks_to_too_much_is_refused_at_once():
    # The reviewer's bomb: a small file whose shared strings unpack to far more than the limit.
    strings = b"<sst><si><t>" + b"A" * 60_000_000 + b"</t></si></sst>"
    content = _xlsx(_sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), strings)
    assert len(content) < 200_000
    assert "unpacks to more than" in _refused(content)


def test_too_many_rows_columns_or_a_huge_cell_are_refused(settings):
    many = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>x</t></is></c></row>' for n in range(1, 30)
    )
    with pytest.raises(ImportFailed, match="more than 10 rows"):
        upload_read_rows("a.xlsx", _xlsx(_sheet(many)), max_rows=10)
    far = '<row r="1"><c r="BZ1" t="inlineStr"><is><t>x</t></is></c></row>'
    assert f"at most {MAX_COLUMNS} columns" in _refused(_xlsx(_sheet(far)))
    jump = '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'
    assert "rows" in _refused(_xlsx(_sheet(jump)))
    huge = "A" * (MAX_CELL_CHARS + 1)
    cell = f'<row r="1"><c r="A1" t="inlineStr"><is><t>{huge}</t></is></c></row>'
    assert "characters" in _refused(_xlsx(_sheet(cell)))
    shared = f"<sst><si><t>{huge}</t></si></sst>".encode()
    ref = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    assert "characters" in _refused(_xlsx(_sheet(ref), shared))


def test_a_workbook_with_a_dtd_is_refused():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>'
        b"<sst><si><t>&lol;</t></si></sst>"
    )
    content = _xlsx(_sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), laughs)
    assert "cannot be read" in _refused(content)


def test_csv_limits():
    rows = "name\n" + "x\n" * 30
    with pytest.raises(ImportFailed, match="more than 10 rows"):
        upload_read_rows("a.csv", rows.encode(), max_rows=10)
    wide = ",".join(["a"] * (MAX_COLUMNS + 5)) + "\n"
    assert "columns" in _refused(wide.encode(), "a.csv")
    assert "characters" in _refused(("name\n" + "y" * (MAX_CELL_CHARS + 1)).encode(), "a.csv")


def test_a_workbook_saved_by_a_spreadsheet_reads_as_text():
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Country", "SME", "Members"])
    sheet.append(["Açaí Lda", "PT", True, 12.0])
    sheet.append(["Beta GmbH", "DE", False, 2.5])
    sheet["F5"] = "far"
    out = io.BytesIO()
    book.save(out)
    rows = upload_read_rows("members.xlsx", out.getvalue())
    assert rows[0] == ["Name", "Country", "SME", "Members"]
    assert rows[1] == ["Açaí Lda", "PT", "True", "12"]
    assert rows[2] == ["Beta GmbH", "DE", "False", "2.5"]
    assert rows[3] == []
    assert rows[4] == ["", "", "", "", "", "far"]


def test_inline_and_shared_strings_with_runs():
    strings = (
        b"<sst><si><r><t>Al</t></r><r><t>pha</t></r><rPh><t>ARUFA</t></rPh></si>"
        b"<si><t>Beta</t></si></sst>"
    )
    sheet = _sheet(
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>'
        '<row r="2"><c t="inlineStr"><is><t>one</t></is></c><c t="str"><v>two</v></c></row>'
    )
    assert upload_read_rows("a.xlsx", _xlsx(sheet, strings)) == [
        ["Alpha", "", "Beta"],
        ["one", "two"],
    ]
