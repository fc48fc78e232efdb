"""Every transition of the application's state machine, declared once.

The `@transition` methods of `Application` (models.py) say from which state to which,
who may take a transition and on what conditions. Everything else about a transition is
its `TransitionSpec` here: its name for people, the role its actor is recorded in, the
text it asks for, who is told of it and what, and the service that takes it. The pages,
the admin, the API, the audit trail and the notifications read it here rather than keep
tables of their own keyed by the transition's name; tests/workflow/test_transition_specs.py checks
that the machine and `SPECS` agree.

Adding a transition: its `@transition` method, its spec below, and its service in
`curation.services` (registered with `@service_for`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.rules import gate_scores_below_floor
from curation import recipients
from curation.models import Application
from curation.permissions import is_lead_curator
from kernel.errors import WorkflowError
from kernel.roles import Role
from kernel.states import State

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _User

Text = str | Promise  # a translatable text, translated when shown
# (application, the state it left) -> the users to tell.
Recipients = Callable[[Application, str], Iterable[Any]]
# (application before the transition, actor) -> the role the actor takes it in.
RoleOf = Callable[[Application, "_User"], Role]
Service = Callable[..., Application]
# A registered service keeps its own signature for its callers.
S = TypeVar("S", bound=Service)


@dataclass(frozen=True)
class WrittenInput:
    """The text a transition asks for. The form and the API call it `comment`; the service
    takes it as `field`, and the audit row keeps it as its comment."""

    field: str
    label: Text
    # Set for a required text: the refusal when it is left blank.
    missing: Text | None = None
    # The MSME reads it in the application's history (else it is a note for the office).
    shown_to_msme: bool = True
    # Why the text is asked for on this application, shown above the field (the reasons
    # of a stricter input: `TransitionSpec.written_input_when`).
    reasons: tuple[str, ...] = ()

    @property
    def required(self) -> bool:
        return self.missing is not None


# A transition that asks for no particular text takes an optional comment.
COMMENT = WrittenInput(field="comment", label=_("Comment"))


@dataclass(frozen=True)
class Notice:
    """What the people concerned are told (texts with %(product)s and %(business)s), and
    who they are."""

    subject: Text
    body: Text
    recipients: Recipients


@dataclass(frozen=True)
class TransitionSpec:
    """One transition, as the pages, the admin, the API, the audit trail and the
    notifications need it."""

    # The `@transition` method of Application; also the key of its audit rows and notices.
    name: str
    # The button, the page title and the history line.
    label: Text
    # The role the actor is recorded in (the MSME sees it instead of a name): one role, or
    # a function of the application before the transition and the actor.
    acting_role: Role | RoleOf
    notice: Notice
    written_input: WrittenInput = COMMENT
    # A stricter written input (same field) that an application may call for now, or None
    # where `written_input` serves: a function of the application.
    written_input_when: Callable[[Application], WrittenInput | None] | None = None
    # Also takes the curators and the lead (`curators`, `lead`), chosen on the page.
    picks_curators: bool = False

    def input_for(self, application: Application) -> WrittenInput:
        """The written input this transition asks for on `application` now: what the form
        shows and requires, and what the service insists on."""
        if self.written_input_when is not None:
            stricter = self.written_input_when(application)
            if stricter is not None:
                return stricter
        return self.written_input

    def role_of(self, application: Application, user: _User) -> Role:
        if isinstance(self.acting_role, Role):
            return self.acting_role
        return self.acting_role(application, user)

    def service_kwargs(
        self, *, comment: str, curators: Iterable[_User] = (), lead: _User | None = None
    ) -> dict[str, Any]:
        """The service's keyword arguments (besides `application` and `by`) for what a form
        or the API received."""
        kwargs: dict[str, Any] = {self.written_input.field: comment}
        if self.picks_curators:
            kwargs |= {"curators": list(curators), "lead": lead}
        return kwargs

    @property
    def service(self) -> Service:
        """The function of `curation.services` that takes this transition."""
        try:
            return _services[self.name]
        except KeyError:
            raise ImproperlyConfigured(
                f"No service takes the transition {self.name!r}: is curation.services loaded?"
            ) from None


def lead_curator_or_coordinator(application: Application, user: _User) -> Role:
    return Role.CURATOR if is_lead_curator(user, application) else Role.COORDINATOR


def rejecting_role(application: Application, user: _User) -> Role:
    """Each role rejects only from the stage it owns (permissions.can_reject)."""
    return {
        State.SUBMITTED: Role.COORDINATOR,
        State.IN_CURATION: Role.CURATOR,
        State.PACKAGING_REVIEW: Role.PACKAGING_REVIEWER,
        State.AWAITING_CERTIFICATION: Role.CERTIFYING_OFFICER,
    }[application.state]


def reason_for_gate_scores_below_floor(application: Application) -> WrittenInput | None:
    """Passing curation over a curator's score below a gate's floor takes the lead's
    written reason. The gate itself reads the curators' mean, so without this a single
    knock-out score (a 1 on legality beside a 5) would let the product through unseen;
    the reason is kept as the transition's comment, in the history."""
    below = gate_scores_below_floor(application)
    if not below:
        return None
    reasons = tuple(score.sentence for score in below)
    return WrittenInput(
        field="comment",
        label=_("Why does the product pass although a curator scored a gate below its minimum?"),
        missing=" ".join(
            (
                gettext(
                    "Passing needs your written reason: a curator scored a gate criterion "
                    "below its minimum."
                ),
                *reasons,
            )
        ),
        reasons=reasons,
    )


def _by_name(*specs: TransitionSpec) -> dict[str, TransitionSpec]:
    names = [spec.name for spec in specs]
    if len(set(names)) != len(names):
        raise ImproperlyConfigured(f"A transition is declared twice: {names}")
    return {spec.name: spec for spec in specs}


# In the order the pages offer them.
SPECS: dict[str, TransitionSpec] = _by_name(
    TransitionSpec(
        name="submit",
        label=_("Submit for curation"),
        acting_role=Role.MSME,
        notice=Notice(
            subject=_("New application: %(product)s"),
            body=_("%(business)s submitted %(product)s for curation. Assign its curators."),
            recipients=recipients.region_coordinators,
        ),
    ),
    TransitionSpec(
        name="assign_curators",
        label=_("Assign curators"),
        acting_role=Role.COORDINATOR,
        written_input=WrittenInput(
            field="comment",
            label=_("Note for the office (not shown to the MSME)"),
            shown_to_msme=False,
        ),
        picks_curators=True,
        notice=Notice(
            subject=_("You are a curator for %(product)s"),
            body=_(
                "You have been assigned to curate %(product)s of %(business)s. "
                "Score it in Siap Ekspor."
            ),
            recipients=recipients.assigned_curators,
        ),
    ),
    TransitionSpec(
        name="request_revision",
        label=_("Request revision"),
        acting_role=lead_curator_or_coordinator,
        written_input=WrittenInput(
            field="message",
            label=_("What must the MSME fix?"),
            missing=_("Write what the MSME must fix."),
        ),
        notice=Notice(
            subject=_("Revision requested: %(product)s"),
            body=_("The curators ask you to fix something in %(product)s before they continue."),
            recipients=recipients.business_members,
        ),
    ),
    TransitionSpec(
        name="resubmit",
        label=_("Resubmit"),
        acting_role=Role.MSME,
        written_input=WrittenInput(
            field="answer",
            label=_("Your answer to the revision request"),
            missing=_("Write how you answered the revision request."),
        ),
        notice=Notice(
            subject=_("Revised application: %(product)s"),
            body=_(
                "%(business)s answered the revision request for %(product)s. "
                "A new scoring round is open."
            ),
            recipients=recipients.assigned_curators,
        ),
    ),
    TransitionSpec(
        name="pass_curation",
        label=_("Pass curation"),
        acting_role=Role.CURATOR,
        written_input_when=reason_for_gate_scores_below_floor,
        notice=Notice(
            subject=_("%(product)s passed curation"),
            body=_("%(product)s of %(business)s passed curation and moves to packaging review."),
            recipients=recipients.business_members_and_packaging_reviewers,
        ),
    ),
    TransitionSpec(
        name="request_packaging_changes",
        label=_("Request packaging changes"),
        acting_role=Role.PACKAGING_REVIEWER,
        notice=Notice(
            subject=_("Packaging changes needed: %(product)s"),
            body=_(
                "The packaging reviewer asks for changes to the packaging or labels of %(product)s."
            ),
            recipients=recipients.business_members,
        ),
    ),
    TransitionSpec(
        name="resubmit_packaging",
        label=_("Resubmit packaging"),
        acting_role=Role.MSME,
        notice=Notice(
            subject=_("New packaging evidence: %(product)s"),
            body=_("%(business)s uploaded new packaging evidence for %(product)s."),
            recipients=recipients.region_packaging_reviewers,
        ),
    ),
    TransitionSpec(
        name="approve_packaging",
        label=_("Approve packaging"),
        acting_role=Role.PACKAGING_REVIEWER,
        notice=Notice(
            subject=_("Awaiting certification: %(product)s"),
            body=_(
                "The packaging of %(product)s of %(business)s was approved. "
                "Check the dossier and certify."
            ),
            recipients=recipients.region_certifying_officers,
        ),
    ),
    TransitionSpec(
        name="certify",
        label=_("Certify"),
        acting_role=Role.CERTIFYING_OFFICER,
        notice=Notice(
            subject=_("%(product)s is certified export ready"),
            body=_("%(product)s of %(business)s has been certified export ready."),
            recipients=recipients.business_members_and_linked_exporters,
        ),
    ),
    TransitionSpec(
        name="reject",
        label=_("Reject"),
        acting_role=rejecting_role,
        written_input=WrittenInput(
            field="reason",
            label=_("Reason for the rejection"),
            missing=_("Write the reason for the rejection."),
        ),
        notice=Notice(
            subject=_("Application rejected: %(product)s"),
            body=_(
                "The application for %(product)s was rejected. You may start a new application."
            ),
            recipients=recipients.business_members,
        ),
    ),
    TransitionSpec(
        name="withdraw",
        label=_("Withdraw"),
        acting_role=Role.MSME,
        notice=Notice(
            subject=_("Application withdrawn: %(product)s"),
            body=_("%(business)s withdrew the application for %(product)s."),
            recipients=recipients.whoever_was_working_on_it,
        ),
    ),
)


# Filled by `service_for`, read through `TransitionSpec.service`.
_services: dict[str, Service] = {}


def service_for(name: str) -> Callable[[S], S]:
    """Register the decorated function as the service that takes transition `name`.

    A spec cannot name its service itself: notices are rendered from the specs (the
    e-mail task reads the transition's name a notice stores) and the services send
    notices, so this module sits below both, and each service registers itself here.
    `CurationConfig.ready` loads the services.
    """
    if name not in SPECS:
        raise ImproperlyConfigured(f"{name!r} is not a transition of the application.")

    def register(service: S) -> S:
        if _services.setdefault(name, service) is not service:
            raise ImproperlyConfigured(f"Two services take the transition {name!r}.")
        return service

    return register


# A transition (or a change of curators) refused because the application changed while
# someone was looking at it.


def stale_message(current: Application) -> str:
    return gettext(
        "This application changed while you were looking at it (it is now “%(state)s”). "
        "Reload the page and try again."
    ) % {"state": current.get_state_display()}


def stale_error(current: Application) -> WorkflowError:
    return WorkflowError(stale_message(current), stale=True)
