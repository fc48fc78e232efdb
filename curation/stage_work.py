"""Scoring and packaging review: the work done inside a state, before its transition.

Both lock the application row, like the transitions, so a scoresheet cannot be saved
into a round that a revision request is closing at the same moment. They live in
curation, not in assessments, because they need the workflow's data: the application's
row lock and state (`curation.models`) and who is acting on it (`curation.permissions`);
assessments sits below curation and may not read them. What they compare a page's
`seen` with (`assessments.versions`) reads only assessment rows, so it stays there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import PackagingItemResult, PackagingReview, Score, Scoresheet
from assessments.permissions import can_review_packaging
from assessments.rules import packaging_items
from assessments.versions import packaging_review_version, scoresheet_version
from curation.models import Application
from curation.permissions import is_acting_curator
from kernel.errors import WorkflowError
from kernel.states import State

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _User


def _lock(application: Application, expected_state: State) -> Application:
    locked = Application.objects.locked(application.pk)
    if locked.state != expected_state:
        raise WorkflowError(
            _("This application is now “%(state)s”; reload the page.")
            % {"state": locked.get_state_display()},
            stale=True,
        )
    return locked


def scoresheet_save(
    *,
    application: Application,
    curator: _User,
    scores: dict[str, tuple[int, str | None]],
    recommendation: str = "",
    comment: str = "",
    submit: bool = False,
    seen: str | None = None,
) -> Scoresheet:
    """Save a curator's scores for the current round; `submit` makes them final.

    `scores` maps criterion keys to (score, comment). A submitted scoresheet is never
    changed again (blind review: the others see it from then on). `seen` is the
    `scoresheet_version` the page showed: a page left open in another tab is refused
    rather than overwrite what was saved since.
    """
    with transaction.atomic():
        locked = _lock(application, State.IN_CURATION)
        if not is_acting_curator.test(curator, locked):
            raise WorkflowError(_("You are not a curator of this application."))
        current = locked.current_round
        existing = Scoresheet.objects.select_for_update().filter(round=current, curator=curator)
        sheet = existing.first()
        if sheet is not None and sheet.is_submitted:
            raise WorkflowError(_("You already submitted your scores for this round."), stale=True)
        if seen is not None and seen != scoresheet_version(sheet):
            raise WorkflowError(
                _(
                    "Your scoresheet was saved elsewhere (another tab?) after this page was "
                    "loaded. Reload the page and try again."
                ),
                stale=True,
            )
        if sheet is None:
            sheet = Scoresheet.objects.create(round=current, curator=curator)
        criteria = {c.key: c for c in locked.rubric.criteria.all()}
        problems = [
            _("Unknown criterion %(key)s.") % {"key": key} for key in scores if key not in criteria
        ]
        for key, (value, _note) in scores.items():
            if key in criteria and value not in range(1, 6):
                problems.append(
                    _("%(criterion)s: the score must be from 1 to 5.")
                    % {"criterion": criteria[key].label}
                )
        if submit:
            stored = set(sheet.scores.values_list("criterion__key", flat=True))
            missing = [c.label for k, c in criteria.items() if k not in scores and k not in stored]
            if missing:
                problems.append(
                    _("Score every criterion: %(missing)s.") % {"missing": ", ".join(missing)}
                )
            if recommendation not in Scoresheet.Recommendation.values:
                problems.append(_("Give your recommendation."))
        if problems:
            raise WorkflowError(problems)
        for key, (value, note) in scores.items():
            Score.objects.update_or_create(
                scoresheet=sheet,
                criterion=criteria[key],
                defaults={"score": value, "comment": (note or "").strip()},
            )
        sheet.recommendation = recommendation
        sheet.comment = comment.strip()
        if submit:
            sheet.submitted_at = timezone.now()
        sheet.save()
    return sheet


def packaging_review_save(
    *,
    application: Application,
    reviewer: _User,
    results: dict[str, tuple[str, str | None]],
    seen: str | None = None,
) -> PackagingReview:
    """Record the reviewer's pass / fail / not applicable and note for checklist items.

    `results` maps item keys to (result, note). Saving does not decide: approving or
    requesting changes is the transition. `seen` is the `packaging_review_version` the
    page showed: a stale page is refused rather than overwrite another save.
    """
    with transaction.atomic():
        locked = _lock(application, State.PACKAGING_REVIEW)
        if not can_review_packaging.test(reviewer, locked):
            raise WorkflowError(_("You are not a packaging reviewer for this application."))
        review = locked.current_packaging_review
        if seen is not None and seen != packaging_review_version(review):
            raise WorkflowError(
                _(
                    "The checklist was saved by someone else after this page was loaded. "
                    "Reload the page and try again."
                ),
                stale=True,
            )
        items = {item.key: item for item in packaging_items(locked)}
        problems = [
            _("“%(key)s” is not on this product's checklist.") % {"key": key}
            for key in results
            if key not in items
        ]
        valid = PackagingItemResult.Result.values
        problems += [
            _("%(item)s: choose pass, fail or not applicable.") % {"item": items[key].label}
            for key, (result, _note) in results.items()
            if key in items and result not in valid
        ]
        if problems:
            raise WorkflowError(problems)
        for key, (result, note) in results.items():
            PackagingItemResult.objects.update_or_create(
                review=review,
                item=items[key],
                defaults={"result": result, "note": (note or "").strip()},
            )
        if review.reviewer_id is None:
            review.reviewer = reviewer
            review.save(update_fields=["reviewer"])
    return review
