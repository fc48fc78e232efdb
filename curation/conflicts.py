"""Conflicts of interest, declared by the curators themselves (WORKFLOW.md, "Separation of
duties": a curator who declared one with a business is never assigned to it).

Assigning refuses a conflicted curator (`assignments.curator_problems`). A conflict
declared after the assignment cannot undo it, so it flags it instead: the curator stops
acting on the application at once (`permissions.has_declared_conflict`: no scoring, no
decision, on the pages as in the API), the coordinators are told, and the application's
page and the coordinator's overview show the assignment flagged until the coordinator
chooses another curator (`assignments.application_reassign_curators`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from curation import links, recipients
from curation.models import Application, CuratorAssignment
from curation.notifications import tell
from kernel.errors import WorkflowError
from kernel.roles import Role, user_roles
from kernel.states import FINAL_STATES
from products.models import Business, ConflictOfInterest

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _AnyUser, _User


def may_declare(user: _AnyUser) -> bool:
    return Role.CURATOR in user_roles(user)


def conflicts_of(curator: _User) -> list[ConflictOfInterest]:
    return list(
        ConflictOfInterest.objects.filter(curator=curator)
        .select_related("business__region")
        .order_by("-declared_at", "-pk")
    )


def businesses_to_declare(curator: _User) -> list[Business]:
    """The businesses of the applications the curator curates now (the usual reason to
    declare), to choose from; any other is found by its NIB."""
    return list(
        Business.objects.filter(
            products__applications__assignments__curator=curator,
        )
        .exclude(products__applications__state__in=FINAL_STATES)
        .exclude(conflicts_of_interest__curator=curator)
        .distinct()
        .order_by("name")
    )


def conflict_declare(*, curator: _User, business: Business, reason: str) -> ConflictOfInterest:
    """The curator declares a conflict of interest with `business`. Their open assignments
    to its applications are flagged: the coordinators of each are told to reassign."""
    if not may_declare(curator):
        raise WorkflowError(_("Only curators declare conflicts of interest."))
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Write the reason for the conflict of interest."))
    try:
        with transaction.atomic():
            conflict = ConflictOfInterest.objects.create(
                curator=curator, business=business, reason=reason
            )
            affected = (
                Application.objects.open()
                .filter(assignments__curator=curator, product__business=business)
                .with_related()
                .order_by("pk")
            )
            for application in affected:
                tell(
                    recipients.region_coordinators(application, application.state),
                    "conflict_declared",
                    application=application,
                    path=links.application_page(application),
                    params={"curator": curator.get_full_name() or curator.get_username()},
                    comment=reason,
                )
    except IntegrityError:
        raise WorkflowError(
            _("You already declared a conflict of interest with %(business)s.")
            % {"business": business}
        ) from None
    return conflict


def flagged_assignments(application_ids: Iterable[int]) -> dict[int, set[int]]:
    """Of these applications, the curators who can no longer act on each (by application
    id): they declared a conflict of interest with its business after being assigned, or
    their account was deactivated. One query for any number of applications."""
    ids = list(application_ids)
    if not ids:
        return {}
    rows = (
        CuratorAssignment.objects.filter(application__in=ids)
        .filter(
            Q(curator__is_active=False)
            | Q(curator__conflicts_of_interest__business=F("application__product__business"))
        )
        .values_list("application_id", "curator_id")
        .distinct()
    )
    flagged: dict[int, set[int]] = defaultdict(set)
    for application_id, curator_id in rows:
        flagged[application_id].add(curator_id)
    return dict(flagged)
