"""Going digital: the business's and the product's web addresses (marketplace shops,
website, social media) and the business's export contact, given on their forms, checked
with a message naming the address, and shown on their pages."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from products.links import link_kind, link_label
from products.models import Business, Link
from tests.products.portal_helpers import login, product_data, text

pytestmark = pytest.mark.django_db


def business_form(office, **fields):
    business = office.business
    return {
        "name": business.name,
        "nib": business.nib,
        "npwp": business.npwp,
        "address": business.address,
        "region": business.region_id,
        "size": business.size,
        "email": business.email,
        "phone": business.phone,
        **fields,
    }


def edit_business(client, office, **fields):
    url = reverse("products:business_edit", args=[office.business.pk])
    return client.post(url, business_form(office, **fields))


def test_the_kind_is_told_from_the_address():
    assert link_kind("https://www.tokopedia.com/sambalburini") == Link.Kind.SHOP
    assert link_kind("https://shopee.co.id/sambal.burini") == Link.Kind.SHOP
    assert link_kind("https://instagram.com/sambalburini") == Link.Kind.SOCIAL
    assert link_kind("https://m.facebook.com/sambalburini") == Link.Kind.SOCIAL
    assert link_kind("https://sambalburini.id") == Link.Kind.WEBSITE
    # A look-alike host is not the platform.
    assert link_kind("https://tokopedia.com.example.net/x") == Link.Kind.WEBSITE
    assert link_label("https://www.tokopedia.com/sambalburini") == "Tokopedia"
    assert link_label("https://www.sambalburini.id/shop") == "sambalburini.id"


def test_the_owner_gives_links_and_an_export_contact(client, office):
    login(client, office.msme)
    response = edit_business(
        client,
        office,
        links="tokopedia.com/sambalburini\r\nhttps://instagram.com/sambalburini\r\n\r\n",
        export_contact_name="Rini Astuti",
        export_contact_email="export@sambal.example",
        export_contact_phone="0812-3456-7890",
        export_contact_whatsapp="on",
        show_contact_email="on",
    )
    assert response.status_code == 302

    business = Business.objects.get(pk=office.business.pk)
    links = list(business.links.of_business_itself().values_list("url", "kind"))
    assert links == [
        ("https://tokopedia.com/sambalburini", "shop"),
        ("https://instagram.com/sambalburini", "social"),
    ]
    assert business.export_contact_phone == "+6281234567890"
    assert business.show_contact_email and not business.show_contact_phone

    page = text(client.get(reverse("products:business", args=[business.pk])))
    assert "Tokopedia" in page and "https://tokopedia.com/sambalburini" in page
    assert "Instagram" in page
    assert "export@sambal.example" in page and "+6281234567890" in page
    assert "not shown to buyers" in page  # the phone

    # The form shows what is saved, to change it.
    form = text(client.get(reverse("products:business_edit", args=[business.pk])))
    assert "https://tokopedia.com/sambalburini\nhttps://instagram.com/sambalburini" in form


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("http://sambalburini.id", "is not secure (http): give its address that starts with https"),
        ("https://wa.me/6281234567890", "is a WhatsApp link with a phone number in it"),
        ("https://user:secret@sambalburini.id", "contains a user name or password"),
        ("https://192.168.1.10/shop", "is not a public web site"),
        ("https://localhost/shop", "is not a public web site"),
        ("not a link at all", "is not a web address"),
        ("https://sambalburini.id/" + "x" * 300, "is too long"),
    ],
)
def test_a_bad_address_is_refused_by_name_and_nothing_changes(client, office, address, message):
    Link.objects.create(business=office.business, kind="website", url="https://sambal.example")
    login(client, office.msme)

    response = edit_business(
        client,
        office,
        name="Renamed on the same form",
        links=f"https://tokopedia.com/sambalburini\n{address}",
    )

    assert response.status_code == 200
    assert message in text(response)
    office.business.refresh_from_db()
    assert office.business.name != "Renamed on the same form"
    assert list(Link.objects.values_list("url", flat=True)) == ["https://sambal.example"]


def test_more_than_ten_addresses_are_refused(client, office):
    login(client, office.msme)
    links = "\n".join(f"https://sambal{n}.example" for n in range(11))
    response = edit_business(client, office, links=links)
    assert "Give at most 10 addresses." in text(response)
    assert not Link.objects.exists()


def test_a_phone_to_show_must_be_a_phone(client, office):
    login(client, office.msme)
    response = edit_business(client, office, export_contact_phone="12345")
    assert "Enter a phone number" in text(response)

    response = edit_business(client, office, show_contact_phone="on")
    assert "Enter the phone number to show" in text(response)
    office.business.refresh_from_db()
    assert not office.business.show_contact_phone


def test_the_product_takes_its_marketplace_pages(client, office):
    login(client, office.msme)
    url = reverse("products:edit", args=[office.product.pk])
    data = product_data(
        office.product.category.key,
        name=office.product.name,
        links="https://shopee.co.id/sambal-pecel-200g",
    )
    response = client.post(url, data)
    assert response.status_code == 302

    link = Link.objects.get()
    assert (link.business, link.product, link.kind) == (office.business, office.product, "shop")
    page = text(client.get(reverse("curation:product", args=[office.product.pk])))
    assert "https://shopee.co.id/sambal-pecel-200g" in page and "Shopee" in page
    # Not the business's own.
    assert not office.business.links.of_business_itself().exists()

    response = client.post(url, {**data, "links": "http://shopee.co.id/x"})
    assert "is not secure (http)" in text(response)
    assert list(Link.objects.values_list("url", flat=True)) == [
        "https://shopee.co.id/sambal-pecel-200g"
    ]


def test_another_business_cannot_change_the_links(client, office):
    login(client, office.other_msme)
    response = edit_business(client, office, links="https://evil.example")
    assert response.status_code == 404
    assert not Link.objects.exists()


def test_the_products_api_gives_the_products_links(office):
    Link.objects.create(
        business=office.business,
        product=office.product,
        kind="shop",
        url="https://shopee.co.id/sambal-pecel-200g",
    )
    client = APIClient()
    client.force_authenticate(office.msme)
    product = client.get(f"/api/products/{office.product.pk}/").json()
    assert product["links"] == [
        {"url": "https://shopee.co.id/sambal-pecel-200g", "kind": "shop", "label": "Shopee"}
    ]
