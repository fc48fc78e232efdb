"""The certifying officer's certification review: everything the officer checks before
certifying (not the export dossier, which is `certificates.dossier`). What the workspaces
share, and why they live in curation: `curation.views.workspaces`."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.forms import in_language
from assessments.selectors import closing_packaging_review, curation_result_in_one_read
from curation.assignments import assignment_history
from curation.checks import document_problems
from curation.evidence import evidence_for
from curation.permissions import can_view_certification_review, curator_assignments
from curation.prefetches import MARKETS, PACKAGING, with_assessments
from curation.selectors import get_application_for_user
from curation.views.workspaces import offered_actions, refused


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
    # conditions, for the officer only), the product's documents (shared by the evidence
    # and the documents' rules), the curation result's scores in one query. The history
    # (each step, who took it) is the application page's: linked, not repeated; the
    # revision requests and answers are in the evidence; of the curators, the page shows
    # who curates now and every change of them.
    with_assessments(application, *MARKETS, *PACKAGING)
    product = application.product
    business = product.business
    today = timezone.localdate()
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
            "evidence": evidence_for(application),
            "document_problems": document_problems(application, today),
            "result": result,
            "grade_label": in_language(result.grade) if result else "",
            "assignments": curator_assignments(application),
            # Who curated it when: the officer checks that none of them certifies.
            "history": assignment_history(application),
            "review": review,
            "packaging_results": packaging_results,
            "actions": offered_actions(user, application, ["certify", "reject"]),
        },
    )
