"""The certifying officer's certification review: everything the officer checks before
certifying (not the export dossier, which is `certificates.dossier`). What the workspaces
share, and why they live in curation: `curation.views.workspaces`."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

import products.models
from assessments.forms import in_language
from assessments.rules import curation_result
from assessments.selectors import closing_packaging_review
from curation.checks import document_problems
from curation.permissions import can_view_certification_review
from curation.selectors import get_application_for_user
from curation.timeline import timeline_for
from curation.views.workspaces import offered_actions, refused
from products.models import Document

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
    product = application.product
    business = product.business
    today = timezone.localdate()
    documents = []
    for document in (
        Document.objects.filter(Q(business=business, product__isnull=True) | Q(product=product))
        .select_related("kind")
        .order_by("kind__scope", "kind__key", "-uploaded_at")
    ):
        status, status_label = _validity(document, today)
        documents.append(
            {
                "document": document,
                "status": status,
                "status_label": status_label,
                "url": _document_url(document),
            }
        )
    result = curation_result(application)
    criteria = {c.key: c.label for c in application.rubric.criteria.all()}
    review = closing_packaging_review(application)
    packaging_results = (
        list(review.results.select_related("item").order_by("item__position")) if review else []
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
            "result_rows": [
                {"result": c, "label": criteria[c.key]} for c in (result.criteria if result else ())
            ],
            "assignments": list(
                application.assignments.select_related("curator").order_by("-is_lead", "pk")
            ),
            "review": review,
            "packaging_results": packaging_results,
            "timeline": timeline_for(application, viewer_is_member=False),
            "history": application.assignment_history.select_related("curator", "by"),
            "revisions": list(application.revision_requests.order_by("requested_at")),
            "actions": offered_actions(user, application, ["certify", "reject"]),
        },
    )
