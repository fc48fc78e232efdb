"""The rules about an application's assessments: the curation result of its scoresheets
and the packaging checklist's conditions, as lists of what is still wrong.

Each function takes an application (whatever has the `rounds` and `packaging_reviews`
of this app, its rubric, checklist, product and target markets) and returns the unmet
conditions as sentences (empty when the transition may go ahead). The workflow uses
them as the conditions of its transitions (`curation.models`, `curation.checks`).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from django.utils.translation import gettext as _

from assessments.models import (
    ChecklistItem,
    PackagingChecklist,
    PackagingItemResult,
    PackagingReview,
    Rubric,
    Scoresheet,
    ScoringRound,
)
from assessments.scoring import Aggregate, aggregate
from products.models import Document, Product
from products.rules import Problem, page_link


class AssessedApplication(Protocol):
    """What these rules read of an application. The model (`curation.Application`) sits
    above this app, so the rules name only the attributes they use."""

    @property
    def pk(self) -> Any: ...
    @property
    def product(self) -> Product: ...
    @property
    def product_id(self) -> int: ...
    @property
    def rubric(self) -> Rubric: ...
    @property
    def packaging_checklist(self) -> PackagingChecklist: ...
    @property
    def state_changed_at(self) -> datetime: ...
    @property
    def is_food(self) -> bool: ...
    @property
    def current_round(self) -> ScoringRound | None: ...
    @property
    def current_packaging_review(self) -> PackagingReview | None: ...
    # Who curates the application now (the workflow's curator assignments, each with its
    # `curator` loaded), and the related manager of the markets.
    @property
    def current_assignments(self) -> Sequence[Any]: ...
    @property
    def target_markets(self) -> Any: ...


def curation_result(application: AssessedApplication) -> Aggregate | None:
    """The aggregate of the current round's submitted scoresheets, or None."""
    current = application.current_round
    if current is None:
        return None
    return _aggregate_round(application, current.sheets())


def counted_sheets(
    application: AssessedApplication, sheets: Sequence[Scoresheet]
) -> list[Scoresheet]:
    """Those of `sheets` that count towards the curation result: the submitted ones of
    the curators assigned now (a curator removed by a reassignment takes their already
    submitted scores out of the round with them)."""
    assigned = {a.curator_id for a in application.current_assignments}
    return [s for s in sheets if s.is_submitted and s.curator_id in assigned]


def _aggregate_round(
    application: AssessedApplication, sheets: list[Scoresheet]
) -> Aggregate | None:
    counted = counted_sheets(application, sheets)
    if not counted:
        return None
    return aggregate(application.rubric, counted, is_food=application.is_food)


def pass_curation_problems(application: AssessedApplication) -> list[str]:
    current = application.current_round
    if current is None:
        return [_("No scoring round is open.")]
    sheets = current.sheets()
    submitted = {sheet.curator_id for sheet in sheets if sheet.is_submitted}
    waiting = [a.curator for a in application.current_assignments if a.curator_id not in submitted]
    if waiting:
        return [
            _("Waiting for the scores of: %(curators)s.")
            % {"curators": ", ".join(u.get_full_name() or u.get_username() for u in waiting)}
        ]
    result = _aggregate_round(application, sheets)
    # Every assigned curator submitted, so the round has scoresheets to aggregate.
    assert result is not None
    problems = []
    if result.total < result.pass_mark:
        problems.append(
            _("The weighted score %(total)s is below the pass mark %(pass_mark)s.")
            % {"total": result.total, "pass_mark": result.pass_mark}
        )
    for criterion in result.criteria:
        if criterion.gate_failed:
            problems.append(
                _("%(criterion)s scores %(mean)s, below its minimum of %(floor)s.")
                % {
                    "criterion": criterion.label,
                    "mean": criterion.mean,
                    "floor": criterion.floor,
                }
            )
    return problems


@dataclass(frozen=True)
class GateScoreBelowFloor:
    """One curator's score on a gate criterion below its floor while the curators' mean
    meets the floor. The total and the gate keep the mean (WORKFLOW.md, Scoring), so a 1
    beside a 5 on legality would pass unremarked: the workflow asks the lead to confirm
    such a pass with a written reason (`curation.transitions`)."""

    criterion: str  # its name, in the language active when it was read
    curator: str  # who scored it (staff read this; the MSME never does)
    score: int
    floor: int
    mean: Decimal

    @property
    def sentence(self) -> str:
        return _(
            "%(curator)s scored %(criterion)s %(score)s, below its minimum of %(floor)s "
            "(the curators' mean is %(mean)s)."
        ) % {
            "curator": self.curator,
            "criterion": self.criterion,
            "score": self.score,
            "floor": self.floor,
            "mean": self.mean,
        }


def gate_scores_below_floor(application: AssessedApplication) -> list[GateScoreBelowFloor]:
    """The single scores below a gate's floor among the current round's counted
    scoresheets, on the gates whose mean meets the floor (a mean below it fails the
    product anyway: `pass_curation_problems`); in the rubric's order of criteria."""
    current = application.current_round
    if current is None:
        return []
    counted = counted_sheets(application, current.sheets())
    if not counted:
        return []
    criteria = list(application.rubric.criteria.all())
    result = aggregate(application.rubric, counted, is_food=application.is_food, criteria=criteria)
    held = {r.key: r for r in result.criteria if r.floor is not None and not r.gate_failed}
    below = []
    for criterion in criteria:
        gate = held.get(criterion.key)
        if gate is None:
            continue
        assert gate.floor is not None  # `held` keeps the gates that apply
        for sheet in counted:
            for score in sheet.scores.all():
                if score.criterion_id == criterion.pk and score.score < gate.floor:
                    curator = sheet.curator
                    below.append(
                        GateScoreBelowFloor(
                            criterion=gate.label,
                            curator=curator.get_full_name() or curator.get_username(),
                            score=score.score,
                            floor=gate.floor,
                            mean=gate.mean,
                        )
                    )
    return below


def packaging_items(application: AssessedApplication) -> list[ChecklistItem]:
    """The checklist items that apply to this product's category and its target markets
    (a GACC registration or the EU's x-height is a rule for food, not for a drum)."""
    return application.packaging_checklist.items_for(
        is_food=application.is_food,
        market_keys=[market.key for market in application.target_markets.all()],
        category_key=application.product.category.key,
    )


def _packaging_results(application: AssessedApplication) -> dict[int, PackagingItemResult]:
    review = application.current_packaging_review
    if review is None:
        return {}
    return {r.item_id: r for r in review.results.all()}


def packaging_changes_problems(application: AssessedApplication) -> list[str]:
    results = _packaging_results(application)
    failed = [r for r in results.values() if r.result == "fail"]
    if not failed:
        return [_("Mark at least one checklist item as failed to request changes.")]
    without_note = [r for r in failed if not r.note.strip()]
    if without_note:
        items = {i.pk: i for i in packaging_items(application)}
        return [
            _("Say what must change for: %(items)s.")
            % {
                "items": ", ".join(
                    str(items[r.item_id].label) if r.item_id in items else str(r.item_id)
                    for r in without_note
                )
            }
        ]
    return []


def packaging_approval_problems(application: AssessedApplication) -> list[str]:
    results = _packaging_results(application)
    unmet = [
        item.label
        for item in packaging_items(application)
        if item.mandatory and (item.pk not in results or results[item.pk].result != "pass")
    ]
    if unmet:
        return [
            _("These mandatory items have not passed: %(items)s.") % {"items": "; ".join(unmet)}
        ]
    return []


def packaging_resubmit_problems(
    application: AssessedApplication, *, next_url: str = ""
) -> list[str]:
    """New packaging evidence since the review asked for changes; the upload page leads
    back to `next_url`."""
    review = application.current_packaging_review
    since = review.closed_at if review and review.closed_at else application.state_changed_at
    new_evidence = Document.objects.filter(
        product=application.product,
        kind__key="packaging_photo",
        uploaded_at__gt=since,
    ).exists()
    if not new_evidence:
        upload = page_link(
            "products:document_upload",
            application.product_id,
            next_url=next_url,
            kind="packaging_photo",
        )
        return [
            Problem(_("Upload new packaging photos or label artwork before resubmitting."), upload)
        ]
    return []
