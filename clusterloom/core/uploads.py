"""Uploads read with every size bounded before the work it drives.

Tables (CSV or XLSX) are read into rows with the file's bytes, what an XLSX unpacks to, rows,
columns and the length of a cell bounded. Pictures (a person's photo, an organisation's logo)
are judged by their content, their pixels counted from the header before anything is decoded,
then re-encoded by Pillow without their metadata (`picture_read`).

XLSX workbooks are streamed by `core.xlsx` (see there why not openpyxl). Call these before
opening a transaction: nothing is locked while a file is read. Every refusal is a DomainError
(ImportFailed for tables) naming the limit.
"""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from .errors import DomainError, ImportFailed
from .evidence import DESCRIPTIONS, looks_like, size_text, split_name
from .xlsx import xlsx_rows

#: Most rows (header included) and columns a table may have, and characters in one cell.
MAX_ROWS = 20_001
MAX_COLUMNS = 50
MAX_CELL_CHARS = 20_000


def upload_read(upload, *, field: str = "file", max_bytes: int | None = None) -> bytes:
    """The bytes of an uploaded file: refused by its declared size before anything is read,
    and never read past the limit (a client may declare less than it sends)."""
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    declared = getattr(upload, "size", None) or 0
    content = upload.read(limit + 1) if declared <= limit else b""
    if declared > limit or len(content) > limit:
        size = size_text(max(declared, len(content)), up=True)
        raise DomainError(
            _("The file is too large (%(size)s; at most %(max)s).")
            % {"size": size, "max": size_text(limit, up=False)},
            field=field,
        )
    return content


def upload_check_size(size: int) -> None:
    """Refuse uploads larger than settings.UPLOAD_MAX_BYTES."""
    if size > settings.UPLOAD_MAX_BYTES:
        raise ImportFailed(
            _("The file is too large (%(size)d bytes; at most %(max)d).")
            % {"size": size, "max": settings.UPLOAD_MAX_BYTES}
        )


def upload_read_rows(
    file_name: str, content: bytes, *, max_rows: int = MAX_ROWS
) -> list[list[str]]:
    """The rows of an uploaded CSV or XLSX file (header first), after checking type and size.
    At most `max_rows` rows (header included), MAX_COLUMNS columns, MAX_CELL_CHARS a cell."""
    upload_check_size(len(content))
    if not content:
        raise ImportFailed(_("The file is empty."))
    suffix = Path(file_name or "").suffix.lower()
    is_zip = content[:4] == b"PK\x03\x04"
    limits = _Limits(max_rows)
    if suffix == ".xlsx":
        if not is_zip:
            raise ImportFailed(_("The file is named .xlsx but is not an Excel workbook."))
        return xlsx_rows(content, limits)
    if suffix in (".csv", ".txt"):
        if is_zip or b"\x00" in content[:8192]:
            raise ImportFailed(_("The file is named .csv but is not a text file."))
        return _csv_rows(content, limits)
    raise ImportFailed(_("Upload a .csv or .xlsx file."))


class _Limits:
    """The row, column and cell limits, each refusal naming the limit and where it was hit."""

    def __init__(self, max_rows: int):
        self.max_rows = max_rows

    def row(self, number: int) -> None:
        if number > self.max_rows:
            raise ImportFailed(
                _("The table has more than %(max)d rows (header included); split it.")
                % {"max": self.max_rows},
                line=number,
            )

    def column(self, row: int, column: int) -> None:
        if column > MAX_COLUMNS:
            raise ImportFailed(
                _("Row %(row)d has a value in column %(col)d: at most %(max)d columns.")
                % {"row": row, "col": column, "max": MAX_COLUMNS},
                line=row,
            )

    def cell(self, row: int | None, length: int) -> None:
        if length > MAX_CELL_CHARS:
            raise ImportFailed(
                _("A cell holds more than %(max)d characters.") % {"max": MAX_CELL_CHARS},
                line=row,
            )


def _csv_rows(content: bytes, limits: _Limits) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            _("The CSV file is not UTF-8 text (byte %(position)d). Save it as “CSV UTF-8”.")
            % {"position": exc.start + 1}
        ) from None
    if "\x00" in text:
        raise ImportFailed(_("The file is named .csv but is not a text file."))
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            limits.row(number)
            if len(row) > MAX_COLUMNS and any(cell.strip() for cell in row[MAX_COLUMNS:]):
                limits.column(number, len(row))
            for cell in row:
                limits.cell(number, len(cell))
            rows.append(row[:MAX_COLUMNS])
    except csv.Error as exc:
        raise ImportFailed(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from None
    return rows


# --- Pictures ---------------------------------------------------------------------------------

#: The pictures accepted: Pillow's format names, the types a browser declares, the extensions.
PICTURE_KINDS = {
    "jpeg": ({"JPEG", "MPO"}, {"image/jpeg", "image/pjpeg"}, {"jpg", "jpeg", "jpe", "jfif"}),
    "png": ({"PNG"}, {"image/png", "image/x-png"}, {"png"}),
    "webp": ({"WEBP"}, {"image/webp"}, {"webp"}),
}


@dataclass(frozen=True)
class Picture:
    """An uploaded picture re-encoded from its pixels alone (no EXIF, GPS, comments or
    colour profile): JPEG, or PNG where it has transparency to keep."""

    content: bytes
    extension: str
    width: int
    height: int


def picture_read(
    file_name: str,
    content: bytes,
    *,
    content_type: str = "",
    box: int,
    square: bool = False,
    field: str = "file",
) -> Picture:
    """Check an uploaded picture by its content and re-encode it at most `box` pixels wide and
    high (cropped to a centred square when `square`). Refused, naming `field`: an empty or
    over-size file, anything but a JPEG, PNG or WebP image, a name or declared type that says
    otherwise, more than UPLOAD_IMAGE_MAX_PIXELS pixels (counted from the header, before
    decoding), a damaged or truncated image."""
    shown, extension = split_name(file_name)

    def refuse(message: str, **params) -> DomainError:
        return DomainError(message % {"name": shown, **params}, field=field)

    if not content:
        raise refuse(_("%(name)s is empty."))
    if len(content) > settings.UPLOAD_MAX_BYTES:
        raise refuse(
            _("%(name)s is %(size)s; pictures may be at most %(max)s."),
            size=size_text(len(content), up=True),
            max=size_text(settings.UPLOAD_MAX_BYTES, up=False),
        )
    kind = looks_like(content)
    what = _(DESCRIPTIONS[kind])
    if kind not in PICTURE_KINDS:
        raise refuse(_("%(name)s is %(what)s; upload a JPEG, PNG or WebP image."), what=what)
    formats, types, extensions = PICTURE_KINDS[kind]
    if extension is not None and extension not in extensions:
        raise refuse(
            _("%(name)s is %(what)s, but its name ends in .%(extension)s; rename it or upload "
              "the right file."),
            what=what,
            extension=extension,
        )  # fmt: skip
    declared = (content_type or "").split(";")[0].strip().lower()
    if declared and declared not in types:
        raise refuse(
            _("%(name)s is %(what)s, but was sent as %(declared)s; upload the right file."),
            what=what,
            declared=declared[:60],
        )
    image = _picture_open(content, kind, formats, refuse, what)
    return _picture_encode(image, box=box, square=square)


def _picture_open(content: bytes, kind: str, formats, refuse, what):
    """The decoded image, after its header's pixel count and its integrity were checked."""
    # Never above Pillow's own guard, which only warns below twice its limit.
    limit = min(settings.UPLOAD_IMAGE_MAX_PIXELS, Image.MAX_IMAGE_PIXELS or 2**62)
    too_many = _("%(name)s has more than %(max)s pixels; upload a smaller picture.")
    damaged = _("%(name)s is %(what)s that cannot be read; it is damaged.")
    try:
        # Image.open reads the header only; nothing is decoded before the count is checked.
        with Image.open(io.BytesIO(content)) as image:
            if image.format not in formats:
                raise refuse(damaged, what=what)
            pixels = image.width * image.height
            if pixels > limit:
                raise refuse(too_many, max=f"{limit:,}")
            image.verify()  # PNG: every chunk's checksum
        if _truncated(content, kind):
            raise refuse(damaged, what=what)
        image = Image.open(io.BytesIO(content))
        if kind == "jpeg":
            image.draft("RGB", (2048, 2048))  # decode a large photo at a fraction of its size
        image.load()
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise refuse(too_many, max=f"{limit:,}") from None
    except Exception:  # Pillow raises many types on malformed input; all mean "damaged"
        raise refuse(damaged, what=what) from None
    return image


def _truncated(content: bytes, kind: str) -> bool:
    """A JPEG without its end marker or a WebP shorter than its RIFF header says: Pillow would
    pad either silently once ImageFile.LOAD_TRUNCATED_IMAGES is set (WeasyPrint sets it)."""
    if kind == "jpeg":
        return b"\xff\xd9" not in content[-1024:]
    if kind == "webp":
        return len(content) < int.from_bytes(content[4:8], "little") + 8
    return False


def _picture_encode(image, *, box: int, square: bool) -> Picture:
    """`image` turned upright, reduced to `box`, copied pixel by pixel into a new image (so no
    metadata goes along) and encoded: PNG when it has transparency, else JPEG."""
    image = ImageOps.exif_transpose(image)
    transparent = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    image = image.convert("RGBA" if transparent else "RGB")
    if square:
        image = ImageOps.fit(image, (box, box), Image.Resampling.LANCZOS)
    else:
        image.thumbnail((box, box), Image.Resampling.LANCZOS)
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    out = io.BytesIO()
    if transparent:
        clean.save(out, "PNG", optimize=True)
        extension = "png"
    else:
        clean.save(out, "JPEG", quality=85, optimize=True, progressive=True)
        extension = "jpg"
    return Picture(out.getvalue(), extension, clean.width, clean.height)
