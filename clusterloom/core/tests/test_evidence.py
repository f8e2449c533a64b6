"""Evidence uploads for closing reports are judged by their content, not their name."""

import io
import os

import pytest
from PIL import Image

from clusterloom.core.evidence import (
    DESCRIPTIONS,
    MESSAGES,
    EvidenceRejected,
    evidence_kind,
)

LIMIT = 10 * 1024 * 1024


def minimal_pdf() -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def image(kind: str, size=(40, 30), noise=False) -> bytes:
    """A small image encoded by Pillow."""
    if noise:
        picture = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        picture = Image.new("RGB", size, (200, 30, 30))
    buffer = io.BytesIO()
    picture.save(buffer, kind)
    return buffer.getvalue()


def rejected(name: str, content: bytes, max_bytes: int = LIMIT) -> EvidenceRejected:
    """The rejection of an upload, checked to concern the file field."""
    with pytest.raises(EvidenceRejected) as error:
        evidence_kind(name, content, max_bytes=max_bytes)
    assert error.value.field == "file"
    return error.value


def test_a_real_pdf_is_accepted():
    assert evidence_kind("boarding-pass.pdf", minimal_pdf(), max_bytes=LIMIT) == "pdf"


@pytest.mark.parametrize("name", ["invoice.png", "INVOICE.PNG", "invoice"])
def test_a_png_is_accepted(name):
    assert evidence_kind(name, image("PNG"), max_bytes=LIMIT) == "png"


@pytest.mark.parametrize("name", ["hotel.jpg", "hotel.jpeg", "Hotel.JPG", "Scan 12.03.2026"])
def test_a_jpeg_is_accepted(name):
    assert evidence_kind(name, image("JPEG"), max_bytes=LIMIT) == "jpeg"


def test_a_file_of_exactly_the_limit_is_accepted():
    content = minimal_pdf()
    assert evidence_kind("a.pdf", content, max_bytes=len(content)) == "pdf"


def test_a_png_renamed_pdf_is_refused_saying_what_it_is():
    error = rejected("report.pdf", image("PNG"))
    assert error.code == "extension_mismatch"
    assert str(error).startswith("report.pdf is a PNG image, but its name ends in .pdf")


def test_a_pdf_renamed_jpg_is_refused():
    assert str(rejected("C:\\fakepath\\ticket.jpg", minimal_pdf())).startswith(
        "ticket.jpg is a PDF document"
    )


def test_an_html_page_renamed_pdf_is_refused_as_an_html_page():
    page = b"\xef\xbb\xbf\n<!DOCTYPE html><html><body>Your boarding pass</body></html>"
    error = rejected("boarding-pass.pdf", page)
    assert error.code == "not_allowed"
    assert str(error) == "boarding-pass.pdf is an HTML page; upload a PDF, JPEG or PNG file."


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"PK\x03\x04" + bytes(100), "a ZIP archive"),
        (image("GIF"), "a GIF image"),
        (b"Just some notes about the trip\n", "a text file"),
        (b"\x00\x01\x02\x03\xfe\xfd binary", "a file of an unknown type"),
    ],
)
def test_other_content_is_refused_saying_what_it_looks_like(content, words):
    error = rejected("evidence.pdf", content)
    assert error.code == "not_allowed"
    assert words in str(error)


def test_an_empty_file_is_refused():
    error = rejected("ticket.pdf", b"")
    assert error.code == "empty"
    assert str(error) == "ticket.pdf is empty."


def test_a_file_over_the_limit_is_refused_with_size_and_limit_in_mb():
    content = minimal_pdf() + b" " * (LIMIT + 1)
    error = rejected("ticket.pdf", content)
    assert error.code == "too_large"
    assert str(error) == "ticket.pdf is 10.1 MB; files may be at most 10 MB."


def test_one_byte_over_a_small_limit_still_reads_as_over():
    padded = minimal_pdf().ljust(1025, b"\n")
    assert str(rejected("a.pdf", padded, max_bytes=1024)).endswith(
        "2 KB; files may be at most 1 KB."
    )
    content = minimal_pdf()
    assert str(rejected("a.pdf", content, max_bytes=len(content) - 1)).endswith(
        f"is {len(content)} B; files may be at most {len(content) - 1} B."
    )


def test_a_truncated_pdf_is_refused():
    content = minimal_pdf()
    error = rejected("invoice.pdf", content[: len(content) // 2])
    assert error.code == "pdf_truncated"
    assert "incomplete" in str(error)


def test_a_png_with_valid_magic_and_garbage_after_is_refused():
    error = rejected("receipt.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20)
    assert error.code == "image_broken"
    assert str(error) == "receipt.png is a PNG image that cannot be read; it is damaged."


def test_a_png_with_a_damaged_chunk_is_refused():
    content = bytearray(image("PNG", noise=True))
    content[len(content) // 2] ^= 0xFF  # inside the image data: its checksum no longer fits
    assert rejected("receipt.png", bytes(content)).code == "image_broken"


def test_a_truncated_jpeg_is_refused():
    content = image("JPEG", size=(300, 200), noise=True)
    assert rejected("receipt.jpg", content[: len(content) // 2]).code == "image_broken"


def test_a_truncated_jpeg_is_refused_even_after_weasyprint_is_imported(monkeypatch):
    """WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES globally; the check must not rely on it."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    content = image("JPEG", size=(300, 200), noise=True)
    assert rejected("receipt.jpg", content[: len(content) // 2]).code == "image_broken"
    assert evidence_kind("receipt.jpg", content, max_bytes=LIMIT) == "jpeg"


def test_rejections_translate_the_message_and_the_description():
    german = {
        MESSAGES[
            "extension_mismatch"
        ]: "%(name)s ist %(looks_like)s, endet aber auf .%(extension)s.",
        DESCRIPTIONS["png"]: "ein PNG-Bild",
    }
    error = rejected("report.pdf", image("PNG"))
    assert error.message(lambda s: german.get(s, s)) == (
        "report.pdf ist ein PNG-Bild, endet aber auf .pdf."
    )
