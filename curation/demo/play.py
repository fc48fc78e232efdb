"""Taking a demo application along its path: each step of the data file, by the person
whose job it is, through the workflow's own services, so the audit trail, scoresheets,
packaging reviews and notices are exactly those real use would leave."""

from dataclasses import dataclass

from assessments.rules import packaging_items
from curation import services
from curation.demo.documents import ensure_document
from curation.demo.report import SeedError, SeedReport
from curation.demo.specs import (
    ApprovePackaging,
    AssignCurators,
    Certify,
    DemoProduct,
    PassCuration,
    Person,
    Reject,
    RequestPackagingChanges,
    RequestRevision,
    Resubmit,
    ResubmitPackaging,
    ReviewPackaging,
    Score,
    Submit,
    Upload,
    Withdraw,
)
from curation.models import Application
from curation.stage_work import packaging_review_save, scoresheet_save
from kernel.errors import WorkflowError
from kernel.roles import Role
from products.models import Product


@dataclass(frozen=True)
class Cast:
    """Who acts: the demo's users by username, and by role the first person in the file
    who holds it (the coordinator, the packaging reviewer, the certifying officer)."""

    people: dict
    by_role: dict

    @classmethod
    def of(cls, specs: tuple[Person, ...], users: dict) -> "Cast":
        by_role = {}
        for person in specs:
            for role in person.roles:
                by_role.setdefault(role, users[person.username])
        return cls(people=users, by_role=by_role)

    @property
    def coordinator(self):
        return self._holder(Role.COORDINATOR)

    @property
    def reviewer(self):
        return self._holder(Role.PACKAGING_REVIEWER)

    @property
    def officer(self):
        return self._holder(Role.CERTIFYING_OFFICER)

    def _holder(self, role: Role):
        if role not in self.by_role:
            raise SeedError(f"No demo person has the role {role.value}.")
        return self.by_role[role]


def play(product: Product, spec: DemoProduct, cast: Cast, owner, report: SeedReport) -> None:
    """Create the product's applications, its earlier ones first, each the `previous` of
    the next, and take each through its steps."""
    previous = None
    paths = [*((e.steps, e.state, "earlier") for e in spec.earlier), (spec.steps, spec.state, "")]
    for steps, state, where in paths:
        application = services.application_create(product=product, by=owner, previous=previous)
        for number, step in enumerate(steps):
            try:
                _take(step, application, product, spec, cast, owner, report)
            except WorkflowError as e:
                raise SeedError(
                    f"{product}: {where} steps[{number}] ({step.step}) was refused: {e}"
                ) from e
            application.refresh_from_db()
        if application.state != state:
            raise SeedError(f"{product} ended in {application.state}, not {state}.")
        report.count("applications", True)
        previous = application


def _take(step, application: Application, product, spec, cast: Cast, owner, report) -> None:
    people = cast.people
    match step:
        case Submit():
            services.application_submit(application=application, by=owner, comment=step.comment)
        case AssignCurators():
            services.application_assign_curators(
                application=application,
                by=cast.coordinator,
                curators=[people[c] for c in step.curators],
                lead=people[step.lead],
                comment=step.comment,
            )
        case Score():
            scoresheet_save(
                application=application,
                curator=people[step.curator],
                scores={key: (mark, step.notes.get(key, "")) for key, mark in step.marks.items()},
                recommendation=step.recommendation,
                comment=step.comment,
                submit=True,
            )
        case RequestRevision():
            services.application_request_revision(
                application=application, by=people[step.by], message=step.message
            )
        case Upload():
            created = ensure_document(
                product.business, product, step.document, owner, spec=spec, always=True
            )
            report.count("documents", created)
        case Resubmit():
            services.application_resubmit(application=application, by=owner, answer=step.answer)
        case PassCuration():
            lead = application.assignments.get(is_lead=True).curator
            services.application_pass_curation(
                application=application, by=lead, comment=step.comment
            )
        case ReviewPackaging():
            results = {item.key: ("pass", "") for item in packaging_items(application)}
            results |= {key: ("fail", note) for key, note in step.failed.items()}
            results |= {key: ("na", note) for key, note in step.not_applicable.items()}
            packaging_review_save(application=application, reviewer=cast.reviewer, results=results)
        case RequestPackagingChanges():
            services.application_request_packaging_changes(
                application=application, by=cast.reviewer, comment=step.comment
            )
        case ResubmitPackaging():
            services.application_resubmit_packaging(
                application=application, by=owner, comment=step.comment
            )
        case ApprovePackaging():
            services.application_approve_packaging(
                application=application, by=cast.reviewer, comment=step.comment
            )
        case Certify():
            services.application_certify(
                application=application, by=cast.officer, comment=step.comment
            )
        case Reject():
            services.application_reject(
                application=application, by=people[step.by], reason=step.reason
            )
        case Withdraw():
            services.application_withdraw(application=application, by=owner, comment=step.comment)
        case _:
            raise SeedError(f"Unknown demo step {step!r}")
