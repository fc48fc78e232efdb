"""Uploaded documents: what a file is comes from its content, never from its name or the
browser's claim; oversized, empty, executable and decompression-bomb files are refused;
the stored name is made by the server."""

import hashlib
import io
import re
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile

from products.models import Document, DocumentType
from products.uploads import MAX_IMAGE_PIXELS, inspect_upload, server_file_name
from tests import factories as f

PDF = f.PDF_BYTES


def image_bytes(image_format: str, size=(16, 12)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 60)).save(buffer, format=image_format)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A real 1x1 PNG made by Pillow whose header then claims `width` x `height` pixels.

    The file stays about 70 bytes: only a decoder that trusted the header and allocated
    the pixels would notice the lie, which is what a decompression bomb counts on.
    """
    png = bytearray(f.png_bytes(size=(1, 1)))
    # Signature (8 bytes), IHDR length (4) and type (4), then width and height.
    assert png[12:16] == b"IHDR"
    png[16:24] = struct.pack(">II", width, height)
    png[29:33] = struct.pack(">I", zlib.crc32(bytes(png[12:29])))
    return bytes(png)


def upload(content: bytes, name="scan.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def refusal_of(uploaded) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        inspect_upload(uploaded)
    return refused.value


@pytest.fixture
def no_pixel_decoding(monkeypatch):
    """Fail the test if Pillow starts decoding pixels."""

    def load(self):
        raise AssertionError(f"Pillow decoded a {self.size[0]}x{self.size[1]} image")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)


ACCEPTED = [
    ("application/pdf", ".pdf", PDF),
    ("image/jpeg", ".jpg", image_bytes("JPEG")),
    ("image/png", ".png", image_bytes("PNG")),
    ("image/webp", ".webp", image_bytes("WEBP")),
]


@pytest.mark.parametrize(("content_type", "extension", "content"), ACCEPTED)
def test_a_pdf_or_image_is_accepted_with_its_type_size_and_sha256(content_type, extension, content):
    # Named and labelled as something else by the browser: only the content counts.
    uploaded = upload(content, name="document.bin", content_type="application/octet-stream")

    inspected = inspect_upload(uploaded)

    assert inspected.content_type == content_type
    assert inspected.size == len(content)
    assert inspected.sha256 == hashlib.sha256(content).hexdigest()
    assert uploaded.name == f"upload{extension}"
    assert uploaded.read() == content  # left at the start for the storage to save


def test_a_png_named_and_labelled_as_pdf_is_stored_as_the_png_it_is():
    uploaded = upload(f.png_bytes(), name="npwp.pdf", content_type="application/pdf")
    assert inspect_upload(uploaded).content_type == "image/png"
    assert uploaded.name == "upload.png"


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"\x7fELF\x02\x01\x01\x00" + bytes(56) + b"\x00" * 200, id="elf-executable"),
        pytest.param(
            b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200 + b"PE\x00\x00", id="windows-exe"
        ),
        pytest.param(b"#!/bin/sh\nrm -rf --no-preserve-root /\n", id="shell-script"),
        pytest.param(b"<html><script>alert(1)</script></html>", id="html"),
        pytest.param(b"PK\x03\x04" + b"\x00" * 100, id="zip"),
    ],
)
def test_a_renamed_executable_or_other_file_named_pdf_is_refused(content):
    refusal = refusal_of(upload(content, name="NIB.pdf"))
    assert refusal.code == "bad_type"
    assert "Only PDF, JPEG, PNG and WebP files are accepted" in refusal.messages[0]


def test_an_empty_file_is_refused():
    refusal = refusal_of(upload(b"", name="NIB.pdf"))
    assert refusal.code == "empty"
    assert refusal.messages == ["The file is empty."]


def test_a_file_over_the_size_limit_is_refused_saying_both_sizes(settings):
    settings.UPLOAD_MAX_BYTES = 2 * 1_048_576
    content = PDF + b"%" * (settings.UPLOAD_MAX_BYTES - len(PDF) + 1)

    refusal = refusal_of(upload(content))

    assert refusal.code == "too_large"
    # 2 MB + 1 byte is shown rounded up, the limit rounded down, so the two never look equal.
    assert refusal.messages == ["The file is 2.1 MB; the largest accepted is 2 MB."]


def test_a_file_of_exactly_the_size_limit_is_accepted(settings):
    settings.UPLOAD_MAX_BYTES = 1_048_576
    content = PDF + b"%" * (settings.UPLOAD_MAX_BYTES - len(PDF))
    assert inspect_upload(upload(content)).size == settings.UPLOAD_MAX_BYTES


@pytest.mark.parametrize(
    ("width", "height"),
    [
        # Past Pillow's own bomb limit (2 x 89.5 million pixels): Pillow refuses on open.
        (20_000, 20_000),
        # Past Pillow's warning limit (89.5 million pixels): the warning is made an error.
        (10_000, 10_000),
        # Past our lower limit but not Pillow's: we refuse from the header.
        (7_000, 7_000),
        (MAX_IMAGE_PIXELS + 1, 1),
    ],
)
def test_an_image_bomb_is_refused_from_its_header_without_decoding(
    no_pixel_decoding, width, height
):
    content = png_claiming(width, height)
    assert len(content) < 100

    refusal = refusal_of(upload(content, name="photo.png", content_type="image/png"))

    assert refusal.code == "too_many_pixels"
    assert "please send a smaller one" in refusal.messages[0]


def test_an_image_of_exactly_the_pixel_limit_is_accepted_without_decoding(no_pixel_decoding):
    content = png_claiming(MAX_IMAGE_PIXELS // 1000, 1000)
    inspected = inspect_upload(upload(content, name="photo.png", content_type="image/png"))
    assert inspected.content_type == "image/png"


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(f.png_bytes()[:40], id="truncated-png"),
        pytest.param(image_bytes("JPEG")[:30], id="truncated-jpeg"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, id="png-signature-only"),
    ],
)
def test_a_damaged_image_is_refused(content):
    refusal = refusal_of(upload(content, name="photo.png", content_type="image/png"))
    assert refusal.code == "broken"
    assert refusal.messages == ["The image is damaged and cannot be read."]


@pytest.mark.parametrize(
    ("hostile_name", "suffix"),
    [
        ("../../etc/passwd.pdf", ".pdf"),
        ("..\\..\\windows\\win.ini.pdf", ".pdf"),
        ("/etc/cron.d/evil.PDF", ".pdf"),
        ("nib.pdf.php", ""),
        ("<script>.png", ".png"),
        ("a" * 300 + ".pdf", ".pdf"),
    ],
)
def test_server_file_name_keeps_nothing_of_a_hostile_name_but_an_accepted_extension(
    hostile_name, suffix
):
    name = server_file_name("documents/7", hostile_name)
    # Folder, upload year and month, 16 random bytes in URL-safe base64 (22 characters).
    assert re.fullmatch(r"documents/7/\d{4}/\d{2}/[A-Za-z0-9_-]{22}" + re.escape(suffix), name)


@pytest.mark.django_db
def test_a_hostile_file_name_is_replaced_by_a_server_made_one_under_documents():
    business = f.BusinessFactory()
    member = f.make_member(business)
    uploaded = upload(PDF, name="../../etc/passwd.pdf")
    inspected = inspect_upload(uploaded)

    document = Document.objects.create(
        business=business,
        kind=DocumentType.objects.get(key="nib"),
        number=f.VALID_NUMBERS["nib"],
        file=uploaded,
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        uploaded_by=member,
    )

    document.refresh_from_db()
    assert document.file.name.startswith(f"documents/{business.pk}/")
    assert document.file.name.endswith(".pdf")
    assert "passwd" not in document.file.name and ".." not in document.file.name
    with default_storage.open(document.file.name) as stored:
        assert stored.read() == PDF
