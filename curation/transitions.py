"""Every transition of the application's state machine, declared once: `SPECS`.

The `@transition` methods of `Application` (models.py) say from which state to which,
who may take a transition and on what conditions. Everything else about a transition is
its spec here (a `TransitionSpec`, whose parts are defined in `curation.transition_specs`):
its name for people, the role its actor is recorded in, the text it asks for, who is
told of it and what, what its conditions read (for the pages to load once, `read_by`),
and the service that takes it (registered with `service_for`). The pages, the admin, the
API, the audit trail and the notifications read it here rather than keep tables of their
own keyed by the transition's name; tests/workflow/test_transition_specs.py checks that
the machine and `SPECS` agree. Also here: the refusal of a transition on an application
that changed meanwhile (`stale_error`).

Adding a transition: its `@transition` method, its spec below, and its service in
`curation.services` (registered with `@service_for`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Prefetch
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.rules import gate_scores_below_floor
from curation import links, recipients
from curation.models import Application
from curation.permissions import is_lead_curator
from curation.prefetches import CHECKLIST, CRITERIA, PACKAGING, SCORING
from curation.transition_specs import SERVICES, Message, Notice, S, TransitionSpec, WrittenInput
from kernel.errors import WorkflowError
from kernel.roles import Role
from kernel.states import State

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _User


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


def read_by(names: Iterable[str]) -> list[str | Prefetch]:
    """What the conditions of the transitions `names` read (their `reads`), each lookup
    once: for `curation.prefetches.with_assessments`."""
    return list(dict.fromkeys(lookup for name in names for lookup in SPECS[name].reads))


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
        done=_(
            "Your application for %(product)s is submitted. Next, the office assigns "
            "curators to score it; you will get an e-mail at each step."
        ),
        acting_role=Role.MSME,
        notice=Notice(
            subject=_("New application: %(product)s"),
            body=_("%(business)s submitted %(product)s for curation. Assign its curators."),
            recipients=recipients.region_coordinators,
            link=links.assign_curators_form,
            to_business=Message(
                subject=_("Application received: %(product)s"),
                body=_(
                    "We have received the application for %(product)s of %(business)s. "
                    "What comes next: the office assigns curators to score it (its target: "
                    "by %(due)s). You need not do anything until then; you will get an "
                    "e-mail when they start."
                ),
            ),
        ),
    ),
    TransitionSpec(
        name="assign_curators",
        label=_("Assign curators"),
        done=_(
            "The curators of %(product)s are assigned and its scoring round is open. They "
            "and the business have been told by e-mail."
        ),
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
            link=links.scoresheet,
            to_business=Message(
                subject=_("Curators assigned: %(product)s"),
                body=_(
                    "The office has assigned curators to %(product)s of %(business)s, and "
                    "they are now scoring it (the office's target: by %(due)s). What comes "
                    "next: if they need something from you, you will get an e-mail saying "
                    "what to fix; otherwise you will hear when curation is finished."
                ),
            ),
        ),
    ),
    TransitionSpec(
        name="request_revision",
        label=_("Request revision"),
        done=_(
            "The revision request is sent to %(business)s. Scoring of %(product)s waits "
            "until they resubmit; the curators will be told when they do."
        ),
        acting_role=lead_curator_or_coordinator,
        written_input=WrittenInput(
            field="message",
            label=_("What must the MSME fix?"),
            missing=_("Write what the MSME must fix."),
        ),
        notice=Notice(
            to_business=Message(
                subject=_("Revision requested: %(product)s"),
                body=_(
                    "The curators need something fixed in the application for %(product)s "
                    "before they can continue; their request is below. What comes next: "
                    "fix it, then open the application and resubmit it with your answer. "
                    "Scoring goes on once you have resubmitted."
                ),
            ),
        ),
    ),
    TransitionSpec(
        name="resubmit",
        label=_("Resubmit"),
        done=_(
            "Your answer is sent to the curators, who now score %(product)s again. You will "
            "get an e-mail with the outcome."
        ),
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
            link=links.scoresheet,
            to_business=Message(
                subject=_("Answer sent: %(product)s"),
                body=_(
                    "Your answer to the revision request for %(product)s is with the "
                    "curators, and a new scoring round is open (the office's target: by "
                    "%(due)s). What comes next: the curators score the product again; you "
                    "will get an e-mail with the outcome."
                ),
            ),
        ),
    ),
    TransitionSpec(
        name="pass_curation",
        label=_("Pass curation"),
        done=_(
            "%(product)s passed curation and is now with the packaging reviewers. The "
            "business has been told."
        ),
        acting_role=Role.CURATOR,
        written_input_when=reason_for_gate_scores_below_floor,
        reads=(*SCORING, *CRITERIA),
        notice=Notice(
            subject=_("Packaging to review: %(product)s"),
            body=_(
                "%(product)s of %(business)s passed curation. Review its packaging and labels "
                "against the checklist."
            ),
            recipients=recipients.region_packaging_reviewers,
            link=links.packaging_checklist,
            to_business=Message(
                subject=_("%(product)s passed curation"),
                body=_(
                    "%(product)s of %(business)s passed curation: its score and the "
                    "curators' feedback are on the application's page. What comes next: a "
                    "packaging reviewer checks its packaging and labels against the export "
                    "checklist (the office's target: by %(due)s). If something needs "
                    "changing, you will get an e-mail saying what."
                ),
            ),
        ),
    ),
    TransitionSpec(
        name="request_packaging_changes",
        label=_("Request packaging changes"),
        done=_(
            "The packaging changes are requested from %(business)s. %(product)s comes back "
            "to the packaging review when they resubmit."
        ),
        acting_role=Role.PACKAGING_REVIEWER,
        reads=PACKAGING,
        notice=Notice(
            to_business=Message(
                subject=_("Packaging changes needed: %(product)s"),
                body=_(
                    "The packaging reviewer asks for changes to the packaging or labels of "
                    "%(product)s; each item to change, with the reviewer's note, is on the "
                    "application's page. What comes next: change the packaging, upload new "
                    "photos or label artwork, and resubmit the packaging there."
                ),
            ),
        ),
    ),
    TransitionSpec(
        name="resubmit_packaging",
        label=_("Resubmit packaging"),
        done=_(
            "Your new packaging evidence for %(product)s is sent to the packaging reviewer. "
            "You will get an e-mail with the outcome."
        ),
        acting_role=Role.MSME,
        notice=Notice(
            subject=_("New packaging evidence: %(product)s"),
            body=_("%(business)s uploaded new packaging evidence for %(product)s."),
            recipients=recipients.region_packaging_reviewers,
            link=links.packaging_checklist,
            to_business=Message(
                subject=_("Packaging sent for review: %(product)s"),
                body=_(
                    "The new packaging evidence for %(product)s is with the packaging "
                    "reviewer (the office's target: by %(due)s). What comes next: the "
                    "reviewer checks it again; you will get an e-mail with the outcome."
                ),
            ),
        ),
    ),
    TransitionSpec(
        name="approve_packaging",
        label=_("Approve packaging"),
        done=_(
            "The packaging of %(product)s is approved; the application is now with the "
            "certifying officers. The business has been told."
        ),
        acting_role=Role.PACKAGING_REVIEWER,
        reads=(*PACKAGING, *CHECKLIST),
        notice=Notice(
            subject=_("Awaiting certification: %(product)s"),
            body=_(
                "The packaging of %(product)s of %(business)s was approved. "
                "Check the dossier and certify."
            ),
            recipients=recipients.region_certifying_officers,
            link=links.dossier_review,
            to_business=Message(
                subject=_("Packaging approved: %(product)s"),
                body=_(
                    "The packaging of %(product)s of %(business)s was approved. What comes "
                    "next: a certifying officer checks the export dossier and issues the "
                    "certificate (the office's target: by %(due)s). You will get an e-mail "
                    "when it is issued."
                ),
            ),
        ),
    ),
    TransitionSpec(
        name="certify",
        label=_("Certify"),
        done=_(
            "%(product)s is certified export ready and its certificate is issued. The "
            "business has been told; the certificate's PDF and the export dossier are "
            "being prepared."
        ),
        acting_role=Role.CERTIFYING_OFFICER,
        reads=(*PACKAGING, *CHECKLIST),
        notice=Notice(
            subject=_("%(product)s is certified export ready"),
            body=_(
                "%(product)s of %(business)s, shared with you, has been certified export "
                "ready: its certificate and export dossier are on the certificate's page."
            ),
            recipients=recipients.linked_exporters,
            link=links.certificate_page,
            to_business=Message(
                subject=_("%(product)s is certified export ready"),
                body=_(
                    "%(product)s of %(business)s has been certified export ready. What "
                    "comes next: download the certificate and the export dossier from the "
                    "application's page and share them with your buyers or exporters. You "
                    "will be reminded before the certificate expires."
                ),
            ),
        ),
    ),
    TransitionSpec(
        name="reject",
        label=_("Reject"),
        done=_(
            "The application for %(product)s is rejected. The business has been told the "
            "reason and that it may apply again."
        ),
        acting_role=rejecting_role,
        written_input=WrittenInput(
            field="reason",
            label=_("Reason for the rejection"),
            missing=_("Write the reason for the rejection."),
        ),
        notice=Notice(
            to_business=Message(
                subject=_("Application rejected: %(product)s"),
                body=_(
                    "The application for %(product)s was rejected; the reason is below. "
                    "What comes next: once you have dealt with it, you may start a new "
                    "application for the product from its page."
                ),
            ),
        ),
    ),
    TransitionSpec(
        name="withdraw",
        label=_("Withdraw"),
        done=_(
            "You withdrew the application for %(product)s; nobody works on it any more. You "
            "may start a new application from the product's page whenever you are ready."
        ),
        acting_role=Role.MSME,
        notice=Notice(
            subject=_("Application withdrawn: %(product)s"),
            body=_("%(business)s withdrew the application for %(product)s."),
            recipients=recipients.whoever_was_working_on_it,
        ),
    ),
)


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
        if SERVICES.setdefault(name, service) is not service:
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
