"""Photos and logos are judged by their content, their pixels counted before anything is
decoded, their size before the file is read, and re-encoded without their metadata."""

import io
import struct
import time
import zlib

import pytest
from PIL import Image

from clusterloom.core.errors import DomainError
from clusterloom.core.uploads import picture_read, upload_read

from .test_evidence import minimal_pdf


def encoded(kind: str, size=(400, 300), mode="RGB", colour=(200, 30, 30), **options) -> bytes:
    """An image encoded by Pillow."""
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, kind, **options)
    return buffer.getvalue()


def refused(name: str, content: bytes, *, content_type="", field="photo") -> str:
    """The message a refused picture gets, checked to name the form's field."""
    with pytest.raises(DomainError) as error:
        picture_read(name, content, content_type=content_type, box=256, field=field)
    assert error.value.field == field
    return error.value.message


def png_claiming(width: int, height: int) -> bytes:
    """A tiny, valid-looking PNG whose header claims width × height pixels (a pixel bomb:
    a few bytes that would decode to gigabytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def test_a_photo_is_cropped_to_a_square_and_loses_its_metadata():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x8825] = {1: "N", 2: (50.0, 5.0, 0.0)}  # GPS latitude
    content = encoded("JPEG", size=(1200, 800), exif=exif.tobytes(), comment=b"secret note")
    assert b"PhoneMaker" in content and b"secret note" in content

    picture = picture_read("me.JPG", content, content_type="image/jpeg", box=256, square=True)

    assert (picture.extension, picture.width, picture.height) == ("jpg", 256, 256)
    assert b"PhoneMaker" not in picture.content and b"secret note" not in picture.content
    with Image.open(io.BytesIO(picture.content)) as image:
        assert image.format == "JPEG" and image.size == (256, 256)
        assert not image.getexif() and "comment" not in image.info
        assert image.getpixel((128, 128))[0] > 180  # still the red it was


def test_a_photo_taken_sideways_is_turned_upright():
    image = Image.new("RGB", (300, 200), (0, 0, 255))
    image.paste((255, 255, 0), (0, 0, 300, 20))  # a yellow band along the top edge
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: show rotated 90° clockwise
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())

    picture = picture_read("side.jpg", buffer.getvalue(), box=512)

    assert (picture.width, picture.height) == (200, 300)
    with Image.open(io.BytesIO(picture.content)) as upright:
        assert not upright.getexif()
        red, green, blue = upright.getpixel((190, 150))  # the band is now on the right
        assert red > 200 and green > 200 and blue < 80


def test_a_logo_keeps_its_shape_and_transparency():
    content = encoded("PNG", size=(1600, 400), mode="RGBA", colour=(20, 60, 120, 0))
    picture = picture_read("logo.png", content, content_type="image/png", box=512, field="logo")
    assert (picture.extension, picture.width, picture.height) == ("png", 512, 128)
    with Image.open(io.BytesIO(picture.content)) as image:
        assert image.mode == "RGBA" and image.getpixel((10, 10))[3] == 0


def test_a_webp_image_is_accepted_and_a_small_one_not_enlarged():
    picture = picture_read("logo.webp", encoded("WEBP", size=(120, 60)), box=512, field="logo")
    assert (picture.extension, picture.width, picture.height) == ("jpg", 120, 60)


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("photo.jpg", minimal_pdf(), "photo.jpg is a PDF document; upload a JPEG, PNG or WebP"),
        ("photo.png", b"<html><body>hi</body></html>", "photo.png is an HTML page; upload"),
        ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "is an XML or SVG file;"),
        ("photo.jpg", b"GIF89a" + b"\x00" * 40, "photo.jpg is a GIF image; upload a JPEG"),
        ("photo.jpg", b"MZ\x90\x00" + b"\x00" * 60, "is a Windows program; upload a JPEG"),
        ("photo.jpg", b"", "photo.jpg is empty."),
    ],
)
def test_content_that_is_no_picture_is_refused_whatever_its_name(name, content, words):
    assert words in refused(name, content)


def test_a_name_or_declared_type_that_disagrees_with_the_content_is_refused():
    png = encoded("PNG")
    assert "logo.jpg is a PNG image, but its name ends in .jpg" in refused("logo.jpg", png)
    message = refused("logo.png", png, content_type="image/jpeg")
    assert "logo.png is a PNG image, but was sent as image/jpeg" in message
    assert picture_read("logo.png", png, content_type="image/png", box=64).extension == "jpg"


def test_a_damaged_or_truncated_picture_is_refused():
    jpeg = encoded("JPEG", size=(600, 400))
    assert "a JPEG image that cannot be read; it is damaged" in refused("a.jpg", jpeg[:-400])
    png = encoded("PNG", size=(300, 200))
    broken = png[:60] + bytes(b ^ 0xFF for b in png[60:70]) + png[70:]
    assert "a PNG image that cannot be read; it is damaged" in refused("a.png", broken)
    webp = encoded("WEBP", size=(300, 200))
    assert "a WebP image that cannot be read" in refused("a.webp", webp[: len(webp) // 2])


def test_a_pixel_bomb_is_refused_from_its_header_without_decoding(settings):
    bomb = png_claiming(50_000, 50_000)
    assert len(bomb) < 200
    started = time.process_time()
    message = refused("bomb.png", bomb)
    assert time.process_time() - started < 0.5
    assert "bomb.png has more than 40,000,000 pixels; upload a smaller picture." in message
    # Below Pillow's own guard too: the operator's limit holds.
    settings.UPLOAD_IMAGE_MAX_PIXELS = 100_000
    assert "more than 100,000 pixels" in refused("big.jpg", encoded("JPEG", size=(400, 300)))
    # Pillow's own warning zone (above Image.MAX_IMAGE_PIXELS, below twice that) is refused too.
    settings.UPLOAD_IMAGE_MAX_PIXELS = 10**12
    message = refused("bomb.png", png_claiming(10_000, 10_000))
    assert f"more than {Image.MAX_IMAGE_PIXELS:,} pixels" in message


def test_a_picture_over_the_size_limit_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 10_000
    noisy = Image.effect_noise((300, 300), 120).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, "PNG")
    assert len(buffer.getvalue()) > 10_000
    assert "pictures may be at most 9 KB" in refused("big.png", buffer.getvalue())


class Upload(io.BytesIO):
    """An uploaded file that says how large it is and how much was read of it."""

    def __init__(self, content: bytes, size: int):
        super().__init__(content)
        self.size = size
        self.read_bytes = 0

    def read(self, n=-1):
        data = super().read(n)
        self.read_bytes += len(data)
        return data


def test_an_upload_over_the_limit_is_refused_before_it_is_read(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    declared = Upload(b"x" * 5000, size=5000)
    with pytest.raises(DomainError) as error:
        upload_read(declared, field="photo")
    assert declared.read_bytes == 0
    assert error.value.field == "photo" and "too large (5 KB; at most 1000 B)" in str(error.value)
    # A client that declares less than it sends: never more than the limit and a byte is read.
    lying = Upload(b"x" * 50_000, size=10)
    with pytest.raises(DomainError):
        upload_read(lying, field="photo")
    assert lying.read_bytes == 1001
    assert upload_read(Upload(b"x" * 1000, size=1000)) == b"x" * 1000
