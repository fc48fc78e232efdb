"""Going digital and moving up, in a real Chromium on a 360 px phone: the owner gives the
business's shop and social links and its export contact on the business form (in
Indonesian), sees them on the business page, and a buyer sees on the public product page
the links and only the contact the business chose to show; the progress page shows a
product's two results, in both languages. Nothing scrolls sideways. Screenshots:
test-artifacts/screenshots/digital-*.png and progress-*.png.
"""

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from catalogue import services as catalogue_services
from curation import services
from tests import factories as f
from tests.catalogue.conftest import certify_quickly
from tests.e2e.conftest import NARROW, in_thread

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def signed_in_page(new_context, site, user, language):
    user.profile.language = language
    user.profile.save(update_fields=["language"])
    locale = "id-ID" if language == "id" else "en-US"
    context = new_context(width=NARROW, height=780, locale=locale)
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": site.url}]
    )
    return context.new_page()


@transaction.atomic  # as the certify transition issues a certificate
def list_the_product(office):
    certify_quickly(office, office.product)
    catalogue_services.listing_consent_give(business=office.business, by=office.msme)


def test_the_owner_gives_links_and_a_contact_that_buyers_see_as_chosen(
    site, new_context, office, shoot
):
    in_thread(list_the_product, office)
    page = signed_in_page(new_context, site, office.msme, "id")

    page.goto(reverse("products:business_edit", args=[office.business.pk]))
    page.get_by_label("Alamat web usaha").fill(
        "http://tokopedia.com/sambalburini\ninstagram.com/sambalburini"
    )
    with page.expect_navigation():  # the form posts and comes back with the error
        page.get_by_role("button", name="Simpan").click()
    # Refused with the address named; nothing saved.
    assert page.get_by_text("tidak aman (http)").is_visible()
    shoot(page, "digital-business-form-error")

    page.get_by_label("Alamat web usaha").fill(
        "https://tokopedia.com/sambalburini\ninstagram.com/sambalburini"
    )
    page.locator("#id_export_contact_name").fill("Rini Astuti")
    page.locator("#id_export_contact_email").fill("ekspor@sambal.example")
    page.locator("#id_export_contact_phone").fill("0812 3456 7890")
    page.get_by_label("Nomor ini menerima pesan WhatsApp").check()
    page.get_by_label("Tampilkan nomor ini kepada pembeli di katalog publik").check()
    shoot(page, "digital-business-form")
    page.get_by_role("button", name="Simpan").click()

    page.wait_for_url(f"**{reverse('products:business', args=[office.business.pk])}")
    online = page.locator("#online-heading").locator("..")
    assert online.get_by_role("link", name="Tokopedia").is_visible()
    assert online.get_by_role("link", name="Instagram").is_visible()
    assert online.get_by_text("+6281234567890").is_visible()
    shoot(page, "digital-business-page")

    # A buyer, not signed in, in English.
    buyer = new_context(width=NARROW, height=780).new_page()
    buyer.goto(reverse("catalogue:product", args=[office.product.pk]) + "?lang=en")
    business = buyer.locator("#business-heading").locator("..")
    assert business.get_by_role("link", name="Tokopedia").is_visible()
    assert business.get_by_role("link", name="WhatsApp").is_visible()
    assert business.get_by_text("Rini Astuti").is_visible()
    assert "ekspor@sambal.example" not in buyer.content()  # its e-mail was not chosen
    assert office.business.nib not in buyer.content()
    shoot(buyer, "digital-catalogue-product")
    assert shoot.problems == []


def two_results(office):
    def decided(score, overrides, previous, passes):
        application = services.application_create(
            product=office.product, by=office.msme, previous=previous
        )
        services.application_submit(application=application, by=office.msme)
        services.application_assign_curators(
            application=application,
            by=office.coordinator,
            curators=[office.lead, office.curator],
            lead=office.lead,
        )
        for curator in (office.lead, office.curator):
            f.score_all(application, curator, score, overrides=overrides)
        application.refresh_from_db()
        if passes:
            services.application_pass_curation(application=application, by=office.lead)
        else:
            services.application_reject(application=application, by=office.lead, reason="Not yet.")
        return application

    first = decided(3, {"packaging_labeling": 2, "market_digital": 2}, None, passes=False)
    decided(4, {"market_digital": 3}, first, passes=True)


@pytest.mark.parametrize(
    ("language", "heading", "target"),
    [("id", "Target berikutnya", "3,00, perlu 3,50"), ("en", "Next target", "3.00, needs 3.50")],
)
def test_the_progress_page_reads_on_a_phone(
    site, new_context, office, shoot, language, heading, target
):
    two_results(office)
    page = signed_in_page(new_context, site, office.msme, language)

    page.goto(reverse("products:business", args=[office.business.pk]))
    with page.expect_navigation():
        page.locator(
            f"a[href='{reverse('curation:business_progress', args=[office.business.pk])}']"
        ).click()

    assert page.get_by_role("heading", name=heading).is_visible()
    assert page.get_by_text("C → B").is_visible()
    assert page.get_by_text(target).is_visible()
    assert page.locator(".improved").count() == 8  # every criterion moved up
    shoot(page, f"progress-{language}")
    assert shoot.problems == []
