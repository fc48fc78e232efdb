"""What the staff workspaces beside the application page share: the curator's scoresheet
and the curation result (`scoring`), the packaging checklist (`packaging`), and the
certifying officer's certification review (`certification_review`); each beside the
evidence (`curation.evidence`, its files in `evidence`).

They live in curation, not in assessments: each page shows assessment data (scores,
checklists) but also reads the workflow's rules, who is assigned, and the transitions the
user may take, and only the higher layer may read both.

Each view loads the application through `get_application_for_user` (404 for whoever may
not see it), checks the page's own predicate (403 with the reason), loads what it reads
several times once (`curation.prefetches`), and changes state only on POST through one
service. Decisions are the generic transition pages: these pages link to exactly the
transitions the user may take, with what still blocks them.
"""

from django.shortcuts import render

from curation import services
from curation.transitions import SPECS


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
