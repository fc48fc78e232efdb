"""The office administers itself, in a real Chromium on a 360 px phone: its administrator
invites a curator by e-mail; the curator opens the link, sets a name and password, is
signed in and sent to set up the second factor; once assigned, they score the product
with its evidence (photos, documents) in view. Screenshots:
test-artifacts/screenshots/office-*.png."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from assessments.models import Scoresheet
from curation import services
from kernel.roles import Role
from products.models import DocumentType
from tests import factories as f
from tests.e2e.conftest import NARROW, SCREENSHOTS, loaded_width, no_horizontal_scroll
from tests.e2e.test_evidence_layout import jar_photo, pdf_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_CURATOR = "sari.kurniawati@example.test"
PASSWORD = "kurasi-kediri-2026"


def signed_in(new_context, site, user):
    """A phone-sized browser with `user` signed in (their session cookie)."""
    user.profile.language = "en"
    user.profile.save(update_fields=["language"])
    context = new_context(width=NARROW, height=800)
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": site.url}]
    )
    return context


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


def shoot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert no_horizontal_scroll(page)[0] <= NARROW, name
    page.screenshot(path=SCREENSHOTS / f"office-{name}-{NARROW}.png", full_page=True)


def test_an_administrator_invites_a_curator_who_accepts_and_scores_with_the_evidence(
    site, new_context, office
):
    kediri = f.office_for(office.business.region)
    admin = f.UserFactory(
        username="adminkantor", first_name="Ratna", roles=[Role.OFFICE_ADMIN], office=kediri
    )
    product = office.product
    f.add_document(
        office.business, "product_photo", product=product, content=jar_photo((230, 190, 60))
    )
    f.add_document(office.business, "lab_test", product=product, content=pdf_bytes())
    application = f.bring_to(office, "submitted")

    # The administrator invites a curator, on a phone.
    page = signed_in(new_context, site, admin).new_page()
    page.goto("/")
    click_and_wait(page, page.locator("nav.main-nav").get_by_role("link", name="Office"))
    assert "Staff of Rumah Kurasi" in page.locator("h1").inner_text()
    click_and_wait(page, page.get_by_role("link", name="Invite staff").first)
    page.fill("input[name=email]", NEW_CURATOR)
    page.get_by_label("Curator", exact=True).check()
    shoot(page, "invite")
    click_and_wait(page, page.get_by_role("button", name="Send the invitation"))
    assert f"An invitation was sent to {NEW_CURATOR}" in page.locator(".messages").inner_text()
    assert NEW_CURATOR in page.locator("main").inner_text()  # waiting for an answer

    [invitation] = [m for m in mail.outbox if NEW_CURATOR in m.to]
    link = re.search(r"https?://\S+/office/join/\S+/", invitation.body).group(0)

    # The curator opens the link on her phone, sets her name and password...
    page = new_context(width=NARROW, height=800).new_page()
    page.goto(link)
    assert "Join Rumah Kurasi" in page.locator("h1").inner_text()
    form = page.locator("main form")  # not the header's language switch
    form.locator("input[name=full_name]").fill("Sari Kurniawati")
    form.locator("input[name=phone]").fill("0812 3456 7890")
    form.locator("select[name=language]").select_option("en")
    form.locator("input[name=password1]").fill(PASSWORD)
    form.locator("input[name=password2]").fill(PASSWORD)
    shoot(page, "join")
    click_and_wait(page, form.get_by_role("button", name="Create my account"))

    # ... and lands signed in, told to set up her second factor, which she does.
    assert "/accounts/2fa/totp/activate" in page.url, page.locator("main").inner_text()
    assert "second factor" in page.locator(".messages").inner_text()
    secret = page.locator("#authenticator_secret").input_value()
    page.fill("input[name=code]", format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    click_and_wait(page, page.get_by_role("button", name="Activate"))
    curator = get_user_model().objects.get(email=NEW_CURATOR)
    assert curator.profile.office == kediri
    assert list(curator.groups.values_list("name", flat=True)) == [Role.CURATOR]

    # The coordinator assigns her; she scores with the evidence in view.
    services.application_assign_curators(
        application=application,
        by=office.coordinator,
        curators=[office.lead, curator],
        lead=office.lead,
    )
    page.goto("/")
    click_and_wait(page, page.get_by_role("link", name=product.name).first)
    click_and_wait(page, page.get_by_role("link", name="Open your scoresheet"))
    panel = page.locator("details.evidence-panel")
    assert not panel.evaluate("details => details.open")  # folded above the form on a phone
    page.locator("details.evidence-panel > summary").click()
    photo = page.locator(".evidence img").first
    photo.scroll_into_view_if_needed()
    assert photo.is_visible()
    assert loaded_width(photo) == 800
    lab_report = DocumentType.objects.get(key="lab_test").label_en
    assert lab_report in panel.inner_text()  # and every document, with its type
    for criterion in application.rubric.criteria.all():
        page.check(f"input[name=score_{criterion.key}][value='4']")
    page.check("input[name=recommendation][value=pass]")
    shoot(page, "scoresheet")
    click_and_wait(page, page.get_by_role("button", name="Submit final scores"))
    sheet = Scoresheet.objects.get(curator=curator, round__application=application)
    assert sheet.submitted_at is not None
    assert sheet.scores.count() == application.rubric.criteria.count()
