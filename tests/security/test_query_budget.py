"""Every page about an application answers within the query budget in every state of the
workflow, for everyone who may see it.

The access matrix (test_access_matrix.py) counts each route's queries in the one state its
rule sets up. What a page reads depends on the state, though: a second scoring round, a
change of curators, a closed packaging review, a certificate with its shares and
shipments. Here one application walks the whole workflow (through a revision, a change of
curators and a packaging revision, to its certificate, shared with an exporter and
shipped), and two more end rejected and withdrawn. At each stop everyone who sees the
application (its page or its certificate's answers them) opens every page about it: the
application page and the API's, the steps of that state, the staff workspaces, the
product's pages and a document, the certificate's pages. A refusal is a page too, and is
counted. Every page over `QUERY_BUDGET` is named with the stop, the persona and its count.

The walk is taken once per test and split in three tests at its stops, so that the two
workers share it; each test walks past the stops of the others without opening a page.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certificates.models import Certificate
from certificates.sharing import product_share
from certificates.shipments import shipment_create
from curation import assignments, services
from curation.models import Application
from kernel.states import State
from products.models import Document, Market
from tests import factories as f
from tests.security.access_world import (
    PERSONAS,
    QUERY_BUDGET,
    SHIPMENT_CARTON,
    SHIPMENT_LINE,
    SHIPMENT_TERMS,
    Browsers,
    World,
)


def application_pages(application: Application) -> dict[str, str]:
    """Every page about `application` that someone may open in its state, by name; the
    application page (or, for an exporter, the certificate's) first."""
    pk = application.pk
    product = application.product
    certificate = Certificate.objects.filter(application=application).first()
    pages = {"application": reverse("curation:application", args=[pk])}
    if certificate is not None:
        pages["certificate"] = reverse("certificates:detail", args=[certificate.pk])
    pages |= {
        "api": reverse("api_application", args=[pk]),
        "change curators": reverse("curation:application_curators", args=[pk]),
        "scoresheet": reverse("curation:scoresheet", args=[pk]),
        "curation result": reverse("curation:curation", args=[pk]),
        "packaging checklist": reverse("curation:packaging", args=[pk]),
        "certification review": reverse("curation:certification_review", args=[pk]),
        "product": reverse("curation:product", args=[product.pk]),
        "product edit": reverse("products:edit", args=[product.pk]),
        "document upload": reverse("products:document_upload", args=[product.pk]),
        "documents": reverse("products:documents", args=[product.pk]),
        "review": reverse("curation:product_review", args=[product.pk]),
        "account": reverse("curation:account"),
    }
    # The steps of this state: each one's confirmation page (or its refusal).
    for transition in application.get_all_state_transitions():
        if transition.source == application.state:
            pages[f"step {transition.name}"] = reverse(
                "curation:application_transition", args=[pk, transition.name]
            )
    photo = Document.objects.filter(product=product, kind__key="packaging_photo").latest("pk")
    pages["evidence photo"] = reverse("curation:evidence", args=[pk, photo.pk])
    pirt = Document.objects.get(product=product, kind__key="pirt")
    pages["document download"] = reverse("curation:document", args=[pirt.pk])
    if certificate is not None:
        pages |= {
            "certificate download": reverse("certificates:download", args=[certificate.pk]),
            "dossier download": reverse("certificates:dossier", args=[certificate.pk, "zip"]),
            "revoke": reverse("certificates:revoke", args=[certificate.pk]),
            "new shipment": reverse("certificates:shipment_new", args=[certificate.pk]),
            "verify": reverse("certificates:verify", args=[certificate.verification_code]),
        }
        for shipment in certificate.shipments.all():
            pages["shipment"] = reverse("certificates:shipment", args=[shipment.pk])
            pages["invoice"] = reverse(
                "certificates:shipment_document", args=[shipment.pk, "invoice"]
            )
    return pages


# What opens (200, or 503 for a file still being prepared: the tests run no task).
OPENS = (200, 503)


class Walk:
    """At each stop, every persona who sees the application opens every page about it;
    it keeps the pages each one opened and those over the budget."""

    def __init__(self, office):
        self.browsers = Browsers(World(office=office, application=None))
        self.opened: set[tuple[str, str, str]] = set()
        self.over: list[str] = []

    def stop(self, label: str, application: Application) -> None:
        application.refresh_from_db()
        pages = application_pages(application)
        first = [name for name in ("application", "certificate") if name in pages]
        for persona in PERSONAS:
            for page, url in pages.items():
                status = self._open(label, persona, page, url)
                if status in OPENS:
                    self.opened.add((label, persona, page))
                # Who sees neither the application nor its certificate sees nothing of
                # it: the access matrix checks the rest of their refusals.
                if page == first[-1] and not any((label, persona, p) in self.opened for p in first):
                    break

    def _open(self, label, persona, page, url) -> int:
        browser = self.browsers[persona]  # signed in once, before counting
        # While it counts, Django no longer empties its query log at each request, and a
        # full log (9,000 queries: a few hundred pages into the walk) counts none. Each
        # page starts with an empty one.
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            response = browser.get(url)
        if len(queries) > QUERY_BUDGET:
            self.over.append(
                f"{label}: {persona} {page} ({url}, {response.status_code}): {len(queries)} queries"
            )
        return response.status_code

    def check(self, expected: set[tuple[str, str, str]]) -> None:
        assert not self.over, f"over {QUERY_BUDGET} queries:\n" + "\n".join(self.over)
        # The walk reached the pages it is about, not only refusals.
        assert expected <= self.opened, sorted(expected - self.opened)


def _the_long_way(office) -> Iterator[tuple[str, Application]]:
    """One application through every state that leads to a certificate, with a revision
    round, a change of curators and a packaging revision on the way."""
    application = office.new_application()
    yield "draft", application
    f.take_step(office, application, "submit")
    yield "submitted", application
    f.take_step(office, application, "assign_curators")
    yield "in_curation", application
    f.score_all(application, office.lead)
    yield "in_curation, the lead scored", application
    f.take_step(office, application, "request_revision")
    yield "revision_requested", application
    services.application_resubmit(
        application=application, by=office.msme, answer="The lab report is uploaded."
    )
    assignments.application_reassign_curators(
        application=application,
        by=office.coordinator,
        curators=[office.lead, office.spare_curator],
        lead=office.lead,
        comment="The curator is on leave.",
    )
    yield "in_curation, round 2, a curator replaced", application
    f.score_all(application, office.lead)
    f.score_all(application, office.spare_curator)
    yield "in_curation, round 2 scored", application
    f.take_step(office, application, "pass_curation")
    yield "packaging_review", application
    f.take_step(office, application, "request_packaging_changes")
    yield "packaging_revision", application
    f.add_document(
        office.business,
        "packaging_photo",
        product=application.product,
        content=f.png_bytes(color=(10, 200, 10)),
    )
    services.application_resubmit_packaging(application=application, by=office.msme)
    yield "packaging_review, review 2", application
    f.take_step(office, application, "approve_packaging")
    yield "awaiting_certification", application
    f.take_step(office, application, "certify")
    certificate = Certificate.objects.get(application=application)
    product_share(certificate=certificate, by=office.msme, email=office.exporter.email)
    shipment_create(
        certificate=certificate,
        by=office.msme,
        market=Market.objects.get(key="jp"),
        lines=[{**SHIPMENT_LINE, "unit_price": "2.40"}],
        cartons=[{**SHIPMENT_CARTON, "count": 50}],
        **SHIPMENT_TERMS,
    )
    yield "certified", application


# The stops of the long way, in three parts (one test each).
PARTS = {
    "to curation": ("draft", "submitted", "in_curation", "in_curation, the lead scored"),
    "through a revision": (
        "revision_requested",
        "in_curation, round 2, a curator replaced",
        "in_curation, round 2 scored",
        "packaging_review",
    ),
    "to the certificate": (
        "packaging_revision",
        "packaging_review, review 2",
        "awaiting_certification",
        "certified",
    ),
}
MEMBERS = ("msme", "msme_staff")
REGION_STAFF = ("coordinator", "reviewer", "officer", "regional_admin")
# Pages that must open at a stop (label, persona, page): the walk is about them.
EXPECTED = {
    *{(label, persona, "application") for label in PARTS["to curation"] for persona in MEMBERS},
    *{("certified", persona, "application") for persona in (*MEMBERS, *REGION_STAFF, "lead")},
    ("draft", "msme", "product edit"),
    ("draft", "msme", "step submit"),
    ("submitted", "coordinator", "step assign_curators"),
    ("in_curation", "lead", "scoresheet"),
    ("in_curation", "coordinator", "change curators"),
    ("in_curation, the lead scored", "lead", "curation result"),
    ("revision_requested", "msme", "step resubmit"),
    ("in_curation, round 2, a curator replaced", "spare_curator", "scoresheet"),
    ("in_curation, round 2, a curator replaced", "officer", "certification review"),
    ("in_curation, round 2 scored", "lead", "step pass_curation"),
    ("packaging_review", "reviewer", "packaging checklist"),
    ("packaging_revision", "msme", "document upload"),
    ("packaging_review, review 2", "reviewer", "evidence photo"),
    ("awaiting_certification", "officer", "certification review"),
    ("awaiting_certification", "officer", "step certify"),
    ("certified", "msme", "certificate"),
    ("certified", "msme", "product"),
    ("certified", "exporter", "certificate"),
    ("certified", "exporter", "new shipment"),
    ("certified", "msme_staff", "shipment"),
    ("certified", "officer", "revoke"),
    ("certified", "officer", "document download"),
}


@pytest.mark.parametrize("part", PARTS)
def test_every_page_of_the_long_way_is_within_the_budget(part, world_office):
    walk = Walk(world_office)
    for label, application in _the_long_way(world_office):
        if label in PARTS[part]:
            walk.stop(label, application)
        if label == PARTS[part][-1]:
            break
    walk.check({page for page in EXPECTED if page[0] in PARTS[part]})


def _another_product(office, name: str) -> Application:
    product = f.ProductFactory(business=office.business, name=name)
    f.complete_documents(product, by=office.msme)
    return office.new_application(product)


def test_every_page_of_a_rejected_and_a_withdrawn_application_is_within_the_budget(
    world_office,
):
    office = world_office
    walk = Walk(office)
    rejected = f.bring_to(office, "awaiting_certification", _another_product(office, "Rejected"))
    services.application_reject(
        application=rejected, by=office.officer, reason="The P-IRT is not the product's."
    )
    walk.stop("rejected", rejected)
    withdrawn = f.bring_to(office, "packaging_revision", _another_product(office, "Withdrawn"))
    services.application_withdraw(application=withdrawn, by=office.msme)
    walk.stop("withdrawn", withdrawn)
    assert (rejected.state, withdrawn.state) == (State.REJECTED, State.WITHDRAWN)
    walk.check(
        {
            (label, persona, page)
            for label in ("rejected", "withdrawn")
            for persona, page in [
                ("msme", "application"),
                ("msme", "product"),
                ("lead", "application"),
                ("coordinator", "certification review"),
                ("officer", "certification review"),
                ("regional_admin", "application"),
            ]
        }
    )
