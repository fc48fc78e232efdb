"""The functions that move an application through the workflow.

Each public service takes keyword arguments, runs one transition in one transaction with
the application row locked, writes exactly one audit row, and schedules its
notifications for after the commit. A refusal raises WorkflowError with every unmet
condition, and changes nothing. What each transition is called, the role it is taken in,
the text it asks for and whom it tells are in its spec (`curation.transitions`), where
each service registers itself (`@service_for`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from assessments.models import PackagingChecklist, PackagingReview, Rubric, ScoringRound
from assessments.rules import curation_result
from curation.models import (
    Application,
    CuratorAssignment,
    CuratorAssignmentChange,
    RevisionRequest,
    TransitionLog,
)
from curation.notifications import notify
from curation.permissions import can_reassign_curators
from curation.selectors import curators_offered
from curation.signals import application_certified
from curation.transitions import SPECS, service_for
from kernel.errors import WorkflowError
from kernel.roles import Role
from products.models import ConflictOfInterest, Document, Market, Product
from products.permissions import is_business_member

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _User


def _transition_meta(name: str) -> Any:
    return getattr(Application, name)._django_fsm


def transition_problems(*, user: _User, application: Application, name: str) -> list[str]:
    """Why `user` cannot take transition `name` on `application` now (empty: they can)."""
    meta = _transition_meta(name)
    label = SPECS[name].label
    transition = meta.get_transition(application.state)
    if transition is None:
        return [
            _("This application is “%(state)s”; “%(action)s” is not possible now.")
            % {"state": application.get_state_display(), "action": label}
        ]
    if not transition.has_perm(application, user):
        return [_("You are not allowed to “%(action)s” this application.") % {"action": label}]
    problems: list[str] = []
    for condition in transition.conditions:
        problems += condition.problems(application)
    return problems


def available_transitions(*, user: _User, application: Application) -> list[str]:
    """The transitions `user` may take on `application` now: exactly what the UI and the
    API offer. (Inputs such as a comment or the curators are asked for by the form.)"""
    return [
        name
        for name in SPECS
        if not transition_problems(user=user, application=application, name=name)
    ]


def offered_transitions(*, user: _User, application: Application) -> dict[str, list[str]]:
    """The transitions `user` holds the permission for in this state, each with what still
    blocks it: for pages that show a to-do list next to a disabled button."""
    return {
        name: transition_problems(user=user, application=application, name=name)
        for name in SPECS
        if is_offered(user=user, application=application, name=name)
    }


def is_offered(*, user: _User, application: Application, name: str) -> bool:
    """Whether `name` is a step of this user's job in the application's current state
    (its conditions may still be unmet)."""
    transition = _transition_meta(name).get_transition(application.state)
    return transition is not None and transition.has_perm(application, user)


def _run(
    name: str,
    *,
    application: Application,
    by: _User,
    comment: str = "",
    validate: Callable[[Application], list[str]] | None = None,
    effects: Callable[[Application], object] | None = None,
    transition_kwargs: Callable[[Application], dict[str, Any]] | None = None,
    notify_extra: Iterable[_User] = (),
) -> Application:
    """Take one transition: lock, check, change, audit, notify after commit. `comment` is
    the transition's written input, kept in the audit row."""
    spec = SPECS[name]
    seen_state = application.state
    try:
        with transaction.atomic():
            # The row lock makes two people pressing the button at once run one after the
            # other; the second then sees the new state and is told to reload.
            locked = Application.objects.locked(application.pk)
            if locked.state != seen_state:
                raise _stale(locked)
            problems: Sequence[str | Promise] = transition_problems(
                user=by, application=locked, name=name
            )
            missing = spec.written_input.missing  # set when the text is required
            if not problems and missing is not None and not comment.strip():
                problems = [missing]
            if not problems and validate is not None:
                problems = validate(locked)
            if problems:
                raise WorkflowError(problems)
            role = spec.role_of(locked, by)
            source = locked.state
            getattr(locked, name)(**(transition_kwargs(locked) if transition_kwargs else {}))
            locked.state_changed_at = timezone.now()
            locked.save(update_fields=["state", "state_changed_at", "final_score", "grade"])
            TransitionLog.objects.create(
                application=locked,
                transition=name,
                source=source,
                target=locked.state,
                actor=by,
                actor_role=role,
                at=locked.state_changed_at,
                comment=comment,
            )
            if effects is not None:
                effects(locked)
            notify(locked, name, source=source, actor=by, comment=comment, extra=notify_extra)
    except ConcurrentTransition:
        # Another process changed the state between our read and our write (SQLite, or a
        # caller that bypassed the lock): nothing of ours was saved.
        raise _stale(Application.objects.get(pk=application.pk)) from None
    application.refresh_from_db()
    return locked


def stale_message(current: Application) -> str:
    return _(
        "This application changed while you were looking at it (it is now “%(state)s”). "
        "Reload the page and try again."
    ) % {"state": current.get_state_display()}


def _stale(current: Application) -> WorkflowError:
    return WorkflowError(stale_message(current), stale=True)


# Creating an application (not a transition: it starts in draft).


def application_create(
    *,
    product: Product,
    by: _User,
    target_markets: Iterable[Market] | None = None,
    previous: Application | None = None,
) -> Application:
    if not is_business_member(by, product.business):
        raise WorkflowError(
            _("Only a member of %(business)s can apply for its products.")
            % {"business": product.business}
        )
    rubric = Rubric.objects.filter(is_active=True).order_by("-version").first()
    checklist = PackagingChecklist.objects.filter(is_active=True).order_by("-version").first()
    if rubric is None or checklist is None:
        raise WorkflowError(_("No active rubric or packaging checklist: load the reference data."))
    in_progress = WorkflowError(
        _("%(product)s already has an application in progress.") % {"product": product}
    )
    if Application.objects.open().filter(product=product).exists():
        raise in_progress
    try:
        with transaction.atomic():
            application = Application.objects.create(
                product=product,
                rubric=rubric,
                packaging_checklist=checklist,
                created_by=by,
                previous=previous,
            )
            markets = target_markets if target_markets is not None else product.target_markets.all()
            application.target_markets.set(markets)
    except IntegrityError:
        # Two clicks at once both passed the check above; the unique constraint on one
        # open application per product let only the first through.
        raise in_progress from None
    return application


# The eleven transitions.


@service_for("submit")
def application_submit(*, application: Application, by: _User, comment: str = "") -> Application:
    return _run("submit", application=application, by=by, comment=comment)


@service_for("assign_curators")
def application_assign_curators(
    *,
    application: Application,
    by: _User,
    curators: Iterable[_User],
    lead: _User | None,
    comment: str = "",
) -> Application:
    chosen = list(dict.fromkeys(curators))

    def validate(locked: Application) -> list[str]:
        return curator_problems(application=locked, curators=chosen, lead=lead)

    def effects(locked: Application) -> None:
        CuratorAssignment.objects.bulk_create(
            CuratorAssignment(application=locked, curator=c, is_lead=(c == lead), assigned_by=by)
            for c in chosen
        )
        ScoringRound.objects.create(application=locked, number=1)
        _record_assignment_changes(
            locked,
            by=by,
            at=locked.state_changed_at,
            round_number=1,
            comment=comment,
            added=chosen,
            lead=lead,
        )

    return _run(
        "assign_curators",
        application=application,
        by=by,
        comment=comment,
        validate=validate,
        effects=effects,
        notify_extra=chosen,
    )


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
            raise _stale(locked)
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
        _record_assignment_changes(
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


def assignment_version(application: Application) -> int:
    """A number that changes whenever the application's curators change: what a page
    showing them posts back, so a stale page cannot act on curators it never saw."""
    latest = application.assignment_history.order_by("-pk").values_list("pk", flat=True).first()
    return latest or 0


def _record_assignment_changes(
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


@service_for("request_revision")
def application_request_revision(
    *, application: Application, by: _User, message: str
) -> Application:
    def effects(locked: Application) -> None:
        ScoringRound.objects.filter(application=locked, closed_at__isnull=True).update(
            closed_at=locked.state_changed_at
        )
        RevisionRequest.objects.create(
            application=locked,
            requested_by=by,
            message=(message or "").strip(),
            requested_at=locked.state_changed_at,
            snapshot=product_snapshot(locked.product),
        )

    return _run(
        "request_revision",
        application=application,
        by=by,
        comment=(message or "").strip(),
        effects=effects,
    )


@service_for("resubmit")
def application_resubmit(*, application: Application, by: _User, answer: str) -> Application:
    def effects(locked: Application) -> None:
        request = locked.revision_requests.order_by("-requested_at").first()
        # The transition's source state is the one a revision request puts it in.
        assert request is not None
        request.answer = (answer or "").strip()
        request.answered_at = locked.state_changed_at
        request.changes = snapshot_changes(request.snapshot, product_snapshot(locked.product))
        request.save(update_fields=["answer", "answered_at", "changes"])
        number = locked.rounds.count() + 1
        ScoringRound.objects.create(application=locked, number=number)

    return _run(
        "resubmit",
        application=application,
        by=by,
        comment=(answer or "").strip(),
        effects=effects,
    )


@service_for("pass_curation")
def application_pass_curation(
    *, application: Application, by: _User, comment: str = ""
) -> Application:
    def kwargs(locked: Application) -> dict[str, Any]:
        result = curation_result(locked)
        assert result is not None  # the transition's conditions required every curator's scores
        return {"total": result.total, "grade": result.grade["grade"]}

    def effects(locked: Application) -> None:
        ScoringRound.objects.filter(application=locked, closed_at__isnull=True).update(
            closed_at=locked.state_changed_at
        )
        _open_packaging_review(locked)

    return _run(
        "pass_curation",
        application=application,
        by=by,
        comment=comment,
        transition_kwargs=kwargs,
        effects=effects,
    )


def _open_packaging_review(application: Application) -> None:
    number = application.packaging_reviews.count() + 1
    PackagingReview.objects.create(
        application=application, number=number, checklist=application.packaging_checklist
    )


def _close_packaging_review(application: Application, by: _User) -> None:
    PackagingReview.objects.filter(application=application, closed_at__isnull=True).update(
        closed_at=application.state_changed_at, reviewer=by
    )


@service_for("request_packaging_changes")
def application_request_packaging_changes(
    *, application: Application, by: _User, comment: str = ""
) -> Application:
    return _run(
        "request_packaging_changes",
        application=application,
        by=by,
        comment=comment,
        effects=lambda locked: _close_packaging_review(locked, by),
    )


@service_for("resubmit_packaging")
def application_resubmit_packaging(
    *, application: Application, by: _User, comment: str = ""
) -> Application:
    return _run(
        "resubmit_packaging",
        application=application,
        by=by,
        comment=comment,
        effects=_open_packaging_review,
    )


@service_for("approve_packaging")
def application_approve_packaging(
    *, application: Application, by: _User, comment: str = ""
) -> Application:
    return _run(
        "approve_packaging",
        application=application,
        by=by,
        comment=comment,
        effects=lambda locked: _close_packaging_review(locked, by),
    )


@service_for("certify")
def application_certify(*, application: Application, by: _User, comment: str = "") -> Application:
    # The certificate (and its number) is issued in the certify transaction itself, by the
    # certificates app's receiver of `application_certified`.
    def effects(locked: Application) -> None:
        if not application_certified.send(sender=Application, application=locked, by=by):
            raise ImproperlyConfigured("Nothing issues certificates: is `certificates` installed?")

    return _run("certify", application=application, by=by, comment=comment, effects=effects)


@service_for("reject")
def application_reject(*, application: Application, by: _User, reason: str) -> Application:
    def effects(locked: Application) -> None:
        ScoringRound.objects.filter(application=locked, closed_at__isnull=True).update(
            closed_at=locked.state_changed_at
        )
        PackagingReview.objects.filter(application=locked, closed_at__isnull=True).update(
            closed_at=locked.state_changed_at
        )

    return _run(
        "reject",
        application=application,
        by=by,
        comment=(reason or "").strip(),
        effects=effects,
    )


@service_for("withdraw")
def application_withdraw(*, application: Application, by: _User, comment: str = "") -> Application:
    return _run("withdraw", application=application, by=by, comment=comment)


# What changed between a revision request and the answer.


def product_snapshot(product: Product) -> dict[str, str | list[str]]:
    fields = [
        "name",
        "hs_code",
        "description",
        "materials",
        "monthly_capacity",
        "capacity_unit",
        "shelf_life_days",
        "fob_price",
        "fob_currency",
    ]
    data: dict[str, str | list[str]] = {
        f: str(getattr(product, f) if getattr(product, f) is not None else "") for f in fields
    }
    data["category"] = product.category.key
    data["target_markets"] = sorted(product.target_markets.values_list("key", flat=True))
    data["documents"] = sorted(
        Document.objects.filter(
            Q(business=product.business, product__isnull=True) | Q(product=product)
        ).values_list("sha256", flat=True)
    )
    return data


def snapshot_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    changes = [key for key in after if key != "documents" and before.get(key) != after[key]]
    added = set(after.get("documents", [])) - set(before.get("documents", []))
    removed = set(before.get("documents", [])) - set(after.get("documents", []))
    if added:
        changes.append(f"documents_added:{len(added)}")
    if removed:
        changes.append(f"documents_removed:{len(removed)}")
    return changes
