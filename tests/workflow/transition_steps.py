"""The transitions table of WORKFLOW.md for the transition tests: one step per (transition,
source), whose step it is, what the work inside a state must have produced, and the
application's footprint that a refusal must leave as it was."""

from dataclasses import dataclass

from curation.models import Application, Notification
from curation.transitions import SPECS
from kernel.roles import Role
from kernel.states import State
from tests.factories import add_document, review_all, score_all

# The personas of the office (tests/conftest.py), in order.
PERSONAS = [
    "msme",
    "other_msme",
    "coordinator",
    "lead",
    "curator",
    "spare_curator",
    "reviewer",
    "officer",
    "exporter",
    "regional_admin",
    "foreign_coordinator",
    "outsider",
]

# The role each persona acts in when it is their step (what the audit row records).
ACTING_AS = {
    "msme": Role.MSME,
    "coordinator": Role.COORDINATOR,
    "lead": Role.CURATOR,
    "reviewer": Role.PACKAGING_REVIEWER,
    "officer": Role.CERTIFYING_OFFICER,
}

TARGET = {
    "submit": State.SUBMITTED,
    "assign_curators": State.IN_CURATION,
    "request_revision": State.REVISION_REQUESTED,
    "resubmit": State.IN_CURATION,
    "pass_curation": State.PACKAGING_REVIEW,
    "request_packaging_changes": State.PACKAGING_REVISION,
    "resubmit_packaging": State.PACKAGING_REVIEW,
    "approve_packaging": State.AWAITING_CERTIFICATION,
    "certify": State.CERTIFIED,
    "reject": State.REJECTED,
    "withdraw": State.WITHDRAWN,
}


# What the work inside a state must have produced before its transition can go ahead.


def scored(office, application):
    score_all(application, office.lead)
    score_all(application, office.curator)


def one_item_failed(office, application):
    review_all(application, office.reviewer, failed=["origin_marking"])


def all_items_passed(office, application):
    review_all(application, office.reviewer)


def new_packaging_photo(office, application):
    add_document(office.business, "packaging_photo", product=office.product, by=office.msme)


@dataclass(frozen=True)
class Step:
    name: str
    source: str
    allowed: tuple[str, ...]
    ready: object = None

    def __str__(self):
        return f"{self.name}-from-{self.source}"

    def prepare(self, office, bring_to) -> Application:
        application = bring_to(self.source)
        if self.ready is not None:
            self.ready(office, application)
        return application


# The transitions table of WORKFLOW.md, one row per (transition, source).
STEPS = [
    Step("submit", "draft", ("msme",)),
    Step("assign_curators", "submitted", ("coordinator",)),
    Step("request_revision", "in_curation", ("lead", "coordinator")),
    Step("resubmit", "revision_requested", ("msme",)),
    Step("pass_curation", "in_curation", ("lead",), ready=scored),
    Step("request_packaging_changes", "packaging_review", ("reviewer",), ready=one_item_failed),
    Step("resubmit_packaging", "packaging_revision", ("msme",), ready=new_packaging_photo),
    Step("approve_packaging", "packaging_review", ("reviewer",), ready=all_items_passed),
    Step("certify", "awaiting_certification", ("officer",)),
    # Each role rejects only from the stage it owns.
    Step("reject", "submitted", ("coordinator",)),
    Step("reject", "in_curation", ("lead",)),
    Step("reject", "packaging_review", ("reviewer",)),
    Step("reject", "awaiting_certification", ("officer",)),
    Step("withdraw", "draft", ("msme",)),
    Step("withdraw", "submitted", ("msme",)),
    Step("withdraw", "revision_requested", ("msme",)),
    Step("withdraw", "packaging_revision", ("msme",)),
]

# The persona whose job a transition is, for trying it where it does not belong.
OWNER = {
    "submit": "msme",
    "assign_curators": "coordinator",
    "request_revision": "lead",
    "resubmit": "msme",
    "pass_curation": "lead",
    "request_packaging_changes": "reviewer",
    "resubmit_packaging": "msme",
    "approve_packaging": "reviewer",
    "certify": "officer",
    "reject": "coordinator",
    "withdraw": "msme",
}


def inputs(office, name) -> dict:
    """What the form asks for, filled in correctly."""
    match name:
        case "assign_curators":
            return {
                "curators": [office.lead, office.curator],
                "lead": office.lead,
                "comment": "Two food curators.",
            }
        case "request_revision":
            return {"message": "Add the lab test report."}
        case "resubmit":
            return {"answer": "The lab test report is uploaded."}
        case "reject":
            return {"reason": "The product is made outside the region."}
        case _:
            return {"comment": f"{name} noted"}


def written(office, name) -> str:
    """The text the audit row keeps for the inputs above."""
    (text,) = [
        v
        for k, v in inputs(office, name).items()
        if k in ("comment", "message", "answer", "reason")
    ]
    return text


def take(office, application, name, *, by, **overrides):
    return SPECS[name].service(
        application=application, by=by, **{**inputs(office, name), **overrides}
    )


def footprint(application) -> dict:
    """Everything a transition may write, to show that a refusal wrote none of it."""
    application.refresh_from_db()
    return {
        "state": application.state,
        "state_changed_at": application.state_changed_at,
        "final_score": application.final_score,
        "audit": list(application.audit_trail.values_list("pk", flat=True)),
        "notices": Notification.objects.filter(application=application).count(),
        "assignments": application.assignments.count(),
        "rounds": list(application.rounds.values_list("number", "closed_at")),
        "reviews": list(application.packaging_reviews.values_list("number", "closed_at")),
        "revision_requests": list(application.revision_requests.values_list("answer", flat=True)),
    }


def not_allowed(name) -> str:
    return f"You are not allowed to “{SPECS[name].label}” this application."
