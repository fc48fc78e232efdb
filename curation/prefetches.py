"""What a page reads of an application several times, loaded once: the lookups that
`with_assessments` prefetches.

A page about an application reads the same rows in its checks, in the conditions of the
transitions it offers (each spec names what its conditions read:
`curation.transition_specs.TransitionSpec.reads`) and in its template. Loaded here once, each
is read from what was loaded: `Application.current_round` and `current_packaging_review`
through the relations' managers (`.all()` answers from a prefetch), `ScoringRound.sheets`
from the list the round was given (`SHEETS_LOADED`). A transition reads them again on the
application it locks.
"""

from django.db.models import Prefetch, prefetch_related_objects

from assessments.models import PackagingItemResult, PackagingReview, Scoresheet, ScoringRound

# The scoring rounds, each with its scoresheets (their curators and scores), as a list
# on the round that `ScoringRound.sheets` reads.
SCORING = (
    "rounds",
    Prefetch(
        "rounds__scoresheets",
        queryset=Scoresheet.objects.select_related("curator").prefetch_related("scores"),
        to_attr=ScoringRound.SHEETS_LOADED,
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
