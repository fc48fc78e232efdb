"""What the staff workspaces beside the application page share: the curator's scoresheet
and the curation result (`scoring`), the packaging checklist (`packaging`), and the
certifying officer's certification review (`certification_review`); each beside the
evidence (`curation.evidence`, its files in `evidence`).

They live in curation, not in assessments: each page shows assessment data (scores,
checklists) but also reads the workflow's rules, who is assigned, and the transitions the
user may take, and only the higher layer may read both.

Each view loads the application through `get_application_for_user` (404 for whoever may
not see it), checks the page's own predicate (403 with the reason), and changes state
only on POST through one service. Decisions are the generic transition pages: these
pages link to exactly the transitions the user may take, with what still blocks them.
"""

from django.db.models import Prefetch, prefetch_related_objects
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


# What the conditions of a page's steps read several times (on the application page, each
# step of the user's job in this state; on a step's own page, that step), beyond the
# markets every page about an application shows: passing curation reads the current
# round's scoresheets and the rubric's criteria; approving the packaging and certifying,
# the packaging reviews with their results and the checklist's items; asking for
# packaging changes, the reviews with their results (the items only to name one that
# lacks a note). The other steps read what they read once, or nothing.
READ_BY_STEPS = {
    "pass_curation": (*SCORING, *CRITERIA),
    "request_packaging_changes": PACKAGING,
    "approve_packaging": (*PACKAGING, *CHECKLIST),
    "certify": (*PACKAGING, *CHECKLIST),
}


def read_by_steps(names):
    """The lookups (for `with_assessments`) that the conditions of the steps `names` read,
    each once."""
    return list(dict.fromkeys(lookup for name in names for lookup in READ_BY_STEPS.get(name, ())))


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
