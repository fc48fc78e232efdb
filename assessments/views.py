"""The staff workspaces beside the application page: the curator's scoresheet, the
curation result the lead decides on, the packaging checklist, the evidence photos, and
the certifying officer's certification review (everything the officer checks before
certifying; not the export dossier, which is `certificates.dossier`).

Each view loads the application through `get_application_for_user` (404 for whoever may
not see it), checks the page's own predicate (403 with the reason), and changes state
only on POST through one service. Decisions are the generic transition pages: these
pages link to exactly the transitions the user may take, with what still blocks them.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

import products.models
from assessments.forms import PackagingReviewForm, ScoresheetForm, in_language
from assessments.models import Scoresheet
from assessments.permissions import can_review_packaging, can_view_packaging_review
from assessments.rules import curation_result, packaging_items
from assessments.selectors import (
    EVIDENCE_KINDS,
    closing_packaging_review,
    counted_scoresheets,
    evidence_documents,
    own_scoresheet,
    running_total,
    visible_curation_result,
)
from assessments.services import (
    packaging_review_save,
    packaging_review_version,
    scoresheet_save,
    scoresheet_version,
)
from curation import services
from curation.checks import document_problems
from curation.forms import person_name
from curation.permissions import can_score, can_view_certification_review, can_view_curation
from curation.selectors import get_application_for_user
from curation.timeline import timeline_for
from curation.transitions import SPECS
from kernel.errors import WorkflowError, show_workflow_error
from kernel.states import State
from products.models import Document

# A document expiring within this many days is flagged on the certification review.
EXPIRES_SOON_DAYS = getattr(products.models, "EXPIRY_WARNING_DAYS", 60)


def _refused(request, application, message):
    return render(
        request,
        "curation/transition_refused.html",
        {"application": application, "problems": [message]},
        status=403,
    )


def _actions(user, application, names):
    """The user's transitions among `names` in this state, each with what blocks it."""
    offered = services.offered_transitions(user=user, application=application)
    return [
        {"name": name, "label": SPECS[name].label, "problems": offered[name]}
        for name in names
        if name in offered
    ]


# The curator's scoresheet.


def _scoresheet_initial(sheet, previous, keys):
    source = sheet or previous
    initial = {"seen": scoresheet_version(sheet)}
    if source is None:
        return initial
    for score in source.scores.all():
        key = keys[score.criterion_id]
        initial[f"score_{key}"] = score.score
        initial[f"comment_{key}"] = score.comment
    initial["recommendation"] = source.recommendation
    initial["comment"] = source.comment
    return initial


@login_required
def scoresheet(request, pk):
    application = get_application_for_user(request.user, pk)
    user = request.user
    if not can_score.test(user, application):
        return _refused(request, application, _("Only the application's curators score it."))
    current = application.current_round
    criteria = list(application.rubric.criteria.all())
    sheet = own_scoresheet(user, application)
    scoring_open = (
        application.state == State.IN_CURATION and current is not None and current.closed_at is None
    )
    editable = scoring_open and not (sheet is not None and sheet.is_submitted)
    form_kwargs = {"criteria": criteria, "levels": application.rubric.levels}

    if request.method == "POST":
        if sheet is not None and sheet.is_submitted:
            messages.error(request, _("You already submitted your scores for this round."))
            return redirect("assessments:scoresheet", pk=pk)
        if not scoring_open:
            messages.error(
                request,
                _("This application is now “%(state)s”: scoring is closed.")
                % {"state": application.get_state_display()},
            )
            return redirect("assessments:scoresheet", pk=pk)
        form = ScoresheetForm(request.POST, **form_kwargs)
        submit = "submit" in request.POST
        if form.is_valid():
            try:
                scoresheet_save(
                    application=application, curator=user, submit=submit, **form.service_kwargs()
                )
            except WorkflowError as e:
                show_workflow_error(request, e)
                if e.stale:
                    return redirect("assessments:scoresheet", pk=pk)
            else:
                messages.success(
                    request,
                    _("Your scores are submitted.") if submit else _("Draft saved."),
                )
                return redirect("assessments:scoresheet", pk=pk)
        scores = {key: value for key, (value, _note) in form.scores().items()}
        previous = None
    else:
        previous = None
        if sheet is None and current is not None and current.number > 1:
            # A new round after a revision: start from my scores of the round before.
            previous = (
                Scoresheet.objects.filter(
                    round__application=application,
                    round__number__lt=current.number,
                    curator=user,
                )
                .select_related("round")
                .prefetch_related("scores")
                .order_by("-round__number")
                .first()
            )
        by_pk = {c.pk: c.key for c in criteria}
        form = ScoresheetForm(initial=_scoresheet_initial(sheet, previous, by_pk), **form_kwargs)
        source = sheet or previous
        scores = {by_pk[s.criterion_id]: s.score for s in source.scores.all()} if source else {}

    submitted = sheet is not None and sheet.is_submitted
    # Blind review: the others' scores only once mine are in.
    result = visible_curation_result(user, application) if submitted else None
    labels = {c.key: c.label for c in criteria}
    revision = (
        application.revision_requests.order_by("-requested_at").first()
        if current is not None and current.number > 1
        else None
    )
    return render(
        request,
        "assessments/scoresheet.html",
        {
            "application": application,
            "round": current,
            "sheet": sheet,
            "submitted": submitted,
            "editable": editable,
            "form": form,
            "rows": list(form.rows(is_food=application.is_food)),
            "previous": previous,
            "revision": revision,
            "total": running_total(application, criteria, scores),
            "pass_mark": application.rubric.pass_mark,
            "result": result,
            "result_rows": [
                {"result": c, "label": labels[c.key]} for c in (result.criteria if result else ())
            ],
        },
    )


@login_required
@require_POST
def scoresheet_total(request, pk):
    """The running weighted total for the scores on the page (htmx; saves nothing)."""
    application = get_application_for_user(request.user, pk)
    if not can_score.test(request.user, application):
        raise Http404
    criteria = list(application.rubric.criteria.all())
    form = ScoresheetForm(request.POST, criteria=criteria, levels=application.rubric.levels)
    form.is_valid()
    scores = {key: value for key, (value, _note) in form.scores().items()}
    return render(
        request,
        "assessments/_running_total.html",
        {
            "total": running_total(application, criteria, scores),
            "pass_mark": application.rubric.pass_mark,
        },
    )


# The curation result and the lead's decision.


@login_required
def curation(request, pk):
    application = get_application_for_user(request.user, pk)
    user = request.user
    if not can_view_curation.test(user, application):
        return _refused(
            request,
            application,
            _("Only the application's curators and its coordinator see the curation result."),
        )
    current = application.current_round
    assignments = list(
        application.assignments.select_related("curator").order_by(
            "-is_lead", "curator__first_name", "curator__username"
        )
    )
    sheets = {s.curator_id: s for s in Scoresheet.objects.filter(round=current)} if current else {}
    mine = sheets.get(user.pk)
    is_curator = any(a.curator_id == user.pk for a in assignments)
    blind = is_curator and not (mine is not None and mine.is_submitted)
    result = None if blind else visible_curation_result(user, application)
    criteria = {c.key: c for c in application.rubric.criteria.all()}
    counted = counted_scoresheets(application) if result else []
    rows = []
    for criterion_result in result.criteria if result else ():
        criterion = criteria[criterion_result.key]
        by_curator = []
        if criterion_result.disagreement:
            for sheet in counted:
                for score in sheet.scores.all():
                    if score.criterion_id == criterion.pk:
                        by_curator.append(
                            {
                                "name": person_name(sheet.curator),
                                "score": score.score,
                                "comment": score.comment,
                            }
                        )
        rows.append(
            {"result": criterion_result, "label": criterion.label, "by_curator": by_curator}
        )
    return render(
        request,
        "assessments/curation.html",
        {
            "application": application,
            "round": current,
            "progress": [
                {"assignment": a, "name": person_name(a.curator), "sheet": sheets.get(a.curator_id)}
                for a in assignments
            ],
            "blind": blind,
            "mine": mine,
            "result": result,
            "grade_label": in_language(result.grade) if result else "",
            "rows": rows,
            "failed_gates": [criteria[key].label for key in result.failed_gates] if result else [],
            "disagreements": [criteria[key].label for key in result.disagreements]
            if result
            else [],
            "recommendations": [
                {
                    "name": person_name(sheet.curator),
                    "recommendation": sheet.get_recommendation_display(),
                    "comment": sheet.comment,
                }
                for sheet in counted
            ],
            "actions": _actions(user, application, ["pass_curation", "request_revision", "reject"]),
        },
    )


# The packaging checklist.


@login_required
def packaging(request, pk):
    application = get_application_for_user(request.user, pk)
    user = request.user
    if not can_view_packaging_review.test(user, application):
        return _refused(
            request,
            application,
            _("Only the region's packaging reviewers and coordinators see the checklist."),
        )
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
            return redirect("assessments:packaging", pk=pk)
        form = PackagingReviewForm(request.POST, items=items)
        if form.is_valid():
            try:
                packaging_review_save(
                    application=application, reviewer=user, **form.service_kwargs()
                )
            except WorkflowError as e:
                show_workflow_error(request, e)
                if e.stale:
                    return redirect("assessments:packaging", pk=pk)
            else:
                messages.success(request, _("Checklist saved."))
                return redirect("assessments:packaging", pk=pk)
    elif review is not None:
        initial = {"seen": packaging_review_version(review)}
        for item in items:
            if item.pk in results:
                initial[f"result_{item.key}"] = results[item.pk].result
                initial[f"note_{item.key}"] = results[item.pk].note
        form = PackagingReviewForm(initial=initial, items=items)

    previous = (
        application.packaging_reviews.filter(number__lt=review.number)
        .order_by("-number")
        .prefetch_related("results")
        .first()
        if review is not None
        else None
    )
    previous_results = {r.item_id: r for r in previous.results.all()} if previous else {}
    since = previous.closed_at if previous else None
    evidence = [
        {"document": d, "new": since is not None and d.uploaded_at > since}
        for d in evidence_documents(application)
    ]
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
            "tally": tally,
            "evidence": evidence,
            "answer": answer,
            "actions": _actions(
                user, application, ["approve_packaging", "request_packaging_changes", "reject"]
            ),
        },
    )


@login_required
def evidence(request, pk, document_pk):
    """A packaging or product photo of the application's product, streamed from the
    storage (never a public media URL) to whoever may see the application."""
    application = get_application_for_user(request.user, pk)
    document = get_object_or_404(
        Document,
        pk=document_pk,
        product=application.product,
        kind__key__in=EVIDENCE_KINDS,
        content_type__startswith="image/",
    )
    response = FileResponse(document.file.open("rb"), content_type=document.content_type)
    response["Content-Disposition"] = "inline"
    # Not kept by the browser either (no max-age): a business's packaging photo must not
    # stay on an office's shared computer after its user signed out.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    return response


# The certifying officer's certification review.


def _document_url(document, application):
    """Where a document opens: the MSME portal's access-checked download when it exists,
    else our evidence view for photos."""
    for name in ("products:document", "products:document_download"):
        try:
            return reverse(name, args=[document.pk])
        except NoReverseMatch:
            continue
    if document.product_id == application.product_id and document.kind.key in EVIDENCE_KINDS:
        return reverse("assessments:evidence", args=[application.pk, document.pk])
    return None


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
        return _refused(
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
                "url": _document_url(document, application),
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
            "actions": _actions(user, application, ["certify", "reject"]),
        },
    )
