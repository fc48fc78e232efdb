"""The functions that move an application through the workflow.

Each public service takes keyword arguments, runs one transition in one transaction with
the application row locked, writes exactly one audit row, and schedules its
notifications for after the commit. A refusal raises WorkflowError with every unmet
condition, and changes nothing. What each transition is called, the role it is taken in,
the text it asks for and whom it tells are in its spec (`curation.transitions`), where
each service registers itself (`@service_for`).

Changing the curators of an application in curation is not a transition: it is
`curation.assignments.application_reassign_curators`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from assessments.in_use import versions_for_region
from assessments.models import PackagingReview, ScoringRound
from assessments.rules import curation_result
from curation.assignments import curator_problems, record_assignment_changes
from curation.models import (
    MET_CONDITIONS,
    Application,
    CuratorAssignment,
    RevisionRequest,
    TransitionLog,
)
from curation.notifications import notify
from curation.signals import application_certified
from curation.snapshots import product_snapshot, snapshot_changes
from curation.transitions import SPECS, service_for, stale_error
from curation.unserved import tell_superusers_if_unserved
from kernel.errors import WorkflowError
from kernel.states import State
from offices.routing import office_serving
from products.models import Market, Product
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


def _note_conditions_met(application: Application, name: str) -> None:
    """Tell django-fsm that `name`'s conditions were just checked on this locked row."""
    transition = _transition_meta(name).get_transition(application.state)
    met = {(application.state, condition.problems) for condition in transition.conditions}
    setattr(application, MET_CONDITIONS, met)


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
                raise stale_error(locked)
            problems: Sequence[str | Promise] = transition_problems(
                user=by, application=locked, name=name
            )
            if not problems:
                # Read on the locked row: what this application asks for now (passing over
                # a gate score below its floor takes a reason), not what a page showed.
                missing = spec.input_for(locked).missing  # set when the text is required
                if missing is not None and not comment.strip():
                    problems = [missing]
            if not problems and validate is not None:
                problems = validate(locked)
            if problems:
                raise WorkflowError(problems)
            _note_conditions_met(locked, name)
            role = spec.role_of(locked, by)
            source, source_since = locked.state, locked.state_changed_at
            getattr(locked, name)(**(transition_kwargs(locked) if transition_kwargs else {}))
            changed = locked.entered_state(timezone.now())
            locked.save(update_fields=[*changed, "final_score", "grade"])
            TransitionLog.objects.create(
                application=locked,
                transition=name,
                source=source,
                target=locked.state,
                actor=by,
                actor_role=role,
                at=locked.state_changed_at,
                source_since=source_since,
                comment=comment,
            )
            if effects is not None:
                effects(locked)
            notify(locked, name, source=source, actor=by, comment=comment, extra=notify_extra)
    except ConcurrentTransition:
        # Another process changed the state between our read and our write (SQLite, or a
        # caller that bypassed the lock): nothing of ours was saved.
        raise stale_error(Application.objects.get(pk=application.pk)) from None
    application.refresh_from_db()
    return locked


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
    # The versions the business's office chose, else the newest active ones.
    rubric, checklist = versions_for_region(product.business.region_id)
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


def product_submit(*, product: Product, by: _User, comment: str = "") -> Application:
    """Submit `product` for curation in one step, from its review page: its draft
    application if it has one, else a new one (following its latest rejected or certified
    application). Refused, nothing is kept, not even the new draft. A second press (a
    double click, the page sent again) finds it submitted already and changes nothing."""
    try:
        return _product_submit(product=product, by=by, comment=comment)
    except WorkflowError:
        # Told after the rollback of the refused submission, so that the notice stays.
        tell_superusers_if_unserved(product.business)
        raise


def _product_submit(*, product: Product, by: _User, comment: str = "") -> Application:
    with transaction.atomic():
        application = Application.objects.open().filter(product=product).first()
        if application is not None and application.state != State.DRAFT:
            raise WorkflowError(
                _("%(product)s was already submitted: its application is “%(state)s”.")
                % {"product": product.name, "state": application.get_state_display()},
                stale=True,
            )
        if application is None:
            previous = (
                product.applications.filter(state__in=[State.REJECTED, State.CERTIFIED])
                .order_by("-created_at")
                .first()
            )
            application = application_create(product=product, by=by, previous=previous)
        return application_submit(application=application, by=by, comment=comment)


# The eleven transitions.


@service_for("submit")
def application_submit(*, application: Application, by: _User, comment: str = "") -> Application:
    try:
        return _run(
            "submit", application=application, by=by, comment=comment, effects=_to_its_office
        )
    except WorkflowError:
        # Refused, perhaps for want of an office: the superusers hear of the region (once).
        tell_superusers_if_unserved(application.product.business)
        raise


def _to_its_office(application: Application) -> None:
    """A submitted application goes to the office serving its region (the submission's
    condition says there is one, `checks.office_problems`): its staff work on it, and its
    certificate is issued in that office's name and number series."""
    application.office = office_serving(application.region_id)
    application.save(update_fields=["office"])


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
        record_assignment_changes(
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
