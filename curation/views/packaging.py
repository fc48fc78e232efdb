"""The packaging reviewer's checklist, beside the evidence it is checked against (the
product's photos and documents: `curation.evidence`). What the workspaces share, and why
they live in curation: `curation.views.workspaces`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from assessments.forms import PackagingReviewForm
from assessments.permissions import can_review_packaging, can_view_packaging_review
from assessments.rules import packaging_items
from assessments.versions import packaging_review_version
from curation.evidence import evidence_for
from curation.prefetches import CHECKLIST, MARKETS, PACKAGING, with_assessments
from curation.selectors import business_reads, get_application_for_user
from curation.stage_work import packaging_review_save
from curation.views.workspaces import offered_actions, refused
from kernel.errors import WorkflowError, show_workflow_error
from kernel.states import State


@login_required
def packaging(request, pk):
    application = get_application_for_user(request.user, pk)
    user = request.user
    if not can_view_packaging_review.test(user, application):
        return refused(
            request,
            application,
            _("Only the region's packaging reviewers and coordinators see the checklist."),
        )
    with_assessments(application, *PACKAGING, *MARKETS, *CHECKLIST)
    review = application.current_packaging_review
    items = packaging_items(application)
    editable = (
        review is not None
        and review.closed_at is None
        and application.state == State.PACKAGING_REVIEW
        and can_review_packaging.test(user, application)
    )
    results = {r.item_id: r for r in review.results.all()} if review else {}

    form = None
    if request.method == "POST":
        if not editable:
            messages.error(
                request,
                _("This application is now “%(state)s”: the checklist can no longer be changed.")
                % {"state": application.get_state_display()},
            )
            return redirect("curation:packaging", pk=pk)
        form = PackagingReviewForm(request.POST, items=items)
        if form.is_valid():
            try:
                packaging_review_save(
                    application=application, reviewer=user, **form.service_kwargs()
                )
            except WorkflowError as e:
                show_workflow_error(request, e)
                if e.stale:
                    return redirect("curation:packaging", pk=pk)
            else:
                messages.success(request, _("Checklist saved."))
                return redirect("curation:packaging", pk=pk)
    elif review is not None:
        initial = {"seen": packaging_review_version(review)}
        for item in items:
            if item.pk in results:
                initial[f"result_{item.key}"] = results[item.pk].result
                initial[f"note_{item.key}"] = results[item.pk].note
        form = PackagingReviewForm(initial=initial, items=items)

    previous = (
        max(
            (r for r in application.packaging_reviews.all() if r.number < review.number),
            key=lambda r: r.number,
            default=None,
        )
        if review is not None
        else None
    )
    previous_results = {r.item_id: r for r in previous.results.all()} if previous else {}
    # New: uploaded since the last review asked for changes (or since this one opened).
    since = previous.closed_at if previous else review.opened_at if review else None
    evidence = evidence_for(application, new_since=since)
    answer = application.audit_trail.filter(transition="resubmit_packaging").order_by("-at").first()
    saved = [results[item.pk].result for item in items if item.pk in results]
    tally = {
        "pass": saved.count("pass"),
        "fail": saved.count("fail"),
        "na": saved.count("na"),
        "open": len(items) - len(saved),
    }
    rows = [
        {
            "item": item,
            "result": form[f"result_{item.key}"] if form else None,
            "note": form[f"note_{item.key}"] if form else None,
            "saved": results.get(item.pk),
            "previous": previous_results.get(item.pk),
        }
        for item in items
    ]
    return render(
        request,
        "assessments/packaging.html",
        {
            "application": application,
            "review": review,
            "previous": previous,
            "editable": editable,
            "form": form,
            "rows": rows,
            # The notes on failed items reach the business: the reviewer sees its language.
            "business_reads": business_reads(application) if editable else "",
            "tally": tally,
            "evidence": evidence,
            "answer": answer,
            "actions": offered_actions(
                user, application, ["approve_packaging", "request_packaging_changes", "reject"]
            ),
        },
    )
