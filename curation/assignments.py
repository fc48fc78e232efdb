"""Who curates an application: checking a choice of curators, changing them while the
application is in curation, and the record of every change.

The first choice is the `assign_curators` transition (`curation.services`), which checks
it with `curator_problems` and records it with `record_assignment_changes` too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from curation.models import Application, CuratorAssignment, CuratorAssignmentChange
from curation.notifications import notify
from curation.permissions import can_reassign_curators
from curation.selectors import curators_offered
from curation.transitions import stale_error
from kernel.errors import WorkflowError
from kernel.roles import Role
from products.models import ConflictOfInterest

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _User


def curator_problems(
    *, application: Application, curators: Sequence[_User], lead: _User | None
) -> list[str]:
    """What is wrong with this choice of curators for this application."""
    problems = []
    minimum = application.rubric.min_curators
    if len(curators) < minimum:
        problems.append(_("Choose at least %(count)s curators.") % {"count": minimum})
    if lead is None or lead not in curators:
        problems.append(_("Mark one of the chosen curators as lead."))
    business = application.product.business
    conflicted = set(
        ConflictOfInterest.objects.filter(business=business, curator__in=curators).values_list(
            "curator_id", flat=True
        )
    )
    members = set(business.memberships.filter(user__in=curators).values_list("user_id", flat=True))
    chosen = [c.pk for c in curators]
    non_curators = set(chosen) - set(
        get_user_model()
        .objects.filter(pk__in=chosen, groups__name=Role.CURATOR, is_active=True)
        .values_list("pk", flat=True)
    )
    # Whoever the pages offer: the region's curators, and those already assigned (so a
    # reassignment may keep a curator who has since moved to another region). Checked
    # here, not only in the forms, so the API and the admin cannot pick someone else's
    # curators either.
    offered = set(curators_offered(application).filter(pk__in=chosen).values_list("pk", flat=True))
    for curator in curators:
        name = curator.get_full_name() or curator.get_username()
        if curator.pk in non_curators:
            problems.append(_("%(name)s is not a curator.") % {"name": name})
        elif curator.pk not in offered:
            problems.append(
                _("%(name)s does not curate in %(region)s, the region of %(business)s.")
                % {"name": name, "region": business.region.name, "business": business}
            )
        if curator.pk in members:
            problems.append(
                _("%(name)s is a member of %(business)s and cannot curate its products.")
                % {"name": name, "business": business}
            )
        if curator.pk in conflicted:
            problems.append(
                _("%(name)s declared a conflict of interest with %(business)s.")
                % {"name": name, "business": business}
            )
    return problems


def application_reassign_curators(
    *,
    application: Application,
    by: _User,
    curators: Iterable[_User],
    lead: _User | None,
    comment: str,
    seen_version: int | None = None,
) -> Application:
    """Change who curates an application in curation, and who leads.

    Not a transition: the state stays and the audit trail gets no row (it holds exactly
    the transitions taken). The change is kept in `CuratorAssignmentChange` instead.
    Like a transition it runs with the application row locked and checks the choice with
    `curator_problems`. A removed curator loses access at once (their assignment row
    goes), and a scoresheet they already submitted stops counting in the current round's
    aggregate, which reads only the assigned curators' sheets. `seen_version` is the
    `assignment_version` the page showed: a stale page or a second click is refused.
    """
    chosen_curators = list(dict.fromkeys(curators))
    seen_state = application.state
    with transaction.atomic():
        locked = Application.objects.locked(application.pk)
        if locked.state != seen_state:
            raise stale_error(locked)
        if not can_reassign_curators.test(by, locked):
            raise WorkflowError(
                _("You are not allowed to change the curators of this application.")
            )
        if seen_version is not None and assignment_version(locked) != seen_version:
            raise WorkflowError(
                _(
                    "The curators of this application changed while you were looking at it. "
                    "Reload the page and try again."
                ),
                stale=True,
            )
        assigned = {a.curator_id: a for a in locked.assignments.all()}
        old_lead = next((pk for pk, a in assigned.items() if a.is_lead), None)
        problems = curator_problems(application=locked, curators=chosen_curators, lead=lead)
        if not (comment or "").strip():
            problems.append(_("Write why the curators change."))
        chosen = {c.pk for c in chosen_curators}
        if not problems and lead is not None and chosen == set(assigned) and lead.pk == old_lead:
            problems.append(_("Nothing changed: choose other curators or another lead."))
        if problems:
            raise WorkflowError(problems)
        assert lead is not None  # curator_problems refuses a choice without a lead

        removed = [a.curator for pk, a in assigned.items() if pk not in chosen]
        added = [c for c in chosen_curators if c.pk not in assigned]
        relieved = [assigned[old_lead].curator] if old_lead not in (None, lead.pk) else []
        CuratorAssignment.objects.filter(
            application=locked, curator__in=[c.pk for c in removed]
        ).delete()
        # One lead per application (a constraint): relieve the old lead before naming
        # the new one.
        if lead.pk != old_lead:
            CuratorAssignment.objects.filter(application=locked, is_lead=True).update(is_lead=False)
        CuratorAssignment.objects.bulk_create(
            CuratorAssignment(application=locked, curator=c, is_lead=False, assigned_by=by)
            for c in added
        )
        if lead.pk != old_lead:
            CuratorAssignment.objects.filter(application=locked, curator=lead).update(is_lead=True)
        record_assignment_changes(
            locked,
            by=by,
            at=timezone.now(),
            round_number=locked.current_round.number,
            comment=comment.strip(),
            added=added,
            removed=removed,
            lead=lead if lead.pk != old_lead else None,
            relieved=[c for c in relieved if c not in removed],
        )
        notify(locked, "curator_added", source=locked.state, actor=by, extra=added)
        notify(locked, "curator_removed", source=locked.state, actor=by, extra=removed)
    application.refresh_from_db()
    return locked


def assignment_history(application: Application) -> list[CuratorAssignmentChange]:
    """Every change of the application's curators, oldest first, each with the curator and
    who made it: the curator history the staff pages show
    (templates/curation/_assignment_history.html)."""
    return list(application.assignment_history.select_related("curator", "by"))


def assignment_version(
    application: Application, history: Sequence[CuratorAssignmentChange] | None = None
) -> int:
    """A number that changes whenever the application's curators change: what a page
    showing them posts back, so a stale page cannot act on curators it never saw. (A page
    that shows the whole `history` already passes it.)"""
    if history is not None:
        return max((change.pk for change in history), default=0)
    latest = application.assignment_history.order_by("-pk").values_list("pk", flat=True).first()
    return latest or 0


def record_assignment_changes(
    application: Application,
    *,
    by: _User,
    at: datetime,
    round_number: int,
    comment: str,
    added: Iterable[_User] = (),
    removed: Iterable[_User] = (),
    lead: _User | None = None,
    relieved: Iterable[_User] = (),
) -> None:
    Change = CuratorAssignmentChange.Change
    rows = [(c, Change.REMOVED) for c in removed]
    rows += [(c, Change.LEAD_RELIEVED) for c in relieved]
    rows += [(c, Change.ADDED) for c in added]
    if lead is not None:
        rows.append((lead, Change.MADE_LEAD))
    CuratorAssignmentChange.objects.bulk_create(
        CuratorAssignmentChange(
            application=application,
            curator=curator,
            change=change,
            round_number=round_number,
            by=by,
            at=at,
            comment=comment,
        )
        for curator, change in rows
    )
