"""A certified application whose certificate was revoked or has expired says so wherever it
is listed (the MSME's and the staff's application lists, the product's page and the
product list), not "Certified" in green; its certificate panel keeps the PDF for the
record, labelled revoked, and offers nothing to share. Listing them costs one query per
page, not one per row; the application page reads its certificates in one query beside
its own row."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from certificates.revocation import certificate_revoke
from kernel.states import State
from tests import factories as f
from tests.products.portal_helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rendering(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _certified(office, name):
    product = f.ProductFactory(business=office.business, name=name)
    f.complete_documents(product, by=office.msme)
    application = f.bring_to(office, State.CERTIFIED, office.new_application(product))
    return application, Certificate.objects.get(application=application)


def _revoke(office, certificate):
    certificate_revoke(certificate=certificate, by=office.officer, reason="Forged halal paper.")


def _expire(certificate):
    Certificate.objects.filter(pk=certificate.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )


LIST_PAGES = [
    ("msme", "curation:applications"),
    ("officer", "curation:applications"),
    ("coordinator", "curation:applications"),
]


@pytest.mark.parametrize(("persona", "route"), LIST_PAGES)
def test_the_application_lists_say_revoked_and_expired(office, client, persona, route):
    revoked, revoked_certificate = _certified(office, "Sambal Dicabut")
    expired, expired_certificate = _certified(office, "Sambal Lama")
    _certified(office, "Sambal Sah")
    _revoke(office, revoked_certificate)
    _expire(expired_certificate)
    html = login(client, office.personas[persona]).get(reverse(route)).content.decode()
    assert '<span class="state state-revoked">Certificate revoked</span>' in html
    assert '<span class="state state-expired">Certificate expired</span>' in html
    # Only the one still valid is "Certified".
    assert html.count('<span class="state state-certified">Certified</span>') == 1


def test_in_indonesian_the_list_says_sertifikat_dicabut(office, client):
    _, certificate = _certified(office, "Sambal Dicabut")
    _revoke(office, certificate)
    office.msme.profile.language = "id"
    office.msme.profile.save(update_fields=["language"])
    client.force_login(office.msme)
    html = client.get(reverse("curation:applications")).content.decode()
    assert '<span class="state state-revoked">Sertifikat dicabut</span>' in html
    assert '<span class="state state-certified">Tersertifikasi</span>' not in html


def test_the_product_page_and_the_product_list_say_revoked(office, client):
    application, certificate = _certified(office, "Sambal Dicabut")
    _revoke(office, certificate)
    login(client, office.msme)
    product_page = client.get(reverse("curation:product", args=[application.product_id]))
    assert "Certificate revoked" in product_page.content.decode()
    assert "state-certified" not in product_page.content.decode()
    product_list = client.get(reverse("curation:product_list")).content.decode()
    row = product_list[product_list.index("Sambal Dicabut") :]
    row = row[: row.index("</tr>")]
    assert "Certificate revoked" in row
    assert "state-certified" not in row


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_listing_certificates_costs_one_query_per_page_not_per_row(office, client):
    _, first = _certified(office, "Sambal 0")
    _revoke(office, first)
    pages = [
        (office.msme, reverse("curation:applications")),
        (office.officer, reverse("curation:applications")),
        (office.msme, reverse("curation:product_list")),
    ]
    few = [_count(login(client, user), url) for user, url in pages]
    for i in range(1, 5):
        _, certificate = _certified(office, f"Sambal {i}")
        if i % 2:
            _revoke(office, certificate)
        else:
            _expire(certificate)
    many = [_count(login(client, user), url) for user, url in pages]
    assert few == many


# The certificate's panel.


@pytest.mark.parametrize("persona", ["msme", "officer"])
def test_a_revoked_certificates_pdf_stays_for_the_record_labelled_revoked(office, client, persona):
    application, certificate = _certified(office, "Sambal Dicabut")
    _revoke(office, certificate)
    login(client, office.personas[persona])
    html = client.get(reverse("curation:application", args=[application.pk])).content.decode()
    panel = html[html.index('id="certificate"') :]
    panel = panel[: panel.index("</section>")]
    assert "Revoked" in panel
    assert "Revoked certificate (signed PDF, kept for the record)" in panel
    assert "no longer proves" in panel
    # Nothing invites to use it: no sharing, no dossier to send, no shipment.
    assert 'action="' + reverse("certificates:share", args=[certificate.pk]) not in panel
    assert "Record a shipment" not in panel
    assert "share them with your buyers" not in html
    assert "Download the certificate" not in html


def test_a_valid_certificates_panel_is_unchanged(office, client):
    application, certificate = _certified(office, "Sambal Sah")
    login(client, office.msme)
    html = client.get(reverse("curation:application", args=[application.pk])).content.decode()
    assert "Certificate (signed PDF)" in html
    assert "kept for the record" not in html
    assert 'action="' + reverse("certificates:share", args=[certificate.pk]) in html


# The application page reads its certificate once.


def test_the_officers_page_of_a_certified_application_reads_the_certificate_once(office, client):
    application, _ = _certified(office, "Sambal Sah")
    login(client, office.officer)
    url = reverse("curation:application", args=[application.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    # Its certificate comes joined to the application's own row (for the header's badge,
    # as on every page about one application), and the certificate panel reads the
    # product's certificates with their files in one query: nothing reads them again.
    reads = [q["sql"] for q in queries if '"certificates_certificate"' in q["sql"]]
    assert len(reads) == 2, reads
    assert 'LEFT OUTER JOIN "certificates_certificate"' in reads[0]
    assert len(queries) <= 13


@pytest.mark.parametrize(
    ("persona", "route"),
    [("lead", "curation:scoresheet"), ("reviewer", "curation:packaging")],
)
def test_a_workspace_s_header_says_revoked_too(office, client, persona, route):
    application, certificate = _certified(office, "Sambal Dicabut")
    _revoke(office, certificate)

    response = login(client, office.personas[persona]).get(reverse(route, args=[application.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<span class="state state-revoked">Certificate revoked</span>' in html
    assert '<span class="state state-certified">Certified</span>' not in html
