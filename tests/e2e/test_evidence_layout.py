"""The evidence beside the score, in a real Chromium. At a desk the panel is open beside
the scoresheet; on a 360 px phone it is folded above the form, opens with a tap, and
nothing scrolls sideways. A photo opens full size and a PDF in the browser itself, each in
a new tab, so the scoresheet being filled in is never left. Screenshots of both widths:
test-artifacts/screenshots/evidence-scoresheet-*.png.
"""

import io

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from PIL import Image, ImageDraw

from curation import services
from products.models import Document
from tests import factories as f
from tests.e2e.conftest import NARROW, SCREENSHOTS, WIDE, loaded_width, no_horizontal_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def jar_photo(label_colour) -> bytes:
    """A photo-sized picture of a jar with its label (what an MSME's phone uploads)."""
    image = Image.new("RGB", (800, 600), (236, 232, 222))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((290, 90, 510, 520), radius=40, fill=(120, 40, 20))
    draw.rectangle((300, 60, 500, 110), fill=(40, 40, 40))
    draw.rectangle((290, 240, 510, 400), fill=label_colour)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def pdf_bytes(shade=250) -> bytes:
    """A one-page PDF, as a scanner makes of a licence."""
    buffer = io.BytesIO()
    Image.new("RGB", (595, 842), (shade, shade, 245)).save(buffer, format="PDF")
    return buffer.getvalue()


def an_application_in_its_second_round(office):
    product = office.product
    product.description = (
        "Sambal pecel khas Kediri dari kacang tanah sangrai, cabai rawit dan daun jeruk, "
        "tanpa pengawet. Jar kaca 250 g."
    )
    product.materials = (
        "Kacang tanah 55%, gula merah, cabai rawit, bawang putih, garam, daun jeruk."
    )
    product.shelf_life_days = 180
    product.monthly_capacity = 1200
    product.capacity_unit = "jar"
    product.save()
    Document.objects.filter(product=product).delete()
    for shade, kind in enumerate(("pirt", "halal")):
        f.add_document(office.business, kind, product=product, content=pdf_bytes(240 + shade))
    f.add_document(
        office.business, "product_photo", product=product, content=jar_photo((230, 190, 60))
    )
    f.add_document(
        office.business, "packaging_photo", product=product, content=jar_photo((250, 250, 250))
    )
    application = f.bring_to(office, "in_curation")
    services.application_request_revision(
        application=application,
        by=office.lead,
        message="Upload the aflatoxin test report, and give the shelf life the lab confirmed.",
    )
    f.add_document(office.business, "lab_test", product=product, content=pdf_bytes())
    product.shelf_life_days = 240
    product.save()
    services.application_resubmit(
        application=application,
        by=office.msme,
        answer="The Surabaya lab report is uploaded; it confirms 240 days.",
    )
    return application


def signed_in(new_context, site, user, width):
    user.profile.language = "en"
    user.profile.save(update_fields=["language"])
    context = new_context(width=width, height=900)
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": site.url}]
    )
    return context


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def test_the_evidence_sits_beside_the_scoresheet_and_folds_on_a_phone(site, new_context, office):
    application = an_application_in_its_second_round(office)
    url = reverse("curation:scoresheet", args=[application.pk])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # At a desk: open, beside the form.
    page = signed_in(new_context, site, office.curator, WIDE).new_page()
    page.goto(url)
    panel = page.locator("details.evidence-panel")
    assert panel.evaluate("details => details.open")
    evidence, form = box(page, "details.evidence-panel"), box(page, "form.scoresheet")
    assert evidence["x"] + evidence["width"] <= form["x"], (evidence, form)
    assert abs(evidence["y"] - box(page, ".with-evidence .work")["y"]) < 2
    assert panel.get_by_text("Upload the aflatoxin test report").is_visible()
    assert panel.get_by_text("Shelf life in days").is_visible()  # what changed
    assert panel.get_by_text("1 document added").is_visible()
    assert page.locator(".evidence img").count() == 2
    for image in page.locator(".evidence img").all():
        image.scroll_into_view_if_needed()
        assert loaded_width(image) == 800
    page.evaluate("window.scrollTo(0, 0)")
    panel.evaluate("details => details.scrollTo(0, 0)")
    page.screenshot(path=SCREENSHOTS / f"evidence-scoresheet-{WIDE}.png", full_page=False)

    # A photo opens full size in a new tab; the scoresheet stays where it was.
    with page.expect_popup() as opened:
        page.locator(".evidence a").first.click()
    photo = opened.value
    photo.wait_for_load_state()
    assert photo.evaluate("document.contentType") == "image/jpeg"
    photo.close()
    # A PDF is shown, not downloaded.
    pirt = Document.objects.get(product=office.product, kind__key="pirt")
    response = page.request.get(reverse("curation:evidence", args=[application.pk, pirt.pk]))
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline;")
    assert page.url.endswith(url)

    # On a phone: folded above the form, open on a tap, nothing sideways.
    page = signed_in(new_context, site, office.curator, NARROW).new_page()
    page.goto(url)
    panel = page.locator("details.evidence-panel")
    assert not panel.evaluate("details => details.open")
    evidence, form = box(page, "details.evidence-panel"), box(page, "form.scoresheet")
    assert evidence["y"] + evidence["height"] <= form["y"], (evidence, form)
    assert no_horizontal_scroll(page)[0] <= NARROW
    page.screenshot(path=SCREENSHOTS / f"evidence-scoresheet-{NARROW}.png", full_page=False)
    page.locator("details.evidence-panel > summary").click()
    assert panel.evaluate("details => details.open")
    assert page.locator(".evidence img").first.is_visible()
    assert no_horizontal_scroll(page)[0] <= NARROW
    page.screenshot(path=SCREENSHOTS / f"evidence-scoresheet-{NARROW}-open.png", full_page=True)
