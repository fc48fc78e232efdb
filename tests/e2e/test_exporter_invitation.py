"""The invitation by share, in a real Chromium: the business shares its certified product
with a buyer's address from the certificate page; the buyer opens the e-mailed link on a
360 px phone, chooses a password and lands, signed in, on the exporter's home: the
certificate valid, its downloads, no MSME menus, nothing scrolling sideways.
Screenshots: test-artifacts/screenshots/exporter-invitation-*.png, exporter-home-*.png."""

import re

import pytest
from django.core import mail

from certificates.models import Certificate
from tests import factories as f
from tests.e2e.conftest import NARROW, in_thread
from tests.e2e.test_evidence_layout import signed_in
from tests.e2e.test_full_flow import click_and_wait

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BUYER = "ayu@nagoya-trading.test"


def test_a_buyer_invited_by_a_share_opens_the_account_on_a_phone(site, new_context, office, shoot):
    application = in_thread(f.bring_to, office, "certified")
    certificate = Certificate.objects.get(application=application)

    business = signed_in(new_context, site, office.msme, NARROW).new_page()
    business.goto(f"/certificates/{certificate.pk}/")
    business.fill("#share_email", BUYER)
    click_and_wait(business, business.get_by_role("button", name="Share", exact=True))
    assert f"Sambal Pecel Bu Rini is now shared with {BUYER}." in business.inner_text("main")

    (message,) = [m for m in mail.outbox if BUYER in m.to]
    link = re.search(r"https?://\S+/shared/invitation/\S+/", message.body).group(0)

    phone = new_context(width=NARROW, height=780).new_page()
    phone.goto(link)
    assert "Sambal Bu Rini shares its certified product" in phone.inner_text("main")
    shoot(phone, "exporter-invitation")
    phone.fill("input[name=password1]", "Sambal-Nagoya-2026!")
    phone.fill("input[name=password2]", "Sambal-Nagoya-2026!")
    click_and_wait(phone, phone.get_by_role("button", name="Open my exporter account"))

    assert phone.url.endswith("/shared/")
    main = phone.inner_text("main")
    assert "Welcome to Siap Ekspor" in main
    assert certificate.number in main and "Valid" in main
    menu = phone.inner_text("nav.main-nav")
    assert "Shared with me" in menu
    assert "My products" not in menu and "Dashboard" not in menu
    shoot(phone, "exporter-home")
    assert not shoot.problems, "\n".join(shoot.problems)
