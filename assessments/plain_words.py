"""The curation result in plain words, for the business that reads it: what the scale
and the pass mark are, and per criterion the level its score reached and what the next
level asks. Everything is read from the application's rubric (its levels, grades, pass
mark and each criterion's level descriptions), never written here: a new rubric version
explains itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from assessments.forms import LEVELS, in_language
from assessments.scoring import Aggregate, CriterionResult

if TYPE_CHECKING:
    from assessments.models import Rubric


@dataclass(frozen=True)
class Level:
    number: int
    name: str


@dataclass(frozen=True)
class CriterionInWords:
    label: str
    mean: Decimal
    # The level the mean has reached (3.5 has reached 3), with the rubric's name for it.
    reached: Level
    # This criterion's own description of the level reached, and of the next one up that
    # the rubric describes ("" when none: at the top, or nothing described).
    means: str
    to_score_higher: str
    # The criterion's share of the total score, in per cent of the weights.
    share: int
    # The gate's minimum when the mean is below it (the product cannot pass), else None.
    below_minimum: int | None
    comments: tuple[str, ...]
    disagreement: bool


@dataclass(frozen=True)
class ResultInWords:
    lowest: Level
    highest: Level
    levels: tuple[Level, ...]
    total: Decimal
    pass_mark: Decimal
    passes: bool
    grade: str
    grade_means: str
    criteria: tuple[CriterionInWords, ...]


def _plain(mean: Decimal) -> Decimal:
    """A mean as few digits as it needs: 3.50 reads 3.5, 4.00 reads 4."""
    return mean.quantize(Decimal(1)) if mean == mean.to_integral() else mean.normalize()


def _levels(rubric: Rubric) -> tuple[Level, ...]:
    """The rubric's scale, lowest first, each level with its name in the active language."""
    names: dict[str, dict[str, str]] = rubric.levels or {}
    numbers = sorted(int(key) for key in names) or list(LEVELS)
    return tuple(Level(n, in_language(names.get(str(n)))) for n in numbers)


def _described(anchors: dict[str, dict[str, str]], keep: Callable[[list[int]], int | None]) -> str:
    """The description of the anchored level `keep` chooses among the anchored numbers."""
    numbers = sorted(int(key) for key in anchors)
    chosen = keep(numbers)
    return in_language(anchors.get(str(chosen))) if chosen is not None else ""


def _criterion(
    result: CriterionResult, levels: tuple[Level, ...], weight_sum: int
) -> CriterionInWords:
    by_number = {level.number: level for level in levels}
    reached_number = max((n for n in by_number if n <= result.mean), default=levels[0].number)
    anchors = result.anchors or {}
    return CriterionInWords(
        label=result.label or result.key,
        mean=_plain(result.mean),
        reached=by_number[reached_number],
        means=_described(
            anchors, lambda numbers: max((n for n in numbers if n <= result.mean), default=None)
        ),
        to_score_higher=_described(
            anchors, lambda numbers: min((n for n in numbers if n > result.mean), default=None)
        ),
        share=round(result.weight * 100 / weight_sum) if weight_sum else 0,
        below_minimum=result.floor if result.gate_failed else None,
        comments=tuple(comment for comment in result.comments if comment.strip()),
        disagreement=result.disagreement,
    )


def in_words(result: Aggregate, rubric: Rubric) -> ResultInWords:
    """`result` (an aggregate under `rubric`) as the business reads it."""
    levels = _levels(rubric)
    weight_sum = sum(c.weight for c in result.criteria)
    return ResultInWords(
        lowest=levels[0],
        highest=levels[-1],
        levels=levels,
        total=result.total,
        pass_mark=result.pass_mark,
        passes=result.passes,
        grade=result.grade.get("grade", ""),
        grade_means=in_language(result.grade),
        criteria=tuple(_criterion(c, levels, weight_sum) for c in result.criteria),
    )
