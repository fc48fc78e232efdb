"""Reading an application's assessments: a curator's own scoresheet, the scoresheets that
count, the curation result in one read, the running total, the kinds of photo that are the
packaging evidence, and the closing packaging review.

What of the curators' scoring each person may see (blind review) reads who is assigned,
which is the workflow's data: `curation.selectors.visible_curation_result`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import TYPE_CHECKING

from django.db.models import Count, Subquery

from assessments.models import Criterion, PackagingReview, Score, Scoresheet, ScoringRound
from assessments.rules import counted_sheets
from assessments.scoring import Aggregate, aggregate

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _User

    from curation.models import Application


def own_scoresheet(user: _User, application: Application) -> Scoresheet | None:
    """The user's scoresheet for the application's current round (with its scores), or None."""
    current = application.current_round
    if current is None:
        return None
    return next((sheet for sheet in current.sheets() if sheet.curator_id == user.pk), None)


def counted_scoresheets(application: Application) -> list[Scoresheet]:
    """The current round's submitted scoresheets that count: those of the curators
    assigned now (the same ones `curation_result` aggregates), each with its curator and
    scores, for pages that show who scored what."""
    current = application.current_round
    if current is None:
        return []
    counted = counted_sheets(application, current.sheets())
    return sorted(counted, key=lambda sheet: (sheet.submitted_at, sheet.pk))


def curation_result_in_one_read(application: Application) -> Aggregate | None:
    """`assessments.rules.curation_result` in one query, for a page that shows the result
    and none of the scoresheets (the certification review): `current_round_in_one_read`."""
    return current_round_in_one_read(application).result


@dataclass(frozen=True)
class RoundInOneRead:
    """What a page that shows the curation result, and none of the scoresheets, needs of
    the current scoring round: whether a decision closed it, who submitted their scores
    in it, and the result (None until a counted scoresheet is submitted). Who may see the
    result is the workflow's rule (`curation.selectors.visible_curation_result`)."""

    closed: bool
    submitted_by: frozenset[int]
    result: Aggregate | None


def current_round_in_one_read(application: Application) -> RoundInOneRead:
    """The current round in one query: the scores of its submitted scoresheets, each with
    its scoresheet, round and criterion. Submitting a scoresheet takes a score for every
    criterion of the rubric (`curation.stage_work`), so those scores name every criterion;
    were one left unscored (the query counts the rubric's criteria too), the rubric's
    criteria are read, and it still shows. A round without a submitted scoresheet reads
    as open, with nobody's scores: it has no result for anyone to see."""
    current_number = (
        ScoringRound.objects.filter(application=application.pk)
        .order_by("-number")
        .values("number")[:1]
    )
    rubric_criteria = (
        Criterion.objects.filter(rubric=application.rubric_id)
        .order_by()
        .values("rubric")
        .annotate(n=Count("pk"))
        .values("n")
    )
    scores = (
        Score.objects.filter(
            scoresheet__round__application=application.pk,
            scoresheet__round__number=Subquery(current_number),
            scoresheet__submitted_at__isnull=False,
        )
        .select_related("scoresheet__round", "criterion")
        .annotate(rubric_criteria=Subquery(rubric_criteria))
        .order_by("scoresheet", "criterion__position", "criterion")
    )
    sheets: dict[int, Scoresheet] = {}
    sheet_scores: dict[int, list[Score]] = {}
    criteria: dict[int, Criterion] = {}
    expected = 0
    for score in scores:
        sheets.setdefault(score.scoresheet_id, score.scoresheet)
        sheet_scores.setdefault(score.scoresheet_id, []).append(score)
        criteria.setdefault(score.criterion_id, score.criterion)
        expected = score.rubric_criteria
    in_round = next(iter(sheets.values()), None)
    closed = in_round is not None and in_round.round.closed_at is not None
    submitted_by = frozenset(sheet.curator_id for sheet in sheets.values())
    counted = counted_sheets(application, list(sheets.values()))
    if not counted:
        return RoundInOneRead(closed=closed, submitted_by=submitted_by, result=None)
    scored = [
        SimpleNamespace(scores=SimpleNamespace(all=lambda scores=sheet_scores[sheet.pk]: scores))
        for sheet in counted
    ]
    if len(criteria) == expected:
        in_order = sorted(criteria.values(), key=lambda c: (c.position, c.pk))
    else:
        in_order = list(application.rubric.criteria.all())
    result = aggregate(application.rubric, scored, is_food=application.is_food, criteria=in_order)
    return RoundInOneRead(closed=closed, submitted_by=submitted_by, result=result)


@dataclass(frozen=True)
class RunningTotal:
    total: Decimal
    scored: int
    criteria: int
    below_floor: tuple[str, ...]


def running_total(
    application: Application,
    criteria: Sequence[Criterion],
    scores: Mapping[str, int | None],
) -> RunningTotal:
    """One curator's weighted total so far, by the aggregate's own formula (criteria not
    yet scored count as 0), and the gates their scores fall below."""
    sheet = SimpleNamespace(
        scores=SimpleNamespace(
            all=lambda: [
                SimpleNamespace(criterion_id=c.pk, score=scores[c.key], comment="")
                for c in criteria
                if scores.get(c.key) is not None
            ]
        )
    )
    result = aggregate(application.rubric, [sheet], is_food=application.is_food)
    labels = {c.key: c.label for c in criteria}
    scored = {c.key for c in criteria if scores.get(c.key) is not None}
    return RunningTotal(
        total=result.total,
        scored=len(scored),
        criteria=len(criteria),
        below_floor=tuple(labels[key] for key in result.failed_gates if key in scored),
    )


# The kinds of document that are photos of the product and its packaging: the packaging
# review's evidence, drawn as pictures beside every workspace (`curation.evidence`).
EVIDENCE_KINDS = ("packaging_photo", "product_photo")


def closing_packaging_review(application: Application) -> PackagingReview | None:
    """The last closed packaging review (the one that approved or asked for changes),
    among the reviews the page loaded with the application (`packaging_reviews`)."""
    closed = [r for r in application.packaging_reviews.all() if r.closed_at is not None]
    return max(closed, key=lambda review: review.number, default=None)
