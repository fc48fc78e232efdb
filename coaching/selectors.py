"""Reading coaching: an office's programmes, the programmes an application can be
referred to, an application's referrals, and a programme's outcomes (who was referred,
who attended, and whether their next application scored higher on the criteria named).

The outcomes reuse the progress page's reading of decided results
(`curation.progress.decided_results`: the last scoring round a decision closed, what the
business was shown) and compare criteria by key, as it does, so a newer rubric version
still compares. A fixed number of queries whatever the number of referrals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from assessments.models import Criterion, Rubric
from assessments.progress import criteria_progress
from assessments.scoring import TWO_PLACES, Aggregate
from coaching.models import CoachingProgramme, Referral
from coaching.permissions import can_manage_programme
from curation.models import Application
from curation.progress import decided_results
from kernel import request_cache
from kernel.states import State
from offices.models import Office

if TYPE_CHECKING:
    from django.contrib.auth.models import _AnyUser


request_cache.forget_when_deleted("coaching.Referral")


def programmes_of(office: Office) -> QuerySet[CoachingProgramme]:
    """The office's programmes, the newest first, each with how many businesses were
    referred to it and how many said they attended (one query)."""
    return office.coaching_programmes.annotate(
        referred=Count("referrals"),
        attended=Count("referrals", filter=Q(referrals__attended_at__isnull=False)),
    ).order_by("-starts_on", "name", "pk")


def get_programme_for_user(user: _AnyUser, pk: int | str) -> CoachingProgramme:
    """A programme for the staff of its office who manage programmes; 404 for anyone else."""
    try:
        programme = CoachingProgramme.objects.select_related("office").get(pk=pk)
    except (CoachingProgramme.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_manage_programme.test(user, programme):
        raise Http404
    return programme


def office_serving(application: Application) -> Office | None:
    return Office.objects.serving(application.region_id).first()


def programmes_offered(application: Application) -> QuerySet[CoachingProgramme]:
    """The programmes the application's business can be referred to: the active ones of
    the office that serves its region, not yet ended."""
    return CoachingProgramme.objects.filter(
        office__served__region_id=application.region_id
    ).open_for_referral(timezone.localdate())


def referrals_of(application: Application) -> list[Referral]:
    """The application's referrals, the newest first, each with its programme: read once
    per request for this instance (the application page's panel and its next step)."""

    def load() -> list[Referral]:
        return list(application.referrals.select_related("programme").order_by("-created_at"))

    return request_cache.memoized_for(application, "coaching_referrals", load)


def current_criteria() -> list[Criterion]:
    """The criteria of the newest active rubric, in its order: what a programme can name."""
    rubric = Rubric.objects.filter(is_active=True).order_by("-version").first()
    return list(rubric.criteria.all()) if rubric else []


def criterion_labels(keys: Iterable[str]) -> dict[str, str]:
    """{key: its label in the active language}, from the newest rubric version naming it."""
    labels: dict[str, str] = {}
    for criterion in Criterion.objects.filter(key__in=set(keys)).order_by(
        "key", "-rubric__version"
    ):
        labels.setdefault(criterion.key, criterion.label)
    return labels


def decided_result(application: Application) -> Aggregate | None:
    """The application's last decided result (what its business was shown), or None."""
    return decided_results([application], {application.product_id: application.product}).get(
        application.pk
    )


def low_criteria(result: Aggregate | None) -> list[str]:
    """The keys of the criteria below their export-ready bar in `result`."""
    if result is None:
        return []
    return [c.key for c in criteria_progress(result) if c.below_bar]


def default_criteria(programme: CoachingProgramme, result: Aggregate | None) -> list[str]:
    """What a referral asks to improve when the referrer names nothing: the programme's
    criteria that the application scored low on; all the programme's when none were (or
    nothing was scored: a rejection before curation)."""
    low = set(low_criteria(result))
    chosen = [key for key in programme.criteria if key in low]
    return chosen or list(programme.criteria)


# A programme's outcomes.


@dataclass(frozen=True)
class CriterionChange:
    key: str
    label: str
    before: Decimal | None
    after: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class ReferralOutcome:
    referral: Referral
    # The product's first application made after the referred one (None: not yet).
    next_application: Application | None
    criteria: list[CriterionChange] = field(default_factory=list)

    @property
    def scored_again(self) -> bool:
        return any(c.after is not None for c in self.criteria)

    @property
    def improved(self) -> bool | None:
        """Higher on the named criteria taken together; None until scored again."""
        changes = [c.change for c in self.criteria if c.change is not None]
        if not changes:
            return None
        return sum(changes) > 0


@dataclass(frozen=True)
class ProgrammeOutcomes:
    referrals: list[ReferralOutcome]
    # Per criterion the programme addresses: the mean before → after over the referrals
    # that named it and were scored again.
    summary: list[CriterionChange]

    @property
    def attended(self) -> int:
        return sum(1 for row in self.referrals if row.referral.attended)

    @property
    def improved(self) -> int:
        return sum(1 for row in self.referrals if row.improved)


def _mean(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(TWO_PLACES, ROUND_HALF_UP)


def programme_outcomes(programme: CoachingProgramme) -> ProgrammeOutcomes:
    """Each referral to `programme`, the newest first, with the named criteria's means on
    the referred application and on the product's next application (in five queries)."""
    referrals = list(
        programme.referrals.select_related(
            "business", "referred_by", "application__product__category", "application__rubric"
        ).order_by("-created_at", "-pk")
    )
    products = {r.application.product_id: r.application.product for r in referrals}
    applications = list(
        Application.objects.filter(product__in=products)
        .exclude(state=State.DRAFT)
        .select_related("rubric")
        .order_by("created_at", "pk")
    )
    by_product: dict[int, list[Application]] = defaultdict(list)
    for application in applications:
        by_product[application.product_id].append(application)
    results = decided_results(applications, products)
    labels = criterion_labels(
        {key for r in referrals for key in r.criteria} | set(programme.criteria)
    )

    rows = []
    before_after: dict[str, tuple[list[Decimal], list[Decimal]]] = defaultdict(lambda: ([], []))
    for referral in referrals:
        referred = referral.application
        later = [
            a
            for a in by_product[referred.product_id]
            if (a.created_at, a.pk) > (referred.created_at, referred.pk)
        ]
        following = later[0] if later else None
        before = _means(results.get(referred.pk))
        after = _means(results.get(following.pk)) if following else {}
        changes = [
            CriterionChange(key, labels.get(key, key), before.get(key), after.get(key))
            for key in referral.criteria
        ]
        for change in changes:
            if change.before is not None and change.after is not None:
                before_after[change.key][0].append(change.before)
                before_after[change.key][1].append(change.after)
        rows.append(ReferralOutcome(referral, following, changes))
    summary = [
        CriterionChange(
            key, labels.get(key, key), _mean(before_after[key][0]), _mean(before_after[key][1])
        )
        for key in programme.criteria
    ]
    return ProgrammeOutcomes(rows, summary)


def _means(result: Aggregate | None) -> dict[str, Decimal]:
    return {c.key: c.mean for c in result.criteria} if result else {}
