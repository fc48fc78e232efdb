"""The main pages pass axe-core (Deque's accessibility engine, vendored in vendor/) with no
serious or critical violation, for each role, on a phone and on a laptop.

The data is made through the services (the full flow test clicks through the same pages);
each person is signed in with a session cookie rather than the sign-in form. Visitors read
the pages in English (their browser's language), the signed-in personas in Indonesian
(the default of their profiles), so both translations are checked. The findings, minor
ones included, are written to test-artifacts/axe/ for whoever fixes them.
"""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from certificates.invitations import invitation_token
from certificates.models import Certificate
from certificates.sharing import product_share
from curation import services
from tests import factories as f
from tests.e2e.conftest import ARTIFACTS, NARROW, WIDE, in_thread

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = {"serious", "critical"}


def run_axe(page) -> list[dict]:
    # Evaluated through the DevTools protocol: a <script> tag of inline code, as
    # add_script_tag makes, is what the page's Content-Security-Policy refuses.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    # A guard: the engine did check this page (a blocked script would find nothing).
    assert len(result["passes"]) > 10, (page.url, len(result["passes"]))
    return result["violations"]


def summary(violation) -> dict:
    return {
        "rule": violation["id"],
        "impact": violation["impact"],
        "help": violation["help"],
        "nodes": [node["target"] for node in violation["nodes"]][:5],
        "html": [node["html"][:200] for node in violation["nodes"]][:3],
    }


def signed_in(new_context, site, user, width):
    context = new_context(width=width)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": site.url}]
        )
    return context


def application_in(office, state, name):
    product = f.ProductFactory(business=office.business, name=name)
    f.complete_documents(product, by=office.msme)
    application = services.application_create(product=product, by=office.msme)
    return f.bring_to(office, state, application)


def test_main_pages_have_no_serious_accessibility_violation(site, new_context, office):
    # One application in each state a main page is about (made in a thread of its own:
    # certifying signs a PDF, which cannot run beside Playwright's event loop).
    submitted, in_curation, revision, packaging, awaiting, certified = in_thread(
        lambda: [
            application_in(office, state, name)
            for state, name in [
                ("submitted", "Keripik Pisang Agung"),
                ("in_curation", "Kopi Kelud Robusta"),
                ("revision_requested", "Tahu Takwa"),
                ("packaging_review", "Sari Belimbing"),
                ("awaiting_certification", "Sambal Tumpang"),
                ("certified", "Gethuk Pisang"),
            ]
        ]
    )
    certificate = Certificate.objects.get(application=certified)
    assert certificate.is_ready  # rendered and signed after the commit
    product_share(certificate=certificate, by=office.msme, email=office.exporter.email)
    # And with an address no account uses: its invitation link.
    invited = product_share(certificate=certificate, by=office.msme, email="buyer@abroad.test")

    p = office.personas
    product = revision.product
    # A product on the guided path: its documents and review pages.
    fresh = f.ProductFactory(business=office.business, name="Keripik Pisang Bu Rini")
    pages = {
        None: [
            ("landing", "/"),
            ("login", reverse("account_login")),
            ("signup", reverse("account_signup")),
            ("verification", certificate.verification_url.removeprefix(site.url)),
            (
                "exporter-invitation",
                reverse("certificates:invitation", args=[invitation_token(invited)]),
            ),
        ],
        "msme": [
            ("msme-dashboard", "/"),
            ("msme-products", reverse("curation:product_list")),
            ("msme-product", reverse("curation:product", args=[product.pk])),
            ("msme-product-form", reverse("products:new")),
            ("msme-product-edit", reverse("products:edit", args=[product.pk])),
            ("msme-document-upload", reverse("products:document_upload", args=[product.pk])),
            ("msme-documents", reverse("products:documents", args=[fresh.pk])),
            ("msme-review", reverse("curation:product_review", args=[fresh.pk])),
            ("msme-account", reverse("curation:account")),
            ("msme-business", reverse("products:business", args=[office.business.pk])),
            ("msme-members", reverse("products:members", args=[office.business.pk])),
            ("msme-application-revision", reverse("curation:application", args=[revision.pk])),
            ("msme-application-certified", reverse("curation:application", args=[certified.pk])),
            ("msme-notifications", reverse("curation:notifications")),
            ("msme-certificate", reverse("certificates:detail", args=[certificate.pk])),
            ("msme-shipment-form", reverse("certificates:shipment_new", args=[certificate.pk])),
        ],
        "coordinator": [
            ("coordinator-dashboard", "/"),
            ("coordinator-applications", reverse("curation:applications")),
            ("coordinator-overview", reverse("curation:overview")),
            ("coordinator-application", reverse("curation:application", args=[in_curation.pk])),
            (
                "coordinator-assign",
                reverse("curation:application_transition", args=[submitted.pk, "assign_curators"]),
            ),
            (
                "coordinator-change-curators",
                reverse("curation:application_curators", args=[in_curation.pk]),
            ),
            ("coordinator-notifications", reverse("curation:notifications")),
        ],
        "lead": [
            ("curator-dashboard", "/"),
            ("curator-scoresheet", reverse("curation:scoresheet", args=[in_curation.pk])),
            ("curator-curation", reverse("curation:curation", args=[in_curation.pk])),
            (
                "lead-request-revision",
                reverse(
                    "curation:application_transition", args=[in_curation.pk, "request_revision"]
                ),
            ),
        ],
        "reviewer": [
            ("reviewer-dashboard", "/"),
            ("reviewer-packaging", reverse("curation:packaging", args=[packaging.pk])),
        ],
        "officer": [
            ("officer-dashboard", "/"),
            (
                "officer-certification-review",
                reverse("curation:certification_review", args=[awaiting.pk]),
            ),
        ],
        "regional_admin": [("regional-head-dashboard", "/")],
        "exporter": [
            ("exporter-shared", reverse("certificates:shared")),
            ("exporter-certificate", reverse("certificates:detail", args=[certificate.pk])),
        ],
    }

    findings, blocking = {}, []
    for persona, urls in pages.items():
        user = p[persona] if persona else None
        for width in (WIDE, NARROW):
            context = signed_in(new_context, site, user, width)
            page = context.new_page()
            for name, url in urls:
                response = page.goto(url)
                assert response.status == 200, (name, url, response.status)
                violations = run_axe(page)
                language = page.evaluate("document.documentElement.lang")
                findings[f"{name}@{width}:{language}"] = [summary(v) for v in violations]
                blocking += [
                    f"{name} at {width} px: {v['id']} ({v['impact']}): {v['help']} "
                    f"{[n['target'] for n in v['nodes']][:3]}"
                    for v in violations
                    if v["impact"] in BLOCKING
                ]
            context.close()

    report = ARTIFACTS / "axe"
    report.mkdir(parents=True, exist_ok=True)
    (report / "violations.json").write_text(json.dumps(findings, indent=2, ensure_ascii=False))
    assert not blocking, "\n".join(blocking)
