"""Every transition of WORKFLOW.md: the role that may take it, what it leaves behind,
who is refused, which unmet condition refuses it and with what message, and what the
pages offer each persona in each state.

A refusal must change nothing: the tests compare the application's footprint (state,
audit trail, notices, assignments, rounds, reviews) before and after.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import formats, timezone, translation

from assessments.services import packaging_review_save
from curation import services
from curation.errors import WorkflowError
from curation.models import Application, Notification, State
from curation.roles import Role
from products.models import Business, Document, DocumentType, Product
from tests.factories import UserFactory, add_document, enrol_totp, review_all, score_all


@pytest.fixture(autouse=True)
def _in_english():
    """The messages asserted here are the English source texts. A request made by an
    earlier test can leave its user's language active in this thread; start from
    English and leave no language behind."""
    with translation.override("en", deactivate=True):
        yield


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
    return services.SERVICES[name](
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
    return f"You are not allowed to “{services.TRANSITION_LABELS[name]}” this application."


# The allowed role succeeds, and leaves exactly one audit row.


@pytest.mark.parametrize(
    ("step", "persona"),
    [
        pytest.param(step, persona, id=f"{step}-by-{persona}")
        for step in STEPS
        for persona in step.allowed
    ],
)
def test_the_allowed_role_takes_the_transition_and_leaves_one_audit_row(
    office, bring_to, step, persona
):
    application = step.prepare(office, bring_to)
    before = footprint(application)
    actor = office.personas[persona]

    take(office, application, step.name, by=actor)

    application.refresh_from_db()
    assert application.state == TARGET[step.name]
    assert application.state_changed_at > before["state_changed_at"]
    new_rows = list(application.audit_trail.exclude(pk__in=before["audit"]))
    assert len(new_rows) == 1
    row = new_rows[0]
    assert (row.transition, row.source, row.target) == (step.name, step.source, TARGET[step.name])
    assert (row.actor, row.actor_role) == (actor, ACTING_AS[persona])
    assert row.comment == written(office, step.name)
    assert row.at == application.state_changed_at


# Every other role is refused, and nothing changes. (A refusal writes nothing, so one
# application can take every refused attempt in turn.)


def refusals(attempt, candidates) -> dict:
    """The messages each candidate is refused with (None: not refused)."""
    refused = {}
    for candidate in candidates:
        try:
            attempt(candidate)
        except WorkflowError as e:
            assert not e.stale
            refused[candidate] = e.messages
        else:
            refused[candidate] = None
    return refused


@pytest.mark.parametrize("step", [pytest.param(s, id=str(s)) for s in STEPS])
def test_every_other_role_is_refused_and_nothing_changes(office, bring_to, step):
    application = step.prepare(office, bring_to)
    before = footprint(application)
    others = [p for p in PERSONAS if p not in step.allowed]

    refused = refusals(
        lambda persona: take(office, application, step.name, by=office.personas[persona]),
        others,
    )

    assert refused == dict.fromkeys(others, [not_allowed(step.name)])
    assert footprint(application) == before


SOURCES = {name: {step.source for step in STEPS if step.name == name} for name in TARGET}


@pytest.mark.parametrize("state", [s.value for s in State])
def test_a_transition_is_refused_from_a_state_it_does_not_leave(office, bring_to, state):
    application = bring_to(state)
    before = footprint(application)
    elsewhere = [name for name in TARGET if state not in SOURCES[name]]

    refused = refusals(
        lambda name: take(office, application, name, by=office.personas[OWNER[name]]),
        elsewhere,
    )

    assert refused == {
        name: [
            f"This application is “{State(state).label}”; "
            f"“{services.TRANSITION_LABELS[name]}” is not possible now."
        ]
        for name in elsewhere
    }
    assert footprint(application) == before


# Each condition, when unmet, refuses with its message.


def label_of(key) -> str:
    return DocumentType.objects.get(key=key).label_en


def criterion_label(application, key) -> str:
    return application.rubric.criteria.get(key=key).label_en


def item_label(application, key) -> str:
    return application.packaging_checklist.items.get(key=key).label_en


def product_data(**changes):
    def spoil(office, application):
        Product.objects.filter(pk=office.product.pk).update(**changes)

    return spoil


def no_target_market(office, application):
    application.target_markets.clear()


def delete_documents(kind):
    def spoil(office, application):
        Document.objects.filter(business=office.business, kind__key=kind).delete()

    return spoil


def yesterday():
    return timezone.localdate() - timedelta(days=1)


def expired_halal(office, application):
    Document.objects.filter(kind__key="halal").update(expires_on=yesterday())


def expired_halal_message(office, application):
    return [
        f"The {label_of('halal')} expired on {formats.date_format(yesterday())}: "
        "upload the current one."
    ]


def scores(score, *, curator_submits=True, **overrides):
    """Both curators give `score` (or per criterion in `overrides`)."""

    def spoil(office, application):
        score_all(application, office.lead, score, overrides=overrides)
        score_all(application, office.curator, score, overrides=overrides, submit=curator_submits)

    return spoil


def mandatory_item_not_applicable(office, application):
    review_all(application, office.reviewer)
    packaging_review_save(
        application=application, reviewer=office.reviewer, results={"origin_marking": ("na", "")}
    )


def new_product_photo_only(office, application):
    add_document(office.business, "product_photo", product=office.product, by=office.msme)


def nothing(office, application):
    pass


@dataclass(frozen=True)
class Unmet:
    step: str
    source: str
    actor: str
    spoil: object
    expected: object
    inputs: tuple = ()


# fmt: off
UNMET = {
    # submit: product data complete, documents uploaded and valid, business identifiers valid
    "submit/product data incomplete": Unmet(
        "submit", "draft", "msme", product_data(hs_code="", fob_price=None),
        lambda o, a: ["Complete the product data: HS code, FOB price."],
    ),
    "submit/food without shelf life": Unmet(
        "submit", "draft", "msme", product_data(shelf_life_days=None),
        lambda o, a: ["Complete the product data: shelf life."],
    ),
    "submit/no target market": Unmet(
        "submit", "draft", "msme", no_target_market,
        lambda o, a: ["Choose at least one target market."],
    ),
    "submit/required document missing": Unmet(
        "submit", "draft", "msme", delete_documents("packaging_photo"),
        lambda o, a: [f"Upload the {label_of('packaging_photo')}."],
    ),
    "submit/food registration missing": Unmet(
        "submit", "draft", "msme", delete_documents("pirt"),
        lambda o, a: [f"Upload the {label_of('bpom_md')} or {label_of('pirt')}."],
    ),
    "submit/document expired": Unmet(
        "submit", "draft", "msme", expired_halal, expired_halal_message
    ),
    "submit/document number invalid": Unmet(
        "submit", "draft", "msme",
        lambda o, a: Document.objects.filter(kind__key="pirt").update(number="12345"),
        lambda o, a: [
            f"The {label_of('pirt')} number is not valid: "
            "A P-IRT number has 15 digits, printed as 1234567890123-45."
        ],
    ),
    "submit/business NIB invalid": Unmet(
        "submit", "draft", "msme",
        lambda o, a: Business.objects.filter(pk=o.business.pk).update(nib="12345"),
        lambda o, a: ["An NIB has exactly 13 digits, for example 1234567890123."],
    ),
    # assign_curators: at least two curators, one of them lead, all of them curators
    "assign_curators/one curator": Unmet(
        "assign_curators", "submitted", "coordinator", nothing,
        lambda o, a: ["Choose at least 2 curators."],
        inputs=(("curators", lambda o: [o.lead]),),
    ),
    "assign_curators/no lead": Unmet(
        "assign_curators", "submitted", "coordinator", nothing,
        lambda o, a: ["Mark one of the chosen curators as lead."],
        inputs=(("lead", lambda o: None),),
    ),
    "assign_curators/lead not among the curators": Unmet(
        "assign_curators", "submitted", "coordinator", nothing,
        lambda o, a: ["Mark one of the chosen curators as lead."],
        inputs=(("lead", lambda o: o.spare_curator),),
    ),
    "assign_curators/not a curator": Unmet(
        "assign_curators", "submitted", "coordinator", nothing,
        lambda o, a: [f"{o.reviewer.get_full_name()} is not a curator."],
        inputs=(("curators", lambda o: [o.lead, o.reviewer]),),
    ),
    # request_revision, resubmit, reject: a written request, answer or reason
    "request_revision/no message": Unmet(
        "request_revision", "in_curation", "lead", nothing,
        lambda o, a: ["Write what the MSME must fix."],
        inputs=(("message", lambda o: "   "),),
    ),
    "resubmit/no answer": Unmet(
        "resubmit", "revision_requested", "msme", nothing,
        lambda o, a: ["Write how you answered the revision request."],
        inputs=(("answer", lambda o: ""),),
    ),
    **{
        f"reject/from {source}/no reason": Unmet(
            "reject", source, actor, nothing,
            lambda o, a: ["Write the reason for the rejection."],
            inputs=(("reason", lambda o: " \n "),),
        )
        for source, actor in [
            ("submitted", "coordinator"),
            ("in_curation", "lead"),
            ("packaging_review", "reviewer"),
            ("awaiting_certification", "officer"),
        ]
    },
    # pass_curation: every curator submitted; total at the pass mark; no gate below floor
    "pass_curation/only the lead scored": Unmet(
        "pass_curation", "in_curation", "lead", lambda o, a: score_all(a, o.lead),
        lambda o, a: [f"Waiting for the scores of: {o.curator.get_full_name()}."],
    ),
    "pass_curation/a curator saved but did not submit": Unmet(
        "pass_curation", "in_curation", "lead", scores(4, curator_submits=False),
        lambda o, a: [f"Waiting for the scores of: {o.curator.get_full_name()}."],
    ),
    "pass_curation/below the pass mark": Unmet(
        "pass_curation", "in_curation", "lead", scores(3),
        lambda o, a: ["The weighted score 60.00 is below the pass mark 70.00."],
    ),
    "pass_curation/a gate below its floor": Unmet(
        "pass_curation", "in_curation", "lead", scores(5, legality=2),
        lambda o, a: [f"{criterion_label(a, 'legality')} scores 2.00, below its minimum of 3."],
    ),
    "pass_curation/a food gate below its floor": Unmet(
        "pass_curation", "in_curation", "lead", scores(5, quality_safety=2),
        lambda o, a: [
            f"{criterion_label(a, 'quality_safety')} scores 2.00, below its minimum of 3."
        ],
    ),
    # request_packaging_changes: at least one item failed, each with a note
    "request_packaging_changes/nothing failed": Unmet(
        "request_packaging_changes", "packaging_review", "reviewer", all_items_passed,
        lambda o, a: ["Mark at least one checklist item as failed to request changes."],
    ),
    "request_packaging_changes/a failed item without a note": Unmet(
        "request_packaging_changes", "packaging_review", "reviewer",
        lambda o, a: review_all(a, o.reviewer, failed=["origin_marking"], note=""),
        lambda o, a: [f"Say what must change for: {item_label(a, 'origin_marking')}."],
    ),
    # resubmit_packaging: new packaging evidence uploaded
    "resubmit_packaging/no new evidence": Unmet(
        "resubmit_packaging", "packaging_revision", "msme", nothing,
        lambda o, a: ["Upload new packaging photos or label artwork before resubmitting."],
    ),
    "resubmit_packaging/only a new product photo": Unmet(
        "resubmit_packaging", "packaging_revision", "msme", new_product_photo_only,
        lambda o, a: ["Upload new packaging photos or label artwork before resubmitting."],
    ),
    # approve_packaging: every mandatory item passes
    "approve_packaging/a mandatory item failed": Unmet(
        "approve_packaging", "packaging_review", "reviewer", one_item_failed,
        lambda o, a: [
            f"These mandatory items have not passed: {item_label(a, 'origin_marking')}."
        ],
    ),
    "approve_packaging/a mandatory item marked not applicable": Unmet(
        "approve_packaging", "packaging_review", "reviewer", mandatory_item_not_applicable,
        lambda o, a: [
            f"These mandatory items have not passed: {item_label(a, 'origin_marking')}."
        ],
    ),
    # certify: the dossier is still complete
    "certify/a required document expired since": Unmet(
        "certify", "awaiting_certification", "officer", expired_halal, expired_halal_message
    ),
}
# fmt: on


@pytest.mark.parametrize("case", [pytest.param(c, id=i) for i, c in UNMET.items()])
def test_an_unmet_condition_refuses_with_its_message_and_changes_nothing(office, bring_to, case):
    application = bring_to(case.source)
    case.spoil(office, application)
    before = footprint(application)

    with pytest.raises(WorkflowError) as refused:
        take(
            office,
            application,
            case.step,
            by=office.personas[case.actor],
            **{key: value(office) for key, value in case.inputs},
        )

    assert refused.value.messages == case.expected(office, application)
    assert footprint(application) == before


def test_every_unmet_condition_is_listed_at_once(office, bring_to):
    application = bring_to("draft")
    product_data(description="")(office, application)
    delete_documents("packaging_photo")(office, application)
    no_target_market(office, application)

    with pytest.raises(WorkflowError) as refused:
        services.application_submit(application=application, by=office.msme)

    assert refused.value.messages == [
        "Complete the product data: description.",
        "Choose at least one target market.",
        f"Upload the {label_of('packaging_photo')}.",
    ]


@pytest.mark.parametrize(
    ("lead_score", "curator_score", "overrides", "total"),
    [
        # 3 and 4 average 3.5 on every criterion: exactly 70.00.
        pytest.param(3, 4, {}, 70, id="total exactly at the pass mark"),
        pytest.param(5, 5, {"legality": 3}, 94, id="a gate exactly at its floor"),
    ],
)
def test_a_result_exactly_at_the_limit_passes(
    office, bring_to, lead_score, curator_score, overrides, total
):
    application = bring_to("in_curation")
    score_all(application, office.lead, lead_score, overrides=overrides)
    score_all(application, office.curator, curator_score, overrides=overrides)

    services.application_pass_curation(application=application, by=office.lead)

    application.refresh_from_db()
    assert (application.state, application.final_score) == (State.PACKAGING_REVIEW, total)


def test_an_optional_packaging_item_failing_does_not_block_approval(office, bring_to):
    application = bring_to("packaging_review")
    review_all(application, office.reviewer, failed=["barcode"])

    services.application_approve_packaging(application=application, by=office.reviewer)

    application.refresh_from_db()
    assert application.state == State.AWAITING_CERTIFICATION


def test_passing_curation_stores_the_final_score_and_grade(office, bring_to):
    application = bring_to("in_curation")
    score_all(application, office.lead, 4)
    score_all(application, office.curator, 5)

    services.application_pass_curation(application=application, by=office.lead)

    application.refresh_from_db()
    assert (application.final_score, application.grade) == (90, "A")


# A stale page: the user acts on what they saw, but the application moved on meanwhile.


@pytest.mark.parametrize(
    ("seen", "moves", "attempt", "actor"),
    [
        pytest.param(
            "submitted", ["assign_curators"], "reject", "coordinator", id="reject-after-assignment"
        ),
        # Withdrawing is possible from the new state too, but not what the MSME saw.
        pytest.param(
            "submitted",
            ["assign_curators", "request_revision"],
            "withdraw",
            "msme",
            id="withdraw-after-revision-request",
        ),
    ],
)
def test_a_stale_attempt_is_told_to_reload_and_changes_nothing(
    office, bring_to, seen, moves, attempt, actor
):
    stale = bring_to(seen)
    current = Application.objects.get(pk=stale.pk)
    for name in moves:
        take(office, current, name, by=office.personas[OWNER[name]])
    before = footprint(current)

    with pytest.raises(WorkflowError) as refused:
        take(office, stale, attempt, by=office.personas[actor])

    assert refused.value.stale
    (message,) = refused.value.messages
    assert message.startswith("This application changed while you were looking at it")
    assert f"(it is now “{current.get_state_display()}”)" in message
    assert footprint(current) == before


# What the pages offer: exactly the transitions that would work, per persona and state.


SCENARIOS = {
    "draft": ("draft", None),
    "submitted": ("submitted", None),
    "in_curation": ("in_curation", None),
    "in_curation, scored": ("in_curation", scored),
    "revision_requested": ("revision_requested", None),
    "packaging_review": ("packaging_review", None),
    "packaging_review, an item failed": ("packaging_review", one_item_failed),
    "packaging_review, all passed": ("packaging_review", all_items_passed),
    "packaging_revision": ("packaging_revision", None),
    "packaging_revision, new photo": ("packaging_revision", new_packaging_photo),
    "awaiting_certification": ("awaiting_certification", None),
    "certified": ("certified", None),
    "rejected": ("rejected", None),
    "withdrawn": ("withdrawn", None),
}

AVAILABLE = {
    "draft": {"msme": {"submit", "withdraw"}},
    "submitted": {"msme": {"withdraw"}, "coordinator": {"assign_curators", "reject"}},
    # Nobody has scored yet, so the lead cannot pass curation.
    "in_curation": {"coordinator": {"request_revision"}, "lead": {"request_revision", "reject"}},
    "in_curation, scored": {
        "coordinator": {"request_revision"},
        "lead": {"request_revision", "pass_curation", "reject"},
    },
    "revision_requested": {"msme": {"resubmit", "withdraw"}},
    "packaging_review": {"reviewer": {"reject"}},
    "packaging_review, an item failed": {"reviewer": {"request_packaging_changes", "reject"}},
    "packaging_review, all passed": {"reviewer": {"approve_packaging", "reject"}},
    "packaging_revision": {"msme": {"withdraw"}},
    "packaging_revision, new photo": {"msme": {"resubmit_packaging", "withdraw"}},
    "awaiting_certification": {"officer": {"certify", "reject"}},
    "certified": {},
    "rejected": {},
    "withdrawn": {},
}


def arrive(office, bring_to, scenario) -> Application:
    state, ready = SCENARIOS[scenario]
    application = bring_to(state)
    if ready is not None:
        ready(office, application)
    return application


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_available_transitions_are_exactly_what_the_persona_may_do(
    office, bring_to, scenario, persona
):
    application = arrive(office, bring_to, scenario)

    offered = services.available_transitions(user=office.personas[persona], application=application)

    assert set(offered) == AVAILABLE[scenario].get(persona, set())


class _Undo(Exception):
    pass


def works(office, pk, name, user) -> bool:
    """Whether the service takes `name` for `user` now; undone either way."""
    try:
        with transaction.atomic():
            take(office, Application.objects.get(pk=pk), name, by=user)
            raise _Undo
    except WorkflowError:
        return False
    except _Undo:
        return True


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_what_is_offered_is_exactly_what_the_services_accept(office, bring_to, scenario):
    application = arrive(office, bring_to, scenario)
    before = footprint(application)

    offered = {
        persona: set(
            services.available_transitions(user=office.personas[persona], application=application)
        )
        for persona in PERSONAS
    }
    accepted = {
        persona: {name for name in TARGET if works(office, application.pk, name, user)}
        for persona, user in ((p, office.personas[p]) for p in PERSONAS)
    }

    assert offered == accepted
    assert footprint(application) == before


# The admin's transition page goes through the same service and permission checks.


@pytest.fixture
def admin_client_for(client):
    def log_in(user):
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
        enrol_totp(user)  # superusers sign in with a second factor
        # The page renders in the user's own language; the assertions read English.
        user.profile.language = "en"
        user.profile.save(update_fields=["language"])
        client.force_login(user)
        return client

    return log_in


def transition_url(application, name) -> str:
    return f"/admin/curation/application/{application.pk}/transition/{name}/"


@pytest.mark.parametrize(
    ("state", "name", "form", "target"),
    [
        pytest.param(
            "submitted", "reject", {"comment": "Out of region."}, State.REJECTED, id="reject"
        ),
        pytest.param(
            "submitted",
            "assign_curators",
            lambda o: {"curators": [o.lead.pk, o.curator.pk], "lead": o.lead.pk, "comment": ""},
            State.IN_CURATION,
            id="assign_curators",
        ),
    ],
)
def test_the_admin_transition_page_runs_the_service_for_an_allowed_staff_user(
    office, bring_to, admin_client_for, state, name, form, target
):
    application = bring_to(state)
    audit_before = application.audit_trail.count()
    client = admin_client_for(office.coordinator)
    data = form(office) if callable(form) else form

    response = client.post(transition_url(application, name), data)

    assert response.status_code == 302
    assert response.url == f"/admin/curation/application/{application.pk}/change/"
    application.refresh_from_db()
    assert application.state == target
    assert application.audit_trail.count() == audit_before + 1
    row = application.audit_trail.last()
    assert (row.transition, row.actor) == (name, office.coordinator)


def test_the_admin_transition_page_refuses_a_superuser_without_the_role(
    office, bring_to, admin_client_for
):
    application = bring_to("submitted")
    before = footprint(application)
    client = admin_client_for(UserFactory(username="root"))

    page = client.get(transition_url(application, "reject"))
    response = client.post(transition_url(application, "reject"), {"comment": "Out of region."})

    assert page.status_code == 200
    assert not_allowed("reject") in page.content.decode()
    assert 'type="submit" class="default" value="Reject" disabled' in page.content.decode()
    assert response.status_code == 200
    assert not_allowed("reject") in [str(m) for m in response.context["messages"]]
    assert not_allowed("reject") in response.content.decode()
    assert footprint(application) == before


def test_the_admin_transition_page_refuses_an_allowed_role_with_an_unmet_condition(
    office, bring_to, admin_client_for
):
    application = bring_to("submitted")
    before = footprint(application)
    client = admin_client_for(office.coordinator)

    response = client.post(
        transition_url(application, "assign_curators"),
        {"curators": [office.lead.pk], "lead": office.lead.pk},
    )

    assert response.status_code == 200
    assert "Choose at least 2 curators." in response.content.decode()
    assert footprint(application) == before


def test_the_admin_transition_page_is_closed_to_non_staff(office, bring_to, client):
    application = bring_to("draft")
    before = footprint(application)
    client.force_login(office.msme)

    response = client.post(transition_url(application, "submit"), {"comment": ""})

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
    assert footprint(application) == before
