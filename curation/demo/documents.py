"""The demo's documents: small, real PDFs and PNG photos, uploaded and checked like any
upload. Made here rather than stored, so their dates and P-IRT numbers follow the day of
seeding."""

import io
import textwrap
from datetime import date

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from curation.demo.specs import DemoProduct, Doc
from products.models import Business, Document, DocumentType
from products.uploads import inspect_upload

DEMO_NOTICE = (
    "DOKUMEN CONTOH UNTUK DEMO SIAP EKSPOR - BUKAN DOKUMEN RESMI.",
    "Demo data for Siap Ekspor - not a real document.",
)


def ensure_document(
    business: Business, product, doc: Doc, uploader, *, spec: DemoProduct | None, always=False
) -> bool:
    """Upload `doc` unless the business (or product) already holds one of its type;
    returns whether it did.

    `always` is for the documents uploaded during the workflow, which add to one already there.
    """
    doc_type = DocumentType.objects.get(key=doc.kind)
    product = product if doc_type.scope == DocumentType.Scope.PRODUCT else None
    held = Document.objects.filter(business=business, product=product, kind=doc_type)
    if not always and held.exists():
        return False
    today = timezone.localdate()
    issued_on, expires_on = doc.dates(today)
    content = _content(doc, doc_type, business, product, spec, today)
    upload = ContentFile(content, name="demo")
    inspected = inspect_upload(upload)
    Document.objects.create(
        business=business,
        product=product,
        kind=doc_type,
        number=doc.printed_number(expires_on),
        issued_on=issued_on,
        expires_on=expires_on,
        file=upload,
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        uploaded_by=uploader,
    )
    return True


def _content(doc: Doc, doc_type: DocumentType, business: Business, product, spec, today: date):
    if doc.kind == "product_photo":
        return png_bytes(spec.name, [*doc.lines, "Foto produk / Product photo"], spec.colour)
    if doc.kind == "packaging_photo":
        return png_bytes(spec.label[0], [*spec.label[1:], *doc.lines], spec.colour)
    issued_on, expires_on = doc.dates(today)
    lines = [doc_type.label_en, ""]
    if doc.number:
        lines.append(f"Nomor / Number: {doc.printed_number(expires_on)}")
    lines.append(f"Atas nama / Holder: {business.name}")
    lines.append(f"Alamat / Address: {business.address}")
    if product is not None:
        lines.append(f"Produk / Product: {product.name}")
    if issued_on:
        lines.append(f"Tanggal terbit / Issued: {issued_on:%d-%m-%Y}")
    if expires_on:
        lines.append(f"Berlaku sampai / Valid until: {expires_on:%d-%m-%Y}")
    if doc_type.issuer:
        lines.append(f"Penerbit / Issuer: {doc_type.issuer}")
    lines += ["", *doc.lines, "", *DEMO_NOTICE]
    return pdf_bytes(doc_type.label_id.upper(), lines)


def _pdf_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_bytes(title: str, lines) -> bytes:
    """A one-page A4 PDF with a title and lines of text in Helvetica (a font every reader
    has, so nothing is embedded)."""
    operations = ["BT", "/F1 15 Tf", "56 780 Td", f"({_pdf_text(title)}) Tj", "/F1 10 Tf"]
    for line in lines:
        operations += ["0 -20 Td", f"({_pdf_text(line)}) Tj"]
    operations.append("ET")
    stream = "\n".join(operations).encode("cp1252", errors="replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def png_bytes(title: str, lines, colour) -> bytes:
    """An 800x600 picture standing in for a photo: the product's colour, a label, the text."""
    image = Image.new("RGB", (800, 600), colour)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(
        (60, 60, 740, 540), radius=28, fill=(250, 246, 238), outline=(40, 40, 40), width=4
    )
    title_font = ImageFont.load_default(size=34)
    font = ImageFont.load_default(size=24)
    titles = textwrap.wrap(title, 30)
    for row, line in enumerate(titles):
        draw.text((90, 100 + 44 * row), line, font=title_font, fill=colour)
    for row, line in enumerate(lines):
        draw.text((90, 150 + 44 * len(titles) + 44 * row), line, font=font, fill=(30, 30, 30))
    draw.text((90, 490), "DEMO - Siap Ekspor", font=font, fill=(150, 150, 150))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
