"""The export dossier: a bilingual specification sheet and an export document checklist
per target market, rendered once after certification from what held that day, stored
with their SHA-256 beside the certificate, bundled in a ZIP of the stored bytes, and
downloaded as stored (never rendered again); plus the certificate block on the
application page and the officers' revoke page."""

import hashlib
import io
import re
import zipfile
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from certificates import dossier, rendering, storing
from certificates.models import Certificate, DossierFile, EventKind, Status
from curation.models import Notification
from curation.reference import read as read_reference
from kernel.states import State
from products.models import Category, Document, Market
from tests import certificate_helpers as h
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]

KINDS = [DossierFile.Kind.SPECIFICATION, DossierFile.Kind.CHECKLIST, DossierFile.Kind.ARCHIVE]


@pytest.fixture
def renders(monkeypatch):
    """Counts every PDF WeasyPrint renders (certificate, dossier, shipment papers): the
    real renderer, called through a counter; `fail` makes the next calls raise."""
    calls = {"count": 0, "fail": None}
    real = rendering.write_pdf

    def counting(html, *, identifier):
        calls["count"] += 1
        if calls["fail"]:
            raise calls["fail"]
        return real(html, identifier=identifier)

    monkeypatch.setattr(rendering, "write_pdf", counting)
    return calls


def certified(office, bring_to, capture, *, product=None, render=True) -> Certificate:
    application = bring_to(State.AWAITING_CERTIFICATION, office.new_application(product))
    certificate = h.certify(office, application, capture, render=render)
    certificate.refresh_from_db()
    return certificate


@pytest.fixture
def issued(office, bring_to, django_capture_on_commit_callbacks):
    return certified(office, bring_to, django_capture_on_commit_callbacks)


def stored_bytes(field_file) -> bytes:
    with field_file.storage.open(field_file.name, "rb") as handle:
        return handle.read()


def part(certificate, kind) -> DossierFile:
    return certificate.dossier_files.get(kind=kind)


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def squeezed(text: str) -> str:
    """`text` without its white space: a narrow column wraps a phrase anywhere, even
    within a word ("e-" and "SKA"), so phrases are compared without it."""
    return "".join(text.split())


def row(text: str, label: str, until: str) -> str:
    """The checklist row starting at `label`, up to the next row's `until`."""
    start = text.index(label)
    return text[start : text.index(until, start + len(label))]


# Rendering once, after the certificate.


def test_certification_stores_the_dossier_with_its_sha256(issued):
    assert issued.is_ready and issued.is_dossier_ready
    assert {f.kind for f in issued.dossier_files.all()} == set(KINDS)
    for stored in issued.dossier_files.all():
        data = stored_bytes(stored.file)
        assert stored.sha256 == hashlib.sha256(data).hexdigest()
        assert stored.size == len(data)
        assert stored.file.name.startswith(f"dossiers/{issued.year}/")
    event = issued.events.get(kind=EventKind.DOSSIER_RENDERED)
    assert event.detail == part(issued, DossierFile.Kind.ARCHIVE).sha256
    assert not Certificate.objects.pending().exists()


def test_nothing_is_rendered_again(issued, renders):
    before = {f.kind: (f.file.name, f.sha256) for f in issued.dossier_files.all()}
    certificate_sha = issued.pdf_sha256

    storing.certificate_issue_files(certificate_id=issued.pk)
    storing.dossier_render(certificate_id=issued.pk)
    call_command("issue_pending", verbosity=0)

    issued.refresh_from_db()
    assert renders["count"] == 0
    assert {f.kind: (f.file.name, f.sha256) for f in issued.dossier_files.all()} == before
    assert issued.pdf_sha256 == certificate_sha


def test_the_zip_waits_for_the_signed_certificate(
    office, bring_to, django_capture_on_commit_callbacks
):
    certificate = certified(office, bring_to, django_capture_on_commit_callbacks, render=False)
    assert certificate.dossier  # taken at issue, inside the certify transaction
    assert list(Certificate.objects.pending()) == [certificate]

    storing.dossier_render(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert {f.kind for f in certificate.dossier_files.all()} == {
        DossierFile.Kind.SPECIFICATION,
        DossierFile.Kind.CHECKLIST,
    }
    assert not certificate.is_dossier_ready

    call_command("issue_pending", verbosity=0)
    certificate.refresh_from_db()
    assert certificate.is_ready and certificate.is_dossier_ready
    assert certificate.dossier_files.count() == 3


def test_a_failed_dossier_render_is_recorded_and_finished_later(
    office, bring_to, django_capture_on_commit_callbacks, renders, monkeypatch
):
    real = dossier.render_checklist_pdf

    def broken(certificate):
        raise OSError("disk full")

    monkeypatch.setattr(dossier, "render_checklist_pdf", broken)
    certificate = certified(office, bring_to, django_capture_on_commit_callbacks)

    # The certificate itself is issued and stored; the dossier waits, the error noted.
    assert certificate.is_ready and not certificate.is_dossier_ready
    assert certificate.last_render_error == "OSError: disk full"
    assert certificate.events.filter(kind=EventKind.RENDER_FAILED).count() == 1
    assert list(Certificate.objects.pending()) == [certificate]
    certificate_sha = certificate.pdf_sha256
    renders["count"] = 0

    monkeypatch.setattr(dossier, "render_checklist_pdf", real)
    call_command("issue_pending", verbosity=0)

    certificate.refresh_from_db()
    assert certificate.is_dossier_ready
    assert certificate.pdf_sha256 == certificate_sha
    # Only the missing checklist was rendered; the specification sheet was kept.
    assert renders["count"] == 1
    assert certificate.dossier_files.count() == 3


def test_a_failed_snapshot_does_not_undo_the_certification(
    office, bring_to, django_capture_on_commit_callbacks, monkeypatch
):
    real = dossier.dossier_snapshot

    def broken(application, *, today=None):
        raise ValueError("markets.json 'always' no longer matches certificates.dossier")

    monkeypatch.setattr(dossier, "dossier_snapshot", broken)
    certificate = certified(office, bring_to, django_capture_on_commit_callbacks, render=False)
    assert certificate.application.state == State.CERTIFIED
    assert certificate.dossier == {}

    monkeypatch.setattr(dossier, "dossier_snapshot", real)
    call_command("issue_pending", verbosity=0)
    certificate.refresh_from_db()
    assert certificate.is_dossier_ready
    assert [s["key"] for s in certificate.dossier["checklist"]] == ["jp", "my"]


# The specification sheet.


def test_the_specification_sheet_is_bilingual_with_photos(issued, office):
    data = stored_bytes(part(issued, DossierFile.Kind.SPECIFICATION).file)
    (text,) = pages_text(data)  # one A4 page
    for expected in [
        "SPESIFIKASI PRODUK",
        "PRODUCT SPECIFICATION",
        "Sambal Pecel Bu Rini",
        "Sambal Bu Rini",
        "Kode HS",
        "HS code",
        "21039090",
        "Komposisi",
        "Ingredients",
        "Peanuts, chili, palm sugar",
        # Each language's numbers in its own lines (tests/certificates/test_locale_formats.py).
        "2.000 jars per bulan",
        "2,000 jars per month",
        "180 hari",
        "180 days",
        "Kemasan dan label",
        "Packaging and labels",
        "Harga FOB",
        "FOB price",
        "USD 2,40 per unit, FOB pelabuhan Indonesia",
        "USD 2.40 per unit, FOB Indonesian port",
        issued.number,
        issued.verification_code,
    ]:
        assert expected in text, expected
    # The product photo and the packaging photo are embedded in the page (the factory's
    # two photos are the same picture, which the PDF holds once).
    assert [len(issued.dossier["photos"]), len(issued.dossier["packaging_photos"])] == [1, 1]
    assert dossier.render_specification_html(issued).count('src="data:image/jpeg;base64,') == 2
    assert len(PdfReader(io.BytesIO(data)).pages[0].images) == 1


def test_the_dossier_says_what_held_at_certification(issued, office):
    office.product.name = "Renamed later"
    office.product.fob_price = "9.99"
    office.product.save()

    html = dossier.render_specification_html(issued)
    assert "Sambal Pecel Bu Rini" in html
    assert "Renamed later" not in html
    assert "2.40" in html and "9.99" not in html


# The export document checklist.


@pytest.fixture
def food_to_japan_and_eu(office, bring_to, django_capture_on_commit_callbacks):
    office.product.target_markets.set(Market.objects.filter(key__in=["jp", "eu"]))
    # A lab report older than the 12 months BPOM accepts: not held. No GS1 barcode.
    old = f.add_document(office.business, "lab_test", product=office.product)
    Document.objects.filter(pk=old.pk).update(issued_on=date.today() - timedelta(days=400))
    return certified(office, bring_to, django_capture_on_commit_callbacks)


def test_the_checklist_for_food_to_japan_and_the_eu(food_to_japan_and_eu):
    certificate = food_to_japan_and_eu
    sections = {s["key"]: s for s in certificate.dossier["checklist"]}
    assert list(sections) == ["eu", "jp"]

    for key, section in sections.items():
        held = {tuple(r["kinds"]): r for r in section["documents"]}
        assert held[("nib",)]["status"] == "held"
        assert held[("nib",)]["held"]["number"] == f.VALID_NUMBERS["nib"]
        assert held[("npwp",)]["status"] == "held"
        assert held[("pirt", "bpom_md")]["status"] == "held"
        assert held[("pirt", "bpom_md")]["held"]["kind"] == "pirt"
        assert held[("halal",)]["status"] == "held"
        assert held[("gs1_barcode",)]["status"] == "missing"
        assert held[("gs1_barcode",)]["issuer"] == "GS1 Indonesia"
        shipment = [r["label"]["en"] for r in section["shipment_documents"]]
        assert shipment == [
            "Export declaration (PEB) through CEISA",
            "Proof of origin",
            "Commercial invoice and packing list",
            "Bill of lading (sea) or airway bill (air)",
            "BPOM health certificate or free sale certificate (SKE)",
        ], key
        assert all(r["status"] == "missing" for r in section["shipment_documents"])
        assert not any("Phytosanitary" in label for label in shipment)

        # What IPSKA asks for a certificate of origin, and BPOM for its export
        # certificate: what Siap Ekspor holds is checked, the rest listed as to prepare.
        origin, health = section["shipment_documents"][1], section["shipment_documents"][-1]
        assert [(n["label"], n["held"]) for n in origin["needs"]] == [
            ("NIB", True),
            ("registrasi e-SKA / e-SKA registration", None),
            ("PEB", None),
            ("invoice", None),
            ("packing list", None),
            ("B/L / AWB", None),
            ("struktur biaya / cost structure", None),
        ]
        assert [(n["label"], n["held"]) for n in health["needs"]] == [
            ("P-IRT / MD", True),
            (dossier.LAB_REPORT, False),
            ("kode batch / batch code", None),
        ]

    assert "Form IJEPA" in sections["jp"]["shipment_documents"][1]["detail"]
    assert "REX" in sections["eu"]["shipment_documents"][1]["detail"]
    # IJEPA has no self-declaration; the EU's GSP is a statement on origin by the exporter.
    assert sections["jp"]["shipment_documents"][1]["self_declaration"] is None
    eu_declaration = sections["eu"]["shipment_documents"][1]["self_declaration"]
    assert "statement on origin on the invoice by a REX-registered exporter" in eu_declaration["en"]
    assert "Japanese label" in sections["jp"]["rules"][0]["en"]
    assert "1169/2011" in sections["eu"]["rules"][0]["en"]

    eu, jp = pages_text(stored_bytes(part(certificate, DossierFile.Kind.CHECKLIST).file))
    assert "Target market: Japan" in jp and "Pasar tujuan: Jepang" in jp
    assert "Target market: European Union" in eu
    for text in (eu, jp):
        assert "Held" in row(text, "Nomor Induk Berusaha", "NPWP")
        assert "Dimiliki" in row(text, "Nomor Induk Berusaha", "NPWP")
        assert "Held" in row(text, "SPP-IRT", "Sertifikat halal")
        assert "Held" in row(text, "Sertifikat halal", "Barcode GS1")
        gs1 = row(text, "Barcode GS1", "2. Dokumen")
        assert "Missing" in gs1 and "Held" not in gs1 and "GS1 Indonesia" in gs1
        assert "Belum ada" in gs1
        health = squeezed(row(text, "Health certificate", "3. Label"))
        assert "Missing" in health and "BPOM" in health and squeezed("✓ P-IRT / MD") in health
        assert squeezed(f"✗ {dossier.LAB_REPORT}") in health
        assert squeezed("○ kode batch / batch code") in health
        origin = squeezed(row(text, "Bukti asal barang", "Invoice komersial"))
        assert squeezed("IPSKA (Ministry of Trade) through e-SKA") in origin
        for need in (
            "✓ NIB",
            "○ registrasi e-SKA / e-SKA registration",
            "○ PEB",
            "○ invoice",
            "○ packing list",
            "○ B/L / AWB",
            "○ struktur biaya / cost structure",
        ):
            assert squeezed(need) in origin, need
        assert "Barantin" not in text
    assert "Form IJEPA" in jp and "8 mandatory allergens" in jp
    assert "REX" in eu and "Regulation (EU) 1169/2011" in eu
    assert "self-declaration" not in jp
    assert squeezed("Or self-declaration: A statement on origin on the invoice") in squeezed(eu)


def test_the_checklist_for_a_wooden_product_to_australia(
    office, bring_to, django_capture_on_commit_callbacks
):
    carving = f.ProductFactory(
        business=office.business,
        name="Mangkuk Ukir Jati",
        category=Category.objects.get(key="handicraft_carving"),
        hs_code="44201100",
        materials="Teak wood, food-safe oil",
        shelf_life_days=None,
        markets=["au"],
    )
    for kind in ("product_photo", "packaging_photo"):
        f.add_document(office.business, kind, product=carving)
    f.add_document(office.business, "gs1_barcode", product=carving, number="8991234567895")
    certificate = certified(office, bring_to, django_capture_on_commit_callbacks, product=carving)

    (section,) = certificate.dossier["checklist"]
    assert section["key"] == "au"
    held = {tuple(r["kinds"]): r["status"] for r in section["documents"]}
    # No food registration, halal or health certificate for a wooden bowl.
    assert held == {("nib",): "held", ("npwp",): "held", ("gs1_barcode",): "held"}
    shipment = [r["label"]["en"] for r in section["shipment_documents"]]
    assert shipment[-1].startswith("Phytosanitary certificate (Barantin)")
    assert not any("BPOM" in label for label in shipment)
    assert "AANZ" in section["shipment_documents"][1]["detail"]

    (text,) = pages_text(stored_bytes(part(certificate, DossierFile.Kind.CHECKLIST).file))
    assert "Target market: Australia" in text
    assert "Held" in row(text, "Barcode GS1", "2. Dokumen")
    phyto = row(text, "Sertifikat fitosanitari", "3. Label")
    assert "Missing" in phyto and "Barantin" in phyto and "ISPM 15" in phyto
    assert "Health certificate" not in text and "P-IRT" not in text
    assert "BICON" in text and "coconut-shell" in text


def test_a_missing_registration_is_marked_with_its_issuer():
    types = {
        "nib": {"id": "NIB", "en": "NIB", "issuer": "OSS (BKPM)", "short": "NIB"},
        "npwp": {"id": "NPWP", "en": "Tax ID (NPWP)", "issuer": "DJP", "short": "NPWP"},
    }
    market = {
        "key": "kr",
        "name": {"id": "Korea", "en": "Korea"},
        "origin_proof": "AK",
        "extra": [],
    }
    (section,) = dossier.checklist(
        markets=[market],
        is_food=False,
        plant_or_wood=False,
        held={"npwp": {"number": "0123", "expires_on": None}},
        types=types,
    )
    nib = section["documents"][0]
    assert (nib["status"], nib["held"], nib["issuer"]) == ("missing", None, "OSS (BKPM)")
    peb = section["shipment_documents"][0]
    assert peb["needs"] == [{"label": "NIB", "held": False}, {"label": "NPWP", "held": True}]
    origin = section["shipment_documents"][1]
    assert origin["self_declaration"] is None
    assert [n["held"] for n in origin["needs"]] == [False] + [None] * 6


def test_a_self_declaration_is_offered_exactly_where_markets_json_names_one():
    """EU GSP (a statement on origin, REX), ATIGA (a certified exporter) and IA-CEPA (a
    registered exporter) provide one; a non-preferential certificate (Saudi Arabia, the
    US), IJEPA, ACFTA, IUAE-CEPA and Korea's agreements do not."""
    markets = read_reference("markets.json")["markets"]
    named = {
        m["key"]
        for m in markets
        if re.search(r"declaration|statement on origin", m["origin_proof"], re.IGNORECASE)
    }
    assert named == set(dossier.SELF_DECLARATIONS) == {"eu", "my", "sg", "au"}


def test_no_self_declaration_where_only_a_certificate_of_origin_exists(
    office, bring_to, django_capture_on_commit_callbacks
):
    office.product.target_markets.set(Market.objects.filter(key__in=["us", "sa", "kr"]))
    certificate = certified(office, bring_to, django_capture_on_commit_callbacks)

    sections = {s["key"]: s for s in certificate.dossier["checklist"]}
    assert list(sections) == ["kr", "sa", "us"]
    for section in sections.values():
        origin = section["shipment_documents"][1]
        assert origin["self_declaration"] is None
        assert origin["issuer"]["en"] == "IPSKA (Ministry of Trade) through e-SKA"
    # Korea: IK-CEPA, in force since 2023, beside AKFTA (markets.json).
    assert sections["kr"]["shipment_documents"][1]["detail"].startswith("Form IK-CEPA")

    kr, sa, us = pages_text(stored_bytes(part(certificate, DossierFile.Kind.CHECKLIST).file))
    assert "Target market: South Korea" in kr
    assert squeezed("Form IK-CEPA (in force since 1 Jan 2023) or Form AK (AKFTA)") in squeezed(kr)
    assert squeezed("certificate of origin legalised by the chamber") in squeezed(sa)
    assert squeezed("Non-preferential certificate of origin if the buyer asks") in squeezed(us)
    for text in (kr, sa, us):
        assert "self-declaration" not in text and "deklarasi mandiri" not in text
        assert "REX" not in text
        origin = squeezed(row(text, "Bukti asal barang", "Invoice komersial"))
        assert squeezed("○ struktur biaya / cost structure") in origin


def test_what_the_dossier_counts_as_held_on_the_day(office, bring_to):
    application = bring_to(State.AWAITING_CERTIFICATION)
    today = date.today()
    # A halal certificate given an expiry date before it was known to have none.
    Document.objects.filter(kind__key="halal").update(expires_on=today - timedelta(days=30))
    lab = f.add_document(office.business, "lab_test", product=office.product)
    Document.objects.filter(pk=lab.pk).update(issued_on=today - timedelta(days=400))

    def japan():
        sections = dossier.dossier_snapshot(application, today=today)["checklist"]
        return next(s for s in sections if s["key"] == "jp")

    def held(section):
        return {tuple(r["kinds"]): r for r in section["documents"]}

    def lab_report(section):
        health = section["shipment_documents"][-1]
        return next(n for n in health["needs"] if n["label"] == dossier.LAB_REPORT)

    section = japan()
    halal = held(section)[("halal",)]
    assert (halal["status"], halal["held"]["expires_on"]) == ("held", None)
    assert lab_report(section)["held"] is False  # over 12 months old

    Document.objects.filter(pk=lab.pk).update(issued_on=today - timedelta(days=300))
    Document.objects.filter(kind__key="pirt").update(expires_on=today - timedelta(days=1))
    section = japan()
    assert lab_report(section)["held"] is True
    assert held(section)[("pirt", "bpom_md")]["status"] == "missing"  # expired yesterday


# The ZIP and the downloads.


def test_the_zip_holds_the_stored_files_under_their_names(issued):
    archive = zipfile.ZipFile(io.BytesIO(stored_bytes(part(issued, DossierFile.Kind.ARCHIVE).file)))
    stem = issued.number.replace("/", "-")
    spec = part(issued, DossierFile.Kind.SPECIFICATION)
    checklist = part(issued, DossierFile.Kind.CHECKLIST)
    assert archive.namelist() == [
        f"{stem}.pdf",
        f"{stem}-specification.pdf",
        f"{stem}-export-checklist.pdf",
    ]
    assert archive.read(f"{stem}.pdf") == h.pdf_bytes(issued)
    assert archive.read(f"{stem}-specification.pdf") == stored_bytes(spec.file)
    assert archive.read(f"{stem}-export-checklist.pdf") == stored_bytes(checklist.file)
    assert archive.testzip() is None


def download(client, user, certificate, part_name):
    client.force_login(user)
    return client.get(f"/certificates/{certificate.pk}/dossier/{part_name}/")


@pytest.mark.parametrize(
    ("part_name", "kind", "suffix", "content_type"),
    [
        ("specification", DossierFile.Kind.SPECIFICATION, "-specification.pdf", "application/pdf"),
        ("checklist", DossierFile.Kind.CHECKLIST, "-export-checklist.pdf", "application/pdf"),
        ("zip", DossierFile.Kind.ARCHIVE, "-export-dossier.zip", "application/zip"),
    ],
)
def test_each_part_downloads_as_stored(
    client, office, issued, renders, part_name, kind, suffix, content_type
):
    stored = part(issued, kind)
    response = download(client, office.msme, issued, part_name)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    filename = issued.number.replace("/", "-") + suffix
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    body = b"".join(response.streaming_content)
    assert body == stored_bytes(stored.file)
    assert hashlib.sha256(body).hexdigest() == stored.sha256
    again = b"".join(download(client, office.msme, issued, part_name).streaming_content)
    assert again == body
    assert renders["count"] == 0
    assert part(issued, kind).sha256 == stored.sha256


@pytest.mark.parametrize("persona", ["msme", "officer", "coordinator", "regional_admin"])
def test_who_may_download_the_dossier(client, office, issued, persona):
    assert download(client, office.personas[persona], issued, "zip").status_code == 200


@pytest.mark.parametrize("persona", ["other_msme", "outsider", "foreign_coordinator", "exporter"])
def test_others_get_404(client, office, issued, persona):
    for part_name in ("specification", "checklist", "zip"):
        assert download(client, office.personas[persona], issued, part_name).status_code == 404
    assert client.get(f"/certificates/{issued.pk}/").status_code == 404


def test_an_unknown_part_is_404_and_visitors_sign_in(client, office, issued):
    assert download(client, office.msme, issued, "passport").status_code == 404
    client.logout()
    response = client.get(f"/certificates/{issued.pk}/dossier/zip/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_part_not_yet_rendered_is_being_prepared(
    client, office, bring_to, django_capture_on_commit_callbacks, renders
):
    pending = certified(office, bring_to, django_capture_on_commit_callbacks, render=False)
    response = download(client, office.msme, pending, "specification")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "being prepared" in response.content.decode()
    assert renders["count"] == 0


# The certificate block on the application page, and the revoke page.


def test_the_application_page_shows_the_certificate_block(client, office, issued):
    client.force_login(office.msme)
    page = client.get(f"/applications/{issued.application_id}/").content.decode()
    assert issued.number in page
    assert f"/certificates/{issued.pk}/download/" in page
    for part_name in ("specification", "checklist", "zip"):
        assert f"/certificates/{issued.pk}/dossier/{part_name}/" in page
    assert f"/certificates/{issued.pk}/shipments/new/" in page
    assert f"/certificates/{issued.pk}/share/" in page
    assert f"/certificates/{issued.pk}/revoke/" not in page

    client.force_login(office.officer)
    page = client.get(f"/applications/{issued.application_id}/").content.decode()
    assert f"/certificates/{issued.pk}/revoke/" in page
    assert f"/certificates/{issued.pk}/share/" not in page  # sharing is the business's


def test_the_block_says_the_files_are_being_prepared(
    client, office, bring_to, django_capture_on_commit_callbacks
):
    pending = certified(office, bring_to, django_capture_on_commit_callbacks, render=False)
    client.force_login(office.msme)
    page = client.get(f"/applications/{pending.application_id}/").content.decode()
    assert pending.number in page
    assert "being prepared" in page
    assert f"/certificates/{pending.pk}/download/" not in page
    assert f"/certificates/{pending.pk}/dossier/zip/" not in page


def test_no_block_before_certification(client, office, bring_to):
    application = bring_to(State.AWAITING_CERTIFICATION)
    client.force_login(office.msme)
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert 'id="certificate"' not in page


def test_the_officer_revokes_on_the_revoke_page(
    client, office, issued, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(office.officer)
    url = f"/certificates/{issued.pk}/revoke/"
    assert client.get(url).status_code == 200

    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200
    issued.refresh_from_db()
    assert issued.status == Status.VALID

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "The halal certificate was forged."})
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{issued.application_id}/"
    issued.refresh_from_db()
    assert (issued.status, issued.revoked_by) == (Status.REVOKED, office.officer)
    assert issued.revocation_reason == "The halal certificate was forged."
    # The business hears of it in the app as well as by e-mail (once).
    notice = Notification.objects.get(recipient=office.msme, event="certificate_revoked")
    assert notice.comment == "The halal certificate was forged."
    assert notice.emailed_at is not None
    assert [m.to for m in mailoutbox] == [[office.msme.email]]
    # Once revoked, the page no longer offers it.
    page = client.get(f"/applications/{issued.application_id}/").content.decode()
    assert url not in page


@pytest.mark.parametrize("persona", ["msme", "coordinator", "lead", "regional_admin"])
def test_only_a_region_officer_may_revoke(client, office, issued, persona):
    client.force_login(office.personas[persona])
    url = f"/certificates/{issued.pk}/revoke/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "No."}).status_code == 403
    issued.refresh_from_db()
    assert issued.status == Status.VALID


@pytest.mark.parametrize("persona", ["other_msme", "outsider", "foreign_coordinator", "exporter"])
def test_outsiders_do_not_find_the_revoke_page(client, office, issued, persona):
    client.force_login(office.personas[persona])
    assert client.post(f"/certificates/{issued.pk}/revoke/", {"reason": "x"}).status_code == 404
