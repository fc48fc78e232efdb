"""The packaging reviewer's checklist with its evidence, and the certifying officer's
certification review."""

import re
from datetime import date, timedelta

from assessments.models import PackagingItemResult
from curation.forms import person_name
from curation.models import (
    TransitionLog,
)
from kernel.states import State
from products.models import Document
from tests import factories as f
from tests.staff.page_helpers import follow_messages, page, seen_token

# The packaging reviewer.


def test_packaging_checklist_shows_the_evidence_and_saves_results(office, bring_to, login):
    application = bring_to("packaging_review")
    client = login(office.reviewer)
    url = f"/applications/{application.pk}/packaging/"
    html = page(client, url)
    photo = Document.objects.get(product=office.product, kind__key="packaging_photo")
    evidence_url = f"/applications/{application.pk}/evidence/{photo.pk}/"
    # The photo drawn in the page, opening full size.
    assert (
        f'<a href="{evidence_url}" target="_blank" rel="noopener"><img src="{evidence_url}image/"'
        in html
    )
    assert "Made in Indonesia" in html  # an item of the checklist
    assert "us_customary_units" not in html  # the product does not go to the US

    for file_url in (evidence_url, f"{evidence_url}image/"):
        image = client.get(file_url)
        assert image.status_code == 200
        assert image["Content-Type"] == "image/png"
        assert b"".join(image.streaming_content).startswith(b"\x89PNG")

    items = [i.key for i in application.packaging_checklist.items.all()]
    data = {"seen": seen_token(html)}
    for key in items:
        data[f"result_{key}"] = "pass"
    data["result_origin_marking"] = "fail"
    data["note_origin_marking"] = "Print it on the front label."
    data["result_barcode"] = "na"
    html = follow_messages(client, client.post(url, data))
    assert "Checklist saved." in html
    review = application.current_packaging_review
    origin = PackagingItemResult.objects.get(review=review, item__key="origin_marking")
    assert (origin.result, origin.note) == ("fail", "Print it on the front label.")
    assert PackagingItemResult.objects.get(review=review, item__key="barcode").result == "na"
    assert review.reviewer == office.reviewer

    # A page loaded before that save is stale.
    response = client.post(url, {**data, "seen": "1:stale"})
    assert "saved by someone else" in follow_messages(client, response)


def test_approval_is_refused_while_a_mandatory_item_has_not_passed(office, bring_to, login):
    application = bring_to("packaging_review")
    f.review_all(application, office.reviewer, failed=["origin_marking"])
    client = login(office.reviewer)
    html = page(client, f"/applications/{application.pk}/packaging/")
    assert re.search(r"<button[^>]*disabled[^>]*>\s*Approve packaging", html)
    assert "These mandatory items have not passed" in html

    url = f"/applications/{application.pk}/do/approve_packaging/"
    html = page(client, url)
    assert "These mandatory items have not passed" in html
    response = client.post(url, {"state": "packaging_review"})
    assert "These mandatory items have not passed" in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.PACKAGING_REVIEW


def test_evidence_is_only_the_applications_documents(office, bring_to, login):
    """The product's and its business's documents; not another product's, not even one of
    the same business; and only photos are drawn as images."""
    application = bring_to("packaging_review")
    client = login(office.reviewer)
    evidence = f"/applications/{application.pk}/evidence"
    nib = Document.objects.filter(business=office.business, kind__key="nib").first()
    assert client.get(f"{evidence}/{nib.pk}/").status_code == 200
    assert client.get(f"{evidence}/{nib.pk}/image/").status_code == 404  # a PDF
    sibling = f.ProductFactory(business=office.business, name="Sambal Tumpang")
    f.complete_documents(sibling, by=office.msme)
    other = f.ProductFactory()
    f.complete_documents(other, by=office.other_msme)
    for product in (sibling, other):
        foreign = Document.objects.get(product=product, kind__key="packaging_photo")
        assert client.get(f"{evidence}/{foreign.pk}/").status_code == 404
        assert client.get(f"{evidence}/{foreign.pk}/image/").status_code == 404


# The certifying officer.


def test_certification_review_shows_documents_with_validity_and_links_the_audit_trail(
    office, bring_to, login
):
    application = bring_to("awaiting_certification")
    today = date.today()
    # An expired BPOM registration beside the current P-IRT (a halal certificate would not
    # do: it does not expire).
    f.add_document(
        office.business,
        "bpom_md",
        product=office.product,
        number=f.VALID_NUMBERS["bpom_md"],
        expires_on=today - timedelta(days=3),
    )
    f.add_document(
        office.business, "trademark", number="IDM000123456", expires_on=today + timedelta(days=20)
    )
    client = login(office.officer)
    html = page(client, f"/applications/{application.pk}/dossier/")
    for text in (
        office.business.nib,
        office.business.npwp,
        "Kediri",
        "Micro",
        "Sambal Pecel Bu Rini",
        "validity-current",
        "validity-expired",
        "validity-soon",
        "Expires in 20 days",
        "Weighted score",
        "Made in Indonesia",  # the closing packaging review's items
        "Pass",
    ):
        assert text in html, text
    assert f'href="/applications/{application.pk}/do/certify/"' in html
    assert f'href="/applications/{application.pk}/do/reject/"' in html
    # The audit trail is the application page's, linked rather than repeated; there it is
    # in full, with the names of those who acted.
    history = f"/applications/{application.pk}/#history"
    assert f'href="{history}"' in html
    html = page(client, history)
    assert 'id="history"' in html
    for log in TransitionLog.objects.filter(application=application):
        assert person_name(log.actor) in html
    assert "Assign curators" in html and "Approve packaging" in html
