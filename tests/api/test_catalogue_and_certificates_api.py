"""The public catalogue API (anyone, read-only, the page's filters, no private data) and
the certificates API (what the caller may see, each with its status today)."""

import json

import pytest
from rest_framework.test import APIClient

from api_tokens.services import create_token
from catalogue import services as catalogue_services
from catalogue.enquiries import enquiry_send
from certificates.revocation import certificate_revoke
from certificates.sharing import product_share
from products.models import Market
from tests import factories as f
from tests.catalogue.conftest import certify_quickly, expire, listed_business

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(office):
    certificate = certify_quickly(office, office.product, markets=Market.objects.filter(key="jp"))
    catalogue_services.listing_consent_give(business=office.business, by=office.msme)
    return certificate


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# The catalogue.


def test_anyone_reads_the_catalogue_without_private_data(office, listed):
    business = office.business
    business.email, business.address = "rini@example.test", "Jl. Dhoho 12, Kediri"
    business.save()
    response = APIClient().get("/api/catalogue/")
    assert response.status_code == 200
    [entry] = response.json()["results"]
    assert entry["product"] == "Sambal Pecel Bu Rini"
    assert entry["business"] == "Sambal Bu Rini"
    assert entry["certificate_number"] == listed.number
    assert entry["markets"] == ["jp"]
    assert entry["verification_url"].endswith(f"/verify/{listed.verification_code}/")
    assert entry["page_url"].endswith(f"/catalogue/products/{office.product.pk}/")
    text = json.dumps(APIClient().get("/api/catalogue/").json())
    for private in (business.nib, business.npwp, business.address, business.email):
        assert private and private not in text
    detail = APIClient().get(f"/api/catalogue/{office.product.pk}/")
    assert detail.status_code == 200 and detail.json()["product_id"] == office.product.pk


def test_unlisted_revoked_and_expired_products_are_not_there(office, listed):
    other = listed_business(office, name="Keripik Bu Sri")
    expired = certify_quickly(office, f.ProductFactory(business=other, name="Keripik Tempe"))
    unlisted_business = f.BusinessFactory(name="Tahu Belum Setuju", region=f.region("35.71"))
    f.make_member(unlisted_business, "belum")
    unlisted = certify_quickly(office, f.ProductFactory(business=unlisted_business))
    expire(expired)
    names = [e["product"] for e in APIClient().get("/api/catalogue/").json()["results"]]
    assert names == ["Sambal Pecel Bu Rini"]
    for certificate in (expired, unlisted):
        assert APIClient().get(f"/api/catalogue/{certificate.product_id}/").status_code == 404
    certificate_revoke(certificate=listed, by=office.officer, reason="Label palsu.")
    assert APIClient().get("/api/catalogue/").json()["results"] == []
    assert APIClient().get(f"/api/catalogue/{office.product.pk}/").status_code == 404


def test_the_filters_are_the_pages(office, listed):
    def names(**query):
        results = APIClient().get("/api/catalogue/", query).json()["results"]
        return [e["product"] for e in results]

    assert names(market="jp") == ["Sambal Pecel Bu Rini"]
    assert names(market="eu") == []
    assert names(region="35.71", grade=listed.grade) == ["Sambal Pecel Bu Rini"]
    assert names(q="pecel sambal") == ["Sambal Pecel Bu Rini"]
    assert names(q="rendang") == []
    # A value the list does not offer is left out, as on the page, not an empty list.
    assert names(region="99.99") == ["Sambal Pecel Bu Rini"]


@pytest.mark.parametrize("path", ["/api/catalogue/", "/api/catalogue/abc/", "/api/catalogue/0/"])
def test_nothing_is_written_and_a_bad_id_is_a_json_404(office, listed, path):
    assert APIClient().post(path, {}, format="json").status_code in (403, 404, 405)
    if path != "/api/catalogue/":
        response = APIClient().get(path)
        assert response.status_code == 404 and "detail" in response.json()


# Certificates.


def test_each_sees_the_certificates_they_may_see(office, listed):
    def seen(user):
        response = as_user(user).get("/api/certificates/")
        assert response.status_code == 200
        return [c["number"] for c in response.json()["results"]]

    assert seen(office.msme) == [listed.number]
    assert seen(office.coordinator) == [listed.number]
    assert seen(office.officer) == [listed.number]
    assert seen(office.other_msme) == []
    assert seen(office.foreign_coordinator) == []
    assert seen(office.exporter) == []
    assert as_user(office.exporter).get(f"/api/certificates/{listed.pk}/").status_code == 404
    product_share(certificate=listed, by=office.msme, email=office.exporter.email)
    assert seen(office.exporter) == [listed.number]
    assert APIClient().get("/api/certificates/").status_code == 403


def test_the_status_is_todays(office, listed):
    client = as_user(office.msme)
    detail = client.get(f"/api/certificates/{listed.pk}/").json()
    assert detail["status"] == "valid"
    assert client.get("/api/certificates/", {"status": "revoked"}).json()["results"] == []
    expire(listed)
    assert client.get(f"/api/certificates/{listed.pk}/").json()["status"] == "expired"
    assert len(client.get("/api/certificates/", {"status": "expired"}).json()["results"]) == 1
    certificate_revoke(certificate=listed, by=office.officer, reason="Izin edar dicabut.")
    assert client.get(f"/api/certificates/{listed.pk}/").json()["status"] == "revoked"
    [row] = client.get("/api/certificates/", {"status": "revoked"}).json()["results"]
    assert row["revoked_at"]
    assert client.get("/api/certificates/", {"status": "lost"}).status_code == 400


def test_a_read_only_token_reads_certificates(office, listed):
    _token, secret = create_token(office.msme, name="ERP", scope="read")
    client = APIClient(HTTP_AUTHORIZATION=f"Token {secret}")
    assert client.get("/api/certificates/").json()["results"][0]["number"] == listed.number
    assert client.get("/api/certificates/abc/").status_code == 404


# Enquiries: the business's own.

BUYER = {
    "buyer_type": "abroad",
    "name": "Anna de Vries",
    "company": "Tropische Smaak B.V.",
    "country": "Netherlands",
    "email": "anna@tropischesmaak.example",
    "message": "Could you send a price for 2,000 jars?",
}


@pytest.fixture
def enquiry(office, listed):
    return enquiry_send(product=office.product, **BUYER)


def test_members_read_and_answer_their_enquiries(office, enquiry):
    client = as_user(office.msme)
    [row] = client.get("/api/enquiries/").json()["results"]
    assert row["id"] == enquiry.pk and row["email"] == BUYER["email"]
    assert row["status"] == "new"
    response = client.patch(f"/api/enquiries/{enquiry.pk}/", {"status": "answered"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "answered"
    enquiry.refresh_from_db()
    assert enquiry.status == "answered" and enquiry.status_changed_by == office.msme
    assert client.get("/api/enquiries/", {"status": "new"}).json()["results"] == []
    bad = client.patch(f"/api/enquiries/{enquiry.pk}/", {"status": "lost"}, format="json")
    assert bad.status_code == 400
    # Only the status changes: the buyer's words are kept as sent.
    client.patch(f"/api/enquiries/{enquiry.pk}/", {"message": "changed"}, format="json")
    enquiry.refresh_from_db()
    assert enquiry.message == BUYER["message"]


@pytest.mark.parametrize("persona", ["other_msme", "coordinator", "exporter", "outsider"])
def test_nobody_else_reads_or_changes_them(office, enquiry, persona):
    client = as_user(getattr(office, persona))
    assert client.get("/api/enquiries/").json()["results"] == []
    assert client.get(f"/api/enquiries/{enquiry.pk}/").status_code == 404
    changed = client.patch(f"/api/enquiries/{enquiry.pk}/", {"status": "closed"}, format="json")
    assert changed.status_code == 404
    enquiry.refresh_from_db()
    assert enquiry.status == "new"


def test_a_read_only_token_cannot_change_an_enquiry(office, enquiry):
    _token, secret = create_token(office.msme, name="Inbox", scope="read")
    client = APIClient(HTTP_AUTHORIZATION=f"Token {secret}")
    assert client.get(f"/api/enquiries/{enquiry.pk}/").status_code == 200
    refused = client.patch(f"/api/enquiries/{enquiry.pk}/", {"status": "closed"}, format="json")
    assert refused.status_code == 403
    enquiry.refresh_from_db()
    assert enquiry.status == "new"
