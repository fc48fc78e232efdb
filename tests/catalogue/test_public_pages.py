"""The public catalogue: open to anyone; what the list and a product page show, and what
they never show; live certificate status; search and every filter; the language of a
shared link."""

import json

import pytest
from django.urls import reverse

from certificates.revocation import certificate_revoke
from products.models import Category, Link, Market
from tests import factories as f
from tests.catalogue.conftest import (
    JSON_LD,
    certify_quickly,
    expire,
    listed_business,
)

LIST = "/catalogue/"


def names_listed(client, **query) -> str:
    return client.get(LIST, query).content.decode()


def test_anyone_opens_the_list_and_the_product_page(office, listed, client):
    response = client.get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert office.product.name in page
    assert reverse("catalogue:product", args=[office.product.pk]) in page

    response = client.get(reverse("catalogue:product", args=[office.product.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for shown in (
        office.product.name,
        office.business.name,
        office.business.region.name,
        listed.number,
        f"/verify/{listed.verification_code}/",
        "Japan",  # certified for
        "Grade",
        "2,000 jars",  # monthly capacity
    ):
        assert shown in page, shown


def test_the_product_page_has_its_photos_served_publicly(office, listed, client):
    photo = office.product.documents.get(kind__key="product_photo")
    url = reverse("catalogue:photo", args=[office.product.pk, photo.pk])
    assert (
        url in client.get(reverse("catalogue:product", args=[office.product.pk])).content.decode()
    )

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == photo.file.open("rb").read()

    # A document that is not a photo is never served here, even of a listed product.
    pirt = office.product.documents.get(kind__key="pirt")
    assert (
        client.get(reverse("catalogue:photo", args=[office.product.pk, pirt.pk])).status_code == 404
    )
    # Nor another product's photo through this one's address.
    other = f.ProductFactory(business=office.business)
    other_photo = f.add_document(office.business, "product_photo", product=other)
    assert (
        client.get(reverse("catalogue:photo", args=[office.product.pk, other_photo.pk])).status_code
        == 404
    )


def test_no_private_data_on_the_public_pages(office, listed, client):
    office.business.email = "rini.private@example.test"
    office.business.phone = "+62 812 0000 1111"
    office.business.address = "Jl. Rahasia 7, Kediri"
    office.business.save()
    pages = [
        client.get(LIST).content.decode(),
        client.get(reverse("catalogue:product", args=[office.product.pk])).content.decode(),
        client.get("/sitemap.xml").content.decode(),
    ]
    private = [
        office.business.nib,
        office.business.npwp,
        office.business.email,
        office.msme.email,
        office.business.phone,
        office.business.address,
        f.VALID_NUMBERS["pirt"],
        str(office.product.fob_price),
    ]
    for page in pages:
        for secret in private:
            assert secret not in page, secret


def product_page(client, product) -> str:
    return client.get(reverse("catalogue:product", args=[product.pk])).content.decode()


def json_ld_of(page: str) -> dict:
    return json.loads(JSON_LD.search(page).group(1))


def give_contact(business, **shown):
    business.export_contact_name = "Rini Astuti"
    business.export_contact_email = "export@sambal.example"
    business.export_contact_phone = "+6281200001111"
    business.export_contact_whatsapp = True
    for name, value in shown.items():
        setattr(business, name, value)
    business.save()


def test_the_business_and_product_links_show_and_feed_the_structured_data(office, listed, client):
    Link.objects.create(
        business=office.business, kind="website", url="https://sambalburini.example"
    )
    Link.objects.create(
        business=office.business, kind="social", url="https://instagram.com/sambalburini"
    )
    Link.objects.create(
        business=office.business,
        product=office.product,
        kind="shop",
        url="https://www.tokopedia.com/sambalburini/sambal-pecel-200g",
    )
    # Another product's page is not this one's.
    other = f.ProductFactory(business=office.business)
    Link.objects.create(
        business=office.business, product=other, kind="shop", url="https://shopee.co.id/other"
    )

    page = product_page(client, office.product)
    assert 'href="https://sambalburini.example"' in page
    assert "Instagram" in page
    assert "Tokopedia" in page
    assert "https://shopee.co.id/other" not in page

    data = json_ld_of(page)
    assert data["sameAs"] == ["https://www.tokopedia.com/sambalburini/sambal-pecel-200g"]
    assert data["manufacturer"]["sameAs"] == [
        "https://sambalburini.example",
        "https://instagram.com/sambalburini",
    ]
    assert data["offers"]["seller"]["sameAs"] == data["manufacturer"]["sameAs"]


def test_the_export_contact_stays_private_unless_the_business_chose_to_show_it(
    office, listed, client
):
    give_contact(office.business)

    page = product_page(client, office.product)
    for private in ("Rini Astuti", "export@sambal.example", "6281200001111", "wa.me"):
        assert private not in page, private
    assert "contactPoint" not in json.dumps(json_ld_of(page))


def test_the_e_mail_shows_alone_when_only_it_is_chosen(office, listed, client):
    give_contact(office.business, show_contact_email=True)

    page = product_page(client, office.product)
    assert "Rini Astuti" in page and 'href="mailto:export@sambal.example"' in page
    assert "6281200001111" not in page
    contact = json_ld_of(page)["manufacturer"]["contactPoint"]
    assert contact == {
        "@type": "ContactPoint",
        "contactType": "sales",
        "name": "Rini Astuti",
        "email": "export@sambal.example",
    }


def test_the_phone_and_whatsapp_show_when_chosen(office, listed, client):
    give_contact(office.business, show_contact_phone=True)

    page = product_page(client, office.product)
    assert 'href="tel:+6281200001111"' in page
    assert 'href="https://wa.me/6281200001111"' in page
    assert "export@sambal.example" not in page
    assert json_ld_of(page)["manufacturer"]["contactPoint"]["telephone"] == "+6281200001111"
    assert office.business.nib not in page


def test_a_revoked_certificate_takes_the_product_out_at_once(office, listed, client):
    certificate_revoke(certificate=listed, by=office.officer, reason="Label misstates the origin.")

    assert client.get(reverse("catalogue:product", args=[office.product.pk])).status_code == 404
    assert office.product.name not in names_listed(client)


def test_an_expired_certificate_takes_the_product_out(office, listed, client):
    expire(listed)

    assert client.get(reverse("catalogue:product", args=[office.product.pk])).status_code == 404
    assert office.product.name not in names_listed(client)


def test_a_renewal_shows_the_new_certificate_once(office, listed, client):
    renewal = certify_quickly(office, office.product)
    listed.refresh_from_db()
    assert listed.status == "superseded"

    page = client.get(reverse("catalogue:product", args=[office.product.pk])).content.decode()
    assert renewal.number in page and listed.number not in page
    assert names_listed(client).count(f'"/catalogue/products/{office.product.pk}/?lang=') == 1


@pytest.fixture
def catalogue(office):
    """Three listed products that differ in every filter, and one certified product of a
    business that did not agree."""
    blitar = f.region("35.72")
    coffee = f.ProductFactory(
        business=listed_business(office, name="KUB Kopi Kelud", region=blitar),
        name="Kopi Robusta Kelud",
        category=Category.objects.get(key="coffee_spices"),
        description="Biji kopi robusta sangrai dari lereng Gunung Kelud.",
        markets=["eu"],
    )
    djembe = f.ProductFactory(
        business=listed_business(office, name="UD Jimbe Tanggung Jaya", region=blitar),
        name="Djembe Kayu Mahoni",
        category=Category.objects.get(key="musical_instruments"),
        description="Hand-carved mahogany djembe.",
        markets=["au", "jp"],
    )
    sambal = f.ProductFactory(
        business=listed_business(office, name="Sambal Kediri"),
        name="Sambal Pecel Kediri",
        markets=["my"],
    )
    unlisted = f.ProductFactory(
        business=f.BusinessFactory(name="Tidak Setuju"),
        name="Keripik Tanpa Izin",
        category=Category.objects.get(key="coffee_spices"),
        markets=["eu"],
    )
    f.make_member(unlisted.business, "not-agreeing")
    certify_quickly(office, coffee, grade="B")
    certify_quickly(office, djembe, grade="A")
    certify_quickly(office, sambal, grade="A")
    certify_quickly(office, unlisted, grade="B")
    return {"coffee": coffee, "djembe": djembe, "sambal": sambal, "unlisted": unlisted}


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({}, {"coffee", "djembe", "sambal"}),
        ({"category": "coffee_spices"}, {"coffee"}),
        ({"category": "musical_instruments"}, {"djembe"}),
        ({"region": "35.72"}, {"coffee", "djembe"}),
        ({"region": "35.71"}, {"sambal"}),
        ({"market": "jp"}, {"djembe"}),
        ({"market": "eu"}, {"coffee"}),
        ({"grade": "B"}, {"coffee"}),
        ({"grade": "A"}, {"djembe", "sambal"}),
        ({"grade": "A", "region": "35.72"}, {"djembe"}),
        ({"q": "kelud"}, {"coffee"}),  # a name, any case
        ({"q": "mahogany"}, {"djembe"}),  # the description
        ({"q": "Tanggung"}, {"djembe"}),  # the business
        ({"q": "kopi blitar"}, {"coffee"}),  # every word, the region's name too
        ({"q": "kopi kediri"}, set()),
        ({"q": "sambal", "grade": "B"}, set()),
        # A value the list does not offer is left out rather than emptying the list.
        ({"market": "xx"}, {"coffee", "djembe", "sambal"}),
    ],
)
def test_search_and_filters(catalogue, client, query, shown):
    page = names_listed(client, **query)
    for key, product in catalogue.items():
        assert (product.name in page) == (key in shown), (key, query)


def test_the_filters_offer_only_what_is_listed(catalogue, client):
    page = names_listed(client)
    assert 'value="35.72"' in page and 'value="35.71"' in page
    assert 'value="61.12"' not in page  # Kubu Raya lists nothing
    assert Market.objects.get(key="jp").name_en in page


def test_json_ld_is_a_product_with_its_offer(office, listed, client):
    office.product.name = 'Sambal "Pedas" </script><b>'
    office.product.save()
    response = client.get(reverse("catalogue:product", args=[office.product.pk]))
    page = response.content.decode()

    (block,) = JSON_LD.findall(page)
    assert "</script><b>" not in block  # escaped, so the name cannot end the block
    data = json.loads(block)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Product"
    assert data["name"] == 'Sambal "Pedas" </script><b>'
    assert data["brand"]["name"] == office.business.name
    assert data["url"].endswith(f"/catalogue/products/{office.product.pk}/?lang=en")
    offer = data["offers"]
    assert offer["@type"] == "Offer"
    assert offer["seller"]["name"] == office.business.name
    assert {c["name"] for c in offer["eligibleRegion"]} == {"Japan", "Malaysia"}
    assert data["hasCertification"]["certificationIdentification"] == listed.number
    assert data["hasCertification"]["url"].endswith(f"/verify/{listed.verification_code}/?lang=en")
    assert data["image"][0].startswith("http")
    capacity = next(p for p in data["additionalProperty"] if p["name"] == "Monthly capacity")
    assert capacity == {
        "@type": "PropertyValue",
        "name": "Monthly capacity",
        "value": 2000,
        "unitText": "jars",
    }


def test_open_graph_and_canonical_links(office, listed, client, settings):
    settings.SITE_URL = "https://siap-ekspor.example"
    path = reverse("catalogue:product", args=[office.product.pk])
    page = client.get(path, {"lang": "id"}).content.decode()

    canonical = f"https://siap-ekspor.example{path}?lang=id"
    assert f'<link rel="canonical" href="{canonical}">' in page
    assert (
        f'<link rel="alternate" hreflang="en" href="https://siap-ekspor.example{path}?lang=en">'
        in page
    )
    assert '<meta property="og:type" content="product">' in page
    assert f'<meta property="og:url" content="{canonical}">' in page
    assert (
        f'<meta property="og:title" content="{office.product.name} · {office.business.name}">'
        in page
    )
    assert (
        '<meta property="og:image" content="https://siap-ekspor.example/catalogue/products/' in page
    )
    assert '<meta property="og:locale" content="id_ID">' in page


def test_a_shared_link_shows_its_language(office, listed, client):
    path = reverse("catalogue:product", args=[office.product.pk])
    english = client.get(path, {"lang": "en"}, HTTP_ACCEPT_LANGUAGE="id")
    indonesian = client.get(path, {"lang": "id"}, HTTP_ACCEPT_LANGUAGE="en")

    assert english["Content-Language"] == "en"
    assert "Certified for" in english.content.decode()
    assert indonesian["Content-Language"] == "id"
    assert '<html lang="id">' in indonesian.content.decode()
    assert "Jepang" in indonesian.content.decode()  # the market's name in Indonesian
    # The switch keeps the filters of a list.
    page = client.get(LIST, {"lang": "en", "grade": "A"}).content.decode()
    assert "?lang=id&amp;grade=A" in page


def test_the_sitemap_lists_product_pages_in_both_languages(office, listed, client, settings):
    settings.SITE_URL = "https://siap-ekspor.example"
    unlisted = f.ProductFactory(business=f.BusinessFactory(name="Lain"))
    f.make_member(unlisted.business, "lain")
    certify_quickly(office, unlisted)

    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    page = response.content.decode()
    path = reverse("catalogue:product", args=[office.product.pk])
    assert f"<loc>https://siap-ekspor.example{path}?lang=id</loc>" in page
    assert f"<loc>https://siap-ekspor.example{path}?lang=en</loc>" in page
    assert 'hreflang="en"' in page
    assert reverse("catalogue:product", args=[unlisted.pk]) not in page


def test_the_home_page_and_the_header_link_the_catalogue(client):
    page = client.get("/").content.decode()
    assert page.count('href="/catalogue/"') >= 2  # the header and the home page
