"""An office's collections: a coordinator publishes a named, dated selection of the
catalogue's products of the office's regions; everyone sees it once it is published; a
product that leaves the catalogue leaves the collection's page with it."""

from datetime import date

import pytest
from django.urls import reverse

from catalogue.models import Collection
from catalogue.services import collection_save, listing_consent_withdraw
from certificates.revocation import certificate_revoke
from kernel.errors import WorkflowError
from tests import factories as f
from tests.catalogue.conftest import certify_quickly, in_english, listed_business

NEW = "/catalogue/collections/new/"


def expo_data(office, **overrides):
    return {
        "name": "UMKM Virtual Expo Kediri 2026",
        "slug": "",
        "region": office.business.region.pk,
        "starts_on": "2026-08-17",
        "ends_on": "2026-08-31",
        "description_id": "Produk unggulan Kediri.",
        "description_en": "Kediri's finest products.",
        "products": [office.product.pk],
        "published": "on",
        **overrides,
    }


def test_a_coordinator_publishes_a_collection_everyone_sees(office, listed, client):
    client.force_login(office.coordinator)
    assert client.get(NEW).status_code == 200
    response = client.post(NEW, expo_data(office))

    collection = Collection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/catalogue/collections/{collection.slug}/"
    assert collection.slug == "umkm-virtual-expo-kediri-2026"
    assert collection.is_published and collection.created_by == office.coordinator
    assert collection.starts_on == date(2026, 8, 17)

    client.logout()
    page = client.get(f"/catalogue/collections/{collection.slug}/", {"lang": "en"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "UMKM Virtual Expo Kediri 2026" in text
    assert "Kediri&#x27;s finest products." in text
    assert office.product.name in text
    assert '<meta property="og:title" content="UMKM Virtual Expo Kediri 2026">' in text
    assert collection.slug in client.get("/catalogue/collections/").content.decode()
    assert (
        f"/catalogue/collections/{collection.slug}/?lang=id"
        in client.get("/sitemap.xml").content.decode()
    )
    assert (
        "Produk unggulan Kediri."
        in client.get(f"/catalogue/collections/{collection.slug}/", {"lang": "id"}).content.decode()
    )


def test_a_draft_is_seen_only_by_its_office(office, listed, client):
    client.force_login(office.coordinator)
    client.post(NEW, expo_data(office, published=""))
    collection = Collection.objects.get()
    url = f"/catalogue/collections/{collection.slug}/"
    assert not collection.is_published
    assert client.get(url).status_code == 200

    client.force_login(office.foreign_coordinator)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404
    assert collection.slug not in client.get("/sitemap.xml").content.decode()


def test_only_a_coordinator_of_the_region_makes_or_edits_one(office, listed, client):
    for persona in (office.msme, office.curator, office.officer, office.exporter, office.outsider):
        client.force_login(persona)
        assert client.get(NEW).status_code == 403
        assert client.post(NEW, expo_data(office)).status_code == 403
    assert not Collection.objects.exists()

    collection = collection_save(
        by=office.coordinator,
        slug="expo",
        name="Expo",
        region=office.business.region,
        starts_on=date(2026, 1, 1),
        products=[office.product],
        published=True,
    )
    client.force_login(office.foreign_coordinator)
    edit = reverse("catalogue:collection_edit", args=["expo"])
    assert client.get(edit).status_code == 404
    assert client.post(edit, expo_data(office, name="Taken over")).status_code == 404
    # The coordinator of another region may not publish for this one either.
    response = client.post(NEW, expo_data(office, slug="mine"))
    assert response.status_code == 200
    assert not Collection.objects.filter(slug="mine").exists()
    collection.refresh_from_db()
    assert collection.name == "Expo"


def test_products_must_be_in_the_catalogue_of_the_offices_regions(office, listed):
    blitar = f.region("35.72")
    elsewhere = f.ProductFactory(
        business=listed_business(office, name="Jimbe Blitar", region=blitar)
    )
    certify_quickly(office, elsewhere)
    unlisted = f.ProductFactory(business=office.business, name="Belum Bersertifikat")

    for product in (elsewhere, unlisted):
        with pytest.raises(WorkflowError, match="Not in the catalogue of your regions"):
            collection_save(
                by=office.coordinator,
                slug="expo",
                name="Expo",
                region=office.business.region,
                starts_on=date(2026, 1, 1),
                products=[product],
            )
    assert not Collection.objects.exists()


def test_a_product_leaving_the_catalogue_leaves_the_collection_page(office, listed, client):
    other = f.ProductFactory(business=listed_business(office, name="Tahu Takwa"), name="Stik Tahu")
    other_certificate = certify_quickly(office, other)
    collection_save(
        by=office.coordinator,
        slug="expo",
        name="Expo",
        region=office.business.region,
        starts_on=date(2026, 1, 1),
        products=[office.product, other],
        published=True,
    )
    url = "/catalogue/collections/expo/"
    page = client.get(url).content.decode()
    assert office.product.name in page and "Stik Tahu" in page

    certificate_revoke(certificate=other_certificate, by=office.officer, reason="Wrong label.")
    listing_consent_withdraw(business=office.business, by=office.msme)
    page = client.get(url).content.decode()
    assert office.product.name not in page and "Stik Tahu" not in page
    assert "None of this collection" in page


def test_a_collection_ends_after_it_starts(office, listed, client):
    in_english(office.coordinator)
    client.force_login(office.coordinator)
    response = client.post(NEW, expo_data(office, starts_on="2026-08-17", ends_on="2026-08-01"))

    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
    assert not Collection.objects.exists()
