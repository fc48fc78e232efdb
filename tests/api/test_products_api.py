"""The products API: a member reads her businesses' products with their documents'
metadata (no file), nobody else does, in a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests import factories as f

pytestmark = pytest.mark.django_db


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_member_reads_her_products_with_their_documents(office):
    response = as_user(office.msme).get("/api/products/")
    assert response.status_code == 200
    [product] = response.json()["results"]
    assert product["name"] == "Sambal Pecel Bu Rini"
    assert product["business"] == "Sambal Bu Rini"
    kinds = {d["kind"] for d in product["documents"]}
    documents = office.product.documents.all()
    assert {d.kind.key for d in documents} <= kinds
    # The business's own documents (NIB) come with it, marked as such; never a file path.
    assert any(d["of_business"] for d in product["documents"])
    assert all("file" not in d for d in product["documents"])
    detail = as_user(office.msme).get(f"/api/products/{office.product.pk}/")
    assert detail.status_code == 200 and detail.json()["id"] == office.product.pk


@pytest.mark.parametrize("persona", ["other_msme", "coordinator", "exporter", "outsider"])
def test_nobody_else_reads_them(office, persona):
    client = as_user(getattr(office, persona))
    assert client.get("/api/products/").json()["results"] == []
    assert client.get(f"/api/products/{office.product.pk}/").status_code == 404


def test_anonymous_and_bad_ids(office):
    assert APIClient().get("/api/products/").status_code == 403
    for bad in ("abc", "0", "-1"):
        assert as_user(office.msme).get(f"/api/products/{bad}/").status_code == 404
    assert as_user(office.msme).post("/api/products/", {}, format="json").status_code == 405


def test_the_same_queries_for_one_product_as_for_eight(office):
    def queries() -> int:
        client = as_user(office.msme)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/products/").status_code == 200
        return len(captured.captured_queries)

    small = queries()
    for n in range(7):
        product = f.ProductFactory(business=office.business, name=f"Produk {n}")
        f.complete_documents(product, by=office.msme)
    assert queries() == small
    assert len(as_user(office.msme).get("/api/products/").json()["results"]) == 8
