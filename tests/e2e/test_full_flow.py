"""One product from sign-up to certificate, in a real Chromium, by clicking and typing.

An MSME signs up (confirming the e-mail address from the link in the mail), registers the
business, adds a food product, uploads all its documents at once and submits from the
review page; the coordinator assigns
two curators; both score; the lead asks for a revision; the MSME answers and resubmits;
the curators score again; the lead passes it; the packaging reviewer asks for a change,
the MSME uploads new packaging photos and resubmits, the reviewer approves; the officer
certifies; the MSME sees the product certified, downloads the signed certificate, and the
public verification page says it is valid. Every main page is photographed at 360 and 1280 px wide (test-artifacts/) and
must not scroll sideways on a phone.
"""

import hashlib
import io
import re
from datetime import date, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from PIL import Image

from assessments.models import Rubric
from assessments.rules import packaging_items
from certificates.models import Certificate
from curation.models import Application
from curation.transitions import SPECS
from kernel.roles import Role
from kernel.states import State
from products.models import Category, DocumentType, Market
from tests import factories as f

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "secret-pass-123"  # the factories' password
MSME_EMAIL = "sri@kripik.example.test"
MSME_PASSWORD = "Kripik-Tempe-2026!"
PRODUCT = "Sambal Pecel Bu Sri"
NIB = f.VALID_NUMBERS["nib"]


def pdf_bytes() -> bytes:
    """A small valid one-page PDF (what a scanner makes of a licence)."""
    buffer = io.BytesIO()
    Image.new("RGB", (200, 280), (250, 250, 245)).save(buffer, format="PDF")
    return buffer.getvalue()


def png_bytes(color) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), color).save(buffer, format="PNG")
    return buffer.getvalue()


# What the MSME types for each document the product page asks for.
DOCUMENTS = {
    "nib": {"number": NIB, "file": ("nib.pdf", "application/pdf", pdf_bytes)},
    "npwp": {"number": f.VALID_NUMBERS["npwp"], "file": ("npwp.pdf", "application/pdf", pdf_bytes)},
    "pirt": {
        "number": f.VALID_NUMBERS["pirt"],
        "expires": True,
        # In the year its last two digits say, or the upload asks to confirm the number.
        "expires_on": date(2000 + int(f.VALID_NUMBERS["pirt"][-2:]), 6, 30),
        "file": ("pirt.pdf", "application/pdf", pdf_bytes),
    },
    "bpom_md": {
        "number": f.VALID_NUMBERS["bpom_md"],
        "expires": True,
        "file": ("bpom.pdf", "application/pdf", pdf_bytes),
    },
    "halal": {
        # No expiry date: the form does not ask for one (UU 6/2023 art. 42).
        "number": f.VALID_NUMBERS["halal"],
        "file": ("halal.pdf", "application/pdf", pdf_bytes),
    },
    "product_photo": {"file": ("product.png", "image/png", lambda: png_bytes((180, 60, 30)))},
    "packaging_photo": {"file": ("label.png", "image/png", lambda: png_bytes((30, 120, 60)))},
}


def staff(username, role, region, first_name):
    user = f.UserFactory(username=username, first_name=first_name, roles=[role], regions=[region])
    user.profile.language = "en"
    user.profile.save(update_fields=["language"])
    # Staff accounts are made by the office with a verified address (sign-in insists).
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def sign_in(page, user, shoot=None):
    page.goto("/accounts/login/")
    if shoot:
        shoot(page, "login")
    page.fill("input[name=login]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"^https?://[^/]+/(accounts/2fa/authenticate/)?$"))
    if "/2fa/" in page.url:  # staff: the second factor, from their authenticator app
        page.fill("input[name=code]", f.totp_code())
        page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))  # the dashboard


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


def expect_message(page, text):
    assert text in page.locator(".messages").inner_text(), page.locator("main").inner_text()


def expect_done(page, label):
    """After a step, the message says what happened and what comes next (the step's
    `done` text with its product and business), not the button again."""
    (done,) = [str(spec.done) for spec in SPECS.values() if str(spec.label) == label]
    names = re.escape(done).replace(r"%\(product\)s", ".+").replace(r"%\(business\)s", ".+")
    shown = page.locator(".messages").inner_text()
    assert re.search(names, shown), shown


def state_of(application) -> str:
    application.refresh_from_db()
    return application.state


def open_application_from_dashboard(page, product=PRODUCT):
    page.goto("/")
    click_and_wait(page, page.get_by_role("link", name=product).first)
    assert page.locator("h1").inner_text().startswith(product)


def take_action(page, name, comment=None):
    """On an application page (or a staff workspace), open the action and confirm it."""
    click_and_wait(page, page.locator(".actions").get_by_role("link", name=name, exact=True))
    if comment is not None:
        page.fill("textarea[name=comment]", comment)
    click_and_wait(page, page.locator("form").get_by_role("button", name=name, exact=True))
    expect_done(page, name)


def score(page, levels: dict, recommendation="pass"):
    """On the application page: open the scoresheet, choose a level per criterion, submit."""
    click_and_wait(page, page.get_by_role("link", name="Scoresheet", exact=True))
    for key, level in levels.items():
        page.locator(f"label[for=id_score_{key}_{level}]").click()
    page.check(f"input[name=recommendation][value={recommendation}]")
    click_and_wait(page, page.get_by_role("button", name="Submit final scores"))
    expect_message(page, "Your scores are submitted.")


def upload_every_document(page, shoot):
    """On the product's documents page: fill every slot it shows (the NIB's and NPWP's
    numbers come from the business) and upload them all with its one button, which leads
    on to the review page. Returns the kinds uploaded."""
    uploaded = []
    for slot in page.locator("main section.slot").all():
        key = slot.get_attribute("id").removeprefix("doc-")
        kind = key
        if slot.locator("input[type=radio]").count():
            # P-IRT or BPOM MD: the MSME says which registration it holds.
            kind = "pirt"
            slot.locator(f"input[value='{DocumentType.objects.get(key=kind).pk}']").check()
        facts = DOCUMENTS[kind]
        if "number" in facts and slot.locator(f"input[name={key}-number]").count():
            slot.locator(f"input[name={key}-number]").fill(facts["number"])
        if facts.get("expires"):
            issued = (date.today() - timedelta(days=30)).isoformat()
            slot.locator(f"input[name={key}-issued_on]").fill(issued)
            expires_on = facts.get("expires_on", date.today() + timedelta(days=700))
            slot.locator(f"input[name={key}-expires_on]").fill(expires_on.isoformat())
        else:
            # A type that does not expire (the halal certificate) is asked no expiry date.
            assert slot.locator(f"input[name={key}-expires_on]").count() == 0, kind
        name, mime, content = facts["file"]
        slot.locator("input[type=file]").set_input_files(
            files=[{"name": name, "mimeType": mime, "buffer": content()}]
        )
        uploaded.append(kind)
    shoot(page, "msme-documents")
    page.locator("main").get_by_role("button", name="Upload the chosen files").click()
    page.wait_for_url(re.compile(r"/products/\d+/review/$"))
    page.locator("main h1", has_text="Review and submit").wait_for()
    expect_message(page, "files are uploaded")
    return uploaded


def test_from_sign_up_to_certificate(site, open_page, shoot):
    kediri = f.region("35.71")
    coordinator = staff("koordinator", Role.COORDINATOR, kediri, "Hendra")
    lead = staff("kurator1", Role.CURATOR, kediri, "Ratna")
    curator = staff("kurator2", Role.CURATOR, kediri, "Bayu")
    reviewer = staff("reviewer", Role.PACKAGING_REVIEWER, kediri, "Wulan")
    officer = staff("pejabat", Role.CERTIFYING_OFFICER, kediri, "Agus")

    # The MSME: the landing page, sign-up, the e-mailed confirmation link.
    msme = open_page()
    msme.goto("/")
    shoot(msme, "landing")
    click_and_wait(msme, msme.get_by_role("link", name="Register your business"))
    msme.fill("input[name=email]", MSME_EMAIL)
    msme.fill("input[name=password1]", MSME_PASSWORD)
    msme.fill("input[name=password2]", MSME_PASSWORD)
    msme.fill("input[name=full_name]", "Sri Wahyuni")
    msme.fill("input[name=phone]", "0812 3456 7890")
    shoot(msme, "signup")
    click_and_wait(msme, msme.get_by_role("button", name="Sign Up"))
    (message,) = [m for m in mail.outbox if MSME_EMAIL in m.to]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    assert link.startswith(site.url)
    msme.goto(link)
    click_and_wait(msme, msme.get_by_role("button", name="Confirm"))
    if "/accounts/login/" in msme.url:
        msme.fill("input[name=login]", MSME_EMAIL)
        msme.fill("input[name=password]", MSME_PASSWORD)
        click_and_wait(msme, msme.get_by_role("button", name="Sign In"))
    msme.goto("/")

    # A new account is sent to register its business.
    assert msme.url.endswith("/products/business/new/"), msme.url
    msme.fill("input[name=name]", "Sambal Bu Sri")
    msme.fill("input[name=nib]", NIB)
    msme.fill("input[name=npwp]", f.VALID_NUMBERS["npwp"])
    msme.fill("textarea[name=address]", "Jl. Brawijaya 12, Kota Kediri")
    msme.select_option("select[name=region]", str(kediri.pk))
    msme.select_option("select[name=size]", "micro")
    msme.fill("input[name=email]", "halo@sambalbusri.example.test")
    msme.fill("input[name=phone]", "+62 812 3456 7890")
    shoot(msme, "msme-business-form")
    click_and_wait(msme, msme.get_by_role("button", name="Register the business"))
    expect_message(msme, "is registered")

    # The product, a food: choosing the category redraws its fields (htmx).
    msme.goto("/products/new/")
    msme.fill("input[name=name]", PRODUCT)
    food = Category.objects.get(key="sauces_condiments")
    msme.select_option("select[name=category]", str(food.pk))
    msme.wait_for_selector("input[name=shelf_life_days]")
    msme.fill("textarea[name=description]", "Peanut chili sauce for pecel, dry paste in jars.")
    msme.fill("input[name=hs_code]", "2103.90.90")
    msme.fill("textarea[name=materials]", "Peanuts, chili, palm sugar, garlic, kaffir lime, salt")
    msme.fill("input[name=shelf_life_days]", "180")
    msme.fill("input[name=monthly_capacity]", "2000")
    msme.fill("input[name=capacity_unit]", "jars")
    msme.fill("input[name=fob_price]", "2.40")
    msme.select_option("select[name=fob_currency]", "USD")
    for key in ("my", "sg"):
        msme.check(f"input[name=target_markets][value='{Market.objects.get(key=key).pk}']")
    shoot(msme, "msme-product-form")
    click_and_wait(msme, msme.get_by_role("button", name="Save the product"))
    expect_message(msme, "is saved")

    # Every document on the documents page, in one upload; then the review page submits.
    uploaded = upload_every_document(msme, shoot)
    assert {"nib", "npwp", "pirt", "halal", "product_photo", "packaging_photo"} <= set(uploaded)
    shoot(msme, "msme-review")
    click_and_wait(msme, msme.locator("main").get_by_role("button", name="Submit for curation"))
    application = Application.objects.get(product__name=PRODUCT)
    assert state_of(application) == State.SUBMITTED
    expect_message(msme, "is submitted for curation")
    msme.goto(f"/products/{application.product_id}/")
    shoot(msme, "msme-product-page")

    # The coordinator assigns two curators, one the lead.
    office = open_page()
    sign_in(office, coordinator, shoot)
    shoot(office, "coordinator-dashboard")
    open_application_from_dashboard(office)
    click_and_wait(office, office.get_by_role("link", name="Assign curators", exact=True).first)
    office.check(f"#curator-{lead.pk}")
    office.check(f"#curator-{curator.pk}")
    office.check(f"#lead-{lead.pk}")
    shoot(office, "coordinator-assign-curators")
    click_and_wait(office, office.locator("form").get_by_role("button", name="Assign curators"))
    expect_done(office, "Assign curators")
    assert state_of(application) == State.IN_CURATION
    office.goto("/overview/")
    shoot(office, "coordinator-overview")

    # Both curators score; the lead asks for a revision.
    criteria = list(Rubric.objects.get(pk=application.rubric_id).criteria.values_list("key"))
    keys = [key for (key,) in criteria]
    lead_page, curator_page = open_page(), open_page()
    sign_in(lead_page, lead)
    sign_in(curator_page, curator)
    shoot(lead_page, "curator-dashboard")
    open_application_from_dashboard(curator_page)
    score(curator_page, dict.fromkeys(keys, 4))
    open_application_from_dashboard(lead_page)
    click_and_wait(lead_page, lead_page.get_by_role("link", name="Scoresheet", exact=True))
    shoot(lead_page, "curator-scoresheet")
    lead_page.go_back()
    score(lead_page, dict.fromkeys(keys, 3), recommendation="revise")
    click_and_wait(lead_page, lead_page.get_by_role("link", name="Curation progress and result"))
    shoot(lead_page, "lead-curation-result")
    take_action(lead_page, "Request revision", "Add a lab test report for aflatoxin.")
    assert state_of(application) == State.REVISION_REQUESTED

    # The MSME reads the request, uploads the report, answers and resubmits.
    open_application_from_dashboard(msme)
    assert "Add a lab test report for aflatoxin." in msme.locator("main").inner_text()
    shoot(msme, "msme-revision-requested")
    click_and_wait(msme, msme.get_by_role("link", name="Upload a document"))
    msme.select_option("select[name=kind]", str(DocumentType.objects.get(key="lab_test").pk))
    msme.set_input_files(
        "input[name=file]",
        files=[{"name": "aflatoxin.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}],
    )
    click_and_wait(msme, msme.get_by_role("button", name="Upload", exact=True))
    expect_message(msme, "is uploaded")
    assert f"/applications/{application.pk}/" in msme.url
    msme.fill("#revision-answer", "The aflatoxin report from the Surabaya lab is uploaded.")
    click_and_wait(msme, msme.get_by_role("button", name="Resubmit", exact=True))
    assert state_of(application) == State.IN_CURATION

    # Round 2: both curators score again (from their round-1 scores); the lead passes.
    open_application_from_dashboard(curator_page)
    score(curator_page, dict.fromkeys(keys, 4))
    open_application_from_dashboard(lead_page)
    score(lead_page, dict.fromkeys(keys, 4))
    click_and_wait(lead_page, lead_page.get_by_role("link", name="Curation progress and result"))
    take_action(lead_page, "Pass curation")
    assert state_of(application) == State.PACKAGING_REVIEW

    # The packaging reviewer fails one mandatory item and asks for a change.
    items = packaging_items(application)
    failing = next(item for item in items if item.mandatory)
    review = open_page()
    sign_in(review, reviewer)
    open_application_from_dashboard(review)
    click_and_wait(review, review.get_by_role("link", name="Packaging checklist", exact=True))
    for item in items:
        result = "fail" if item == failing else "pass"
        review.check(f"input[name=result_{item.key}][value={result}]")
    review.fill(f"input[name=note_{failing.key}]", "The label needs 'Made in Indonesia'.")
    click_and_wait(review, review.get_by_role("button", name="Save checklist"))
    expect_message(review, "Checklist saved.")
    shoot(review, "reviewer-packaging-checklist")
    take_action(review, "Request packaging changes")
    assert state_of(application) == State.PACKAGING_REVISION

    # The MSME uploads a photo of the new label and resubmits the packaging.
    open_application_from_dashboard(msme)
    assert "Made in Indonesia" in msme.locator("main").inner_text()
    shoot(msme, "msme-packaging-revision")
    upload = msme.locator("section[aria-labelledby=msme-heading] form").first
    upload.locator("select[name=kind]").select_option(
        str(DocumentType.objects.get(key="packaging_photo").pk)
    )
    upload.locator("input[name=file]").set_input_files(
        files=[
            {"name": "new-label.png", "mimeType": "image/png", "buffer": png_bytes((0, 90, 200))}
        ]
    )
    click_and_wait(msme, upload.get_by_role("button", name="Upload"))
    expect_message(msme, "is uploaded")
    msme.fill("#packaging-comment", "New label with 'Made in Indonesia' on the front.")
    click_and_wait(msme, msme.get_by_role("button", name="Resubmit packaging"))
    assert state_of(application) == State.PACKAGING_REVIEW

    # The reviewer passes every item and approves.
    open_application_from_dashboard(review)
    click_and_wait(review, review.get_by_role("link", name="Packaging checklist", exact=True))
    for item in items:
        review.check(f"input[name=result_{item.key}][value=pass]")
    click_and_wait(review, review.get_by_role("button", name="Save checklist"))
    take_action(review, "Approve packaging")
    assert state_of(application) == State.AWAITING_CERTIFICATION

    # The officer reads the certification review and certifies.
    sign = open_page()
    sign_in(sign, officer)
    shoot(sign, "officer-dashboard")
    open_application_from_dashboard(sign)
    click_and_wait(sign, sign.get_by_role("link", name="Dossier", exact=True))
    shoot(sign, "officer-certification-review")
    take_action(sign, "Certify")
    assert state_of(application) == State.CERTIFIED

    # The MSME sees the product certified; the public verification page says valid.
    msme.goto("/")
    row = msme.locator("tr", has_text=PRODUCT)
    assert "Certified" in row.inner_text()
    shoot(msme, "msme-dashboard-certified")
    open_application_from_dashboard(msme)
    assert "Certified" in msme.locator("h1").inner_text()
    shoot(msme, "msme-application-certified")
    # The signed certificate: exactly the stored file.
    certificate = Certificate.objects.get(application=application)
    with msme.expect_download() as download:
        msme.get_by_role("link", name="Certificate (signed PDF)").click()
    with open(download.value.path(), "rb") as pdf:
        issued = pdf.read()
    assert issued.startswith(b"%PDF")
    assert hashlib.sha256(issued).hexdigest() == certificate.pdf_sha256
    msme.goto("/notifications/")
    shoot(msme, "msme-notifications")
    anyone = open_page()
    anyone.goto(certificate.verification_url)
    assert "valid" in anyone.locator("main").inner_text().lower()
    shoot(anyone, "public-verification")

    assert not shoot.problems, "\n".join(shoot.problems)
