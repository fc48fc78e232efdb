"""Reading an application's assessments: a curator's own scoresheet, the scoresheets that
count, the running total, the packaging evidence and the closing packaging review.

What of the curators' scoring each person may see (blind review) reads who is assigned,
which is the workflow's data: `curation.selectors.visible_curation_result`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from assessments.models import Criterion, PackagingReview, Scoresheet
from assessments.scoring import aggregate
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
    return Scoresheet.objects.filter(round=current, curator=user).prefetch_related("scores").first()


def counted_scoresheets(application: Application) -> list[Scoresheet]:
    """The current round's submitted scoresheets that count: those of the curators
    assigned now (the same ones `curation_result` aggregates), each with its curator and
    scores, for pages that show who scored what."""
    current = application.current_round
    if current is None:
        return []
    return list(
        current.scoresheets.filter(
            submitted_at__isnull=False, curator__curator_assignments__application=application
        )
        .select_related("curator")
        .prefetch_related("scores")
        .order_by("submitted_at", "pk")
    )


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
    """The last closed packaging review (the one that approved or asked for changes)."""
    return (
        application.packaging_reviews.filter(closed_at__isnull=False)
        .select_related("reviewer")
        .order_by("-number")
        .first()
    )
