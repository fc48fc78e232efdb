"""Moving up (*naik kelas*): how a curation result compares with the product's one
before, and which criteria still stand between it and "export ready".

The bar comes from the rubric, never from here. Its pass mark is a weighted total on
0-100, which a product reaches exactly when every criterion's mean is
pass mark x 5 / 100 (3.50 of 5 for the default rubric's 70): that level is what each
criterion is measured against. A gate criterion must also reach its floor, so its bar
is the higher of the two. A rubric with another pass mark or other floors moves the bar
with it.

Pure arithmetic on `assessments.scoring.Aggregate`s, like the scoring itself.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from assessments.scoring import TWO_PLACES, Aggregate, CriterionResult


def export_ready_level(pass_mark: Decimal | int) -> Decimal:
    """The mean score on every criterion that makes the weighted total the pass mark."""
    return (Decimal(pass_mark) * 5 / 100).quantize(TWO_PLACES, ROUND_HALF_UP)


def criterion_bar(criterion: CriterionResult, level: Decimal) -> Decimal:
    """What this criterion's mean must reach: the export-ready level, or its gate's floor
    where that is higher (`floor` is set only where the gate applies to the product)."""
    if criterion.floor is not None and criterion.floor > level:
        return Decimal(criterion.floor).quantize(TWO_PLACES)
    return level


@dataclass(frozen=True)
class CriterionProgress:
    key: str
    label: str
    weight: int
    mean: Decimal
    bar: Decimal
    # Against the product's previous result on the same criterion (by key, so a newer
    # rubric version still compares); None for a first result.
    change: Decimal | None
    gate_failed: bool

    @property
    def below_bar(self) -> bool:
        return self.mean < self.bar

    @property
    def gap(self) -> Decimal:
        return max(self.bar - self.mean, Decimal(0))


def criteria_progress(
    current: Aggregate, previous: Aggregate | None = None
) -> list[CriterionProgress]:
    """Each criterion of `current`, in the rubric's order, with its bar and its change."""
    level = export_ready_level(current.pass_mark)
    before = {c.key: c.mean for c in previous.criteria} if previous else {}
    return [
        CriterionProgress(
            key=criterion.key,
            label=criterion.label,
            weight=criterion.weight,
            mean=criterion.mean,
            bar=criterion_bar(criterion, level),
            change=criterion.mean - before[criterion.key] if criterion.key in before else None,
            gate_failed=criterion.gate_failed,
        )
        for criterion in current.criteria
    ]


def next_target(criteria: list[CriterionProgress]) -> list[CriterionProgress]:
    """The criteria still under their bar, where work pays most first: a failed gate
    (which fails the product whatever the total), then by the weighted points missing."""
    below = [c for c in criteria if c.below_bar]
    return sorted(below, key=lambda c: (not c.gate_failed, -(c.weight * c.gap)))
