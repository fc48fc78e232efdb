"""Who may do what with coaching: the `rules` predicates, in one place.

- An office's programmes are managed by its coordinators and office administrators
  (`Profile.office`), never by another office's staff.
- A business is referred from one of its applications by the application's lead curator
  or the coordinator of its region (the people who decide on it, `curation.permissions`),
  and only after a decision that calls for it: a revision request, a rejection, or a
  result graded C or D.
- Only a member of the business (an MSME) says it attended.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules

from curation.permissions import is_acting_lead_curator, is_msme_member
from kernel import request_cache
from kernel.roles import Role, has_role
from kernel.states import State
from offices.models import Office
from products.permissions import is_region_coordinator

if TYPE_CHECKING:
    from django.contrib.auth.models import _AnyUser

    from coaching.models import CoachingProgramme, Referral


# The grades whose words say "needs coaching" or "not yet ready" (the default rubric's
# C and D); a result graded so may be referred even when it was passed.
COACHING_GRADES = ("C", "D")
REFERRABLE_STATES = (State.REVISION_REQUESTED, State.REJECTED)


def office_of(user: _AnyUser) -> Office | None:
    """The office `user` works for (`Profile.office`), read once per request."""
    if not user.is_authenticated:
        return None
    return request_cache.memoized(
        ("coaching_office", user.pk), lambda: Office.objects.filter(staff__user=user).first()
    )


manages_programmes = has_role(Role.COORDINATOR) | has_role(Role.OFFICE_ADMIN)


@rules.predicate
def works_in_programme_office(user: _AnyUser, programme: CoachingProgramme) -> bool:
    office = office_of(user)
    return office is not None and programme.office_id == office.pk


@rules.predicate
def has_an_office(user: _AnyUser) -> bool:
    return office_of(user) is not None


can_manage_programmes = manages_programmes & has_an_office
can_manage_programme = manages_programmes & works_in_programme_office


@rules.predicate
def calls_for_coaching(user: _AnyUser, application: Any) -> bool:
    """A decision that asks the business to improve: a revision request, a rejection, or
    a grade C or D."""
    return application.state in REFERRABLE_STATES or application.grade in COACHING_GRADES


can_refer = calls_for_coaching & (is_acting_lead_curator | is_region_coordinator)


@rules.predicate
def is_referred_business_member(user: _AnyUser, referral: Referral) -> bool:
    return is_msme_member.test(user, referral.application)


can_declare_attendance = is_referred_business_member
