"""A business's consent: only with it are its certified products in the catalogue; an
owner gives and withdraws it from the business's pages; nobody else can."""

import pytest
from django.urls import reverse

from catalogue.models import Listing, ListingEvent
from catalogue.services import listing_consent_give, listing_consent_withdraw
from kernel.errors import WorkflowError
from products.models import Membership
from tests import factories as f
from tests.catalogue.conftest import in_english


def product_url(product):
    return reverse("catalogue:product", args=[product.pk])


def listing_url(business):
    return reverse("catalogue:listing", args=[business.pk])


def withdraw_url(business):
    return reverse("catalogue:listing_withdraw", args=[business.pk])


def test_a_certified_product_shows_only_once_its_owner_agrees(office, bring_to, client):
    # The whole workflow, once: the catalogue reads what the certify step leaves.
    bring_to("certified")
    assert client.get(product_url(office.product)).status_code == 404
    assert office.product.name not in client.get(reverse("catalogue:list")).content.decode()

    client.force_login(office.msme)
    response = client.post(listing_url(office.business), {"website": "https://sambal.example"})
    assert response.status_code == 302

    listing = Listing.objects.get(business=office.business)
    assert listing.consented_by == office.msme and listing.is_active
    assert list(listing.events.values_list("kind", "actor")) == [("given", office.msme.pk)]
    client.logout()
    assert client.get(product_url(office.product)).status_code == 200
    assert office.product.name in client.get(reverse("catalogue:list")).content.decode()


def test_withdrawing_takes_the_products_out_at_once(office, listed, client):
    assert client.get(product_url(office.product)).status_code == 200

    client.force_login(office.msme)
    page = reverse("products:business", args=[office.business.pk])
    response = client.post(withdraw_url(office.business), {"next": page})
    assert response.status_code == 302 and response["Location"] == page

    listing = Listing.objects.get(business=office.business)
    assert listing.withdrawn_by == office.msme and not listing.is_active
    client.logout()
    assert client.get(product_url(office.product)).status_code == 404
    assert office.product.name not in client.get(reverse("catalogue:list")).content.decode()
    photo = office.product.documents.get(kind__key="product_photo")
    photo_url = reverse("catalogue:photo", args=[office.product.pk, photo.pk])
    assert client.get(photo_url).status_code == 404


def test_consent_given_again_is_a_new_consent_with_its_history(office, listed, client):
    client.force_login(office.msme)
    client.post(withdraw_url(office.business))
    client.post(listing_url(office.business), {})

    listing = Listing.objects.get(business=office.business)
    assert listing.is_active and listing.withdrawn_at is None
    kinds = list(listing.events.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds == ["given", "withdrawn", "given"]
    assert client.get(product_url(office.product)).status_code == 200


def test_a_member_of_another_business_cannot_consent_for_it(office, certified, client):
    client.force_login(office.other_msme)

    assert client.get(listing_url(office.business)).status_code == 404
    assert client.post(listing_url(office.business), {}).status_code == 404
    assert client.post(withdraw_url(office.business)).status_code == 404
    assert not Listing.objects.filter(business=office.business).exists()
    assert client.get(product_url(office.product)).status_code == 404


def test_a_staff_member_of_the_business_sees_the_listing_but_cannot_decide(office, listed, client):
    staff = f.make_member(office.business, "rini-staff", role=Membership.Role.STAFF)
    in_english(staff)
    client.force_login(staff)

    page = client.get(listing_url(office.business))
    assert page.status_code == 200
    assert "Only an owner" in page.content.decode()
    assert client.post(listing_url(office.business), {}).status_code == 403
    assert client.post(withdraw_url(office.business)).status_code == 403
    listing = Listing.objects.get(business=office.business)
    assert listing.is_active
    assert ListingEvent.objects.filter(listing=listing).count() == 1


def test_staff_of_the_office_cannot_consent_for_a_business(office, certified, client):
    for persona in (office.coordinator, office.officer, office.outsider):
        client.force_login(persona)
        assert client.post(listing_url(office.business), {}).status_code == 404
    client.logout()
    response = client.post(listing_url(office.business), {})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Listing.objects.exists()


@pytest.mark.parametrize("call", [listing_consent_give, listing_consent_withdraw])
def test_the_service_refuses_anyone_but_an_owner(office, call):
    for user in (office.other_msme, office.coordinator):
        with pytest.raises(WorkflowError, match="Only an owner"):
            call(business=office.business, by=user)
    assert not Listing.objects.exists()


def test_the_business_and_product_pages_offer_the_consent(office, certified, client):
    in_english(office.msme)
    client.force_login(office.msme)

    business_page = client.get(reverse("products:business", args=[office.business.pk]))
    assert listing_url(office.business) in business_page.content.decode()
    product_page = client.get(reverse("curation:product", args=[office.product.pk]))
    assert "certified but not in the public catalogue" in product_page.content.decode()

    client.post(listing_url(office.business), {})
    product_page = client.get(
        reverse("curation:product", args=[office.product.pk])
    ).content.decode()
    assert product_url(office.product) in product_page
    assert withdraw_url(office.business) in product_page
