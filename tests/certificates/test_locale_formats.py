"""Dates, numbers, money and legal numbers as a reader of each language meets them: the
same on every page in that language, and in the bilingual PDFs each language's lines in
its own way, so an Indonesian reader never takes "3.430 m³" for three thousand.

The PDFs are rendered through the real WeasyPrint path and read back with pypdf, as the
other PDF tests do (tests/certificate_helpers.py)."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from certificates import dossier, rendering
from certificates.models import Certificate, Shipment
from certificates.shipments import shipment_create
from curation.models import Profile
from kernel.states import State
from products.models import Business, Document
from tests import certificate_helpers as h

pytestmark = pytest.mark.django_db

ISSUED = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # 10.00 in Jakarta
VALID_UNTIL = date(2031, 3, 10)

# One carton size whose volume has a thousandths digit: 10 × 0.343 m³.
CARTONS = [
    {
        "count": 10,
        "net_kg": "7.5",
        "gross_kg": "8.25",
        "length_cm": "70",
        "width_cm": "70",
        "height_cm": "70",
    }
]

# What a reader of each language sees for the same facts (the factory's product: 2,000
# jars a month at USD 2.40; the shipment: 1,200 jars at 2.40 and 300 pouches at 3.15).
SEEN = {
    "id": {
        "issued": "2 Desember 2026",
        "valid_until": "10 Maret 2031",
        "recorded": "2 Des 2026",
        "fob": "USD 2,40",
        "capacity": "2.000 jars",
        "total": "USD 3.825,00",
        "weight": "82,5 kg",
        "volume": "3,430 m³",
    },
    "en": {
        "issued": "2 December 2026",
        "valid_until": "10 March 2031",
        "recorded": "2 Dec 2026",
        "fob": "USD 2.40",
        "capacity": "2,000 jars",
        "total": "USD 3,825.00",
        "weight": "82.5 kg",
        "volume": "3.430 m³",
    },
}
# How the issue found dates printed: Django's Indonesian "d-m-Y" and "j N Y", and its
# American English.
NEVER = ["02-12-2026", "2 Des. 2026", "12/02/2026", "Dec. 2, 2026"]


def on_a_known_day(certificate):
    """The certificate issued on a known day, with one shipment recorded on that day."""
    Certificate.objects.filter(pk=certificate.pk).update(issued_at=ISSUED, valid_until=VALID_UNTIL)
    certificate.refresh_from_db()
    owner = certificate.product.business.memberships.first().user
    shipment = shipment_create(certificate=certificate, by=owner, **h.terms(cartons=CARTONS))
    Shipment.objects.filter(pk=shipment.pk).update(created_at=ISSUED)
    shipment.refresh_from_db()
    return certificate, shipment


@pytest.fixture
def certified_with_dossier(certificate):
    """Rendered after the commit, so with its dossier's snapshot."""
    return on_a_known_day(certificate)


@pytest.fixture
def certified(office, bring_to, django_capture_on_commit_callbacks):
    """Nothing rendered after the commit: the pages and the certificate and shipment
    papers need no stored file."""
    application = bring_to(State.AWAITING_CERTIFICATION)
    certificate = h.certify(office, application, django_capture_on_commit_callbacks, render=False)
    return on_a_known_day(certificate)


def reads(user, language):
    Profile.objects.filter(user=user).update(language=language)


def visible(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_msme_application_page(client, office, certified, language):
    certificate, shipment = certified
    reads(office.msme, language)
    client.force_login(office.msme)
    page = visible(client.get(reverse("curation:application", args=[certificate.application_id])))
    seen = SEEN[language]
    for fact in ("issued", "valid_until", "recorded", "fob", "capacity", "total"):
        assert seen[fact] in page, fact
    for wrong in NEVER:
        assert wrong not in page


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_certificate_and_shipment_pages(client, office, certified, language):
    certificate, shipment = certified
    reads(office.msme, language)
    client.force_login(office.msme)
    page = visible(client.get(reverse("certificates:detail", args=[certificate.pk])))
    seen = SEEN[language]
    for fact in ("issued", "valid_until", "recorded", "total"):
        assert seen[fact] in page, fact

    page = visible(client.get(reverse("certificates:shipment", args=[shipment.pk])))
    for fact in ("issued", "total", "weight", "volume"):
        assert seen[fact] in page, fact
    assert seen["total"].replace("3.825,00", "2.880,00").replace("3,825.00", "2,880.00") in page


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_verification_page(client, certified, language):
    certificate, _ = certified
    page = visible(
        client.get(
            reverse("certificates:verify", args=[certificate.verification_code]), {"lang": language}
        )
    )
    assert SEEN[language]["issued"] in page
    assert SEEN[language]["valid_until"] in page
    for wrong in NEVER:
        assert wrong not in page


# Legal numbers: as their documents print them, whatever was typed and on every page.

NPWP_PRINTED = "01.234.567.4-901.000"
PIRT_PRINTED = "2063571010123-29"


@pytest.fixture
def typed_without_punctuation(office):
    """The NPWP and the P-IRT kept as bare digits (as stored from a form) on the business
    and on its documents."""
    Business.objects.filter(pk=office.business.pk).update(npwp="012345674901000")
    Document.objects.filter(business=office.business, kind__key="npwp").update(
        number="012345674901000"
    )
    Document.objects.filter(business=office.business, kind__key="pirt").update(
        number="206357101012329"
    )


@pytest.mark.parametrize("language", ["id", "en"])
def test_legal_numbers_read_the_same_on_every_page(
    client, office, bring_to, typed_without_punctuation, language
):
    application = bring_to(State.AWAITING_CERTIFICATION)
    reads(office.msme, language)
    reads(office.officer, language)

    client.force_login(office.msme)
    business_page = visible(client.get(reverse("products:business", args=[office.business.pk])))
    application_page = visible(client.get(reverse("curation:application", args=[application.pk])))
    client.force_login(office.officer)
    review_page = visible(
        client.get(reverse("curation:certification_review", args=[application.pk]))
    )

    assert business_page.count(NPWP_PRINTED) == 2  # the profile and the NPWP document
    assert NPWP_PRINTED in review_page
    assert PIRT_PRINTED in application_page
    for page in (business_page, application_page, review_page):
        assert "012345674901000" not in page
        assert "206357101012329" not in page


# The bilingual PDFs.


def text_of(pdf: bytes) -> str:
    return h.pdf_text(pdf)


def test_the_packing_list_prints_each_language_its_own_way(certified):
    _, shipment = certified
    text = text_of(rendering.render_packing_list_pdf(shipment))
    # Each number cell: the Indonesian, then the English line beneath it.
    for indonesian, english in [
        ("3,430", "3.430"),
        ("7,5", "7.5"),
        ("82,5", "82.5"),
        ("1.200", "1,200"),
    ]:
        assert f"{indonesian}\n{english}" in text, (indonesian, english)
    # Numbers both languages write alike are printed once.
    assert "\n75 " in text and "75\n75" not in text
    assert "Tanggal / Date: 2 Desember 2026 / 2 December 2026" in text


def test_the_invoice_prints_each_language_its_own_way(certified):
    _, shipment = certified
    text = text_of(rendering.render_invoice_pdf(shipment))
    assert "2,40\n2.40" in text
    assert "2.880,00\n2,880.00" in text
    assert "USD 3.825,00\nUSD 3,825.00" in text
    assert "Kemasan: 10 karton · berat bersih 75 kg · berat kotor 82,5 kg · 3,430 m³" in text
    assert "Packing: 10 cartons · net weight 75 kg · gross weight 82.5 kg · 3.430 m³" in text


def test_the_specification_sheet_prints_each_language_its_own_way(certified_with_dossier):
    certificate, _ = certified_with_dossier
    text = text_of(dossier.render_specification_pdf(certificate))
    assert "USD 2,40 per unit, FOB pelabuhan Indonesia" in text
    assert "USD 2.40 per unit, FOB Indonesian port" in text
    assert "2.000 jars per bulan" in text
    assert "2,000 jars per month" in text
    assert "terbit 2 Desember 2026, berlaku s.d. 10 Maret 2031" in " ".join(text.split())
    assert "issued 2 December 2026, valid until 10 March 2031" in " ".join(text.split())


def test_the_certificate_prints_each_language_its_own_way(certified):
    certificate, _ = certified
    Certificate.objects.filter(pk=certificate.pk).update(final_score="87.5")
    certificate.refresh_from_db()
    text = text_of(rendering.render_certificate_pdf(certificate))
    assert "(nilai 87,5/100)" in text
    assert "(score 87.5/100)" in text
    assert "2 Desember 2026\n2 December 2026" in text
    assert "10 Maret 2031\n10 March 2031" in text


def test_the_checklist_prints_numbers_and_dates_as_each_language_does(certified_with_dossier):
    certificate, _ = certified_with_dossier
    # The numbers as a form kept them, bare digits, in the snapshot the checklist prints.
    rows = [row for market in certificate.dossier["checklist"] for row in market["documents"]]
    held = {row["held"]["kind"]: row["held"] for row in rows if row["status"] == "held"}
    held["npwp"]["number"] = "012345674901000"
    held["pirt"]["number"] = "206357101012329"
    held["pirt"]["expires_on"] = "2031-03-10"
    text = text_of(dossier.render_checklist_pdf(certificate))
    assert NPWP_PRINTED in text
    assert PIRT_PRINTED in text
    assert "s.d. 10 Maret 2031\nuntil 10 March 2031" in text
    assert "2031-03-10" not in text
