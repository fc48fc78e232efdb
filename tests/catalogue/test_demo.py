"""The demo lists its certified products and publishes a collection
(catalogue/demo_data/catalogue.json), and a second seed changes nothing of it."""

from catalogue.models import Collection, Enquiry, Listing, ListingEvent
from catalogue.selectors import catalogue_entries
from certificates.models import Certificate
from curation.demo import seed_demo


def test_the_demo_lists_its_certified_products_and_publishes_a_collection(db, settings, client):
    settings.DEBUG = True
    report = seed_demo()

    certified = Certificate.objects.values_list("product_id", flat=True)
    listed = set(catalogue_entries().values_list("product_id", flat=True))
    assert certified.exists()
    assert len(listed) > len(certified) / 2  # most of them
    assert report.created["catalogue listings"] == Listing.objects.count() > 0

    (collection,) = Collection.objects.published()
    assert collection.name == "UMKM Virtual Expo Blitar 2026"
    page = client.get(f"/catalogue/collections/{collection.slug}/").content.decode()
    for entry in catalogue_entries().filter(product__in=collection.products.all()):
        assert entry.product.name in page
    assert client.get("/catalogue/").status_code == 200

    # Buyers asked about a listed product: one enquiry new, one answered by the owner.
    enquiries = Enquiry.objects.order_by("pk")
    assert [e.status for e in enquiries] == ["answered", "new"]
    assert {e.buyer_type for e in enquiries} == {"abroad", "government"}
    assert report.created["enquiries"] == 2

    seed_demo()
    assert Collection.objects.count() == 1
    assert ListingEvent.objects.count() == Listing.objects.count()
    assert Enquiry.objects.count() == 2
