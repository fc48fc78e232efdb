"""Every public page reads the same number of queries for a catalogue of 3 products and of
30 (more than a page of them), whoever asks: no query per product, photo or market."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.services import collection_save
from tests.catalogue.conftest import make_catalogue
from tests.security.access_world import QUERY_BUDGET


def pages(entries, collection_slug):
    product = entries[-1].product
    return {
        "list": ("/catalogue/", {}),
        "list filtered": ("/catalogue/", {"market": "jp", "grade": "A", "region": "35.71"}),
        "list searched": ("/catalogue/", {"q": "produk katalog", "grade": "A"}),
        "list page 2": ("/catalogue/", {"page": "2"}),
        "product": (reverse("catalogue:product", args=[product.pk]), {}),
        "collections": (reverse("catalogue:collections"), {}),
        "collection": (reverse("catalogue:collection", args=[collection_slug]), {}),
        "sitemap": ("/sitemap.xml", {}),
        "API list": ("/api/catalogue/", {}),
        "API list filtered": ("/api/catalogue/", {"market": "jp", "q": "produk"}),
        "API entry": (f"/api/catalogue/{product.pk}/", {}),
    }


def count_queries(client, path, query) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, query)
    assert response.status_code == 200, (path, query, response.status_code)
    return len(captured.captured_queries)


def test_pages_read_as_many_queries_for_3_products_as_for_30(office, client):
    def measure(entries):
        collection = collection_save(
            by=office.coordinator,
            slug=f"expo-{len(entries)}",
            name=f"Expo {len(entries)}",
            region=office.business.region,
            starts_on=entries[0].issued_at.date(),
            products=[entry.product for entry in entries],
            published=True,
        )
        counts = {}
        for viewer in ("anonymous", "signed in"):
            if viewer == "signed in":
                client.force_login(office.exporter)
            for name, (path, query) in pages(entries, collection.slug).items():
                counts[(viewer, name)] = count_queries(client, path, query)
            client.logout()
        return counts

    entries = make_catalogue(office, 3)
    small = measure(entries)
    entries += make_catalogue(office, 27)[:27]
    large = measure(entries)

    assert large == small
    over = {page: n for page, n in large.items() if n > QUERY_BUDGET}
    assert not over, over
    # What the pages read, for the record (pytest -s): an anonymous visitor's list, say,
    # is the filter choices (4), the count and the page, and the page's photos.
    print({" / ".join(page): n for page, n in large.items()})
