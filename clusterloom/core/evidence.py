"""Uploaded documents (evidence, certificates): judged by content, not by name; pure."""

from __future__ import annotations

import io
import math

from PIL import Image


def gettext_noop(s: str) -> str:
    """Mark a message for makemessages without translating it here."""
    return s


ALLOWED = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
#: File-name extensions that fit each allowed kind.
EXTENSIONS = {"pdf": {"pdf"}, "jpeg": {"jpg", "jpeg", "jpe", "jfif"}, "png": {"png"}}
#: Pillow's names for the allowed image kinds (MPO: the JPEG variant some cameras write).
PILLOW_FORMATS = {"jpeg": {"JPEG", "MPO"}, "png": {"PNG"}}
MB = 1024 * 1024
#: A PDF ends with %%EOF, possibly followed by a little whitespace or junk (PDF 1.7, 7.5.5).
PDF_TAIL = 1024

#: What a file looks like, for messages; the first match in this order wins.
SIGNATURES = (
    ("pdf", 0, b"%PDF-"),
    ("jpeg", 0, b"\xff\xd8\xff"),
    ("png", 0, b"\x89PNG\r\n\x1a\n"),
    ("zip", 0, b"PK\x03\x04"),
    ("office", 0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
    ("gif", 0, b"GIF8"),
    ("tiff", 0, b"II*\x00"),
    ("tiff", 0, b"MM\x00*"),
    ("bmp", 0, b"BM"),
    ("heic", 4, b"ftypheic"),
    ("heic", 4, b"ftypmif1"),
    ("gzip", 0, b"\x1f\x8b"),
    ("rar", 0, b"Rar!"),
    ("7z", 0, b"7z\xbc\xaf\x27\x1c"),
    ("exe", 0, b"MZ"),
)
DESCRIPTIONS = {
    "pdf": gettext_noop("a PDF document"),
    "jpeg": gettext_noop("a JPEG image"),
    "png": gettext_noop("a PNG image"),
    "zip": gettext_noop("a ZIP archive (or a Word, Excel or OpenDocument file)"),
    "office": gettext_noop("an old Microsoft Office document"),
    "gif": gettext_noop("a GIF image"),
    "tiff": gettext_noop("a TIFF image"),
    "bmp": gettext_noop("a BMP image"),
    "webp": gettext_noop("a WebP image"),
    "heic": gettext_noop("a HEIC photo"),
    "gzip": gettext_noop("a gzip archive"),
    "rar": gettext_noop("a RAR archive"),
    "7z": gettext_noop("a 7-Zip archive"),
    "exe": gettext_noop("a Windows program"),
    "html": gettext_noop("an HTML page"),
    "xml": gettext_noop("an XML or SVG file"),
    "text": gettext_noop("a text file"),
    "unknown": gettext_noop("a file of an unknown type"),
}
MESSAGES = {
    "empty": gettext_noop("%(name)s is empty."),
    "too_large": gettext_noop("%(name)s is %(size)s; files may be at most %(limit)s."),
    "image_too_many_pixels": gettext_noop(
        "%(name)s has too many pixels to be checked; upload a smaller image or a PDF."
    ),
    "not_allowed": gettext_noop("%(name)s is %(looks_like)s; upload a PDF, JPEG or PNG file."),
    "extension_mismatch": gettext_noop(
        "%(name)s is %(looks_like)s, but its name ends in .%(extension)s; rename it or upload "
        "the right file."
    ),
    "pdf_truncated": gettext_noop(
        "%(name)s is an incomplete PDF document (its end is missing); upload it again."
    ),
    "image_broken": gettext_noop("%(name)s is %(looks_like)s that cannot be read; it is damaged."),
}


class EvidenceRejected(ValueError):
    """An upload that is not acceptable evidence; `message()` says why, `field` is "file"."""

    field = "file"

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(self.message())

    def message(self, gettext=lambda s: s) -> str:
        """The reason in the language `gettext` translates to (English by default)."""
        params = dict(self.params)
        if "looks_like" in params:
            params["looks_like"] = gettext(DESCRIPTIONS[params["looks_like"]])
        return gettext(MESSAGES[self.code]) % params


def split_name(name: str) -> tuple[str, str | None]:
    """The base name, and its extension when that looks like one ("pdf", not "2026")."""
    shown = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip() or "The file"
    stem, dot, extension = shown.rpartition(".")
    extension = extension.lower()
    if dot and stem and extension.isalnum() and not extension.isdigit() and len(extension) <= 5:
        return shown, extension
    return shown, None


def looks_like(content: bytes) -> str:
    """A key of DESCRIPTIONS for what the content appears to be, judged by its first bytes."""
    for kind, offset, magic in SIGNATURES:
        if content[offset : offset + len(magic)] == magic:
            return kind
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp"
    head = content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return "html"
    if head.startswith((b"<?xml", b"<svg")):
        return "xml"
    try:
        content[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return "unknown"
    return "text" if b"\x00" not in content[:4096] else "unknown"


def size_text(size: int, *, up: bool) -> str:
    """A size as "12.3 MB", "48 KB" or "500 B", rounded up or down so a comparison stays true."""
    rounding = math.ceil if up else math.floor
    if size >= MB // 10:
        tenths = rounding(size * 10 / MB) / 10
        return f"{int(tenths)} MB" if tenths.is_integer() else f"{tenths:.1f} MB"
    if size >= 1024:
        return f"{rounding(size / 1024)} KB"
    return f"{size} B"


def _image_problem(content: bytes, kind: str) -> str | None:
    """Why Pillow cannot take the image for `kind` and decode it to the end; None if it can."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format not in PILLOW_FORMATS[kind]:
                return "image_broken"
            image.verify()  # PNG: every chunk's checksum; a JPEG needs the decode below
        if kind == "jpeg":
            # A whole JPEG ends with the EOI marker (camera files may add a little padding).
            # Checked here because Pillow pads a truncated file silently once
            # ImageFile.LOAD_TRUNCATED_IMAGES is set, and WeasyPrint sets it on import.
            if b"\xff\xd9" not in content[-1024:]:
                return "image_broken"
            with Image.open(io.BytesIO(content)) as image:
                image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
                image.load()  # decoding at 1/8 scale still reads every scan, cheaply
    except Image.DecompressionBombError:
        return "image_too_many_pixels"
    except Exception:  # Pillow raises many types on malformed input; all mean "damaged"
        return "image_broken"
    return None


def evidence_kind(name: str, content: bytes, *, max_bytes: int) -> str:
    """The kind ("pdf", "jpeg" or "png") of an evidence upload, or EvidenceRejected."""
    shown, extension = split_name(name)
    if not content:
        raise EvidenceRejected("empty", name=shown)
    if len(content) > max_bytes:
        raise EvidenceRejected(
            "too_large",
            name=shown,
            size=size_text(len(content), up=True),
            limit=size_text(max_bytes, up=False),
        )
    kind = looks_like(content)
    if kind not in ALLOWED:
        raise EvidenceRejected("not_allowed", name=shown, looks_like=kind)
    if extension is not None and extension not in EXTENSIONS[kind]:
        raise EvidenceRejected(
            "extension_mismatch", name=shown, looks_like=kind, extension=extension
        )
    if kind == "pdf":
        if b"%%EOF" not in content[-PDF_TAIL:]:
            raise EvidenceRejected("pdf_truncated", name=shown)
    else:
        problem = _image_problem(content, kind)
        if problem:
            raise EvidenceRejected(problem, name=shown, looks_like=kind)
    return kind
