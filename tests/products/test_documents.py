"""The MSME portal: uploading documents (file checks, numbers, dates), downloading them,
and their expiry."""

import re
from datetime import date, timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from products.models import (
    Document,
    DocumentType,
    Membership,
)
from products.rules import document_problems
from tests import factories as f
from tests.products.portal_helpers import EXECUTABLE, login, stored_files, text, upload

pytestmark = pytest.mark.django_db

# Documents.


def test_a_pdf_and_a_png_are_stored_under_server_made_names(client, office):
    login(client, office.msme)
    url = reverse("products:document_upload", args=[office.product.pk])
    before = set(stored_files())

    response = upload(client, url, kind="lab_test", name="../../etc/passwd.pdf")
    photo = upload(client, url, kind="product_photo", content=f.png_bytes(), name="IMG 1.JPG")

    assert response.url == reverse("curation:product", args=[office.product.pk])
    assert photo.status_code == 302
    lab = Document.objects.get(kind__key="lab_test", product=office.product)
    png = Document.objects.filter(kind__key="product_photo").latest("uploaded_at")
    assert lab.content_type == "application/pdf" and png.content_type == "image/png"
    assert re.fullmatch(
        rf"documents/{office.business.pk}/\d{{4}}/\d{{2}}/[\w-]{{20,}}\.pdf", lab.file.name
    )
    assert png.file.name.endswith(".png") and "IMG" not in png.file.name
    assert set(stored_files()) - before == {lab.file.name, png.file.name}
    assert default_storage.open(lab.file.name).read() == f.PDF_BYTES
    assert lab.uploaded_by == office.msme


def test_a_renamed_executable_is_refused_with_a_message_and_nothing_is_stored(client, office):
    login(client, office.msme)
    before = (Document.objects.count(), set(stored_files()))

    response = upload(
        client,
        reverse("products:document_upload", args=[office.product.pk]),
        kind="lab_test",
        content=EXECUTABLE,
        name="lab-report.pdf",
    )

    assert response.status_code == 200
    assert "Only PDF, JPEG, PNG and WebP files are accepted" in text(response)
    assert (Document.objects.count(), set(stored_files())) == before


def test_a_file_over_the_limit_is_refused(client, office, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    login(client, office.msme)
    response = upload(
        client,
        reverse("products:document_upload", args=[office.product.pk]),
        kind="lab_test",
        content=f.PDF_BYTES + b"0" * 2048,
    )
    assert "the largest accepted is" in text(response)
    assert not Document.objects.filter(kind__key="lab_test").exists()


def test_a_wrong_number_of_a_confirmed_format_is_refused(client, office):
    login(client, office.msme)
    before = (Document.objects.count(), set(stored_files()))

    response = upload(
        client,
        reverse("products:document_upload", args=[office.product.pk]),
        kind="pirt",
        number="12345",
        expires_on=(date.today() + timedelta(days=700)).isoformat(),
    )

    assert response.status_code == 200
    assert "A P-IRT number has 15 digits" in text(response)
    assert (Document.objects.count(), set(stored_files())) == before


def test_an_unusual_number_of_an_unconfirmed_format_is_accepted_with_a_warning(client, office):
    login(client, office.msme)
    response = upload(
        client,
        reverse("products:document_upload", args=[office.product.pk]),
        kind="halal",
        number="HALAL-2024-0012",
        follow=True,
    )

    document = Document.objects.filter(kind__key="halal").latest("uploaded_at")
    assert document.number == "HALAL-2024-0012"
    page = text(response)
    assert "does not have the usual format" in page
    assert "message warning" in page


def test_an_expiry_date_is_derived_from_the_issue_date_and_validity(client, office):
    login(client, office.msme)
    issued = date.today() - timedelta(days=30)
    upload(
        client,
        reverse("products:document_upload", args=[office.product.pk]),
        kind="bpom_md",
        number="BPOM RI MD 224513001234",
        issued_on=issued.isoformat(),
    )
    document = Document.objects.get(kind__key="bpom_md")
    assert document.expires_on == issued.replace(year=issued.year + 5)


def test_an_expired_document_or_dates_in_the_wrong_order_are_refused(client, office):
    login(client, office.msme)
    url = reverse("products:document_upload", args=[office.product.pk])
    expired = upload(
        client,
        url,
        kind="pirt",
        number="2063571010123-29",
        expires_on=(date.today() - timedelta(days=1)).isoformat(),
    )
    backwards = upload(
        client,
        url,
        kind="pirt",
        number="2063571010123-29",
        issued_on=(date.today() - timedelta(days=10)).isoformat(),
        expires_on=(date.today() - timedelta(days=20)).isoformat(),
    )
    assert "expired on" in text(expired)
    assert "The expiry date is before the issue date." in text(backwards)
    assert Document.objects.filter(kind__key="pirt", product=office.product).count() == 1


def test_business_documents_are_uploaded_from_the_business_page(client, office):
    login(client, office.msme)
    url = reverse("products:business_document_upload", args=[office.business.pk])
    page = client.get(url + "?kind=trademark")
    assert "selected>Trademark registration" in text(page)
    # A product's document type is not offered for the business.
    assert "Home food industry permit" not in text(page)

    upload(client, url, kind="trademark", number="IDM000123456")

    document = Document.objects.get(kind__key="trademark")
    assert document.business == office.business and document.product is None


# Downloads.


def test_members_and_permitted_staff_download_the_document(client, office, bring_to):
    document = Document.objects.get(kind__key="pirt", product=office.product)
    nib = Document.objects.get(kind__key="nib", business=office.business)
    url = reverse("curation:document", args=[document.pk])
    bring_to("submitted")
    staff = f.make_member(office.business, "staff", role=Membership.Role.STAFF)

    for user in (office.msme, staff, office.coordinator):
        login(client, user)
        response = client.get(url)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == f.PDF_BYTES
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        assert response["Cache-Control"] == "private, no-store"
        assert client.get(reverse("curation:document", args=[nib.pk])).status_code == 200


def test_others_get_404_for_a_document(client, office, bring_to):
    document = Document.objects.get(kind__key="pirt", product=office.product)
    url = reverse("curation:document", args=[document.pk])
    bring_to("submitted")
    # The spare curator is not assigned; the Blitar coordinator works in another region.
    for user in (
        office.other_msme,
        office.outsider,
        office.spare_curator,
        office.foreign_coordinator,
    ):
        login(client, user)
        assert client.get(url).status_code == 404, user
    client.logout()
    assert client.get(url).status_code == 302


def test_staff_see_documents_only_of_a_product_they_can_see(client, office, bring_to):
    bring_to("submitted")
    other_product = f.ProductFactory(business=office.business, name="Sambal Tumpang")
    hidden = f.add_document(office.business, "lab_test", product=other_product)
    login(client, office.coordinator)
    assert client.get(reverse("curation:document", args=[hidden.pk])).status_code == 404


def test_there_is_no_public_media_url_for_documents(client, office):
    document = Document.objects.get(kind__key="pirt", product=office.product)
    login(client, office.msme)
    page = text(client.get(reverse("curation:product", args=[office.product.pk])))
    assert document.file.name not in page
    assert reverse("curation:document", args=[document.pk]) in page


# Expiry.


def test_expiring_and_expired_documents_are_shown(client, office):
    today = date.today()
    f.add_document(
        office.business,
        "sni",
        product=office.product,
        number="SNI 01-2891",
        expires_on=today + timedelta(days=30),
    )
    Document.objects.filter(kind__key="pirt").update(expires_on=today - timedelta(days=2))
    login(client, office.msme)

    dashboard = text(client.get("/"))
    assert (
        "Your Indonesian National Standard certificate (SNI) for Sambal Pecel Bu Rini expires "
        "in 30 days." in dashboard
    )
    assert re.search(
        r'class="overdue">Your Home food industry permit \(P-IRT\) for Sambal Pecel Bu Rini '
        r"expired on",
        dashboard,
    )

    product_page = text(client.get(reverse("curation:product", args=[office.product.pk])))
    assert "Expires in 30 days" in product_page
    assert re.search(r'validity-expired">Expired on', product_page)
    # The submit check says the same.
    assert "The Home food industry permit (P-IRT) expired on" in product_page

    listing = text(client.get(reverse("curation:product_list")))
    assert "A document has expired" in listing


def test_a_halal_certificate_never_expires(client, office):
    """A BPJPH certificate stays valid while ingredients and process are unchanged (UU
    6/2023 art. 42): an expiry date stored before that was known no longer counts."""
    halal = Document.objects.get(kind__key="halal", product=office.product)
    Document.objects.filter(pk=halal.pk).update(expires_on=date.today() - timedelta(days=2))
    halal.refresh_from_db()

    assert not halal.kind.expires
    assert (halal.is_current(), halal.days_to_expiry(), halal.expiry_state) == (True, None, "")
    assert Document.objects.current().filter(pk=halal.pk).exists()
    assert document_problems(office.product) == []

    login(client, office.msme)
    dashboard = text(client.get("/"))
    assert "Your Halal certificate" not in dashboard
    product_page = text(client.get(reverse("curation:product", args=[office.product.pk])))
    assert "expired" not in product_page.lower()
    halal_row = product_page[product_page.index("Halal certificate (BPJPH)</td>") :]
    assert halal_row[: halal_row.index("</tr>")].count("Does not expire") == 1
    listing = text(client.get(reverse("curation:product_list")))
    assert "A document has expired" not in listing
    assert "Nothing expiring soon" in listing


def test_a_halal_upload_asks_no_expiry_date_and_keeps_none(client, office):
    login(client, office.msme)
    url = reverse("products:document_upload", args=[office.product.pk])
    halal, pirt = (DocumentType.objects.get(key=key) for key in ("halal", "pirt"))

    def expiry_field(page):
        return re.search(r'<div class="field" data-expiring-kinds="([\d ]*)"( hidden)?>', page)

    # The page's script shows the expiry date for the types that expire, and the page is
    # drawn without it when a halal certificate is the type asked for.
    asked = expiry_field(text(client.get(url, {"kind": "halal"})))
    assert asked.group(2) == " hidden"
    assert str(pirt.pk) in asked.group(1).split() and str(halal.pk) not in asked.group(1).split()
    assert expiry_field(text(client.get(url, {"kind": "pirt"}))).group(2) is None

    # A date given anyway (one printed under the old rules, long past) is neither refused
    # nor stored, and no reminder is promised.
    response = upload(
        client,
        url,
        kind="halal",
        number=f.VALID_NUMBERS["halal"],
        expires_on=(date.today() - timedelta(days=30)).isoformat(),
        follow=True,
    )
    document = Document.objects.filter(kind=halal).latest("uploaded_at")
    assert document.number == f.VALID_NUMBERS["halal"]
    assert document.expires_on is None
    page = text(response)
    assert "expired" not in page and "No expiry date was given" not in page


def test_a_renewed_document_is_no_longer_flagged(client, office):
    Document.objects.filter(kind__key="pirt").update(expires_on=date.today() + timedelta(days=10))
    f.add_document(
        office.business,
        "pirt",
        product=office.product,
        expires_on=date.today() + timedelta(days=1500),
    )
    login(client, office.msme)
    assert "expires in 10 days" not in text(client.get("/"))


def test_an_nib_document_that_differs_from_the_profile_is_accepted_with_a_warning(client, office):
    login(client, office.msme)
    response = upload(
        client,
        reverse("products:business_document_upload", args=[office.business.pk]),
        kind="nib",
        number="1111111111111",
        follow=True,
    )
    assert Document.objects.filter(kind__key="nib", number="1111111111111").exists()
    assert "is not the one in the business profile" in text(response)
