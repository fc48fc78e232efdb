"""The MSME's side of an application: starting it, the submit checklist, withdrawing,
answering a revision request, new packaging evidence, and the result."""

import re
from datetime import date

import pytest
from django.urls import reverse

from curation import services
from curation.models import Application, RevisionRequest
from kernel.states import State
from tests import factories as f
from tests.products.portal_helpers import login, product_data, text, upload

pytestmark = pytest.mark.django_db

# The application, from the MSME's side.


def bare_product(office, **kwargs):
    """A food product with its data but none of its own documents."""
    return f.ProductFactory(business=office.business, name="Tahu Takwa Bu Rini", **kwargs)


def test_starting_an_application_from_the_product_page(client, office):
    product = bare_product(office)
    login(client, office.msme)
    response = client.post(reverse("curation:product_apply", args=[product.pk]))
    application = Application.objects.get(product=product)
    assert response.url == reverse("curation:application", args=[application.pk])
    assert application.state == State.DRAFT
    assert set(application.target_markets.values_list("key", flat=True)) == {"my", "jp"}
    # A second one is refused while the first is open.
    again = client.post(reverse("curation:product_apply", args=[product.pk]), follow=True)
    assert "already has an application in progress" in text(again)


def test_the_submit_checklist_links_to_each_fix_and_submit_succeeds_once_done(client, office):
    product = bare_product(office, hs_code="")
    product.target_markets.clear()
    application = services.application_create(product=product, by=office.msme)
    login(client, office.msme)

    page = text(client.get(reverse("curation:application", args=[application.pk])))
    back = f"next=%2Fapplications%2F{application.pk}%2F"
    edit = reverse("products:edit", args=[product.pk])
    # Each missing document links to its slot on the product's documents page.
    slots = reverse("products:documents", args=[product.pk])
    upload_url = reverse("products:document_upload", args=[product.pk])
    assert f'<a href="{edit}?{back}">Complete the product data: HS code.</a>' in page
    assert f'<a href="{edit}?{back}#markets">Choose at least one target market.</a>' in page
    for kind, label in [
        ("halal", "Upload the Halal certificate (BPJPH)."),
        ("product_photo", "Upload the Product photo."),
        ("packaging_photo", "Upload the Packaging and label photo."),
    ]:
        assert f'<a href="{slots}?{back}#doc-{kind}">{label}</a>' in page, kind
    # A choice of document: one slot, where the MSME says which one it has.
    assert re.search(
        rf'<a href="{slots}\?{back}#doc-\w+">Upload the [^<]*\(P-IRT\)[^<]*</a>', page
    ) and re.search(rf'<a href="{slots}\?{back}#doc-\w+">Upload the [^<]*\(MD\)[^<]*</a>', page)
    # The business's NIB and NPWP are in place (the office fixture uploaded them).
    # (The list is the page's "what to do next", each item linked to its fix.)
    todo = page.split('id="next-step-todo"')[1].split("</ul>")[0]
    assert "NIB" not in re.sub(r"<[^>]+>", "", todo)

    refused = client.post(
        reverse("curation:application_transition", args=[application.pk, "submit"]),
        {"state": "draft"},
    )
    assert "Upload the Halal certificate (BPJPH)." in text(refused)
    application.refresh_from_db()
    assert application.state == State.DRAFT

    # Fix everything through the pages the links lead to.
    client.post(
        f"{edit}?{back}",
        product_data(
            "sauces_condiments",
            name=product.name,
            hs_code="2103.90.90",
            next=f"/applications/{application.pk}/",
        ),
    )
    for kind, number in [("pirt", "2063571010123-29"), ("halal", "ID35110000123450824")]:
        response = upload(
            client,
            upload_url,
            kind=kind,
            number=number,
            expires_on=date(2029, 12, 31).isoformat(),
            next=f"/applications/{application.pk}/",
        )
        assert response.url == f"/applications/{application.pk}/"
    for kind in ("product_photo", "packaging_photo"):
        upload(client, upload_url, kind=kind, content=f.png_bytes(), name="photo.png")

    page = text(client.get(reverse("curation:application", args=[application.pk])))
    assert "Before you can" not in page
    response = client.post(
        reverse("curation:application_transition", args=[application.pk, "submit"]),
        {"state": "draft"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert set(application.target_markets.values_list("key", flat=True)) == {"my", "sg"}


def test_the_msme_withdraws_the_application(client, office, bring_to):
    application = bring_to("submitted")
    login(client, office.msme)
    page = text(client.get(reverse("curation:application", args=[application.pk])))
    assert reverse("curation:application_transition", args=[application.pk, "withdraw"]) in page

    client.post(
        reverse("curation:application_transition", args=[application.pk, "withdraw"]),
        {"state": "submitted", "comment": "We will reformulate the recipe."},
    )

    application.refresh_from_db()
    assert application.state == State.WITHDRAWN


def test_the_msme_answers_a_revision_request_and_resubmits(client, office, bring_to):
    application = bring_to("revision_requested")
    login(client, office.msme)

    page = text(client.get(reverse("curation:application", args=[application.pk])))
    assert "The curators ask you to" in page
    assert "Add the lab test report." in page
    assert 'name="comment"' in page and "Your answer to the revision request" in page

    empty = client.post(
        reverse("curation:application_transition", args=[application.pk, "resubmit"]),
        {"state": "revision_requested", "comment": ""},
    )
    assert empty.status_code == 200
    upload(
        client,
        reverse("products:document_upload", args=[office.product.pk]),
        kind="lab_test",
        content=f.PDF_BYTES + b"% lab report 2026\n",
    )
    client.post(
        reverse("curation:application_transition", args=[application.pk, "resubmit"]),
        {"state": "revision_requested", "comment": "The lab report is uploaded."},
    )

    application.refresh_from_db()
    assert application.state == State.IN_CURATION
    request = RevisionRequest.objects.get(application=application)
    assert request.answer == "The lab report is uploaded."
    assert "documents_added:1" in request.changes


def test_new_packaging_evidence_then_resubmit_packaging(client, office, bring_to):
    application = bring_to("packaging_revision")
    login(client, office.msme)
    url = reverse("curation:application", args=[application.pk])

    page = text(client.get(url))
    assert "The packaging reviewer asks for these changes" in page
    assert "Fix the label" in page
    refused = client.post(
        reverse("curation:application_transition", args=[application.pk, "resubmit_packaging"]),
        {"state": "packaging_revision"},
    )
    assert "Upload new packaging photos" in text(refused)

    response = upload(
        client,
        reverse("products:document_upload", args=[office.product.pk]),
        kind="packaging_photo",
        content=f.png_bytes(color=(10, 200, 10)),
        name="new-label.png",
        next=url,
    )
    assert response.url == url
    response = client.post(
        reverse("curation:application_transition", args=[application.pk, "resubmit_packaging"]),
        {"state": "packaging_revision", "comment": "New label with the origin marking."},
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.PACKAGING_REVIEW


def test_the_msme_sees_the_result_with_criterion_names_and_never_a_curators_name(
    client, office, bring_to
):
    for curator, name in ((office.lead, "Kurniawati"), (office.curator, "Hadisoebroto")):
        curator.first_name, curator.last_name = name, "Santosa"
        curator.save()
    application = bring_to("packaging_review")
    login(client, office.msme)

    page = text(client.get(reverse("curation:application", args=[application.pk])))

    assert "Kurniawati" not in page and "Hadisoebroto" not in page
    assert ">lead<" not in page and "curator comment" not in page.lower().replace("comment by", "")
    assert "Curator" in page
    assert "Business and product legality" in page
    assert f"legality comment by {office.lead.username}" in page
    assert application.grade in page
