"""The MSME portal: the business and its members, products, documents and the MSME's side
of an application, through the pages as a member of the business uses them."""

import re
from datetime import date, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from curation import services
from curation.models import Application, RevisionRequest, State
from curation.roles import Role
from products.models import (
    Business,
    BusinessInvitation,
    Category,
    Document,
    DocumentType,
    Market,
    Membership,
    Product,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def login(client, user):
    """Sign in `user`, whose pages are in English for the assertions."""
    user.profile.language = "en"
    user.profile.save(update_fields=["language"])
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def stored_files(folder="documents") -> list[str]:
    """Every file name under `folder` in the (in-memory) storage."""
    names = []
    try:
        directories, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return names
    names += [f"{folder}/{name}" for name in files]
    for directory in directories:
        names += stored_files(f"{folder}/{directory}")
    return names


def upload(client, url, *, kind, content=f.PDF_BYTES, name="scan.pdf", follow=False, **fields):
    data = {
        "kind": DocumentType.objects.get(key=kind).pk,
        "number": "",
        "issued_on": "",
        "expires_on": "",
        "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
        **fields,
    }
    return client.post(url, data, follow=follow)


def verified_user(username, email):
    user = f.UserFactory(username=username, email=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def product_data(category_key, **overrides):
    data = {
        "name": "Keripik Tempe Bu Sri",
        "category": Category.objects.get(key=category_key).pk,
        "description": "Thin tempeh chips fried in coconut oil.",
        "hs_code": "2008.19.90",
        "materials": "Tempeh, rice flour, coconut oil, garlic, salt",
        "shelf_life_days": "120",
        "monthly_capacity": "500",
        "capacity_unit": "packs",
        "fob_price": "1.75",
        "fob_currency": "USD",
        "target_markets": [Market.objects.get(key="my").pk, Market.objects.get(key="sg").pk],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# The business.


BUSINESS = {
    "name": "Kripik Tempe Bu Sri",
    "nib": "9120-0011-2233-4",
    "npwp": "01.234.567.8-901.000",
    "address": "Jl. Brawijaya 12, Kediri",
    "size": "micro",
    "email": "sri@example.test",
    "phone": "+62 812 3456 7890",
}


def test_a_new_msme_is_sent_from_the_dashboard_to_register_the_business(client):
    user = f.UserFactory(username="sri", roles=[Role.MSME])
    login(client, user)

    response = client.get("/")

    assert response.status_code == 302
    assert response.url == reverse("products:business_new")
    assert client.get(reverse("products:list")).url == reverse("products:business_new")


def test_registering_the_business_makes_the_user_its_owner(client):
    user = f.UserFactory(username="sri", roles=[Role.MSME])
    login(client, user)

    response = client.post(
        reverse("products:business_new"), {**BUSINESS, "region": f.region("35.71").pk}
    )

    business = Business.objects.get(name="Kripik Tempe Bu Sri")
    assert response.url == reverse("products:business", args=[business.pk])
    assert business.nib == "9120001122334"
    assert business.npwp == "012345678901000"
    assert Membership.objects.get(business=business, user=user).role == Membership.Role.OWNER
    # The dashboard is the dashboard again.
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nib", "12345", "An NIB has exactly 13 digits"),
        ("nib", "91200011223AB", "An NIB has exactly 13 digits"),
        ("npwp", "1234", "An NPWP has 15 digits"),
    ],
)
def test_a_wrong_nib_or_npwp_is_refused_with_its_message_and_creates_nothing(
    client, field, value, message
):
    user = f.UserFactory(username="sri", roles=[Role.MSME])
    login(client, user)

    response = client.post(
        reverse("products:business_new"),
        {**BUSINESS, field: value, "region": f.region("35.71").pk},
    )

    assert response.status_code == 200
    assert message in text(response)
    assert 'aria-invalid="true"' in text(response)
    assert not Business.objects.filter(name="Kripik Tempe Bu Sri").exists()
    assert not Membership.objects.filter(user=user).exists()


def test_an_nib_already_registered_says_to_ask_for_an_invitation(client, office):
    user = f.UserFactory(username="sri", roles=[Role.MSME])
    login(client, user)

    response = client.post(
        reverse("products:business_new"),
        {**BUSINESS, "nib": office.business.nib, "region": f.region("35.71").pk},
    )

    assert "already registered" in text(response)
    assert "invite you" in text(response)
    assert not Membership.objects.filter(user=user).exists()


def test_only_the_owner_edits_the_profile(client, office):
    staff = f.make_member(office.business, "staff", role=Membership.Role.STAFF)
    login(client, staff)
    assert (
        client.get(reverse("products:business_edit", args=[office.business.pk])).status_code == 403
    )

    login(client, office.msme)
    response = client.post(
        reverse("products:business_edit", args=[office.business.pk]),
        {
            **BUSINESS,
            "name": "Sambal Bu Rini Jaya",
            "nib": office.business.nib,
            "region": office.business.region_id,
        },
    )
    assert response.status_code == 302
    office.business.refresh_from_db()
    assert office.business.name == "Sambal Bu Rini Jaya"


def test_outsiders_and_other_businesses_do_not_see_the_business(client, office):
    for user in (office.other_msme, office.outsider, office.coordinator):
        login(client, user)
        assert (
            client.get(reverse("products:business", args=[office.business.pk])).status_code == 404
        )
        assert client.get(reverse("products:members", args=[office.business.pk])).status_code == 404


# Members and invitations.


def invite(client, office, email="budi@example.test", django_capture_on_commit_callbacks=None):
    login(client, office.msme)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("products:members", args=[office.business.pk]), {"email": email}
        )
    assert response.status_code == 302, text(response)
    return BusinessInvitation.objects.get(business=office.business, email=email)


def test_the_owner_invites_by_e_mail_after_commit_and_the_invited_person_joins_as_staff(
    client, office, django_capture_on_commit_callbacks
):
    invitation = invite(
        client, office, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["budi@example.test"]
    assert "Sambal Bu Rini" in mail.outbox[0].subject
    link = re.search(r"https?://\S+(/products/invitations/\S+/)", mail.outbox[0].body).group(1)
    assert invitation.token in link
    assert len(invitation.token) >= 40

    # Signed out: the page says who invites and how to accept.
    client.logout()
    page = client.get(link)
    assert page.status_code == 200
    assert "Sign in" in text(page) and "Create an account" in text(page)

    budi = verified_user("budi", "budi@example.test")
    login(client, budi)
    response = client.post(link)

    assert response.url == reverse("products:business", args=[office.business.pk])
    membership = Membership.objects.get(business=office.business, user=budi)
    assert membership.role == Membership.Role.STAFF
    assert budi.groups.filter(name=Role.MSME).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == budi and invitation.accepted_at is not None
    # The new member sees the business's products.
    assert office.product.name in text(client.get(reverse("products:list")))


def test_a_used_invitation_link_is_refused(client, office, django_capture_on_commit_callbacks):
    invitation = invite(
        client, office, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    link = reverse("products:invitation", args=[invitation.token])
    budi = verified_user("budi", "budi@example.test")
    login(client, budi)
    client.post(link)
    Membership.objects.filter(user=budi).delete()

    response = client.post(link, follow=True)

    assert "already been used" in text(response)
    assert not Membership.objects.filter(user=budi).exists()


def test_an_expired_invitation_link_is_refused(client, office, django_capture_on_commit_callbacks):
    invitation = invite(
        client, office, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    BusinessInvitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(days=8),
        expires_at=timezone.now() - timedelta(days=1),
    )
    budi = verified_user("budi", "budi@example.test")
    login(client, budi)

    response = client.post(reverse("products:invitation", args=[invitation.token]), follow=True)

    assert "This invitation expired" in text(response)
    assert not Membership.objects.filter(user=budi).exists()


def test_an_unknown_token_is_refused(client, office):
    login(client, verified_user("budi", "budi@example.test"))
    response = client.post(reverse("products:invitation", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert "not valid" in text(response)
    assert not Membership.objects.filter(user__username="budi").exists()


def test_an_invitation_is_accepted_only_with_the_invited_address(
    client, office, django_capture_on_commit_callbacks
):
    invitation = invite(
        client, office, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    someone = verified_user("someone", "someone@example.test")
    login(client, someone)

    response = client.post(reverse("products:invitation", args=[invitation.token]), follow=True)

    assert "This invitation was sent to budi@example.test" in text(response)
    assert not Membership.objects.filter(user=someone).exists()


def test_a_pending_invitation_shows_on_the_registration_page(
    client, office, django_capture_on_commit_callbacks
):
    invitation = invite(
        client, office, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    budi = verified_user("budi", "budi@example.test")
    budi.groups.add(*f.UserFactory(username="x", roles=[Role.MSME]).groups.all())
    login(client, budi)

    page = client.get(client.get("/").url)

    assert "You have been invited" in text(page)
    assert reverse("products:invitation", args=[invitation.token]) in text(page)


def test_a_staff_member_cannot_invite_or_remove_members(client, office):
    staff = f.make_member(office.business, "staff", role=Membership.Role.STAFF)
    login(client, staff)

    page = client.get(reverse("products:members", args=[office.business.pk]))
    assert "Only the owner can invite" in text(page)
    response = client.post(
        reverse("products:members", args=[office.business.pk]), {"email": "x@example.test"}
    )
    assert response.status_code == 403
    assert not BusinessInvitation.objects.exists()
    assert len(mail.outbox) == 0

    owner = office.business.memberships.get(user=office.msme)
    response = client.post(reverse("products:member_remove", args=[office.business.pk, owner.pk]))
    assert response.status_code == 403
    assert Membership.objects.filter(pk=owner.pk).exists()


def test_another_business_owner_cannot_invite_to_this_business(client, office):
    login(client, office.other_msme)
    response = client.post(
        reverse("products:members", args=[office.business.pk]), {"email": "x@example.test"}
    )
    assert response.status_code == 404
    assert not BusinessInvitation.objects.exists()


def test_the_owner_removes_a_staff_member_but_not_an_owner(client, office):
    staff = f.make_member(office.business, "staff", role=Membership.Role.STAFF)
    membership = office.business.memberships.get(user=staff)
    owner = office.business.memberships.get(user=office.msme)
    login(client, office.msme)

    page = client.get(reverse("products:members", args=[office.business.pk]))
    assert reverse("products:member_remove", args=[office.business.pk, membership.pk]) in text(page)
    client.post(reverse("products:member_remove", args=[office.business.pk, membership.pk]))
    response = client.post(
        reverse("products:member_remove", args=[office.business.pk, owner.pk]), follow=True
    )

    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert Membership.objects.filter(pk=owner.pk).exists()
    assert "An owner cannot be removed" in text(response)
    login(client, staff)
    assert client.get(reverse("products:detail", args=[office.product.pk])).status_code == 404


def test_a_new_invitation_replaces_the_pending_one(
    client, office, django_capture_on_commit_callbacks
):
    first = invite(
        client, office, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("products:members", args=[office.business.pk]), {"email": "Budi@Example.test"}
        )
    first.refresh_from_db()
    assert first.cancelled_at is not None
    assert BusinessInvitation.objects.pending().filter(email="budi@example.test").count() == 1
    assert len(mail.outbox) == 2


# Products.


def test_a_food_product_asks_for_ingredients_and_shelf_life_and_names_its_documents(client, office):
    login(client, office.msme)
    response = client.post(
        reverse("products:new"),
        product_data("processed_food", materials="", shelf_life_days=""),
    )

    page = text(response)
    assert response.status_code == 200
    assert not Product.objects.filter(name="Keripik Tempe Bu Sri").exists()
    assert 'for="id_materials">Ingredients' in page
    assert 'for="id_shelf_life_days">Shelf life (days)' in page
    assert page.count("This field is required.") == 2
    assert "P-IRT" in page and "BPOM" in page and "Halal" in page
    assert "Usual HS headings for Processed food" in page and "2106" in page

    response = client.post(reverse("products:new"), product_data("processed_food"))

    product = Product.objects.get(name="Keripik Tempe Bu Sri")
    assert response.url == reverse("products:detail", args=[product.pk])
    assert product.business == office.business
    assert product.shelf_life_days == 120
    assert product.hs_code == "20081990"
    assert set(product.target_markets.values_list("key", flat=True)) == {"my", "sg"}


def test_a_non_food_product_asks_for_materials_and_no_shelf_life(client, office):
    login(client, office.msme)
    page = text(
        client.post(
            reverse("products:new"),
            product_data("musical_instruments", materials="", shelf_life_days="30"),
        )
    )
    assert 'for="id_materials">Materials' in page
    assert "id_shelf_life_days" not in page
    assert page.count("This field is required.") == 1

    client.post(
        reverse("products:new"),
        product_data(
            "musical_instruments",
            hs_code="9206.00.00",
            shelf_life_days="30",
            name="Djembe Blitar",
            materials="Mahogany, goat skin, rope",
        ),
    )
    product = Product.objects.get(name="Djembe Blitar")
    assert product.shelf_life_days is None
    assert product.hs_code == "92060000"


@pytest.mark.parametrize("hs_code", ["2008", "12345678901", "20O8.19"])
def test_an_hs_code_of_the_wrong_length_is_refused(client, office, hs_code):
    login(client, office.msme)
    response = client.post(reverse("products:new"), product_data("processed_food", hs_code=hs_code))
    assert "An HS code has 6 to 10 digits" in text(response)
    assert not Product.objects.filter(name="Keripik Tempe Bu Sri").exists()


def test_capacity_needs_its_unit(client, office):
    login(client, office.msme)
    response = client.post(
        reverse("products:new"), product_data("processed_food", capacity_unit="")
    )
    assert "Say what the capacity is counted in." in text(response)
    assert not Product.objects.filter(name="Keripik Tempe Bu Sri").exists()


def test_changing_the_category_redraws_its_fields_with_htmx_and_without(client, office):
    login(client, office.msme)
    data = product_data("musical_instruments", refresh="category", materials="Mahogany")

    partial = client.post(reverse("products:new"), data, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert 'id="category-fields"' in text(partial)
    assert "<html" not in text(partial)
    assert "id_shelf_life_days" not in text(partial)
    assert "This field is required" not in text(partial)
    assert ">\nMahogany</textarea>" in text(partial)

    food = client.post(
        reverse("products:new"),
        {**data, "category": Category.objects.get(key="sauces_condiments").pk},
        headers={"HX-Request": "true"},
    )
    assert "id_shelf_life_days" in text(food)
    assert "2103" in text(food)

    # Without JavaScript the whole form comes back, still unsaved.
    full = client.post(reverse("products:new"), data)
    assert "<html" in text(full) and 'value="Keripik Tempe Bu Sri"' in text(full)
    assert not Product.objects.filter(name="Keripik Tempe Bu Sri").exists()
    # The page loads htmx for the swap; the category select is wired to it.
    assert "js/htmx.min.js" in text(full) and 'hx-post="/products/new/"' in text(full)


def test_editing_a_product_and_its_draft_application_follows_its_markets(client, office):
    application = office.new_application()
    login(client, office.msme)
    response = client.post(
        reverse("products:edit", args=[office.product.pk]),
        product_data(
            "sauces_condiments",
            name="Sambal Pecel Bu Rini Pedas",
            target_markets=[Market.objects.get(key="au").pk],
        ),
    )
    assert response.status_code == 302
    office.product.refresh_from_db()
    assert office.product.name == "Sambal Pecel Bu Rini Pedas"
    assert list(application.target_markets.values_list("key", flat=True)) == ["au"]


def test_a_product_under_review_cannot_be_edited(client, office, bring_to):
    bring_to("submitted")
    login(client, office.msme)
    response = client.post(
        reverse("products:edit", args=[office.product.pk]),
        product_data("sauces_condiments", name="Changed"),
        follow=True,
    )
    assert "cannot be changed while the office reviews it" in text(response)
    office.product.refresh_from_db()
    assert office.product.name == "Sambal Pecel Bu Rini"


def test_products_of_other_businesses_are_404(client, office):
    login(client, office.other_msme)
    for name in ("products:detail", "products:edit", "products:document_upload"):
        assert client.get(reverse(name, args=[office.product.pk])).status_code == 404
    assert client.post(reverse("products:apply", args=[office.product.pk])).status_code == 404
    assert office.product.name not in text(client.get(reverse("products:list")))


# Documents.


def test_a_pdf_and_a_png_are_stored_under_server_made_names(client, office):
    login(client, office.msme)
    url = reverse("products:document_upload", args=[office.product.pk])
    before = set(stored_files())

    response = upload(client, url, kind="lab_test", name="../../etc/passwd.pdf")
    photo = upload(client, url, kind="product_photo", content=f.png_bytes(), name="IMG 1.JPG")

    assert response.url == reverse("products:detail", args=[office.product.pk])
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
    url = reverse("products:document", args=[document.pk])
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
        assert client.get(reverse("products:document", args=[nib.pk])).status_code == 200


def test_others_get_404_for_a_document(client, office, bring_to):
    document = Document.objects.get(kind__key="pirt", product=office.product)
    url = reverse("products:document", args=[document.pk])
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
    assert client.get(reverse("products:document", args=[hidden.pk])).status_code == 404


def test_there_is_no_public_media_url_for_documents(client, office):
    document = Document.objects.get(kind__key="pirt", product=office.product)
    login(client, office.msme)
    page = text(client.get(reverse("products:detail", args=[office.product.pk])))
    assert document.file.name not in page
    assert reverse("products:document", args=[document.pk]) in page


# Expiry.


def test_expiring_and_expired_documents_are_shown(client, office):
    Document.objects.filter(kind__key="pirt").update(expires_on=date.today() + timedelta(days=30))
    Document.objects.filter(kind__key="halal").update(expires_on=date.today() - timedelta(days=2))
    login(client, office.msme)

    dashboard = text(client.get("/"))
    assert (
        "Your Home food industry permit (P-IRT) for Sambal Pecel Bu Rini expires in 30 days."
        in dashboard
    )
    assert re.search(
        r'class="overdue">Your Halal certificate \(BPJPH\) for Sambal Pecel Bu Rini expired on',
        dashboard,
    )

    product_page = text(client.get(reverse("products:detail", args=[office.product.pk])))
    assert "Expires in 30 days" in product_page
    assert re.search(r'validity-expired">Expired on', product_page)
    # The submit check says the same.
    assert "The Halal certificate (BPJPH) expired on" in product_page

    listing = text(client.get(reverse("products:list")))
    assert "A document has expired" in listing


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


# The application, from the MSME's side.


def bare_product(office, **kwargs):
    """A food product with its data but none of its own documents."""
    return f.ProductFactory(business=office.business, name="Tahu Takwa Bu Rini", **kwargs)


def test_starting_an_application_from_the_product_page(client, office):
    product = bare_product(office)
    login(client, office.msme)
    response = client.post(reverse("products:apply", args=[product.pk]))
    application = Application.objects.get(product=product)
    assert response.url == reverse("application", args=[application.pk])
    assert application.state == State.DRAFT
    assert set(application.target_markets.values_list("key", flat=True)) == {"my", "jp"}
    # A second one is refused while the first is open.
    again = client.post(reverse("products:apply", args=[product.pk]), follow=True)
    assert "already has an application in progress" in text(again)


def test_the_submit_checklist_links_to_each_fix_and_submit_succeeds_once_done(client, office):
    product = bare_product(office, hs_code="")
    product.target_markets.clear()
    application = services.application_create(product=product, by=office.msme)
    login(client, office.msme)

    page = text(client.get(reverse("application", args=[application.pk])))
    back = f"next=%2Fapplications%2F{application.pk}%2F"
    edit = reverse("products:edit", args=[product.pk])
    upload_url = reverse("products:document_upload", args=[product.pk])
    assert f'<a href="{edit}?{back}">Complete the product data: HS code.</a>' in page
    assert f'<a href="{edit}?{back}#markets">Choose at least one target market.</a>' in page
    for kind, label in [
        ("halal", "Upload the Halal certificate (BPJPH)."),
        ("product_photo", "Upload the Product photo."),
        ("packaging_photo", "Upload the Packaging and label photo."),
    ]:
        assert f'<a href="{upload_url}?kind={kind}&amp;{back}">{label}</a>' in page, kind
    # A choice of document: the MSME picks which one it has.
    assert re.search(
        rf'<a href="{upload_url}\?{back}">Upload the [^<]*\(P-IRT\)[^<]*</a>', page
    ) and re.search(rf'<a href="{upload_url}\?{back}">Upload the [^<]*\(MD\)[^<]*</a>', page)
    # The business's NIB and NPWP are in place (the office fixture uploaded them).
    assert "NIB" not in re.sub(r"<[^>]+>", "", page.split("Before you can")[1].split("</ul>")[0])

    refused = client.post(
        reverse("application_transition", args=[application.pk, "submit"]), {"state": "draft"}
    )
    assert "Upload the Halal certificate (BPJPH)." in text(refused)
    application.refresh_from_db()
    assert application.state == State.DRAFT

    # Fix everything through the pages the links lead to.
    client.post(
        f"{edit}?{back}",
        product_data(
            "sauces_condiments",
            name=product.name,
            hs_code="2103.90.90",
            next=f"/applications/{application.pk}/",
        ),
    )
    for kind, number in [("pirt", "2063571010123-29"), ("halal", "ID35110000123450824")]:
        response = upload(
            client,
            upload_url,
            kind=kind,
            number=number,
            expires_on=date(2029, 12, 31).isoformat(),
            next=f"/applications/{application.pk}/",
        )
        assert response.url == f"/applications/{application.pk}/"
    for kind in ("product_photo", "packaging_photo"):
        upload(client, upload_url, kind=kind, content=f.png_bytes(), name="photo.png")

    page = text(client.get(reverse("application", args=[application.pk])))
    assert "Before you can" not in page
    response = client.post(
        reverse("application_transition", args=[application.pk, "submit"]), {"state": "draft"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert set(application.target_markets.values_list("key", flat=True)) == {"my", "sg"}


def test_the_msme_withdraws_the_application(client, office, bring_to):
    application = bring_to("submitted")
    login(client, office.msme)
    page = text(client.get(reverse("application", args=[application.pk])))
    assert reverse("application_transition", args=[application.pk, "withdraw"]) in page

    client.post(
        reverse("application_transition", args=[application.pk, "withdraw"]),
        {"state": "submitted", "comment": "We will reformulate the recipe."},
    )

    application.refresh_from_db()
    assert application.state == State.WITHDRAWN


def test_the_msme_answers_a_revision_request_and_resubmits(client, office, bring_to):
    application = bring_to("revision_requested")
    login(client, office.msme)

    page = text(client.get(reverse("application", args=[application.pk])))
    assert "The curators ask you to" in page
    assert "Add the lab test report." in page
    assert 'name="comment"' in page and "Your answer to the revision request" in page

    empty = client.post(
        reverse("application_transition", args=[application.pk, "resubmit"]),
        {"state": "revision_requested", "comment": ""},
    )
    assert empty.status_code == 200
    upload(
        client,
        reverse("products:document_upload", args=[office.product.pk]),
        kind="lab_test",
        content=f.PDF_BYTES + b"% lab report 2026\n",
    )
    client.post(
        reverse("application_transition", args=[application.pk, "resubmit"]),
        {"state": "revision_requested", "comment": "The lab report is uploaded."},
    )

    application.refresh_from_db()
    assert application.state == State.IN_CURATION
    request = RevisionRequest.objects.get(application=application)
    assert request.answer == "The lab report is uploaded."
    assert "documents_added:1" in request.changes


def test_new_packaging_evidence_then_resubmit_packaging(client, office, bring_to):
    application = bring_to("packaging_revision")
    login(client, office.msme)
    url = reverse("application", args=[application.pk])

    page = text(client.get(url))
    assert "The packaging reviewer asks for these changes" in page
    assert "Fix the label" in page
    refused = client.post(
        reverse("application_transition", args=[application.pk, "resubmit_packaging"]),
        {"state": "packaging_revision"},
    )
    assert "Upload new packaging photos" in text(refused)

    response = upload(
        client,
        reverse("products:document_upload", args=[office.product.pk]),
        kind="packaging_photo",
        content=f.png_bytes(color=(10, 200, 10)),
        name="new-label.png",
        next=url,
    )
    assert response.url == url
    response = client.post(
        reverse("application_transition", args=[application.pk, "resubmit_packaging"]),
        {"state": "packaging_revision", "comment": "New label with the origin marking."},
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.PACKAGING_REVIEW


def test_the_msme_sees_the_result_with_criterion_names_and_never_a_curators_name(
    client, office, bring_to
):
    for curator, name in ((office.lead, "Kurniawati"), (office.curator, "Hadisoebroto")):
        curator.first_name, curator.last_name = name, "Santosa"
        curator.save()
    application = bring_to("packaging_review")
    login(client, office.msme)

    page = text(client.get(reverse("application", args=[application.pk])))

    assert "Kurniawati" not in page and "Hadisoebroto" not in page
    assert ">lead<" not in page and "curator comment" not in page.lower().replace("comment by", "")
    assert "Curator" in page
    assert "Business and product legality" in page
    assert f"legality comment by {office.lead.username}" in page
    assert application.grade in page


# Lists answer in a constant number of queries.


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_product_list_takes_the_same_number_of_queries_for_3_or_30_rows(client, office):
    login(client, office.msme)
    for n in range(2):
        product = f.ProductFactory(business=office.business, name=f"Produk {n:02d}")
        f.add_document(office.business, "pirt", product=product)
        services.application_create(product=product, by=office.msme)
    few = count_queries(client, reverse("products:list"))
    for n in range(2, 29):
        product = f.ProductFactory(business=office.business, name=f"Produk {n:02d}")
        f.add_document(
            office.business, "pirt", product=product, expires_on=date.today() + timedelta(days=n)
        )
        services.application_create(product=product, by=office.msme)
    assert Product.objects.filter(business=office.business).count() == 30
    assert count_queries(client, reverse("products:list")) == few


def test_the_application_list_takes_the_same_number_of_queries_for_3_or_30_rows(client, office):
    login(client, office.msme)
    office.new_application()
    for n in range(2):
        services.application_create(
            product=f.ProductFactory(business=office.business, name=f"Produk {n:02d}"),
            by=office.msme,
        )
    few = count_queries(client, reverse("applications"))
    for n in range(2, 29):
        services.application_create(
            product=f.ProductFactory(business=office.business, name=f"Produk {n:02d}"),
            by=office.msme,
        )
    assert Application.objects.count() == 30
    assert count_queries(client, reverse("applications")) == few


def test_the_members_page_is_paginated_and_constant(client, office):
    login(client, office.msme)
    for n in range(2):
        f.make_member(office.business, f"staff{n}", role=Membership.Role.STAFF)
    few = count_queries(client, reverse("products:members", args=[office.business.pk]))
    for n in range(2, 29):
        f.make_member(office.business, f"staff{n}", role=Membership.Role.STAFF)
    assert count_queries(client, reverse("products:members", args=[office.business.pk])) == few


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


def test_the_owner_cancels_a_pending_invitation(client, office, django_capture_on_commit_callbacks):
    invitation = invite(
        client, office, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    client.post(reverse("products:invitation_cancel", args=[office.business.pk, invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.cancelled_at is not None
    login(client, verified_user("budi", "budi@example.test"))
    response = client.post(reverse("products:invitation", args=[invitation.token]), follow=True)
    assert "This invitation was cancelled" in text(response)
    assert not Membership.objects.filter(user__username="budi").exists()
