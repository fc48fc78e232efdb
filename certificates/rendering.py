"""The printed documents: bilingual HTML rendered to PDF by WeasyPrint. Here the
certificate and a shipment's pro-forma invoice and packing list; the export dossier's
sheets are in `dossier`. Storing the results is `storing`.

Rendering reads only the certificate row (what was certified, copied at issue), so a
certificate rendered again later would say the same thing. Nothing is fetched from the
network: the QR code is inline SVG, photos are data: URIs and the fonts come from the
system (DejaVu). Every printed document (certificate, dossier, shipment papers) goes
through `write_pdf`, which uses one WeasyPrint font configuration per process
(`font_configuration`) rather than a new one per document.
"""

import os
import threading
from typing import TYPE_CHECKING

import segno
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.safestring import mark_safe

from certificates.models import Certificate, Shipment

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration

# Only inline data may be loaded while rendering; anything else stops the render.
_FETCHER_OPTIONS = {"allowed_protocols": {"data"}, "fail_on_errors": True}


def qr_svg(url: str) -> str:
    """The QR code for `url` as an inline SVG element (medium error correction, so a
    creased or stamped print still scans)."""
    qr = segno.make(url, error="m", micro=False)
    return qr.svg_inline(scale=4, border=0, dark="#111111", omitsize=True)


def bilingual_date(value) -> dict[str, str]:
    """The date in each language's long format (config/formats/): "2 Desember 2026" and
    "2 December 2026"."""
    result = {}
    for language in ("id", "en"):
        with translation.override(language):
            result[language] = formats.date_format(value, "DATE_FORMAT")
    return result


def certificate_context(certificate: Certificate) -> dict:
    region = certificate.region
    url = certificate.verification_url
    # In the name of its office, as copied at issue (a later edit of the office changes
    # nothing here); one issued before offices existed, in its region's, as then.
    return {
        "certificate": certificate,
        "region": region,
        "issuer": certificate.issuer_name,
        "issuer_id": certificate.office_name or f"Pemerintah {region.name}",
        "letterhead": [line for line in certificate.office_letterhead.splitlines() if line.strip()],
        # Where it was signed, before offices: the region (an office's letterhead says).
        "place": "" if certificate.office_name else region.name,
        "issued": bilingual_date(timezone.localdate(certificate.issued_at)),
        "valid_until": bilingual_date(certificate.valid_until),
        "markets_id": ", ".join(m["id"] for m in certificate.markets),
        "markets_en": ", ".join(m["en"] for m in certificate.markets),
        "verification_url": url,
        # segno's own markup of our own URL: nothing a user typed.
        "qr_svg": mark_safe(qr_svg(url)),
    }


def render_certificate_html(certificate: Certificate) -> str:
    # Bilingual by layout (each label in both languages), so the active language must not
    # change what is printed.
    with translation.override("id"):
        return render_to_string("pdf/certificate.html", certificate_context(certificate))


# The process's font configuration, made on its first render (see `font_configuration`),
# with the id of the process that made it.
_font_config: "FontConfiguration | None" = None
_font_config_pid = 0
_font_config_lock = threading.Lock()


def font_configuration() -> "FontConfiguration":
    """The WeasyPrint `FontConfiguration` every render of this process uses.

    WeasyPrint makes a new one per document unless given one: each loads fontconfig's
    configuration and the system's fonts into a new Pango font map, which costs time on
    every render and memory that a long-lived worker never gets back. One per process
    keeps both flat. Made on first use (the web processes, which never render, never pay
    for it), under a lock so two threads do not both make one; a process forked after
    making it (a pre-loading server) makes its own rather than share Pango objects with
    its parent. The documents use only the system's fonts (no @font-face), so the
    configuration holds nothing of one document that another could see. Rendering itself
    runs in single-threaded processes (task workers, `issue_pending`, gunicorn's sync
    workers), never two renders at once over the same configuration.
    """
    global _font_config, _font_config_pid
    pid = os.getpid()
    if _font_config is None or _font_config_pid != pid:
        with _font_config_lock:
            if _font_config is None or _font_config_pid != pid:
                from weasyprint.text import fonts

                _font_config = fonts.FontConfiguration()
                _font_config_pid = pid
    return _font_config


def write_pdf(html: str, *, identifier: bytes) -> bytes:
    """Render `html` to PDF. `identifier` (the document's number) makes the PDF's file
    identifier, so the same HTML always gives the same bytes."""
    # Imported here, not at the top: WeasyPrint takes half a second or more and some 25 MB
    # to load, and only the processes that render (task workers, `issue_pending`) need it,
    # not every web process that issues a certificate or records a shipment.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    document = HTML(string=html, url_fetcher=URLFetcher(**_FETCHER_OPTIONS))
    return document.write_pdf(
        pdf_identifier=identifier, custom_metadata=False, font_config=font_configuration()
    )


def render_certificate_pdf(certificate: Certificate) -> bytes:
    """The unsigned PDF."""
    return write_pdf(render_certificate_html(certificate), identifier=certificate.number.encode())


# A shipment's papers.


def _shipment_context(shipment: Shipment) -> dict:
    certificate = shipment.certificate
    business = certificate.product.business
    return {
        "shipment": shipment,
        "certificate": certificate,
        "seller": {
            "name": certificate.business_name,
            "address": business.address,
            "nib": business.nib,
            "email": business.email,
            "phone": business.phone,
        },
        "lines": list(shipment.lines.all()),
        "cartons": list(shipment.cartons.all()),
        "date": bilingual_date(timezone.localdate(shipment.created_at)),
        "market": shipment.market,
        "verification_url": certificate.verification_url,
    }


def render_invoice_pdf(shipment: Shipment) -> bytes:
    with translation.override("id"):
        html = render_to_string("pdf/invoice.html", _shipment_context(shipment))
    return write_pdf(html, identifier=shipment.number.encode())


def render_packing_list_pdf(shipment: Shipment) -> bytes:
    with translation.override("id"):
        html = render_to_string("pdf/packing_list.html", _shipment_context(shipment))
    return write_pdf(html, identifier=shipment.packing_list_number.encode())
