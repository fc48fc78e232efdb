"""What the staff workspaces beside the application page share: the curator's scoresheet
and the curation result (`scoring`), the packaging checklist and its evidence photos
(`packaging`), and the certifying officer's certification review
(`certification_review`).

They live in curation, not in assessments: each page shows assessment data (scores,
checklists) but also reads the workflow's rules, who is assigned, and the transitions the
user may take, and only the higher layer may read both.

Each view loads the application through `get_application_for_user` (404 for whoever may
not see it), checks the page's own predicate (403 with the reason), and changes state
only on POST through one service. Decisions are the generic transition pages: these
pages link to exactly the transitions the user may take, with what still blocks them.
"""

from django.db.models import Count, Prefetch, Subquery, prefetch_related_objects
from django.shortcuts import render

from assessments.models import PackagingItemResult, PackagingReview, Scoresheet
from curation import services
from curation.transitions import SPECS

# What the pages read of an application several times (in their checks, the transitions'
# conditions and the template), each loaded once by `with_assessments`.
# The scoring rounds, each with its scoresheets (their curators and scores).
SCORING = (
    "rounds",
    Prefetch(
        "rounds__scoresheets",
        queryset=Scoresheet.objects.select_related("curator").prefetch_related("scores"),
    ),
)
# The packaging reviews, each with its results (and their checklist items).
PACKAGING = (
    Prefetch("packaging_reviews", queryset=PackagingReview.objects.select_related("reviewer")),
    Prefetch(
        "packaging_reviews__results", queryset=PackagingItemResult.objects.select_related("item")
    ),
)
MARKETS = ("target_markets",)
CRITERIA = ("rubric__criteria",)
CHECKLIST = ("packaging_checklist__items",)


def with_assessments(application, *lookups):
    """The application with the rows of `lookups` (the tuples above) loaded once, for a
    page whose checks and template read them several times: `Application.current_round`
    and `current_packaging_review`, `ScoringRound.sheets`, whether there are any, the
    rubric's criteria, the checklist's items, the markets. Only for showing: a
    transition reads them again on the application it locks."""
    prefetch_related_objects([application], *lookups)
    return application


def with_packaging_results(application):
    """The application with the rows of `PACKAGING` loaded (its packaging reviews, each
    with its results and their checklist items) in one query instead of two, for a page
    that needs no review without results: the results of all its reviews, each with its
    review and item. The query counts the reviews too, so one without results (a review
    just opened) is never missed: then it is the two queries of `PACKAGING`."""
    review_count = (
        PackagingReview.objects.filter(application=application.pk)
        .order_by()
        .values("application")
        .annotate(n=Count("pk"))
        .values("n")
    )
    results = list(
        PackagingItemResult.objects.filter(review__application=application.pk)
        .select_related("review__reviewer", "item")
        .annotate(reviews=Subquery(review_count))
        .order_by("review__number", "pk")
    )
    reviews: dict[int, PackagingReview] = {}
    by_review: dict[int, list[PackagingItemResult]] = {}
    for result in results:
        result.review = reviews.setdefault(result.review_id, result.review)
        by_review.setdefault(result.review_id, []).append(result)
    if not results or len(reviews) != results[0].reviews:
        return with_assessments(application, *PACKAGING)
    _set_prefetched(application, "packaging_reviews", list(reviews.values()))
    for review in reviews.values():
        _set_prefetched(review, "results", by_review[review.pk])
    return application


def _set_prefetched(instance, relation, rows):
    """Leave `rows` on `instance` as `prefetch_related(relation)` would have: its related
    manager answers with them (`Application.current_packaging_review` and the rules read
    them there)."""
    queryset = getattr(instance, relation).all()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[relation] = queryset


def refused(request, application, message):
    """The 403 page of a workspace the user may not open, with the reason."""
    return render(
        request,
        "curation/transition_refused.html",
        {"application": application, "problems": [message]},
        status=403,
    )


def offered_actions(user, application, names):
    """The user's transitions among `names` in this state, each with what blocks it."""
    offered = services.offered_transitions(user=user, application=application)
    return [
        {"name": name, "label": SPECS[name].label, "problems": offered[name]}
        for name in names
        if name in offered
    ]
