"""The list's copy (`ListedProduct`): after every change that lists or unlists a product,
or changes what the list sorts, filters or searches on, the list finds what the
certificates and consents say, in the same transaction; an expiry needs no write; and
rebuilding the copy from scratch gives the same rows."""

from datetime import timedelta

from django.utils import timezone

from catalogue import listed as listed_copy
from catalogue import services as catalogue_services
from catalogue.models import ListedProduct
from catalogue.selectors import catalogue_entries, listed_products
from certificates.models import Certificate
from certificates.revocation import certificate_revoke
from products.models import Category
from tests import factories as f
from tests.catalogue.conftest import certify_quickly, listed_business

LIST = "/catalogue/"


def copied() -> set[tuple]:
    return set(
        ListedProduct.objects.values_list(
            "product", "certificate", "business", "region", "category", "name", "grade"
        )
    )


def in_step() -> bool:
    """The list's copy lists what the certificates and consents list."""
    truth = set(catalogue_entries().values_list("product_id", "pk"))
    return set(listed_products().values_list("product_id", "certificate_id")) == truth


def names_listed(client, **query) -> str:
    return client.get(LIST, query).content.decode()


def test_the_copy_follows_consent_and_certificates(office, client):
    product = office.product
    certificate = certify_quickly(office, product)
    assert not ListedProduct.objects.exists()  # certified, but not listed yet

    catalogue_services.listing_consent_give(business=office.business, by=office.msme)
    assert in_step() and ListedProduct.objects.get().certificate == certificate
    assert product.name in names_listed(client)

    catalogue_services.listing_consent_withdraw(business=office.business, by=office.msme)
    assert in_step() and not ListedProduct.objects.exists()
    assert product.name not in names_listed(client)

    catalogue_services.listing_consent_give(business=office.business, by=office.msme)
    renewal = certify_quickly(office, product, grade="B")
    assert in_step()
    row = ListedProduct.objects.get()
    assert (row.certificate, row.grade) == (renewal, "B")
    assert product.name in names_listed(client, grade="B")

    certificate_revoke(certificate=renewal, by=office.officer, reason="Label misstates it.")
    assert in_step() and not ListedProduct.objects.exists()
    assert product.name not in names_listed(client)


def test_an_expiry_needs_no_write(office, listed):
    last_day = listed.valid_until
    assert listed_products(today=last_day).filter(product=office.product).exists()
    assert not listed_products(today=last_day + timedelta(days=1)).exists()


def test_edits_of_the_product_and_business_reach_the_list(office, listed, client):
    product, business = office.product, office.business
    product.name = "Sambal Tumpang Lereng Kelud"
    product.description = "Tempe semangit, cabai rawit."
    product.category = Category.objects.get(key="coffee_spices")
    product.hs_code = "2103.90"
    product.save()
    business.name = "UD Rasa Nusantara"
    business.region = f.region("35.72")
    business.save()

    assert in_step()
    row = ListedProduct.objects.get()
    assert (row.name, row.region.code, row.category.key) == (
        product.name,
        "35.72",
        "coffee_spices",
    )
    for query in (
        {"q": "tumpang"},  # the new name
        {"q": "semangit"},  # the new description
        {"q": "nusantara"},  # the business's new name
        {"q": "210390"},  # the HS code's first digits
        {"q": "rempah"},  # the category's name (Kopi, teh & rempah)
        {"q": "blitar"},  # the new region's name
        {"region": "35.72"},
        {"category": "coffee_spices"},
    ):
        assert product.name in names_listed(client, **query), query
    assert product.name not in names_listed(client, q="pecel")
    assert 'value="35.71"' not in names_listed(client)  # nothing listed there now


def test_a_page_shows_only_what_is_listed_now_whatever_the_copy_says(office, listed, client):
    # The copy is written by the saves that change a listing; a row it still holds
    # while the certificate says otherwise (a write that bypassed the models) is not shown.
    Certificate.objects.filter(pk=listed.pk).update(
        status="revoked", revoked_at=timezone.now(), revocation_reason="Bypassed."
    )
    assert ListedProduct.objects.exists()
    assert office.product.name not in names_listed(client)
    assert client.get("/api/catalogue/").json()["results"] == []


def test_rebuilding_the_copy_gives_the_same_rows(office, client):
    for n in range(3):
        product = f.ProductFactory(
            business=listed_business(office, name=f"UMKM Salinan {n}"), name=f"Produk {n}"
        )
        certify_quickly(office, product, grade="A" if n else "B")
    unlisted = f.ProductFactory(business=f.BusinessFactory(name="Tidak Setuju"))
    f.make_member(unlisted.business, "not-agreeing")
    certify_quickly(office, unlisted)
    kept = copied()
    assert len(kept) == 3 and in_step()

    ListedProduct.objects.all().delete()
    listed_copy.rebuild()

    assert copied() == kept
