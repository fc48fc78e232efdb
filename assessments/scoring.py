"""Aggregating curators' scoresheets into one result (WORKFLOW.md, Scoring).

Pure arithmetic on plain values so it can be checked on worked examples: per criterion
the mean over curators; the weighted total on a 0-100 scale, sum(weight * mean) / 5
normalised by the weights' sum; gates (a criterion whose mean is below its floor fails
the product whatever the total, some gates for food only); a disagreement flag where
two curators' scores on one criterion differ by the rubric's spread or more.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class CriterionResult:
    key: str
    weight: int
    scores: tuple[int, ...]
    comments: tuple[str, ...]
    mean: Decimal
    floor: int | None
    gate_failed: bool
    disagreement: bool
    # The criterion's name in the language active when aggregating (for the pages).
    label: str = ""
    # What levels of this criterion mean, {"1": {"id": ..., "en": ...}, "3": ..., "5": ...}
    # (`Criterion.anchors`): the result in plain words (`assessments.plain_words`).
    anchors: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Aggregate:
    criteria: tuple[CriterionResult, ...]
    total: Decimal
    grade: dict
    pass_mark: Decimal
    curators: int
    failed_gates: tuple[str, ...] = field(default=())
    disagreements: tuple[str, ...] = field(default=())

    @property
    def passes(self) -> bool:
        return self.total >= self.pass_mark and not self.failed_gates


def aggregate(rubric, scoresheets, *, is_food: bool, criteria=None) -> Aggregate:
    """Aggregate submitted scoresheets (each with `scores` prefetched) under `rubric`,
    whose `criteria` (in their order) a caller that read them already may pass."""
    criteria = list(rubric.criteria.all() if criteria is None else criteria)
    by_criterion: dict[int, list] = {c.pk: [] for c in criteria}
    for sheet in scoresheets:
        for score in sheet.scores.all():
            by_criterion[score.criterion_id].append(score)
    results = []
    weight_sum = sum(c.weight for c in criteria)
    weighted = Decimal(0)
    for criterion in criteria:
        scores = tuple(s.score for s in by_criterion[criterion.pk])
        mean = (Decimal(sum(scores)) / len(scores)) if scores else Decimal(0)
        weighted += criterion.weight * mean
        gate = criterion.gate_applies(is_food=is_food)
        results.append(
            CriterionResult(
                key=criterion.key,
                weight=criterion.weight,
                scores=scores,
                comments=tuple(s.comment for s in by_criterion[criterion.pk] if s.comment),
                mean=mean.quantize(TWO_PLACES, ROUND_HALF_UP),
                floor=criterion.floor if gate else None,
                gate_failed=gate and mean < criterion.floor,
                disagreement=bool(scores)
                and max(scores) - min(scores) >= rubric.disagreement_spread,
                label=str(criterion.label),
                anchors=criterion.anchors or {},
            )
        )
    # The default rubric's weights sum to 100, so this is sum(weight * mean) / 5 as the
    # rubric states; dividing by the weights' sum keeps 0-100 for any other rubric.
    total = (
        (weighted * 100 / (5 * weight_sum)).quantize(TWO_PLACES, ROUND_HALF_UP)
        if weight_sum
        else Decimal(0)
    )
    failed_gates = tuple(r.key for r in results if r.gate_failed)
    # A failed knock-out criterion means "not yet ready" whatever the total: the grade
    # says so too, so no page can show "A, export ready" for a product that cannot pass.
    grade = rubric.grade_for(0 if failed_gates else total)
    return Aggregate(
        criteria=tuple(results),
        total=total,
        grade=grade,
        pass_mark=Decimal(rubric.pass_mark),
        curators=len(scoresheets),
        failed_gates=failed_gates,
        disagreements=tuple(r.key for r in results if r.disagreement),
    )
