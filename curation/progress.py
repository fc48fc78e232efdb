"""A business's progress (*naik kelas*): each product's applications over time, each with
the grade and per-criterion means of its decided curation, what changed since the
product's result before, and what still stands below the export-ready bar
(`assessments.progress`).

A result is the last scoring round a decision closed (a revision request, a pass, a
rejection): what the MSME has been shown (blind review, `curation.selectors`). A round
still being scored counts for nobody here.

Read in a fixed number of queries whatever the number of products and applications:
the products, their applications, the criteria of the rubrics they used, and the scores
of every decided round in one query.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404

from assessments.forms import in_language
from assessments.models import Criterion, Score, ScoringRound
from assessments.progress import (
    CriterionProgress,
    criteria_progress,
    export_ready_level,
    next_target,
)
from assessments.scoring import Aggregate, aggregate
from curation.models import Application, CuratorAssignment
from curation.permissions import can_view_business_progress
from kernel.states import State
from products.models import Business, Product

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _AnyUser


def get_business_for_progress(user: _AnyUser, pk: int | str) -> Business:
    """The business for its members and the staff of its region's office; 404 for
    anyone else (who learns nothing, not even that it exists)."""
    try:
        business = Business.objects.select_related("region").get(pk=pk)
    except (Business.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_view_business_progress.test(user, business):
        raise Http404
    return business


@dataclass(frozen=True)
class ApplicationProgress:
    application: Application
    result: Aggregate | None  # None: no decided round yet
    criteria: list[CriterionProgress] = field(default_factory=list)
    total_change: Decimal | None = None

    @property
    def grade_label(self) -> str:
        return in_language(self.result.grade) if self.result else ""


@dataclass(frozen=True)
class ProductProgress:
    product: Product
    applications: list[ApplicationProgress]  # the newest first
    latest: ApplicationProgress | None  # the newest with a result
    target: list[CriterionProgress]  # its criteria still below the bar
    level: Decimal | None  # the export-ready level of its rubric

    @property
    def grades(self) -> list[str]:
        """The grades of its results, the oldest first: D → C → B."""
        return [a.result.grade["grade"] for a in reversed(self.applications) if a.result]


def business_progress(business: Business) -> list[ProductProgress]:
    products = list(business.products.select_related("category").order_by("name", "pk"))
    applications = list(
        Application.objects.filter(product__business=business)
        .exclude(state=State.DRAFT)
        # The certificate too: a certified row's badge says if it was revoked or expired.
        .select_related("rubric", "certificate")
        .order_by("created_at", "pk")
    )
    by_product: dict[int, list[Application]] = defaultdict(list)
    for application in applications:
        by_product[application.product_id].append(application)
    results = decided_results(applications, {p.pk: p for p in products})
    return [_product_progress(p, by_product[p.pk], results) for p in products]


def _product_progress(
    product: Product, applications: list[Application], results: dict[int, Aggregate]
) -> ProductProgress:
    rows = []
    previous: Aggregate | None = None
    for application in applications:  # the oldest first, so each compares with the one before
        result = results.get(application.pk)
        if result is None:
            rows.append(ApplicationProgress(application, None))
            continue
        rows.append(
            ApplicationProgress(
                application,
                result,
                criteria=criteria_progress(result, previous),
                total_change=result.total - previous.total if previous else None,
            )
        )
        previous = result
    rows.reverse()
    latest = next((row for row in rows if row.result), None)
    return ProductProgress(
        product=product,
        applications=rows,
        latest=latest,
        target=next_target(latest.criteria) if latest else [],
        level=export_ready_level(latest.result.pass_mark) if latest and latest.result else None,
    )


def decided_results(
    applications: list[Application], products: dict[int, Product]
) -> dict[int, Aggregate]:
    """{application id: the aggregate of its last closed round}, in two queries (also
    the coaching outcomes', `coaching.selectors`). Each application needs its `rubric`,
    and `products` its category."""
    if not applications:
        return {}
    ids = [a.pk for a in applications]
    criteria: dict[int, list[Criterion]] = defaultdict(list)
    for criterion in Criterion.objects.filter(
        rubric__in={a.rubric_id for a in applications}
    ).order_by("rubric", "position", "pk"):
        criteria[criterion.rubric_id].append(criterion)
    last_closed = (
        ScoringRound.objects.filter(
            application=OuterRef("scoresheet__round__application"), closed_at__isnull=False
        )
        .order_by("-number")
        .values("number")[:1]
    )
    # The curators who count: those assigned now (`assessments.rules.counted_sheets`).
    assigned = CuratorAssignment.objects.filter(
        application=OuterRef("scoresheet__round__application"),
        curator=OuterRef("scoresheet__curator"),
    )
    scores = (
        Score.objects.filter(
            scoresheet__round__application__in=ids,
            scoresheet__round__closed_at__isnull=False,
            scoresheet__round__number=Subquery(last_closed),
            scoresheet__submitted_at__isnull=False,
        )
        .filter(Exists(assigned))
        .values_list("scoresheet__round__application", "scoresheet", "criterion", "score")
    )
    sheets: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for application_id, sheet_id, criterion_id, score in scores:
        sheets[application_id][sheet_id].append(
            SimpleNamespace(criterion_id=criterion_id, score=score, comment="")
        )
    results = {}
    for application in applications:
        found = sheets.get(application.pk)
        if not found:
            continue
        scored = [
            SimpleNamespace(scores=SimpleNamespace(all=lambda s=sheet_scores: s))
            for sheet_scores in found.values()
        ]
        results[application.pk] = aggregate(
            application.rubric,
            scored,
            is_food=products[application.product_id].category.is_food,
            criteria=criteria[application.rubric_id],
        )
    return results
