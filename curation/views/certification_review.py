"""The certifying officer's certification review: everything the officer checks before
certifying (not the export dossier, which is `certificates.dossier`). What the workspaces
share, and why they live in curation: `curation.views.workspaces`."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

import products.models
from assessments.forms import in_language
from assessments.selectors import closing_packaging_review, curation_result_in_one_read
from curation.checks import document_problems
from curation.permissions import can_view_certification_review, curator_assignments
from curation.selectors import get_application_for_user
from curation.views.workspaces import (
    MARKETS,
    offered_actions,
    refused,
    with_assessments,
    with_packaging_results,
)
from products.rules import product_documents

# A document expiring within this many days is flagged on the certification review.
EXPIRES_SOON_DAYS = getattr(products.models, "EXPIRY_WARNING_DAYS", 60)


def _document_url(document) -> str:
    """Where a document opens: the access-checked download."""
    return reverse("curation:document", args=[document.pk])


def _validity(document, today):
    if document.expires_on is None:
        return "current", _("current (does not expire)")
    if document.expires_on < today:
        return "expired", _("expired")
    if (document.expires_on - today).days <= EXPIRES_SOON_DAYS:
        return "soon", _("expires soon")
    return "current", _("current")


@login_required
def certification_review(request, pk):
    application = get_application_for_user(request.user, pk)
    user = request.user
    if not can_view_certification_review.test(user, application):
        return refused(
            request,
            application,
            _("Only the region's certifying officers, coordinators and head see the dossier."),
        )
    # What the page and the certify step's conditions read, each once: the markets, the
    # packaging reviews with their results (the checklist's items are read by the
    # conditions, for the officer only), the product's documents (shared with the
    # documents' rules), the curation result's scores in one query. The history (each
    # step, with the revision requests and answers) is the application page's: linked,
    # not repeated; of the curators, the page shows who curates now.
    with_assessments(application, *MARKETS)
    with_packaging_results(application)
    product = application.product
    business = product.business
    today = timezone.localdate()
    # By type (its scope, then its key), the newest first within a type.
    by_upload = sorted(
        product_documents(product), key=lambda d: (d.uploaded_at, d.pk), reverse=True
    )
    documents = []
    for document in sorted(by_upload, key=lambda d: (d.kind.scope, d.kind.key)):
        status, status_label = _validity(document, today)
        documents.append(
            {
                "document": document,
                "status": status,
                "status_label": status_label,
                "url": _document_url(document),
            }
        )
    result = curation_result_in_one_read(application)
    review = closing_packaging_review(application)
    packaging_results = (
        sorted(review.results.all(), key=lambda r: r.item.position) if review else []
    )
    return render(
        request,
        "assessments/certification_review.html",
        {
            "application": application,
            "product": product,
            "business": business,
            "markets": list(application.target_markets.all()),
            "documents": documents,
            "document_problems": document_problems(application, today),
            "result": result,
            "grade_label": in_language(result.grade) if result else "",
            "assignments": curator_assignments(application),
            "review": review,
            "packaging_results": packaging_results,
            "actions": offered_actions(user, application, ["certify", "reject"]),
        },
    )
