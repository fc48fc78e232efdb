"""Helpers for the certificate tests: a signing key, a certified application with its
rendered PDF, a shipment of it, and reading a PDF back (text, QR code, signature)."""

import io
import subprocess
import tempfile
import threading
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.core.management import call_command
from django.db import connection
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from certificates.models import Certificate, Shipment
from certificates.shipments import shipment_create
from curation import services
from products.models import Market

# Not the development key's name: the suite runs with DEBUG off, where production refuses
# to sign with the development key; this one stands in for an office's own certificate.
TEST_SIGNER = "Siap Ekspor test signer"


def make_signing_key(directory: Path) -> Path:
    path = Path(directory) / "test-signing.p12"
    call_command("create_signing_key", path=str(path), common_name=TEST_SIGNER, verbosity=0)
    return path


def trusted_certificate(key_path: Path) -> asn1_x509.Certificate:
    """The self-signed certificate made beside the key, as a validation trust root."""
    pem = Path(key_path).with_suffix(".pem").read_bytes()
    from cryptography import x509

    der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
    return asn1_x509.Certificate.load(der)


def certify(office, application, capture, *, render=True) -> Certificate:
    """Certify `application` (awaiting certification) as the office's officer; with
    `render`, run what the commit would run (the immediate task backend renders)."""
    with capture(execute=render):
        services.application_certify(application=application, by=office.officer)
    return Certificate.objects.get(application=application)


def pdf_bytes(certificate: Certificate) -> bytes:
    certificate.refresh_from_db()
    with certificate.pdf.open("rb") as handle:
        return handle.read()


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def signature_status(data: bytes, trust_root):
    reader = PdfFileReader(io.BytesIO(data))
    (signature,) = reader.embedded_signatures
    return validate_pdf_signature(signature, ValidationContext(trust_roots=[trust_root]))


def first_page_image(data: bytes, dpi: int = 150) -> Image.Image:
    """The first page as an image, rendered by poppler's pdftoppm (a system package:
    poppler-utils)."""
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / "certificate.pdf"
        source.write_bytes(data)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                str(dpi),
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(source),
                str(Path(directory) / "page"),
            ],
            check=True,
            timeout=60,
        )
        with Image.open(Path(directory) / "page.png") as image:
            return image.convert("RGB")


LINES = [
    {
        "description": "Sambal pecel 250 g jar",
        "quantity": "1200",
        "unit": "jar",
        "unit_price": "2.40",
    },
    {
        "description": "Sambal pecel 500 g pouch",
        "quantity": "300",
        "unit": "pouch",
        "unit_price": "3.15",
    },
]
CARTONS = [
    {
        "count": 50,
        "net_kg": "7.5",
        "gross_kg": "8.9",
        "length_cm": "40",
        "width_cm": "30",
        "height_cm": "25",
    },
    {
        "count": 10,
        "net_kg": "7.5",
        "gross_kg": "8.6",
        "length_cm": "40",
        "width_cm": "30",
        "height_cm": "20",
    },
]


def terms(**overrides):
    return {
        "buyer_name": "Tokyo Foods KK",
        "buyer_address": "1-2-3 Shibuya\nTokyo 150-0002",
        "buyer_country": "Japan",
        "market": Market.objects.get(key="jp"),
        "incoterm": "FOB",
        "port_of_loading": "Tanjung Perak, Surabaya",
        "port_of_discharge": "Tokyo",
        "currency": "USD",
        "lines": LINES,
        "cartons": CARTONS,
        **overrides,
    }


def record(certificate, by, capture, **overrides) -> Shipment:
    with capture(execute=True):
        shipment = shipment_create(certificate=certificate, by=by, **terms(**overrides))
    shipment.refresh_from_db()
    return shipment


def certify_all_at_once(applications, *, by) -> list[Exception]:
    """Certify every application from a thread of its own, all released together (each
    thread with its own database connection): what each refused, if anything."""
    barrier = threading.Barrier(len(applications))
    errors: list[Exception] = []

    def certify(application):
        try:
            barrier.wait(timeout=30)
            services.application_certify(application=application, by=by)
        except Exception as e:  # reported to the test
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=certify, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors
