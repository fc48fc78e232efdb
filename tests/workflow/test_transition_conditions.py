"""Each condition of a transition, when unmet, refuses it with its message and changes
nothing; all unmet conditions are listed at once; results at the limits."""

from dataclasses import dataclass
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import formats, timezone

from curation import checks, services
from curation.models import MET_CONDITIONS, Application, unless
from curation.stage_work import packaging_review_save
from kernel.errors import WorkflowError
from kernel.states import State
from products.models import Business, Document, DocumentType, Product
from tests.factories import add_document, review_all, score_all
from tests.workflow.transition_steps import all_items_passed, footprint, one_item_failed, take

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


def expired_pirt(office, application):
    Document.objects.filter(kind__key="pirt").update(expires_on=yesterday())


def expired_pirt_message(office, application):
    return [
        f"The {label_of('pirt')} expired on {formats.date_format(yesterday())}: "
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
        "submit", "draft", "msme", expired_pirt, expired_pirt_message
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
        "certify", "awaiting_certification", "officer", expired_pirt, expired_pirt_message
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


# Each condition is evaluated once per transition: the service's own check, under the row
# lock, also answers django-fsm's check of the same conditions.


def test_certify_evaluates_its_conditions_once(office, bring_to):
    application = bring_to("awaiting_certification")
    with mock.patch("curation.checks.document_problems", wraps=checks.document_problems) as spy:
        take(office, application, "certify", by=office.officer)
    assert application.state == State.CERTIFIED
    assert spy.call_count == 1


def test_a_condition_noted_as_met_in_another_state_is_evaluated_again():
    calls = []

    def problems(application):
        calls.append(application.state)
        return ["unmet"]

    condition = unless(problems)
    application = Application(state=State.AWAITING_CERTIFICATION)
    setattr(application, MET_CONDITIONS, {(State.PACKAGING_REVIEW, problems)})
    assert condition(application) is False
    setattr(application, MET_CONDITIONS, {(State.AWAITING_CERTIFICATION, problems)})
    assert condition(application) is True
    assert calls == [State.AWAITING_CERTIFICATION]
