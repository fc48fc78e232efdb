"""Reading an application's assessments: a curator's own scoresheet, the scoresheets that
count, the curation result in one read, the running total, the packaging evidence and the
closing packaging review.

What of the curators' scoring each person may see (blind review) reads who is assigned,
which is the workflow's data: `curation.selectors.visible_curation_result`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet, Subquery

from assessments.models import Criterion, PackagingReview, Score, Scoresheet, ScoringRound
from assessments.rules import counted_sheets
from assessments.scoring import Aggregate, aggregate
from products.models import Document

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
    and none of the scoresheets (the certification review): the scores of the current
    round's submitted scoresheets, each with its scoresheet and criterion. Submitting a
    scoresheet takes a score for every criterion of the rubric (`curation.stage_work`),
    so those scores name every criterion; were one left unscored (the query counts the
    rubric's criteria too), the rubric's criteria are read, and it still shows."""
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
        .select_related("scoresheet", "criterion")
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
    counted = counted_sheets(application, list(sheets.values()))
    if not counted:
        return None
    scored = [
        SimpleNamespace(scores=SimpleNamespace(all=lambda scores=sheet_scores[sheet.pk]: scores))
        for sheet in counted
    ]
    if len(criteria) == expected:
        in_order = sorted(criteria.values(), key=lambda c: (c.position, c.pk))
    else:
        in_order = list(application.rubric.criteria.all())
    return aggregate(application.rubric, scored, is_food=application.is_food, criteria=in_order)


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


EVIDENCE_KINDS = ("packaging_photo", "product_photo")


def evidence_documents(application: Application) -> QuerySet[Document]:
    """The product's packaging and product photos, newest first: the packaging review's
    evidence."""
    return (
        Document.objects.filter(product=application.product, kind__key__in=EVIDENCE_KINDS)
        .filter(content_type__startswith="image/")
        .select_related("kind", "uploaded_by")
        .order_by("-uploaded_at", "-pk")
    )


def closing_packaging_review(application: Application) -> PackagingReview | None:
    """The last closed packaging review (the one that approved or asked for changes),
    among the reviews the page loaded with the application (`packaging_reviews`)."""
    closed = [r for r in application.packaging_reviews.all() if r.closed_at is not None]
    return max(closed, key=lambda review: review.number, default=None)
