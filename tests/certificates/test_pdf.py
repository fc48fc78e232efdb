"""The certificate PDF: what it says in both languages, its QR code, and its signature.

Rendering the page to an image needs poppler's `pdftoppm` (Debian: poppler-utils)."""

import hashlib
import io
import re
from datetime import date

import pytest
import zxingcpp
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pypdf import PdfReader

from certificates.models import EventKind
from certificates.rendering import bilingual_date
from tests import certificate_helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture
def pdf(certificate):
    return h.pdf_bytes(certificate)


def test_the_signed_pdf_is_stored_with_its_sha256(certificate, pdf):
    certificate.refresh_from_db()
    assert certificate.is_ready
    assert pdf.startswith(b"%PDF-")
    assert certificate.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    assert certificate.pdf_size == len(pdf)
    assert certificate.rendered_at is not None
    assert (certificate.render_attempts, certificate.last_render_error) == (1, "")
    # A name made by the server: nothing of the business or product in it.
    assert re.fullmatch(rf"certificates/{certificate.year}/[\w-]{{20,}}\.pdf", certificate.pdf.name)
    rendered = certificate.events.get(kind=EventKind.RENDERED)
    assert rendered.detail == certificate.pdf_sha256
    assert rendered.actor is None


def test_the_pdf_is_one_a4_page_in_both_languages(certificate, pdf, office):
    text = h.pdf_text(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points

    for expected in (
        certificate.number,
        "Sambal Bu Rini",
        "Sambal Pecel Bu Rini",
        "21039090",
        certificate.office_name.upper(),  # the issuing office heads the page
        # Indonesian
        "SERTIFIKAT KESIAPAN EKSPOR",
        "Pasar tujuan",
        "Berlaku sampai dengan",
        "Jepang",
        "Pejabat Penerbit Sertifikat",
        # English
        "Export Readiness Certificate",
        "Target markets",
        "Valid until",
        "Japan",
        "Certifying Officer",
        certificate.grade_id_label,
        certificate.grade_en_label,
        certificate.officer_name,
        certificate.verification_url,
    ):
        assert expected in text, expected


def test_dates_are_printed_in_both_languages():
    assert bilingual_date(date(2026, 3, 12)) == {"id": "12 Maret 2026", "en": "12 March 2026"}


def test_the_qr_code_opens_the_verification_page(certificate, pdf, settings):
    image = h.first_page_image(pdf)
    codes = zxingcpp.read_barcodes(image)
    assert [code.text for code in codes] == [certificate.verification_url]
    assert certificate.verification_url == (
        f"{settings.SITE_URL}/verify/{certificate.verification_code}/"
    )


def test_the_signature_is_intact_and_trusted(pdf, signing_key):
    status = h.signature_status(pdf, h.trusted_certificate(signing_key))
    assert status.intact
    assert status.valid
    assert status.trusted
    assert status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.md_algorithm == "sha256"


def test_a_one_byte_change_breaks_the_signature(pdf, signing_key):
    # A byte inside the first content stream, which the signature covers.
    start = pdf.index(b"stream\n") + len(b"stream\n")
    tampered = bytearray(pdf)
    tampered[start + 10] ^= 0x01
    status = h.signature_status(bytes(tampered), h.trusted_certificate(signing_key))
    assert not status.intact
    assert not status.bottom_line


def test_an_untrusted_key_is_not_trusted(pdf, tmp_path):
    other = h.make_signing_key(tmp_path)
    status = h.signature_status(pdf, h.trusted_certificate(other))
    assert status.intact  # the file is as signed ...
    assert not status.trusted  # ... but not by a key we trust
    assert not status.bottom_line
