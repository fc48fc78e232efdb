"""Who may do what to an application: the `rules` predicates, in one place.

Each predicate takes (user, application). Separation of duties lives here too, so the
UI, the API, the admin and `@transition(permission=...)` all enforce it the same way:
nobody acts on a product of a business they belong to, and the certifying officer is
never one of the application's curators. Membership of the business and the staff of
its region are `products.permissions`; the packaging review's are
`assessments.permissions`.

What they read of people (roles, memberships, regions) and of the application (its
curators, `curator_assignments`) is read once per request and shared by every check of
the page (`kernel.request_cache`); the application's state never is, and a transition
checks again on the application it locked, whose curators it reads afresh.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules
from django.db.models import Exists, OuterRef

from assessments.permissions import can_review_packaging
from kernel import request_cache
from kernel.roles import Role, has_role
from kernel.states import State
from products.models import ConflictOfInterest
from products.permissions import (
    is_business_member,
    is_region_certifying_officer,
    is_region_coordinator,
    is_region_packaging_reviewer,
    is_regional_admin,
)

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _AnyUser

    from curation.models import Application, CuratorAssignment


request_cache.forget_when_deleted("curation.CuratorAssignment", "products.ConflictOfInterest")


def curator_assignments(application: Application) -> list[CuratorAssignment]:
    """Who curates `application` now, the lead first, each with the curator loaded: read
    once per request for this instance of the application (a locked copy reads its own)."""

    def load() -> list[CuratorAssignment]:
        # Each with whether its curator has since declared a conflict of interest with the
        # business (`has_declared_conflict`), in the same query.
        declared = ConflictOfInterest.objects.filter(
            curator=OuterRef("curator"), business=OuterRef("application__product__business")
        )
        return list(
            application.assignments.select_related("curator")
            .annotate(conflicted=Exists(declared))
            .order_by("-is_lead", "pk")
        )

    return request_cache.memoized_for(application, "curator_assignments", load)


@rules.predicate
def is_assigned_curator(user: _AnyUser, application: Application) -> bool:
    if not user.is_authenticated:
        return False
    return any(a.curator_id == user.pk for a in curator_assignments(application))


@rules.predicate
def is_lead_curator(user: _AnyUser, application: Application) -> bool:
    if not user.is_authenticated:
        return False
    return any(a.curator_id == user.pk and a.is_lead for a in curator_assignments(application))


def _in_state(*states: State) -> rules.Predicate:
    @rules.predicate(name=f"in_state_{'_'.join(states)}")
    def predicate(user: _AnyUser, application: Application) -> bool:
        return application.state in states

    return predicate


@rules.predicate
def has_declared_conflict(user: _AnyUser, application: Application) -> bool:
    """A conflict of interest declared with the application's business: a curator assigned
    before declaring it stops acting on the application at once (the coordinator is told
    to reassign: `curation.conflicts`)."""
    if not user.is_authenticated:
        return False
    return any(
        a.curator_id == user.pk and getattr(a, "conflicted", False)
        for a in curator_assignments(application)
    )


is_msme_member = has_role(Role.MSME) & is_business_member
is_acting_curator = (
    has_role(Role.CURATOR) & is_assigned_curator & ~is_business_member & ~has_declared_conflict
)
is_acting_lead_curator = (
    has_role(Role.CURATOR) & is_lead_curator & ~is_business_member & ~has_declared_conflict
)

can_submit = is_msme_member
can_withdraw = is_msme_member
can_resubmit = is_msme_member
can_assign_curators = is_region_coordinator
can_request_revision = is_acting_lead_curator | is_region_coordinator
can_pass_curation = is_acting_lead_curator
# The officer who certifies must not have curated the product.
can_certify = is_region_certifying_officer & ~is_assigned_curator
# Each role rejects only from the stage it owns.
can_reject = (
    (_in_state(State.SUBMITTED) & is_region_coordinator)
    | (_in_state(State.IN_CURATION) & is_acting_lead_curator)
    | (_in_state(State.PACKAGING_REVIEW) & can_review_packaging)
    | (_in_state(State.AWAITING_CERTIFICATION) & can_certify)
)

# Changing who curates is not a transition: the coordinator does it while scoring runs.
can_reassign_curators = _in_state(State.IN_CURATION) & is_region_coordinator

# The staff pages beside the application page (curation.views.scoring and
# curation.views.certification_review); the packaging checklist's are
# assessments.permissions.
can_score = is_acting_curator
can_view_curation = is_acting_curator | is_region_coordinator
can_view_certification_review = (
    is_region_certifying_officer | is_region_coordinator | is_regional_admin
)

can_view_application = (
    is_business_member
    | is_region_coordinator
    | is_acting_curator
    | is_region_packaging_reviewer
    | is_region_certifying_officer
    | is_regional_admin
)

rules.add_perm("curation.view_application_object", can_view_application)

# A business's progress page (`curation.progress`): its members, and the staff of the
# office of its region (curators see only the applications they are assigned).
can_view_business_progress = (
    is_business_member
    | is_region_coordinator
    | is_region_packaging_reviewer
    | is_region_certifying_officer
    | is_regional_admin
)
