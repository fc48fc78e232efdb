"""Every list page answers in the same number of queries for a few rows as for many.

A page that runs one query per row works in the demo and crawls for a province. Each test
builds a small world in which every list has at least one row of every kind, counts the
queries of each page for each persona, grows the world tenfold, and counts again: any
page whose count moved is named with both counts. (A list with no row at all may skip a
prefetch, so "few" is never "none".)
"""

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curation import services
from kernel.states import State
from offices.models import StageTarget
from products.models import Membership
from tests import factories as f

# The states the applications of a world cycle through: each list shows rows of every
# kind (with curators, a revision request, scores, a packaging review).
CYCLE = (
    "draft",
    "submitted",
    "in_curation",
    "revision_requested",
    "packaging_review",
    "awaiting_certification",
)


def count(client, user, url) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def measure(client, pages) -> dict:
    return {(persona, url): count(client, user, url) for persona, user, url in pages}


def assert_constant(few: dict, many: dict):
    moved = {
        f"{persona} {url}": f"{few[key]} queries with few rows, {many[key]} with many"
        for key in few
        if few[key] != many[key]
        for persona, url in [key]
    }
    assert not moved, "\n".join(f"{page}: {counts}" for page, counts in moved.items())


class Applications:
    """Applications of the office's business (and of other businesses of the region) in
    every state of CYCLE, each through the real services."""

    def __init__(self, office):
        self.office = office
        self.made = 0

    def grow(self, to: int):
        office = self.office
        while self.made < to:
            n = self.made
            # Half of them from other businesses of the region: staff lists mix businesses.
            if n % 2:
                business = f.BusinessFactory(name=f"UMKM {n}", region=office.business.region)
                member = f.make_member(business, f"owner{n}")
                Membership.objects.create(
                    business=business, user=office.msme, role=Membership.Role.STAFF
                )
            else:
                business, member = office.business, office.msme
            product = f.ProductFactory(business=business, name=f"Produk {n:02d}")
            f.complete_documents(product, by=member)
            application = services.application_create(product=product, by=office.msme)
            f.bring_to(office, CYCLE[n % len(CYCLE)], application)
            self.made += 1


def _pages(office, application):
    p = office.personas
    pk = application.pk
    return [
        # The MSME.
        ("msme", p["msme"], reverse("curation:home")),
        ("msme", p["msme"], reverse("curation:applications")),
        ("msme", p["msme"], reverse("curation:applications") + "?state=in_curation&q=produk"),
        ("msme", p["msme"], reverse("curation:product_list")),
        ("msme", p["msme"], reverse("products:business_home") + "?"),
        ("msme", p["msme"], reverse("curation:notifications")),
        ("msme", p["msme"], reverse("api_applications")),
        # The coordinator: dashboard, queues, overview, lists.
        ("coordinator", p["coordinator"], reverse("curation:home")),
        ("coordinator", p["coordinator"], reverse("curation:applications")),
        ("coordinator", p["coordinator"], reverse("curation:applications") + "?queue=coordinator"),
        ("coordinator", p["coordinator"], reverse("curation:overview")),
        ("coordinator", p["coordinator"], reverse("curation:overview") + "?overdue=1&q=produk"),
        ("coordinator", p["coordinator"], reverse("curation:notifications")),
        ("coordinator", p["coordinator"], reverse("api_applications")),
        # The curators, the reviewer, the officer and the head.
        ("lead", p["lead"], reverse("curation:home")),
        ("lead", p["lead"], reverse("curation:applications") + "?queue=curator"),
        ("lead", p["lead"], reverse("curation:notifications")),
        ("curator", p["curator"], reverse("curation:applications")),
        ("reviewer", p["reviewer"], reverse("curation:home")),
        ("reviewer", p["reviewer"], reverse("curation:applications") + "?queue=packaging_reviewer"),
        ("officer", p["officer"], reverse("curation:home")),
        ("officer", p["officer"], reverse("curation:applications") + "?queue=certifying_officer"),
        ("regional_admin", p["regional_admin"], reverse("curation:home")),
        ("regional_admin", p["regional_admin"], reverse("curation:applications")),
        ("regional_admin", p["regional_admin"], reverse("api_applications")),
        # Staff of another region and an exporter see none of them: still constant.
        ("foreign_coordinator", p["foreign_coordinator"], reverse("curation:overview")),
        ("exporter", p["exporter"], reverse("curation:applications")),
        # The application page of the first application: its audit trail grows with
        # the others' notices, not with its own rows.
        ("msme", p["msme"], reverse("curation:application", args=[pk])),
    ]


def test_application_lists_dashboards_queues_and_notifications(office, client):
    kediri = f.office_for(office.business.region)
    StageTarget.objects.create(office=kediri, state=State.SUBMITTED, days=3)
    StageTarget.objects.create(office=kediri, state=State.IN_CURATION, days=14)
    world = Applications(office)
    world.grow(len(CYCLE))  # one in each state: every list and queue has a row
    first = office.business.products.get(name="Produk 00").applications.get()
    pages = _pages(office, first)
    few = measure(client, pages)
    world.grow(10 * len(CYCLE))  # ten in each state; the lists of all of them paginate
    many = measure(client, pages)
    assert_constant(few, many)


def _product_documents(office, product, n, start=0):
    for i in range(start, start + n):
        f.add_document(
            office.business,
            "lab_test" if i % 2 else "product_photo",
            product=product,
            content=f.PDF_BYTES + f"% report {i}\n".encode() if i % 2 else None,
            expires_on=date.today() + timedelta(days=100 + i),
        )


def test_document_lists(office, client, bring_to):
    """The documents of a product (product page, certification review, packaging
    evidence) and of a business (business page), and the members of a business."""
    application = bring_to("awaiting_certification")
    product = office.product
    msme, officer, reviewer = office.msme, office.officer, office.reviewer
    pages = [
        ("msme", msme, reverse("curation:product", args=[product.pk])),
        ("msme", msme, reverse("products:business", args=[office.business.pk])),
        ("msme", msme, reverse("products:members", args=[office.business.pk])),
        ("msme", msme, reverse("curation:home")),  # the expiring documents
        ("officer", officer, reverse("curation:certification_review", args=[application.pk])),
        (
            "coordinator",
            office.coordinator,
            reverse("curation:packaging", args=[application.pk]),
        ),
        ("reviewer", reviewer, reverse("curation:packaging", args=[application.pk])),
    ]

    def grow(n, start):
        _product_documents(office, product, n, start)
        for i in range(start, start + n):
            f.add_document(
                office.business,
                "trademark",
                number=f"IDM000{i:05d}",
                expires_on=date.today() + timedelta(days=10 + i),
            )
            f.make_member(office.business, f"staff{i}", role=Membership.Role.STAFF)

    grow(3, 0)
    few = measure(client, pages)
    grow(27, 3)
    many = measure(client, pages)
    assert_constant(few, many)


def test_curation_pages_with_many_curators_and_rounds(office, client, bring_to):
    """The scoresheet, the curation result and the curator page list criteria and
    curators: their queries do not grow with the rounds before or the history."""
    application = bring_to("in_curation")
    pages = [
        ("lead", office.lead, reverse("curation:scoresheet", args=[application.pk])),
        ("coordinator", office.coordinator, reverse("curation:curation", args=[application.pk])),
        (
            "coordinator",
            office.coordinator,
            reverse("curation:application_curators", args=[application.pk]),
        ),
        ("coordinator", office.coordinator, reverse("curation:application", args=[application.pk])),
    ]

    def rounds(n):
        for _ in range(n):
            f.score_all(application, office.lead, submit=True)
            f.score_all(application, office.curator, submit=True)
            services.application_request_revision(
                application=application, by=office.lead, message="Add the lab report."
            )
            services.application_resubmit(application=application, by=office.msme, answer="Done.")
            application.refresh_from_db()

    rounds(1)
    few = measure(client, pages)
    rounds(5)
    many = measure(client, pages)
    assert_constant(few, many)


def test_the_worlds_have_rows_in_every_list(office, client):
    """A guard for the counts above: every queue and list of a grown world has rows."""
    world = Applications(office)
    world.grow(len(CYCLE))
    for persona, queue in [
        ("coordinator", "coordinator"),
        ("lead", "curator"),
        ("reviewer", "packaging_reviewer"),
        ("officer", "certifying_officer"),
    ]:
        client.force_login(office.personas[persona])
        html = client.get(reverse("curation:applications") + f"?queue={queue}").content.decode()
        assert "Produk 0" in html, persona
    client.force_login(office.msme)
    assert "Produk 03" in client.get(reverse("curation:notifications")).content.decode()


def _certify_and_share(office, n):
    from certificates.models import Certificate
    from certificates.sharing import product_share

    product = f.ProductFactory(business=office.business, name=f"Produk {n:02d}")
    f.complete_documents(product, by=office.msme)
    application = services.application_create(product=product, by=office.msme)
    f.bring_to(office, "certified", application)
    certificate = Certificate.objects.get(application=application)
    product_share(certificate=certificate, by=office.msme, email=office.exporter.email)
    return certificate


def test_the_exporters_shared_products(office, client):
    """The exporter's home, "shared with me": one card per certified product shared with
    it, each with the exporter's shipments of it. (Its dashboard is this page.)"""
    from certificates.shipments import shipment_create
    from products.models import Market

    def grow(start, stop):
        for n in range(start, stop):
            certificate = _certify_and_share(office, n)
            shipment_create(
                certificate=certificate,
                by=office.exporter,
                buyer_name="Nagoya Trading",
                buyer_address="Nagoya",
                buyer_country="Japan",
                market=Market.objects.get(key="jp"),
                incoterm="FOB",
                port_of_loading="Tanjung Perak",
                port_of_discharge="Nagoya",
                currency="USD",
                lines=[{"description": "Jar", "quantity": "10", "unit": "jar", "unit_price": "2"}],
                cartons=[{"net_kg": "2.5", "gross_kg": "3"}],
            )

    pages = [("exporter", office.exporter, reverse("certificates:shared"))]
    grow(0, 3)
    few = measure(client, pages)
    grow(3, 30)
    many = measure(client, pages)
    assert_constant(few, many)
    client.force_login(office.exporter)
    assert client.get(reverse("curation:home"))["Location"] == reverse("certificates:shared")


def test_a_certificates_shipments_and_shares(office, client):
    """The certificate block (certificate page, the MSME's application page) lists the
    product's shipments and the exporters it is shared with."""
    from certificates.sharing import product_share
    from certificates.shipments import shipment_create
    from kernel.roles import Role
    from products.models import Market

    certificate = _certify_and_share(office, 0)
    terms = {
        "buyer_name": "Tokyo Foods KK",
        "buyer_address": "1-2-3 Shibuya, Tokyo",
        "buyer_country": "Japan",
        "market": Market.objects.get(key="jp"),
        "incoterm": "FOB",
        "port_of_loading": "Tanjung Perak, Surabaya",
        "port_of_discharge": "Tokyo",
        "currency": "USD",
        "lines": [{"description": "Jar", "quantity": "100", "unit": "jar", "unit_price": "2.4"}],
        "cartons": [{"count": 5, "net_kg": "7.5", "gross_kg": "8.9"}],
    }

    def grow(start, stop):
        for n in range(start, stop):
            shipment_create(certificate=certificate, by=office.msme, **terms)
            exporter = f.UserFactory(username=f"exporter{n}", roles=[Role.EXPORTER])
            product_share(certificate=certificate, by=office.msme, email=exporter.email)

    pages = [
        ("msme", office.msme, reverse("certificates:detail", args=[certificate.pk])),
        ("msme", office.msme, reverse("curation:application", args=[certificate.application_id])),
        ("exporter", office.exporter, reverse("certificates:detail", args=[certificate.pk])),
        ("officer", office.officer, reverse("certificates:detail", args=[certificate.pk])),
    ]
    grow(0, 3)
    few = measure(client, pages)
    grow(3, 30)
    many = measure(client, pages)
    assert_constant(few, many)
