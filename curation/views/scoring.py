"""The curator's scoresheet (blind review: the others' scores only once mine are in),
its running total, and the curation result the lead decides on. What the workspaces
share, and why they live in curation: `curation.views.workspaces`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.forms import ScoresheetForm, in_language
from assessments.models import Scoresheet
from assessments.rules import gate_scores_below_floor
from assessments.selectors import counted_scoresheets, own_scoresheet, running_total
from assessments.versions import scoresheet_version
from curation.evidence import evidence_for
from curation.forms import person_name
from curation.permissions import can_score, can_view_curation, curator_assignments
from curation.prefetches import CRITERIA, SCORING, with_assessments
from curation.selectors import (
    business_reads,
    get_application_for_user,
    visible_curation_result,
)
from curation.stage_work import scoresheet_save
from curation.views.workspaces import offered_actions, refused
from kernel.errors import WorkflowError, show_workflow_error
from kernel.states import State

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
        return refused(request, application, _("Only the application's curators score it."))
    with_assessments(application, *SCORING, *CRITERIA)
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
            return redirect("curation:scoresheet", pk=pk)
        if not scoring_open:
            messages.error(
                request,
                _("This application is now “%(state)s”: scoring is closed.")
                % {"state": application.get_state_display()},
            )
            return redirect("curation:scoresheet", pk=pk)
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
                    return redirect("curation:scoresheet", pk=pk)
            else:
                messages.success(
                    request,
                    _("Your scores are submitted.") if submit else _("Draft saved."),
                )
                return redirect("curation:scoresheet", pk=pk)
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
    evidence = evidence_for(application)
    # The revision request that ended the round before, with the business's answer.
    revision = evidence.latest_round if current is not None and current.number > 1 else None
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
            "evidence": evidence,
            "total": running_total(application, criteria, scores),
            "pass_mark": application.rubric.pass_mark,
            # The criterion comments reach the business: the curator sees its language.
            "business_reads": business_reads(application) if editable else "",
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
        return refused(
            request,
            application,
            _("Only the application's curators and its coordinator see the curation result."),
        )
    with_assessments(application, *SCORING, *CRITERIA)
    current = application.current_round
    assignments = sorted(
        curator_assignments(application),
        key=lambda a: (not a.is_lead, a.curator.first_name, a.curator.username),
    )
    sheets = {s.curator_id: s for s in current.sheets()} if current else {}
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
    # A single curator's score below a gate's floor: the lead is warned before deciding,
    # and once the product passed, the page shows the reason the lead gave.
    below_floor = gate_scores_below_floor(application) if result else []
    decision = (
        application.audit_trail.filter(transition="pass_curation").select_related("actor").last()
        if below_floor and application.state != State.IN_CURATION
        else None
    )
    return render(
        request,
        "assessments/curation.html",
        {
            "application": application,
            "evidence": evidence_for(application),
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
            "actions": offered_actions(
                user, application, ["pass_curation", "request_revision", "reject"]
            ),
            "below_floor": below_floor,
            "decision": decision,
            "decider": person_name(decision.actor) if decision else "",
        },
    )
