"""The public verification page: each status, unknown codes, comparing an uploaded PDF,
JSON answers, languages, the rate limit, and nothing private on show."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from certificates.models import Certificate
from certificates.revocation import certificate_revoke
from curation import services
from kernel.states import State
from products.models import Document
from tests import certificate_helpers as h
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(settings):
    settings.SITE_URL = "https://siap-ekspor.example"
    # The rate limit counts in the cache: every test starts with a clean slate.
    cache.clear()
    yield
    cache.clear()


def page(client, certificate, **params):
    return client.get(f"/verify/{certificate.verification_code}/", params)


def as_json(client, certificate, **params):
    return client.get(
        f"/verify/{certificate.verification_code}/", params, headers={"accept": "application/json"}
    )


def test_a_valid_certificate(client, certificate):
    response = page(client, certificate, lang="en")
    assert response.status_code == 200
    body = response.content.decode()
    assert "This certificate is valid." in body
    for shown in (
        certificate.number,
        "Sambal Bu Rini",
        "Sambal Pecel Bu Rini",
        certificate.pdf_sha256,
        certificate.valid_until.strftime("%Y"),
        "Kota Kediri",
    ):
        assert shown in body
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    )


def test_the_page_is_phone_friendly_and_says_its_language(client, certificate):
    body = page(client, certificate, lang="en").content.decode()
    assert '<html lang="en">' in body
    assert 'name="viewport"' in body
    assert "css/app.css" in body


def test_indonesian_by_default_english_on_request(client, certificate, settings):
    settings.LANGUAGE_CODE = "id"
    default = page(client, certificate)
    assert default["Content-Language"] == "id"
    assert '<html lang="id">' in default.content.decode()
    assert as_json(client, certificate).json()["status_label"] == "Berlaku"

    english = page(client, certificate, lang="en")
    assert english["Content-Language"] == "en"
    assert '<html lang="en">' in english.content.decode()

    browser = client.get(
        f"/verify/{certificate.verification_code}/", headers={"accept-language": "en-GB,en"}
    )
    assert browser["Content-Language"] == "en"
    # ?lang= wins over the browser.
    chosen = client.get(
        f"/verify/{certificate.verification_code}/",
        {"lang": "id"},
        headers={"accept-language": "en"},
    )
    assert chosen["Content-Language"] == "id"


def test_a_revoked_certificate_says_when_and_why_at_once(client, certificate, office):
    assert "This certificate is valid." in page(client, certificate, lang="en").content.decode()
    certificate_revoke(certificate=certificate, by=office.officer, reason="Label claims untrue.")

    response = page(client, certificate, lang="en")
    body = response.content.decode()
    assert response.status_code == 200
    assert "This certificate was revoked on" in body
    assert timezone.localdate().strftime("%Y") in body
    assert "Label claims untrue." in body
    data = as_json(client, certificate).json()
    assert data["status"] == "revoked"
    assert data["revocation_reason"] == "Label claims untrue."
    assert data["revoked_on"] == timezone.localdate().isoformat()


def test_a_superseded_certificate_points_to_its_successor(client, certificate, office):
    renewal = services.application_create(
        product=office.product, by=office.msme, previous=certificate.application
    )
    f.bring_to(office, State.CERTIFIED, renewal)
    successor = Certificate.objects.get(application=renewal)

    body = page(client, certificate, lang="en").content.decode()
    assert "replaced by a newer one" in body
    assert successor.number in body
    assert f"/verify/{successor.verification_code}/" in body
    data = as_json(client, certificate).json()
    assert data["status"] == "superseded"
    assert data["superseded_by"]["number"] == successor.number


def test_an_expired_certificate(client, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    body = page(client, certificate, lang="en").content.decode()
    assert "has expired" in body
    assert as_json(client, certificate).json()["status"] == "expired"


def test_the_last_day_is_still_valid(client, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(valid_until=timezone.localdate())
    assert as_json(client, certificate).json()["status"] == "valid"


def test_an_unknown_code_gets_a_friendly_404(client, certificate):
    response = client.get("/verify/not-a-real-code/", {"lang": "en"})
    assert response.status_code == 404
    body = response.content.decode()
    assert "Unknown verification code" in body
    assert "No certificate has this verification code." in body
    assert certificate.number not in body

    as_json = client.get("/verify/not-a-real-code/", {"format": "json"})
    assert as_json.status_code == 404
    assert as_json.json() == {"status": "unknown"}


def test_a_pending_certificate_says_its_pdf_is_being_prepared(
    client, office, bring_to, django_capture_on_commit_callbacks
):
    application = bring_to(State.AWAITING_CERTIFICATION)
    pending = h.certify(office, application, django_capture_on_commit_callbacks, render=False)
    body = page(client, pending, lang="en").content.decode()
    assert "This certificate is valid." in body
    assert "The signed PDF is being prepared." in body
    data = as_json(client, pending).json()
    assert (data["pdf_ready"], data["pdf_sha256"]) == (False, None)


def test_json_answer(client, certificate):
    for response in (
        as_json(client, certificate, lang="en"),
        page(client, certificate, format="json", lang="en"),
    ):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        data = response.json()
        assert data == {
            "status": "valid",
            "status_label": "Valid",
            "number": certificate.number,
            "business": "Sambal Bu Rini",
            "product": "Sambal Pecel Bu Rini",
            "hs_code": "21039090",
            "grade": certificate.grade,
            "grade_label": certificate.grade_en_label,
            "target_markets": ["Japan", "Malaysia"],
            "issuing_region": {"code": "35.71", "name": "Kota Kediri"},
            "issuing_office": "Rumah Kurasi Kota Kediri",
            "issued_on": timezone.localdate(certificate.issued_at).isoformat(),
            "valid_until": certificate.valid_until.isoformat(),
            "pdf_ready": True,
            "pdf_sha256": certificate.pdf_sha256,
            "verification_url": (
                f"https://siap-ekspor.example/verify/{certificate.verification_code}/"
            ),
        }


def test_a_browser_gets_html(client, certificate):
    response = client.get(
        f"/verify/{certificate.verification_code}/",
        headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )
    assert response["Content-Type"].startswith("text/html")


def upload(client, certificate, content: bytes, *, json=False):
    return client.post(
        f"/verify/{certificate.verification_code}/?lang=en" + ("&format=json" if json else ""),
        {"file": SimpleUploadedFile("received.pdf", content, content_type="application/pdf")},
    )


def test_the_issued_pdf_matches(client, certificate):
    issued = h.pdf_bytes(certificate)
    response = upload(client, certificate, issued)
    assert response.status_code == 200
    assert "is exactly the PDF issued as" in response.content.decode()
    data = upload(client, certificate, issued, json=True).json()
    assert data["upload"] == {"sha256": certificate.pdf_sha256, "matches": True}


def test_a_changed_pdf_does_not_match(client, certificate):
    changed = bytearray(h.pdf_bytes(certificate))
    changed[-20] ^= 0x01
    response = upload(client, certificate, bytes(changed))
    body = response.content.decode()
    assert "is not the issued PDF" in body
    assert "is exactly the PDF" not in body
    data = upload(client, certificate, bytes(changed), json=True).json()
    assert data["upload"]["matches"] is False
    assert data["upload"]["sha256"] != certificate.pdf_sha256


def test_an_upload_over_the_limit_is_refused(client, certificate, settings):
    settings.VERIFY_UPLOAD_MAX_BYTES = 2048
    response = upload(client, certificate, b"%PDF-" + b"x" * 4096, json=True)
    assert response.status_code == 413
    assert "too large" in response.json()["upload"]["error"]


def test_an_upload_without_a_file_is_answered(client, certificate):
    response = client.post(f"/verify/{certificate.verification_code}/?format=json&lang=en")
    assert response.status_code == 400
    assert "Choose the PDF file" in response.json()["upload"]["error"]


def test_nothing_private_is_shown(client, certificate, office):
    business = office.business
    documents = Document.objects.filter(business=business)
    assert documents.exists()
    private = [business.nib, business.npwp, business.address, office.msme.email]
    private += [d.number for d in documents if d.number]
    private += [d.file.name for d in documents]
    private += [office.officer.username, office.lead.username, office.curator.username]
    for response in (page(client, certificate), as_json(client, certificate)):
        body = response.content.decode()
        for value in private:
            assert value not in body, value
        assert "/media/" not in body
        assert "documents/" not in body


def test_too_many_requests_from_one_address_are_refused(client, certificate, settings):
    settings.VERIFY_RATE_LIMIT = 5
    for _ in range(5):
        assert page(client, certificate).status_code == 200
    refused = page(client, certificate, lang="en")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "Too many checks" in refused.content.decode()
    assert as_json(client, certificate).status_code == 429
    # Another address is not affected.
    other = client.get(f"/verify/{certificate.verification_code}/", REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200


def test_behind_a_proxy_the_forwarded_address_counts(client, certificate, settings):
    settings.VERIFY_RATE_LIMIT = 2
    settings.NUM_PROXIES = 1
    url = f"/verify/{certificate.verification_code}/"
    for _ in range(2):
        assert client.get(url, headers={"x-forwarded-for": "203.0.113.7"}).status_code == 200
    assert client.get(url, headers={"x-forwarded-for": "203.0.113.7"}).status_code == 429
    # A forged left-most entry does not give the same client a fresh allowance.
    forged = client.get(url, headers={"x-forwarded-for": "1.1.1.1, 203.0.113.7"})
    assert forged.status_code == 429
    assert client.get(url, headers={"x-forwarded-for": "198.51.100.9"}).status_code == 200


def test_unknown_codes_count_towards_the_limit(client, settings):
    settings.VERIFY_RATE_LIMIT = 3
    statuses = [client.get(f"/verify/guess{i}/").status_code for i in range(5)]
    assert statuses == [404, 404, 404, 429, 429]
