"""The MSME's application page in a real Chromium, in Indonesian and English, at 360 and
1280 px: what to do next in a few states (an incomplete draft with its linked list, a
revision request, a curation result in plain words, a revoked certificate) is readable
on a phone and scrolls nowhere sideways. Screenshots:
test-artifacts/screenshots/next-step-*.png.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from certificates.models import Certificate
from certificates.revocation import certificate_revoke
from tests import factories as f
from tests.e2e.conftest import NARROW, in_thread

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def signed_in_page(new_context, site, user, language):
    user.profile.language = language
    user.profile.save(update_fields=["language"])
    context = new_context(width=NARROW, height=780, locale="id-ID" if language == "id" else "en-US")
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": site.url}]
    )
    return context.new_page()


def the_states(office):
    """{name: application} for the states shown, each of its own product."""
    draft = office.new_application(f.ProductFactory(business=office.business, name="Keripik"))
    revision = f.bring_to(office, "revision_requested")
    passed = f.bring_to(
        office,
        "packaging_review",
        office.new_application(_complete_product(office, "Kopi Kelud")),
    )
    revoked = in_thread(
        f.bring_to, office, "certified", office.new_application(_complete_product(office, "Tahu"))
    )
    certificate_revoke(
        certificate=Certificate.objects.get(application=revoked),
        by=office.officer,
        reason="The P-IRT number belongs to another business.",
    )
    return {"draft": draft, "revision": revision, "result": passed, "revoked": revoked}


def _complete_product(office, name):
    product = f.ProductFactory(business=office.business, name=name)
    f.complete_documents(product, by=office.msme)
    return product


EXPECTED = {
    "id": {
        "draft": ("Lengkapi", "Perbaiki butir pertama"),
        "revision": ("Para kurator meminta Anda", "Jawab permintaan"),
        "result": ("Cara membaca nilai", None),
        "revoked": ("Sertifikat ini dicabut pada", "Ajukan lagi"),
    },
    "en": {
        "draft": ("Complete the", "Fix the first item"),
        "revision": ("The curators ask you", "Answer the request"),
        "result": ("How to read the scores", None),
        "revoked": ("The certificate was revoked on", "Apply again"),
    },
}


def test_the_application_page_says_what_next_on_a_phone(site, new_context, office, shoot):
    applications = the_states(office)
    for language, expected in EXPECTED.items():
        page = signed_in_page(new_context, site, office.msme, language)
        for name, application in applications.items():
            page.set_viewport_size({"width": NARROW, "height": 780})
            page.goto(reverse("curation:application", args=[application.pk]))
            text, action = expected[name]
            assert page.get_by_text(text).first.is_visible(), (language, name)
            if action:
                button = page.locator("#next-step a.button")
                assert button.inner_text() == action, (language, name)
                box = button.bounding_box()
                assert box["x"] + box["width"] <= NARROW, (language, name, box)
            shoot(page, f"next-step-{name}-{language}")
    assert not shoot.problems, shoot.problems
    # No empty labels on the phone: every criterion's part has its words or none at all.
    page.set_viewport_size({"width": NARROW, "height": 780})
    page.goto(reverse("curation:application", args=[applications["result"].pk]))
    for paragraph in page.locator(".criteria p").all():
        assert paragraph.inner_text().strip().rstrip(":") != "", paragraph.inner_html()
