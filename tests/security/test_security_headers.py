"""The security headers every answer carries: a strict Content-Security-Policy (our own
scripts and styles only, no inline code, no eval, no framing) and `Cache-Control: private,
no-store` on everything the app answers itself, so that no shared cache and no browser on
an office's shared computer keeps a private page or file. Static files keep their own
long caching.

The policy is checked on every route of the access matrix (tests/security/access_rules.py),
for the person the route is for and for an anonymous visitor; the pages those people get
are also checked for inline code the policy would block.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import InMemoryStorage
from django.urls import reverse

from certificates.models import Certificate
from kernel.states import State
from products.models import Document
from tests import certificate_helpers as h
from tests.certificate_helpers import record as record_shipment
from tests.security.access_rules import RULES
from tests.security.access_world import Browsers, _build, _request
from tests.security.header_checks import (
    NO_STORE,
    directives,
    drained,
    inline_code,
    is_not_stored,
    strict_policy_problems,
)


def header_problems(response, who) -> list[str]:
    problems = [f"{who}: {p}" for p in strict_policy_problems(response)]
    if not is_not_stored(response):
        problems.append(f"{who}: Cache-Control {response.get('Cache-Control')!r}")
    if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
        problems += [f"{who}: {found}" for found in inline_code(response.content.decode())]
    return problems


def visitor(rule) -> str | None:
    """The persona a route is for: the one whose step it is, or the first allowed."""
    if rule.actor:
        return rule.actor
    return min(rule.allowed) if rule.allowed else None


def test_the_policy(client, db):
    response = client.get("/")
    assert directives(response["Content-Security-Policy"]) == {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.label)
def test_every_page_of_the_matrix_has_a_strict_policy_and_is_not_stored(
    rule, world_office, bring_to, client
):
    world = _build(rule, world_office, bring_to)
    persona = visitor(rule)
    methods = ["GET", "POST"] if rule.method == "GET+POST" else [rule.method]
    problems = []
    for method in methods:
        # The anonymous visitor first: the actor's POST may change what there is to see.
        response = _request(client, rule, world, method, json=rule.json)
        problems += header_problems(response, f"{method} anonymous ({response.status_code})")
        if persona is not None:
            signed_in = Browsers(world)[persona]
            response = _request(signed_in, rule, world, method, json=rule.json)
            problems += header_problems(response, f"{method} {persona} ({response.status_code})")
    assert not problems, "\n".join([f"{rule.label} ({rule.path(world)}):", *problems])


# The templates themselves: no inline code anywhere a browser draws (the PDF templates are
# rendered by WeasyPrint on the server and are not subject to the policy).

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates"] + [
    path
    for app in ("curation", "products", "assessments", "certificates")
    if (path := Path(settings.BASE_DIR) / app / "templates").is_dir()
]


def browser_templates():
    for directory in TEMPLATE_DIRS:
        for path in sorted(directory.rglob("*.html")):
            if "pdf" not in path.relative_to(directory).parts:
                yield path


TEMPLATE_COMMENT = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.DOTALL)


def test_no_template_has_inline_code():
    found = {}
    for path in browser_templates():
        text = TEMPLATE_COMMENT.sub("", path.read_text(encoding="utf-8"))
        problems = inline_code(text)
        if problems:
            found[str(path.relative_to(settings.BASE_DIR))] = problems
    assert not found, found


def test_the_language_menu_works_without_an_inline_handler(client, db):
    html = client.get("/").content.decode()
    assert "data-submit-on-change" in html
    assert 'src="/static/js/app.js" defer' in html
    # Without JavaScript its button sends the form.
    assert '<noscript><button type="submit">' in html
    # htmx may neither inject its indicator <style> nor evaluate code.
    assert '"includeIndicatorStyles": false' in html and '"allowEval": false' in html


# Cache-Control.


def test_a_signed_in_person_s_pages_and_api_answers_are_not_stored(client, office, bring_to):
    application = bring_to(State.IN_CURATION)
    client.force_login(office.msme)
    for url in (
        "/",
        reverse("curation:application", args=[application.pk]),
        reverse("curation:product_list"),
        reverse("api_applications"),
        reverse("api_application", args=[application.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == NO_STORE, url
        assert "Vary" in response and "Cookie" in response["Vary"], url


def test_public_pages_are_not_stored_either(client, db):
    # Every page carries a CSRF token (the language menu): never one for a shared cache.
    for url in ("/", reverse("account_login"), reverse("account_signup")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert is_not_stored(response), url


def test_a_verification_page_is_never_served_stale(client, office, bring_to):
    """The view's own never_cache is kept: a revocation shows on the next request."""
    application = bring_to(State.CERTIFIED)
    certificate = Certificate.objects.get(application=application)
    response = client.get(reverse("certificates:verify", args=[certificate.verification_code]))
    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private", "max-age=0"} <= cache_control


def test_document_and_evidence_files_are_not_stored(client, office, bring_to):
    application = bring_to(State.PACKAGING_REVIEW)
    client.force_login(office.coordinator)
    document = Document.objects.get(business=office.business, kind__key="nib")
    response = drained(client.get(reverse("curation:document", args=[document.pk])))
    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE
    photo = Document.objects.get(product=office.product, kind__key="packaging_photo")
    args = [application.pk, photo.pk]
    response = drained(client.get(reverse("curation:evidence_image", args=args)))
    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE
    assert strict_policy_problems(response) == []
    # Opened on its own, the photo is drawn by the browser's image viewer, which styles it
    # inline: that, and nothing else (kernel.stored_files).
    response = drained(client.get(reverse("curation:evidence", args=args)))
    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE
    assert directives(response["Content-Security-Policy"]) == {
        "default-src": ["'none'"],
        "style-src": ["'unsafe-inline'"],
        "frame-ancestors": ["'none'"],
    }


class SignedURLStorage(InMemoryStorage):
    """In-memory files that download, like the S3 storage, through a redirect to a
    signed URL (certificates.views.serve_stored)."""

    querystring_auth = True

    def url(self, name, parameters=None):
        return f"https://bucket.example.test/{name}?X-Amz-Signature=abc"


@pytest.fixture
def certified(office, bring_to, django_capture_on_commit_callbacks, settings, tmp_path):
    """A certificate with its dossier and one shipment's papers, all rendered and stored."""
    settings.SIGNING_PKCS12_PATH = h.make_signing_key(tmp_path)
    application = bring_to(State.AWAITING_CERTIFICATION)
    certificate = h.certify(office, application, django_capture_on_commit_callbacks)
    certificate.refresh_from_db()
    shipment = record_shipment(certificate, office.msme, django_capture_on_commit_callbacks)
    assert certificate.is_ready and certificate.is_dossier_ready and shipment.is_ready
    return certificate


def download_urls(certificate):
    yield reverse("certificates:download", args=[certificate.pk])
    for part in ("zip", "specification", "checklist"):
        yield reverse("certificates:dossier", args=[certificate.pk, part])
    for shipment in certificate.shipments.all():
        for document in ("invoice", "packing-list"):
            yield reverse("certificates:shipment_document", args=[shipment.pk, document])


def test_certificate_dossier_and_shipment_downloads_are_not_stored(client, office, certified):
    client.force_login(office.msme)
    for url in download_urls(certified):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.streaming and "attachment" in response["Content-Disposition"], url
        assert response["Cache-Control"] == NO_STORE, url
        drained(response)


def test_a_redirect_to_a_signed_url_is_not_stored(client, office, certified, settings):
    """On S3 a download answers with a redirect to a short-lived signed URL: a cache that
    kept the redirect would hand the URL to whoever asks next, without the access check."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.SignedURLStorage"},
    }
    client.force_login(office.msme)
    for url in download_urls(certified):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "X-Amz-Signature" in response["Location"], url
        assert response["Cache-Control"] == NO_STORE, url


def test_static_files_keep_their_long_caching(client, settings, db):
    # WhiteNoise serves the source files here (a deployment serves the collected ones).
    settings.WHITENOISE_USE_FINDERS = True
    for path in ("css/app.css", "js/app.js"):
        url = f"/{settings.STATIC_URL.lstrip('/')}{path}"
        response = drained(client.get(url))
        assert response.status_code == 200, url
        assert "no-store" not in response["Cache-Control"], url
        assert "max-age" in response["Cache-Control"], url
