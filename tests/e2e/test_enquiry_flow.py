"""A buyer on a phone, with JavaScript off, finds a product in the catalogue by a filter,
reads its page and sends an enquiry; the business's owner sees it in her menu, reads it
in her inbox and marks it answered. The form, the confirmation, the inbox and the
enquiry are photographed at 360 and 1280 px (test-artifacts/), in English and Indonesian,
and none scrolls sideways on a phone."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import transaction

from catalogue import services as catalogue_services
from catalogue.models import Enquiry
from products.models import Category
from tests import factories as f
from tests.catalogue.conftest import certify_quickly
from tests.e2e.conftest import NARROW, in_thread
from tests.e2e.test_accessibility import BLOCKING, run_axe
from tests.e2e.test_full_flow import click_and_wait, expect_message, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BUSINESS_EMAIL = "rahasia@sambal-bu-rini.example"


def serious_findings(name, page) -> list[str]:
    return [
        f"{name}: {v['id']} ({v['impact']}): {v['help']}"
        for v in run_axe(page)
        if v["impact"] in BLOCKING
    ]


@transaction.atomic  # as the certify transition issues a certificate
def list_the_product(office):
    office.business.email = BUSINESS_EMAIL
    office.business.save()
    f.add_document(office.business, "product_photo", product=office.product)
    certify_quickly(office, office.product)
    catalogue_services.listing_consent_give(business=office.business, by=office.msme)
    # Another listed product of another category, for the filter to leave out.
    other_business = office.other_msme.memberships.get().business
    other = f.ProductFactory(
        business=other_business,
        name="Keripik Tempe Pak Darto",
        category=Category.objects.exclude(pk=office.product.category_id).first(),
    )
    certify_quickly(office, other)
    catalogue_services.listing_consent_give(business=other_business, by=office.other_msme)


def test_a_buyer_on_a_phone_sends_an_enquiry_and_the_business_reads_it(
    site, office, new_context, shoot
):
    in_thread(list_the_product, office)
    office.msme.profile.language = "en"
    office.msme.profile.save(update_fields=["language"])
    EmailAddress.objects.create(
        user=office.msme, email=office.msme.email, verified=True, primary=True
    )
    category = office.product.category

    # The buyer: a phone, no JavaScript.
    buyer = new_context(width=NARROW, height=780, java_script_enabled=False).new_page()
    buyer.goto("/catalogue/?lang=en")
    buyer.select_option("select[name=category]", category.key)
    click_and_wait(buyer, buyer.get_by_role("button", name="Show"))
    cards = buyer.locator(".product-grid li")
    assert cards.count() == 1
    assert "Keripik Tempe" not in buyer.locator("main").inner_text()
    click_and_wait(buyer, buyer.get_by_role("link", name="Sambal Pecel Bu Rini").first)
    assert buyer.locator("h1").inner_text() == "Sambal Pecel Bu Rini"
    assert BUSINESS_EMAIL not in buyer.content()
    shoot(buyer, "enquiry-form")

    form = buyer.locator("#enquiry form")
    form.get_by_label("A company abroad").check()
    form.get_by_label("Name").fill("Anna Becker")
    form.get_by_label("Company or office").fill("Trommelhaus Leipzig GmbH")
    form.get_by_label("Country").fill("Germany")
    form.get_by_label("E-mail").fill("anna@trommelhaus.example")
    form.get_by_label("Quantity").fill("40 jars a month")
    form.get_by_label("Message").fill("Could you send your price per jar, FOB Surabaya?")
    click_and_wait(buyer, form.get_by_role("button", name="Send the enquiry"))
    assert buyer.locator("h1").inner_text() == "Enquiry sent"
    assert "has been sent to Sambal Bu Rini" in buyer.locator("main").inner_text()
    assert BUSINESS_EMAIL not in buyer.content()
    shoot(buyer, "enquiry-sent")

    enquiry = Enquiry.objects.get()
    assert enquiry.language == "en"
    assert [m.reply_to for m in mail.outbox if office.msme.email in m.to] == [
        ["anna@trommelhaus.example"]
    ]

    # The same form in Indonesian, as a buyer at home would see it.
    buyer.goto(f"/catalogue/products/{office.product.pk}/?lang=id")
    assert "Tanya ke usaha ini" in buyer.locator("#enquiry").inner_text()
    shoot(buyer, "enquiry-form-id")

    # The owner: her menu says there is one unread; the inbox, the enquiry, its status.
    owner = new_context(width=NARROW, height=780).new_page()
    sign_in(owner, office.msme)
    notifications = owner.locator(".main-nav").get_by_role("link", name=re.compile("^Notif"))
    assert notifications.locator(".badge").inner_text() == "1"
    click_and_wait(owner, owner.locator(".main-nav").get_by_role("link", name="Enquiries"))
    assert "1 unread." in owner.locator("main").inner_text()
    assert "Trommelhaus Leipzig GmbH" in owner.locator("table").inner_text()
    shoot(owner, "enquiry-inbox")
    click_and_wait(owner, owner.get_by_role("link", name="Trommelhaus Leipzig GmbH"))
    assert "Could you send your price per jar" in owner.locator("main").inner_text()
    shoot(owner, "enquiry-detail")
    owner.get_by_label("Answered").check()
    click_and_wait(owner, owner.get_by_role("button", name="Save the status"))
    expect_message(owner, "The enquiry is now “Answered”.")
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.ANSWERED
    owner.goto("/catalogue/enquiries/")
    assert "unread" not in owner.locator("main").inner_text()

    # Indonesian inbox.
    office.msme.profile.language = "id"
    office.msme.profile.save(update_fields=["language"])
    owner.goto("/catalogue/enquiries/")
    assert "Pertanyaan pembeli" in owner.locator("h1").inner_text()
    shoot(owner, "enquiry-inbox-id")

    # No serious accessibility finding on the form (with what is wrong shown) or the inbox.
    reader = new_context(width=NARROW, height=780).new_page()
    reader.goto(f"/catalogue/products/{office.product.pk}/?lang=en")
    reader.locator("#enquiry form").get_by_label("E-mail").fill("not an address")
    reader.evaluate("document.querySelector('#enquiry form').noValidate = true")
    click_and_wait(reader, reader.get_by_role("button", name="Send the enquiry"))
    assert "This field is required." in reader.locator("#enquiry").inner_text()
    blocking = serious_findings("form with errors", reader)
    for path in ("/catalogue/enquiries/", f"/catalogue/enquiries/{enquiry.pk}/"):
        owner.goto(path)
        blocking += serious_findings(path, owner)
    assert blocking == []

    assert shoot.problems == []
