"""What of the curators' scoring each person may see (WORKFLOW.md, blind review)."""

from curation.checks import curation_result
from curation.permissions import is_assigned_curator, is_business_member


def visible_curation_result(user, application):
    """The aggregate this user may see now, or None.

    - A curator sees the others' scores only once their own scoresheet for the current
      round is submitted.
    - The MSME sees the result only after a decision closed the round, and never who
      wrote which comment (the aggregate carries no curator).
    - Other staff of the application (coordinator, reviewer, officer) see it once scored.
    """
    current = application.current_round
    if current is None:
        return None
    if is_business_member(user, application):
        return curation_result(application) if current.closed_at is not None else None
    if is_assigned_curator(user, application):
        own_submitted = current.scoresheets.filter(
            curator=user, submitted_at__isnull=False
        ).exists()
        if not own_submitted:
            return None
    return curation_result(application)
