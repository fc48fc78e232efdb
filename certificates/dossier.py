"""The export dossier (*paket dokumen ekspor mandiri*): what lets a business export under
its own name. Besides the signed certificate it holds a bilingual product specification
sheet for buyers and, for each target market, a checklist of the export documents that
market needs, marking what the business already holds and who issues the rest.

What the dossier says is worked out once, at issue, inside the certify transaction
(`dossier_snapshot`), and kept on the certificate: the files rendered from it afterwards
(and again, should one ever be missing) print what held on the day of certification,
whatever the business uploads or edits later. Here is how they look; they are rendered
and stored after the commit by `storing.dossier_render`.

The export facts come from the shipped markets.json (per market: proof of origin and
extra rules; for every export, for food and for plant or wood products: the documents
listed under "always", "food_extra" and "plant_or_wood_extra"); who issues each one, and
what the issuer asks for it, is from DOMAIN-FACTS.md sections 3 and 4.
"""

import base64
import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from PIL import Image, ImageOps

from certificates import rendering
from curation.reference import read as read_reference
from products.models import Document, DocumentType

# 2: what a certificate of origin and BPOM's export certificate need, including what
# Siap Ekspor does not keep ("held": None); the self-declaration of origin only where the
# market's agreement provides one.
SNAPSHOT_VERSION = 2
MAX_PRODUCT_PHOTOS = 3
MAX_PACKAGING_PHOTOS = 2
# Photos are embedded downscaled: sharp in print at the sheet's size, small in the PDF.
PHOTO_MAX_PIXELS = 900
EMBEDDED_TYPES = {"image/jpeg", "image/png", "image/webp"}

HELD = "held"
MISSING = "missing"


def _text(id_text: str, en_text: str) -> dict:
    return {"id": id_text, "en": en_text}


@dataclass(frozen=True)
class HeldRule:
    """A registration or certificate the business holds (or should), checked against its
    documents on the day of certification."""

    kinds: tuple[str, ...]  # any one of these document types satisfies the row
    food_only: bool
    required: bool
    needed_for: dict


HELD_RULES = [
    HeldRule(
        ("nib",),
        food_only=False,
        required=True,
        needed_for=_text(
            "Akses kepabeanan, PEB dan e-SKA", "Customs access, the export declaration and e-SKA"
        ),
    ),
    HeldRule(
        ("npwp",),
        food_only=False,
        required=True,
        needed_for=_text("PEB dan faktur", "The export declaration (PEB) and invoices"),
    ),
    HeldRule(
        ("pirt", "bpom_md"),
        food_only=True,
        required=True,
        needed_for=_text(
            "Dasar sertifikat kesehatan BPOM (SKE)", "Basis of the BPOM health certificate (SKE)"
        ),
    ),
    HeldRule(
        ("halal",),
        food_only=True,
        required=True,
        needed_for=_text(
            "Logo halal; wajib bagi pangan usaha mikro dan kecil mulai 17 Okt 2026",
            "Halal logo; mandatory for food of micro and small firms from 17 Oct 2026",
        ),
    ),
    HeldRule(
        ("gs1_barcode",),
        food_only=False,
        required=False,
        needed_for=_text(
            "Barcode EAN-13 pada kemasan eceran (disarankan)",
            "EAN-13 barcode on the retail unit (recommended)",
        ),
    ),
]

# Markets whose buyers or authorities ask for the halal certificate itself (markets.json
# extras: Saudi Arabia's SFDA rules; Malaysia's halal recognition).
HALAL_MARKETS = {
    "sa": _text("Wajib untuk pasar ini (SFDA)", "Required by this market (SFDA)"),
    "my": _text("Pengakuan halal di Malaysia", "Halal recognition in Malaysia"),
}

EACH_SHIPMENT = _text("Setiap pengiriman", "Each shipment")

# Who issues the documents every export needs, in the order of markets.json "always":
# the export declaration, the invoice and packing list, the transport document.
ALWAYS_DETAILS = [
    (
        _text(
            "Bea Cukai (DJBC) melalui CEISA; diajukan eksportir atau PPJK",
            "Customs (DJBC) through CEISA, filed by the exporter or a customs broker (PPJK)",
        ),
        ("nib", "npwp"),
    ),
    (
        _text(
            "Eksportir; Siap Ekspor membuat invoice proforma dan packing list per pengiriman",
            "The exporter; Siap Ekspor makes a pro-forma invoice and packing list per shipment",
        ),
        (),
    ),
    (
        _text(
            "Perusahaan pelayaran, maskapai atau freight forwarder",
            "The shipping line, the airline or a freight forwarder",
        ),
        (),
    ),
]
ORIGIN_ISSUER = _text(
    "IPSKA (Kementerian Perdagangan) melalui e-SKA",
    "IPSKA (Ministry of Trade) through e-SKA",
)
# Where the market's agreement lets the exporter declare origin itself instead of asking
# IPSKA for a certificate (markets.json origin_proof; DOMAIN-FACTS.md section 3: a
# registered exporter, ER/REX, for EU GSP and IA-CEPA; a certified exporter, ES, for
# ATIGA). Nowhere else: a non-preferential certificate (Saudi Arabia, the US) has no such
# declaration.
SELF_DECLARATIONS = {
    "eu": _text(
        "Pernyataan asal pada invoice oleh eksportir terdaftar REX (GSP)",
        "A statement on origin on the invoice by a REX-registered exporter (GSP)",
    ),
    "au": _text(
        "Deklarasi oleh eksportir terdaftar (ER), IA-CEPA",
        "A declaration by a registered exporter (ER), IA-CEPA",
    ),
    "my": _text(
        "Deklarasi oleh eksportir bersertifikat (ES), ATIGA",
        "A declaration by a certified exporter (ES), ATIGA",
    ),
    "sg": _text(
        "Deklarasi oleh eksportir bersertifikat (ES), ATIGA",
        "A declaration by a certified exporter (ES), ATIGA",
    ),
}


def _prepared(id_text: str, en_text: str) -> dict:
    """Something an issuer asks for that the exporter prepares and Siap Ekspor does not
    keep: listed, neither held nor missing."""
    label = id_text if id_text == en_text else f"{id_text} / {en_text}"
    return {"label": label, "held": None}


# What IPSKA asks for a certificate of origin besides the NIB (DOMAIN-FACTS.md section 4:
# the SKA through e-SKA, backed by the export declaration and its papers).
ORIGIN_NEEDS = [
    _prepared("registrasi e-SKA", "e-SKA registration"),
    _prepared("PEB", "PEB"),
    _prepared("invoice", "invoice"),
    _prepared("packing list", "packing list"),
    _prepared("B/L / AWB", "B/L / AWB"),
    _prepared("struktur biaya", "cost structure"),
]
# What BPOM asks for its export certificate besides the P-IRT or MD: a contaminant test
# by an accredited laboratory under 12 months old (a lab report of that age on file
# counts as held) and the batch code of the goods shipped.
LAB_REPORT = (
    "uji cemaran, lab terakreditasi, < 12 bulan / contaminant test, accredited lab, < 12 months"
)
HEALTH_CERTIFICATE_NEEDS = [_prepared("kode batch", "batch code")]
FOOD_ISSUER = _text(
    "BPOM; per pengiriman atau berjangka, 1–2 hari kerja",
    "BPOM; per shipment or for a period, 1–2 working days",
)
PLANT_ISSUER = _text(
    "Barantin (Badan Karantina Indonesia); fumigasi oleh perusahaan fumigasi terdaftar",
    "Barantin (Indonesian Quarantine Agency); fumigation by a registered fumigation company",
)


def export_reference() -> dict:
    """The shipped markets.json lists: "always", "food_extra", "plant_or_wood_extra"."""
    data = read_reference("markets.json")
    if len(data["always"]) != len(ALWAYS_DETAILS):
        # The issuers above follow the file's order; a changed list must be matched here.
        raise ValueError("markets.json 'always' no longer matches certificates.dossier")
    return data


# The snapshot, taken at issue.


def _held_documents(product, today) -> dict[str, dict]:
    """The business's and this product's current documents, one per type (the one valid
    longest), by type key. A lab report counts only while under 12 months old, as BPOM
    asks of the one behind its export certificate."""
    documents = (
        Document.objects.filter(
            Q(business=product.business_id, product__isnull=True) | Q(product=product)
        )
        .current(today)
        .select_related("kind")
        .order_by("uploaded_at", "pk")
    )
    year_ago = _year_before(today)
    held = {}
    for document in documents:
        key = document.kind.key
        if key == "lab_test" and (document.issued_on is None or document.issued_on <= year_ago):
            continue
        best = held.get(key)
        expiry = document.effective_expiry
        if (
            best is None
            or expiry is None
            or (best["expires_on"] is not None and expiry.isoformat() > best["expires_on"])
        ):
            held[key] = {
                "number": document.number,
                "expires_on": expiry.isoformat() if expiry else None,
            }
    return held


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _photos(product, kind: str, limit: int) -> list[dict]:
    documents = (
        Document.objects.filter(product=product, kind__key=kind, content_type__in=EMBEDDED_TYPES)
        .order_by("-uploaded_at", "-pk")
        .values("pk", "sha256")[:limit]
    )
    return [{"document": d["pk"], "sha256": d["sha256"]} for d in documents]


def _packaging(application) -> dict:
    """The packaging review that approved the packaging: which items it passed."""
    review = application.packaging_reviews.filter(closed_at__isnull=False).order_by("-number")
    review = review.first()
    if review is None:
        return {}
    passed = review.results.filter(result="pass").select_related("item").order_by("item__position")
    return {
        "review": review.number,
        "approved_on": timezone.localdate(review.closed_at).isoformat(),
        "items": [_text(r.item.label_id, r.item.label_en) for r in passed],
    }


def checklist(*, markets, is_food: bool, plant_or_wood: bool, held: dict, types: dict) -> list:
    """For each market: the documents held or missing, the documents each shipment needs,
    and the labelling and market rules. A pure function of its inputs (tested directly)."""
    reference = export_reference()

    def label(kinds):
        names = [types[k] for k in kinds if k in types]
        return _text(" atau ".join(n["id"] for n in names), " or ".join(n["en"] for n in names))

    def needs(kinds):
        return [{"label": types[k]["short"], "held": k in held} for k in kinds if k in types]

    registration = " / ".join(types[k]["short"] for k in ("pirt", "bpom_md") if k in types)

    sections = []
    for market in markets:
        documents = []
        for rule in HELD_RULES:
            if rule.food_only and not is_food:
                continue
            holding = next((k for k in rule.kinds if k in held), None)
            needed_for = rule.needed_for
            if rule.kinds == ("halal",) and market["key"] in HALAL_MARKETS:
                needed_for = HALAL_MARKETS[market["key"]]
            documents.append(
                {
                    "kinds": list(rule.kinds),
                    "label": label(rule.kinds),
                    "status": HELD if holding else MISSING,
                    "held": {"kind": holding, **held[holding]} if holding else None,
                    "issuer": " / ".join(types[k]["issuer"] for k in rule.kinds if k in types),
                    "required": rule.required,
                    "needed_for": needed_for,
                }
            )

        shipment = []
        for text, (issuer, basis) in zip(reference["always"], ALWAYS_DETAILS, strict=True):
            shipment.append({"label": text, "detail": "", "issuer": issuer, "needs": needs(basis)})
        shipment.insert(
            1,
            {
                "label": _text(
                    "Bukti asal barang (SKA / Certificate of Origin)", "Proof of origin"
                ),
                "detail": market["origin_proof"],
                "issuer": ORIGIN_ISSUER,
                "self_declaration": SELF_DECLARATIONS.get(market["key"]),
                "needs": needs(("nib",)) + ORIGIN_NEEDS,
            },
        )
        if is_food:
            for text in reference["food_extra"]:
                shipment.append(
                    {
                        "label": text,
                        "detail": "",
                        "issuer": FOOD_ISSUER,
                        "needs": [
                            {
                                "label": registration,
                                "held": "pirt" in held or "bpom_md" in held,
                            },
                            {"label": LAB_REPORT, "held": "lab_test" in held},
                            *HEALTH_CERTIFICATE_NEEDS,
                        ],
                    }
                )
        if plant_or_wood:
            for text in reference["plant_or_wood_extra"]:
                shipment.append({"label": text, "detail": "", "issuer": PLANT_ISSUER, "needs": []})
        for row in shipment:
            row["status"] = MISSING
            row["when"] = EACH_SHIPMENT

        sections.append(
            {
                "key": market["key"],
                "name": market["name"],
                "origin_proof": market["origin_proof"],
                "documents": documents,
                "shipment_documents": shipment,
                "rules": list(market["extra"]),
            }
        )
    return sections


def _short_label(doc_type) -> str:
    """ "NIB" out of "Nomor Induk Berusaha (NIB)": the name people use."""
    label = doc_type.label_en
    if "(" in label and label.endswith(")"):
        return label[label.rindex("(") + 1 : -1]
    return label


def dossier_snapshot(application, *, today=None) -> dict:
    """Everything the dossier prints, from the application being certified. Runs inside
    the certify transaction (a few small queries, no files read)."""
    today = today or timezone.localdate()
    product = application.product
    business = product.business
    category = product.category
    types = {
        t.key: {"id": t.label_id, "en": t.label_en, "issuer": t.issuer, "short": _short_label(t)}
        for t in DocumentType.objects.all()
    }
    held = _held_documents(product, today)
    markets = [
        {
            "key": m.key,
            "name": _text(m.name_id, m.name_en),
            "origin_proof": m.origin_proof,
            "extra": m.extra_requirements,
        }
        for m in application.target_markets.order_by("key")
    ]
    return {
        "version": SNAPSHOT_VERSION,
        "as_of": today.isoformat(),
        "product": {
            "name": product.name,
            "description": product.description,
            "materials": product.materials,
            "hs_code": product.hs_code,
            "category": _text(category.label_id, category.label_en),
            "is_food": category.is_food,
            "plant_or_wood": category.plant_or_wood,
            "monthly_capacity": _decimal(product.monthly_capacity),
            "capacity_unit": product.capacity_unit,
            "shelf_life_days": product.shelf_life_days,
            "fob_price": _decimal(product.fob_price),
            "fob_currency": product.fob_currency,
        },
        "business": {
            "name": business.name,
            "address": business.address,
            "region": business.region.name,
            "province": business.region.province,
            "email": business.email,
            "phone": business.phone,
        },
        "photos": _photos(product, "product_photo", MAX_PRODUCT_PHOTOS),
        "packaging_photos": _photos(product, "packaging_photo", MAX_PACKAGING_PHOTOS),
        "packaging": _packaging(application),
        "checklist": checklist(
            markets=markets,
            is_food=category.is_food,
            plant_or_wood=category.plant_or_wood,
            held=held,
            types=types,
        ),
    }


def _decimal(value) -> str | None:
    return None if value is None else format(value.normalize(), "f")


# Rendering.


def photo_data_uri(document_id: int, sha256: str) -> str | None:
    """A photo from the storage, downscaled, as a data: URI WeasyPrint embeds (it may load
    nothing else). None when the document was deleted since; a storage that cannot be
    read raises, so the render fails and is retried rather than stored without photos."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        return None
    with document.file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ValueError(f"Document {document_id} does not match its SHA-256")
    with Image.open(io.BytesIO(data)) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail((PHOTO_MAX_PIXELS, PHOTO_MAX_PIXELS))
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="JPEG", quality=85, optimize=True)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _dates(certificate) -> dict:
    return {
        "issued": rendering.bilingual_date(timezone.localdate(certificate.issued_at)),
        "valid_until": rendering.bilingual_date(certificate.valid_until),
    }


def render_specification_html(certificate) -> str:
    data = certificate.dossier
    photos = [photo_data_uri(p["document"], p["sha256"]) for p in data["photos"]]
    packaging_photos = [
        photo_data_uri(p["document"], p["sha256"]) for p in data["packaging_photos"]
    ]
    context = {
        "certificate": certificate,
        "data": data,
        "product": data["product"],
        "business": data["business"],
        "photos": [p for p in photos if p],
        "packaging_photos": [p for p in packaging_photos if p],
        "markets_id": ", ".join(m["name"]["id"] for m in data["checklist"]),
        "markets_en": ", ".join(m["name"]["en"] for m in data["checklist"]),
        "verification_url": certificate.verification_url,
        **_dates(certificate),
    }
    with translation.override("id"):
        return render_to_string("pdf/specification.html", context)


def render_checklist_html(certificate) -> str:
    data = certificate.dossier
    context = {
        "certificate": certificate,
        "data": data,
        "product": data["product"],
        "business": data["business"],
        "sections": data["checklist"],
        "as_of": rendering.bilingual_date(date.fromisoformat(data["as_of"])),
        "verification_url": certificate.verification_url,
        **_dates(certificate),
    }
    with translation.override("id"):
        return render_to_string("pdf/checklist.html", context)


def render_specification_pdf(certificate) -> bytes:
    return rendering.write_pdf(
        render_specification_html(certificate),
        identifier=f"{certificate.number} specification".encode(),
    )


def render_checklist_pdf(certificate) -> bytes:
    return rendering.write_pdf(
        render_checklist_html(certificate),
        identifier=f"{certificate.number} checklist".encode(),
    )


def build_archive(certificate, files: list[tuple[str, bytes]]) -> bytes:
    """One ZIP of the dossier's files, each under its download name. Stored, not
    compressed (PDFs hardly shrink), and dated with the issue date, so the same files
    always give the same bytes."""
    issued = timezone.localtime(certificate.issued_at)
    stamp = (issued.year, issued.month, issued.day, 0, 0, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
