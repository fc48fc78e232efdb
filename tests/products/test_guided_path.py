"""The MSME's guided path: the documents page (every required document as a slot, several
files in one POST, the business's numbers reused), the review page that submits in one
POST, the step indicator, and the owner's name and phone asked at sign-up."""

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from curation import services
from curation.models import Application, TransitionLog
from kernel.states import State
from products.models import Document, DocumentType
from tests import factories as f
from tests.products.portal_helpers import EXECUTABLE, login, stored_files, text

pytestmark = pytest.mark.django_db


def bare_product(office, **fields):
    """A food product of the office's business with none of its own documents (the
    business's NIB and NPWP are there, from the fixture)."""
    return f.ProductFactory(business=office.business, name="Keripik Tempe Bu Rini", **fields)


def new_business_product(office):
    """A product of a new business of the office's MSME, with no document at all."""
    business = f.BusinessFactory(name="Kopi Kelud Bu Rini", region=office.business.region)
    business.memberships.create(user=office.msme, role="owner")
    return f.ProductFactory(business=business, name="Kopi Kelud")


def pdf(name="scan.pdf", content=f.PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png(name="photo.png", color=(200, 40, 40)):
    return SimpleUploadedFile(name, f.png_bytes(color=color), content_type="image/png")


def kind_pk(key):
    return DocumentType.objects.get(key=key).pk


def every_document(issued=None):
    """The documents page's POST for a food product: every slot filled."""
    issued = issued or date.today() - timedelta(days=30)
    pirt_year = 2000 + int(f.VALID_NUMBERS["pirt"][-2:])
    return {
        "nib-kind": kind_pk("nib"),
        "nib-files": [pdf("nib.pdf")],
        "npwp-kind": kind_pk("npwp"),
        "npwp-files": [pdf("npwp.pdf")],
        "bpom_md-kind": kind_pk("pirt"),
        "bpom_md-number": f.VALID_NUMBERS["pirt"],
        "bpom_md-issued_on": issued.isoformat(),
        "bpom_md-expires_on": date(pirt_year, 6, 30).isoformat(),
        "bpom_md-files": [pdf("pirt.pdf")],
        "halal-kind": kind_pk("halal"),
        "halal-number": f.VALID_NUMBERS["halal"],
        "halal-files": [pdf("halal.pdf")],
        "product_photo-kind": kind_pk("product_photo"),
        "product_photo-files": [png("front.png"), png("back.png", (10, 90, 10))],
        "packaging_photo-kind": kind_pk("packaging_photo"),
        "packaging_photo-files": [png("label.png", (30, 30, 200))],
    }


def documents_url(product):
    return reverse("products:documents", args=[product.pk])


def review_url(product):
    return reverse("curation:product_review", args=[product.pk])


# The documents page.


def test_the_documents_page_has_a_slot_per_required_document_with_its_status(client, office):
    product = bare_product(office)
    f.add_document(
        office.business, "pirt", product=product, expires_on=date.today() + timedelta(days=20)
    )
    login(client, office.msme)

    page = text(client.get(documents_url(product)))

    slots = dict(
        re.findall(r'id="doc-([\w_]+)-heading">[^<]*<span class="slot-status">([^<]+)<', page)
    )
    # The business's NIB and NPWP are in place; P-IRT or BPOM MD is one slot.
    assert slots == {
        "nib": "Uploaded",
        "npwp": "Uploaded",
        "bpom_md": "Expiring soon",
        "halal": "Missing",
        "product_photo": "Missing",
        "packaging_photo": "Missing",
    }
    assert page.count('type="file"') == 6 and page.count("multiple") >= 6
    assert 'enctype="multipart/form-data"' in page


def test_several_files_in_one_post_fill_every_slot_and_lead_to_the_review(client, office):
    product = new_business_product(office)
    login(client, office.msme)
    before = set(stored_files())

    response = client.post(documents_url(product), every_document())

    assert response.status_code == 302 and response.url == review_url(product)
    documents = Document.objects.filter(business=product.business)
    assert sorted(documents.values_list("kind__key", flat=True)) == [
        "halal",
        "nib",
        "npwp",
        "packaging_photo",
        "pirt",
        "product_photo",
        "product_photo",
    ]
    assert len(set(stored_files()) - before) == 7
    page = text(client.get(response.url))
    assert "7 files are uploaded" in page
    assert 'id="blocked-submit"' not in page


def test_the_business_numbers_are_reused_on_their_documents_not_typed_again(client, office):
    product = new_business_product(office)
    business = product.business
    login(client, office.msme)

    page = text(client.get(documents_url(product)))
    assert 'name="nib-number"' not in page and 'name="npwp-number"' not in page
    assert 'name="halal-number"' in page
    assert business.nib in re.sub(r"\D", "", page.split('id="doc-nib"')[1].split("</section>")[0])

    # Whatever number is sent, the business's own is kept.
    client.post(
        documents_url(product),
        {
            "nib-kind": kind_pk("nib"),
            "nib-number": "1111111111111",
            "nib-files": [pdf()],
            "npwp-kind": kind_pk("npwp"),
            "npwp-files": [pdf()],
        },
    )
    assert Document.objects.get(business=business, kind__key="nib").number == business.nib
    assert Document.objects.get(business=business, kind__key="npwp").number == business.npwp


def test_a_bad_file_among_several_is_named_and_the_good_ones_are_kept(client, office):
    """The good files of the same POST are stored (choosing six files again for one bad
    photo costs a phone more than choosing that one again); the bad one is named beside
    its slot, and nothing of it is stored."""
    product = bare_product(office)
    login(client, office.msme)
    before = set(stored_files())

    response = client.post(
        documents_url(product),
        {
            "halal-kind": kind_pk("halal"),
            "halal-number": f.VALID_NUMBERS["halal"],
            "halal-files": [pdf("halal.pdf")],
            "product_photo-kind": kind_pk("product_photo"),
            "product_photo-files": [png("front.png"), pdf("setup.png", EXECUTABLE)],
        },
    )

    assert response.status_code == 200
    page = text(response)
    assert re.search(r"setup\.png: Only PDF, JPEG, PNG and WebP files are accepted", page)
    assert "2 files are uploaded: Halal certificate (BPJPH), Product photo." in page
    kept = Document.objects.filter(product=product)
    assert sorted(kept.values_list("kind__key", flat=True)) == ["halal", "product_photo"]
    assert len(set(stored_files()) - before) == 2
    # The slots show what was stored; the one refused is still to be chosen again.
    slots = dict(
        re.findall(r'id="doc-([\w_]+)-heading">[^<]*<span class="slot-status">([^<]+)<', page)
    )
    assert slots["halal"] == "Uploaded" and slots["product_photo"] == "Uploaded"


def test_a_wrong_number_refuses_the_slot_and_keeps_what_was_typed(client, office):
    product = bare_product(office)
    login(client, office.msme)

    response = client.post(
        documents_url(product),
        {
            "bpom_md-kind": kind_pk("pirt"),
            "bpom_md-number": "12",
            "bpom_md-files": [pdf(), pdf("page2.pdf")],
        },
    )

    assert response.status_code == 200
    assert not Document.objects.filter(product=product).exists()
    page = text(response)
    assert 'name="bpom_md-number" value="12"' in page
    assert page.count('class="errorlist') >= 1


def test_sending_no_file_says_so_and_changes_nothing(client, office):
    product = bare_product(office)
    login(client, office.msme)
    response = client.post(documents_url(product), {"halal-number": "x"})
    assert "Choose the files to upload first." in text(response)
    assert not Document.objects.filter(product=product).exists()


def test_only_the_business_members_open_the_documents_and_review_pages(client, office):
    product = bare_product(office)
    for url in (documents_url(product), review_url(product)):
        assert client.get(url).status_code == 302  # anonymous: to the sign-in page
        for outsider in (office.other_msme, office.coordinator, office.exporter):
            client.force_login(outsider)
            assert client.get(url).status_code == 404
        client.force_login(office.other_msme)
        client.post(url, every_document() if "documents" in url else {"comment": "x"})
        client.logout()
    assert not Document.objects.filter(product=product).exists()
    assert not Application.objects.filter(product=product).exists()


# The review page and the one-POST submit.


def test_the_review_page_offers_no_submit_while_documents_are_missing(client, office):
    product = bare_product(office)
    login(client, office.msme)

    page = text(client.get(review_url(product)))

    assert "Submit for curation</button>" not in page
    halal = f"{documents_url(product)}?next={review_url(product).replace('/', '%2F')}#doc-halal"
    assert f'<a href="{halal}">Upload the Halal certificate (BPJPH).</a>' in page
    # Nor on the product page: the primary action leads to the documents.
    product_page = text(client.get(reverse("curation:product", args=[product.pk])))
    assert "Start an application" not in product_page
    assert f'<a class="button" href="{documents_url(product)}">Upload the documents</a>' in (
        product_page
    )

    refused = client.post(review_url(product), {"comment": "Please"})
    assert "Upload the Halal certificate (BPJPH)." in text(refused)
    assert not Application.objects.filter(product=product).exists()  # not even a draft


def test_one_post_submits_and_a_second_press_changes_nothing(client, office):
    product = office.product
    login(client, office.msme)
    page = text(client.get(review_url(product)))
    assert "Submit for curation</button>" in page and 'name="comment"' in page

    response = client.post(review_url(product), {"comment": "Our new jar size."})

    application = Application.objects.get(product=product)
    assert application.state == State.SUBMITTED
    assert response.url == reverse("curation:application", args=[application.pk])
    log = TransitionLog.objects.get(application=application)
    assert (log.transition, log.comment) == ("submit", "Our new jar size.")

    again = client.post(review_url(product), {"comment": "Our new jar size."}, follow=True)
    assert Application.objects.filter(product=product).count() == 1
    assert TransitionLog.objects.filter(application=application).count() == 1
    assert "is with the office already" in text(again)


def test_a_draft_from_before_is_the_one_submitted(client, office):
    draft = office.new_application()
    login(client, office.msme)
    response = client.post(review_url(office.product), {})
    draft.refresh_from_db()
    assert response.status_code == 302, text(response)
    assert draft.state == State.SUBMITTED
    assert Application.objects.filter(product=office.product).count() == 1


# The step indicator.


def steps_of(page: str) -> tuple[str, list[str]]:
    nav = page.split('<nav class="steps"')[1].split(">", 1)[1].split("</nav>")[0]
    where = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", nav.split("</p>")[0])).strip()
    current = re.findall(r'aria-current="step">.*?<span>([^<]+)</span>', nav, re.S)
    return where, current


def test_the_step_indicator_says_where_she_is_and_what_is_left(client, office):
    with translation.override("en"):
        where, current = steps_of(text(client.get(reverse("account_signup"))))
    assert where == (
        "Step 1 of 5: Your account Still to do: Your business, Your product, Documents, "
        "Review and submit."
    )
    user = f.UserFactory(username="baru", roles=["msme"])
    login(client, user)
    where, current = steps_of(text(client.get(reverse("products:business_new"))))
    assert where == (
        "Step 2 of 5: Your business Still to do: Your product, Documents, Review and submit."
    )
    assert current == ["Your business"]

    login(client, office.msme)
    product = bare_product(office)
    where, _ = steps_of(text(client.get(documents_url(product))))
    assert where == "Step 4 of 5: Documents Still to do: Review and submit."
    where, _ = steps_of(text(client.get(reverse("products:edit", args=[product.pk]))))
    assert where == "Step 3 of 5: Your product Still to do: Documents, Review and submit."
    where, _ = steps_of(text(client.get(review_url(office.product))))
    assert where == "Step 5 of 5: Review and submit"


def test_the_step_indicator_in_indonesian(client, office):
    office.msme.profile.language = "id"
    office.msme.profile.save(update_fields=["language"])
    client.force_login(office.msme)
    where, _ = steps_of(text(client.get(documents_url(bare_product(office)))))
    assert where == "Langkah 4 dari 5: Dokumen Masih harus dilakukan: Periksa dan ajukan."


def test_no_step_indicator_once_the_office_has_the_product(client, office):
    services.application_submit(application=office.new_application(), by=office.msme)
    login(client, office.msme)
    page = text(client.get(documents_url(office.product)))
    assert '<nav class="steps"' not in page


# The owner's name, phone and language.


SIGN_UP = {
    "email": "siti@example.test",
    "password1": "Kripik-Tempe-2026!",
    "password2": "Kripik-Tempe-2026!",
    "full_name": "  Siti   Rahmawati ",
    "phone": "0812-3456-7890",
    "language": "id",
    "account_kind": "msme",  # the choice beside these (curation.signup)
}


def test_sign_up_asks_the_name_phone_and_language(client):
    with translation.override("en"):
        page = text(client.get(reverse("account_signup")))
    for name in ("full_name", "phone", "language"):
        assert f'name="{name}"' in page

    client.post(reverse("account_signup"), SIGN_UP)

    user = get_user_model().objects.get(email="siti@example.test")
    assert (user.get_full_name(), user.profile.phone, user.profile.language) == (
        "Siti Rahmawati",
        "+6281234567890",
        "id",
    )
    assert mail.outbox


def test_sign_up_refuses_a_phone_that_is_no_number(client):
    response = client.post(reverse("account_signup"), {**SIGN_UP, "phone": "call me"})
    assert "Enter a phone number, for example 0812 3456 7890" in text(response)
    assert not get_user_model().objects.filter(email="siti@example.test").exists()


def test_the_account_page_changes_the_name_phone_and_language(client, office):
    login(client, office.msme)
    url = reverse("curation:account")
    assert client.get(url).status_code == 200

    refused = client.post(url, {"full_name": "Rini", "phone": "12", "language": "en"})
    assert "Enter a phone number, for example 0812 3456 7890" in text(refused)
    office.msme.refresh_from_db()
    assert office.msme.first_name != "Rini"

    client.post(url, {"full_name": "Rini Astuti", "phone": "+62 811 2233 4455", "language": "id"})
    office.msme.refresh_from_db()
    assert office.msme.get_full_name() == "Rini Astuti"
    assert office.msme.profile.phone == "+6281122334455"
    assert office.msme.profile.language == "id"
    assert "Rincian Anda disimpan." in text(client.get(url))

    client.logout()
    assert client.get(url).status_code == 302


def test_the_owner_is_named_not_her_login_in_the_greeting_and_the_history(client, office):
    office.msme.first_name, office.msme.last_name = "Rini Astuti", ""
    office.msme.save()
    login(client, office.msme)
    assert "Welcome, Rini Astuti" in text(client.get(reverse("curation:home")))
    client.post(review_url(office.product), {"comment": "Siap."})
    application = Application.objects.get(product=office.product)

    login(client, office.coordinator)
    page = text(client.get(reverse("curation:application", args=[application.pk])))
    history = page.split('class="timeline"')[1].split("</ul>")[0]
    assert "Rini Astuti" in history and office.msme.username not in history
    # Staff see whom to call about it.
    office.msme.profile.phone = "+6281234567890"
    office.msme.profile.save(update_fields=["phone"])
    page = text(client.get(reverse("curation:application", args=[application.pk])))
    assert 'Applicant: Rini Astuti, <a href="tel:+6281234567890">+6281234567890</a>' in page
