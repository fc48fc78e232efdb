"""Aggregating curators' scores (WORKFLOW.md, Scoring; DOMAIN-FACTS.md section 2), and the
blind scoresheets they come from.

Every expected number below is worked out by hand in a comment, from the default rubric:

    criterion                 weight  weight/5
    legality                      15       3    gate: mean >= 3 for every product
    quality_safety                20       4    gate: mean >= 3 for food only
    capacity_continuity           15       3
    packaging_labeling            15       3
    price_competitiveness         10       2
    uniqueness_brand              10       2
    market_digital                10       2
    management_traceability        5       1
                                 ---      --
                                 100      20

total = sum(weight * mean) / 5 = sum(weight/5 * mean), so all 4s give 20 * 4 = 80; with two
curators, total = sum(weight/5 * (a + b)) / 2.
"""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from assessments.models import Rubric, Score, Scoresheet
from assessments.scoring import aggregate
from curation import services
from curation.selectors import visible_curation_result
from curation.stage_work import scoresheet_save
from kernel.errors import WorkflowError
from products.models import Category
from tests import factories as f

CRITERIA = [
    "legality",
    "quality_safety",
    "capacity_continuity",
    "packaging_labeling",
    "price_competitiveness",
    "uniqueness_brand",
    "market_digital",
    "management_traceability",
]


def marks(default: int, **overrides) -> dict[str, int]:
    """One curator's scores: `default` for every criterion but those named."""
    assert set(overrides) <= set(CRITERIA)
    return {key: overrides.get(key, default) for key in CRITERIA}


class _Scores(list):
    def all(self):
        return self


def sheets(rubric, *curators: dict[str, int]):
    """Submitted scoresheets as `aggregate` reads them (scores with criterion_id)."""
    ids = {c.key: c.pk for c in rubric.criteria.all()}
    return [
        SimpleNamespace(
            scores=_Scores(
                SimpleNamespace(criterion_id=ids[key], score=value, comment="")
                for key, value in scores.items()
            )
        )
        for scores in curators
    ]


@pytest.fixture
def rubric(db):
    return Rubric.objects.get(key="siap-ekspor-default", version=1)


def test_the_default_rubric_has_weights_summing_to_100_and_the_documented_gates(rubric):
    criteria = {c.key: c for c in rubric.criteria.all()}
    assert {k: c.weight for k, c in criteria.items()} == {
        "legality": 15,
        "quality_safety": 20,
        "capacity_continuity": 15,
        "packaging_labeling": 15,
        "price_competitiveness": 10,
        "uniqueness_brand": 10,
        "market_digital": 10,
        "management_traceability": 5,
    }
    assert sum(c.weight for c in criteria.values()) == 100
    gates = {k: (c.floor, c.floor_applies_to) for k, c in criteria.items() if c.floor}
    assert gates == {"legality": (3, "all"), "quality_safety": (3, "food")}
    assert (rubric.pass_mark, rubric.disagreement_spread, rubric.min_curators) == (70, 2, 2)


def test_a_worked_example_gives_means_weighted_total_flags_and_grade(rubric):
    lead = {
        "legality": 4,
        "quality_safety": 5,
        "capacity_continuity": 3,
        "packaging_labeling": 4,
        "price_competitiveness": 3,
        "uniqueness_brand": 5,
        "market_digital": 2,
        "management_traceability": 4,
    }
    curator = {
        "legality": 3,
        "quality_safety": 4,
        "capacity_continuity": 3,
        "packaging_labeling": 2,
        "price_competitiveness": 4,
        "uniqueness_brand": 5,
        "market_digital": 4,
        "management_traceability": 3,
    }
    # Means: 3.5, 4.5, 3, 3, 3.5, 5, 3, 3.5.
    # Weighted: 15*3.5 + 20*4.5 + 15*3 + 15*3 + 10*3.5 + 10*5 + 10*3 + 5*3.5
    #         = 52.5 + 90 + 45 + 45 + 35 + 50 + 30 + 17.5 = 365; / 5 = 73.00 -> B, passes.
    # Packaging (4 vs 2) and market (2 vs 4) differ by 2: flagged; the rest by 0 or 1.
    result = aggregate(rubric, sheets(rubric, lead, curator), is_food=True)

    means = {c.key: c.mean for c in result.criteria}
    assert means == {
        "legality": Decimal("3.50"),
        "quality_safety": Decimal("4.50"),
        "capacity_continuity": Decimal("3.00"),
        "packaging_labeling": Decimal("3.00"),
        "price_competitiveness": Decimal("3.50"),
        "uniqueness_brand": Decimal("5.00"),
        "market_digital": Decimal("3.00"),
        "management_traceability": Decimal("3.50"),
    }
    assert result.total == Decimal("73.00")
    assert result.grade["grade"] == "B"
    assert result.disagreements == ("packaging_labeling", "market_digital")
    assert result.failed_gates == ()
    assert result.curators == 2
    assert result.passes


# (curators' scores, total, grade, passes), each total worked by hand.
GRADE_EXAMPLES = [
    # all 4 and all 3: every mean 3.5, 20 * 3.5 = 70 -> exactly the pass mark.
    pytest.param([marks(4), marks(3)], "70.00", "B", True, id="exactly-70-is-B-and-passes"),
    # as above but management (weight/5 = 1) 3 and 3: 70 - 1 * 0.5 = 69.5.
    pytest.param(
        [marks(4, management_traceability=3), marks(3)], "69.50", "C", False, id="69.50-is-C"
    ),
    # three curators: all 4 (80), all 3 (60), and 4 on legality, quality, price with 3
    # elsewhere (60 + 3 + 4 + 2 = 69): (80 + 60 + 69) / 3 = 209 / 3 = 69.666... -> 69.67.
    pytest.param(
        [
            marks(4),
            marks(3),
            marks(3, legality=4, quality_safety=4, price_competitiveness=4),
        ],
        "69.67",
        "C",
        False,
        id="three-curators-69.67-is-C",
    ),
    # third curator 4 on legality, quality, capacity, management (60 + 3 + 4 + 3 + 1 = 71):
    # (80 + 60 + 71) / 3 = 211 / 3 = 70.333... -> 70.33.
    pytest.param(
        [
            marks(4),
            marks(3),
            marks(
                3,
                legality=4,
                quality_safety=4,
                capacity_continuity=4,
                management_traceability=4,
            ),
        ],
        "70.33",
        "B",
        True,
        id="three-curators-70.33-is-B",
    ),
    # all 4 (80) and 5 on legality, quality, capacity with 4 elsewhere (80 + 3 + 4 + 3 = 90):
    # (80 + 90) / 2 = 85.
    pytest.param(
        [marks(4), marks(4, legality=5, quality_safety=5, capacity_continuity=5)],
        "85.00",
        "A",
        True,
        id="exactly-85-is-A",
    ),
    # as above but management 3 for the second (90 - 1 = 89): (80 + 89) / 2 = 84.5.
    pytest.param(
        [
            marks(4),
            marks(
                4,
                legality=5,
                quality_safety=5,
                capacity_continuity=5,
                management_traceability=3,
            ),
        ],
        "84.50",
        "B",
        True,
        id="84.50-is-B",
    ),
    # all 3 (60) and 3 on legality, quality, capacity with 2 elsewhere
    # (3*3 + 4*3 + 3*3 + 3*2 + 2*2 + 2*2 + 2*2 + 1*2 = 50): (60 + 50) / 2 = 55.
    pytest.param(
        [marks(3), marks(2, legality=3, quality_safety=3, capacity_continuity=3)],
        "55.00",
        "C",
        False,
        id="exactly-55-is-C-and-fails",
    ),
    # as above but management 1 for the second (50 - 1 = 49): (60 + 49) / 2 = 54.5.
    pytest.param(
        [
            marks(3),
            marks(
                2,
                legality=3,
                quality_safety=3,
                capacity_continuity=3,
                management_traceability=1,
            ),
        ],
        "54.50",
        "D",
        False,
        id="54.50-is-D",
    ),
    # all 5: 20 * 5 = 100.
    pytest.param([marks(5), marks(5)], "100.00", "A", True, id="all-5-is-100"),
    # all 1: 20 * 1 = 20 (and legality fails its gate).
    pytest.param([marks(1), marks(1)], "20.00", "D", False, id="all-1-is-20"),
]


@pytest.mark.parametrize(("curators", "total", "grade", "passes"), GRADE_EXAMPLES)
def test_total_and_grade_on_worked_examples(rubric, curators, total, grade, passes):
    result = aggregate(rubric, sheets(rubric, *curators), is_food=False)
    assert result.total == Decimal(total)
    assert result.grade["grade"] == grade
    assert result.passes is passes


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("100", "A"),
        ("85", "A"),
        ("84.99", "B"),
        ("70", "B"),
        ("69.99", "C"),
        ("55", "C"),
        ("54.99", "D"),
        ("0", "D"),
    ],
)
def test_grade_boundaries(rubric, total, grade):
    assert rubric.grade_for(Decimal(total))["grade"] == grade


# Every other criterion 5 for both curators, so the total is far above the pass mark and
# only the gates decide.
GATE_EXAMPLES = [
    # quality_safety 2 and 2 (mean 2): 16 * 5 + 4 * 2 = 88, but food fails the gate.
    pytest.param({"quality_safety": (2, 2)}, False, "88.00", (), id="non-food-quality-2-passes"),
    pytest.param(
        {"quality_safety": (2, 2)}, True, "88.00", ("quality_safety",), id="food-quality-2-fails"
    ),
    # quality_safety 3 and 2: mean 2.5 < 3 for food.
    pytest.param(
        {"quality_safety": (3, 2)}, True, "90.00", ("quality_safety",), id="food-quality-2.5-fails"
    ),
    # legality 2 and 3 (mean 2.5): 17 * 5 + 3 * 2.5 = 92.5, fails for every product.
    pytest.param({"legality": (2, 3)}, False, "92.50", ("legality",), id="non-food-legality-2.5"),
    pytest.param({"legality": (2, 3)}, True, "92.50", ("legality",), id="food-legality-2.5"),
    # legality 2 and 4: the mean is exactly the floor 3, which holds: 17 * 5 + 3 * 3 = 94.
    pytest.param({"legality": (2, 4)}, True, "94.00", (), id="legality-mean-at-floor-holds"),
    # Both gates fail: 13 * 5 + 3 * 1 + 4 * 1 = 72.
    pytest.param(
        {"legality": (1, 1), "quality_safety": (1, 1)},
        True,
        "72.00",
        ("legality", "quality_safety"),
        id="both-gates-fail",
    ),
]


@pytest.mark.parametrize(("low", "is_food", "total", "failed_gates"), GATE_EXAMPLES)
def test_a_gate_fails_the_product_whatever_the_total(rubric, low, is_food, total, failed_gates):
    first = marks(5, **{key: pair[0] for key, pair in low.items()})
    second = marks(5, **{key: pair[1] for key, pair in low.items()})

    result = aggregate(rubric, sheets(rubric, first, second), is_food=is_food)

    assert result.total == Decimal(total)
    assert result.total >= result.pass_mark
    assert result.failed_gates == failed_gates
    assert result.passes is (not failed_gates)


def test_a_food_only_gate_is_not_reported_for_a_non_food_product(rubric):
    low = marks(5, quality_safety=1)
    result = aggregate(rubric, sheets(rubric, low, low), is_food=False)
    quality = next(c for c in result.criteria if c.key == "quality_safety")
    assert (quality.floor, quality.gate_failed) == (None, False)


@pytest.mark.parametrize(
    ("scores", "flagged"),
    [
        ((3, 3), False),
        ((3, 4), False),
        ((3, 5), True),  # differ by exactly 2
        ((5, 3), True),
        ((1, 5), True),
        ((3, 4, 5), True),  # neighbours differ by 1, the extremes by 2
        ((4, 4, 3), False),
    ],
)
def test_disagreement_is_flagged_when_two_curators_differ_by_2_or_more(rubric, scores, flagged):
    curators = [marks(4, uniqueness_brand=score) for score in scores]
    result = aggregate(rubric, sheets(rubric, *curators), is_food=True)
    assert result.disagreements == (("uniqueness_brand",) if flagged else ())


# Through the real services: the scoresheets, and the lead's decision.


@pytest.fixture
def in_curation(bring_to):
    return bring_to("in_curation")


def every_criterion(application, score=4, note="Looks fine"):
    return {c.key: (score, note) for c in application.rubric.criteria.all()}


def save(application, curator, scores, *, submit=True, recommendation="pass"):
    return scoresheet_save(
        application=application,
        curator=curator,
        scores=scores,
        recommendation=recommendation,
        submit=submit,
    )


def test_a_submitted_scoresheet_cannot_be_submitted_again(office, in_curation):
    f.score_all(in_curation, office.lead, 4)

    with pytest.raises(WorkflowError, match="already submitted your scores"):
        f.score_all(in_curation, office.lead, 2)

    sheet = Scoresheet.objects.get(round__application=in_curation, curator=office.lead)
    assert set(sheet.scores.values_list("score", flat=True)) == {4}


def test_a_submitted_scoresheet_cannot_even_be_saved_as_a_draft(office, in_curation):
    f.score_all(in_curation, office.lead, 4)
    with pytest.raises(WorkflowError, match="already submitted"):
        f.score_all(in_curation, office.lead, 2, submit=False)
    assert not Score.objects.filter(scoresheet__curator=office.lead, score=2).exists()


@pytest.mark.parametrize("bad", [0, 6, -1, 3.5, "5", None])
def test_a_score_outside_1_to_5_is_refused_with_a_message(office, in_curation, bad):
    scores = every_criterion(in_curation)
    scores["legality"] = (bad, "")

    with pytest.raises(WorkflowError) as refusal:
        save(in_curation, office.lead, scores, submit=False)

    assert refusal.value.messages == [
        "Business and product legality: the score must be from 1 to 5."
    ]
    assert not Scoresheet.objects.filter(round__application=in_curation).exists()


def test_submitting_without_every_criterion_is_refused_naming_the_missing(office, in_curation):
    scores = every_criterion(in_curation)
    del scores["capacity_continuity"], scores["market_digital"]

    with pytest.raises(WorkflowError) as refusal:
        save(in_curation, office.lead, scores, submit=True)

    assert refusal.value.messages == [
        "Score every criterion: Production capacity and continuity, Market and digital readiness."
    ]
    assert not Scoresheet.objects.filter(submitted_at__isnull=False).exists()


def test_a_draft_keeps_its_scores_and_is_completed_on_submit(office, in_curation):
    scores = every_criterion(in_curation, 3)
    rest = {"market_digital": scores.pop("market_digital")}
    save(in_curation, office.lead, scores, submit=False)

    sheet = save(in_curation, office.lead, rest, submit=True)

    assert sheet.is_submitted
    assert sheet.scores.count() == len(CRITERIA)


def test_submitting_without_a_recommendation_is_refused(office, in_curation):
    with pytest.raises(WorkflowError, match="Give your recommendation"):
        save(in_curation, office.lead, every_criterion(in_curation), recommendation="")


def test_an_unknown_criterion_is_refused(office, in_curation):
    scores = every_criterion(in_curation)
    scores["taste"] = (5, "")
    with pytest.raises(WorkflowError, match="Unknown criterion taste"):
        save(in_curation, office.lead, scores)


@pytest.mark.parametrize(
    "persona",
    ["spare_curator", "foreign_coordinator", "coordinator", "msme", "officer", "outsider"],
)
def test_only_an_assigned_curator_may_score(office, in_curation, persona):
    with pytest.raises(WorkflowError) as refusal:
        save(in_curation, office.personas[persona], every_criterion(in_curation))
    assert refusal.value.messages == ["You are not a curator of this application."]
    assert not Scoresheet.objects.exists()


def test_scores_cannot_be_saved_once_curation_is_over(office, bring_to):
    application = bring_to("packaging_review")
    with pytest.raises(WorkflowError, match="reload the page") as refusal:
        save(application, office.lead, every_criterion(application))
    assert refusal.value.stale


def test_a_curator_sees_the_others_scores_only_after_submitting_their_own(office, in_curation):
    f.score_all(in_curation, office.lead, 5)
    f.score_all(in_curation, office.curator, 3, submit=False)  # a draft

    assert visible_curation_result(office.curator, in_curation) is None
    assert visible_curation_result(office.lead, in_curation).curators == 1

    f.score_all(in_curation, office.curator, 3)

    # 5 and 3 everywhere: every mean 4, total 20 * 4 = 80.
    assert visible_curation_result(office.curator, in_curation).total == Decimal("80.00")


def test_the_msme_sees_the_result_only_once_curation_is_decided(office, in_curation):
    f.score_all(in_curation, office.lead, 4)
    f.score_all(in_curation, office.curator, 4)
    assert visible_curation_result(office.msme, in_curation) is None

    services.application_pass_curation(application=in_curation, by=office.lead)

    in_curation.refresh_from_db()
    result = visible_curation_result(office.msme, in_curation)
    assert result.total == Decimal("80.00")  # all 4: 20 * 4


def test_the_lead_passes_at_exactly_70_and_the_score_and_grade_are_stored(office, in_curation):
    # All 4 and all 3: every mean 3.5, total 20 * 3.5 = 70.
    f.score_all(in_curation, office.lead, 4)
    f.score_all(in_curation, office.curator, 3)

    services.application_pass_curation(application=in_curation, by=office.lead)

    in_curation.refresh_from_db()
    assert in_curation.state == "packaging_review"
    assert (in_curation.final_score, in_curation.grade) == (Decimal("70.00"), "B")


def test_the_lead_cannot_pass_below_the_pass_mark(office, in_curation):
    # As above with management 3 and 3: 70 - 0.5 = 69.5.
    f.score_all(in_curation, office.lead, 4, overrides={"management_traceability": 3})
    f.score_all(in_curation, office.curator, 3)

    with pytest.raises(WorkflowError) as refusal:
        services.application_pass_curation(application=in_curation, by=office.lead)

    assert refusal.value.messages == ["The weighted score 69.50 is below the pass mark 70.00."]
    in_curation.refresh_from_db()
    assert (in_curation.state, in_curation.final_score) == ("in_curation", None)


@pytest.fixture
def carving(office):
    product = f.ProductFactory(
        business=office.business,
        name="Coconut-shell bowl",
        category=Category.objects.get(key="handicraft_carving"),
        hs_code="9602.00.10",
        shelf_life_days=None,
    )
    f.complete_documents(product, by=office.msme)
    return product


@pytest.mark.parametrize(("food", "passes"), [(False, True), (True, False)])
def test_quality_2_passes_a_non_food_product_and_fails_a_food_product(
    office, bring_to, carving, food, passes
):
    application = office.new_application(None if food else carving)
    bring_to("in_curation", application)
    # quality 2 and 2, everything else 5: 16 * 5 + 4 * 2 = 88.
    for curator in (office.lead, office.curator):
        f.score_all(application, curator, 5, overrides={"quality_safety": 2})

    if passes:
        services.application_pass_curation(application=application, by=office.lead)
    else:
        with pytest.raises(WorkflowError) as refusal:
            services.application_pass_curation(application=application, by=office.lead)
        assert refusal.value.messages == [
            "Product quality and safety scores 2.00, below its minimum of 3."
        ]

    application.refresh_from_db()
    assert application.state == ("packaging_review" if passes else "in_curation")
    assert application.final_score == (Decimal("88.00") if passes else None)


def test_a_failed_gate_grades_the_product_not_yet_ready_whatever_the_total(office, bring_to):
    from assessments.rules import curation_result
    from tests.factories import score_all

    application = bring_to("in_curation")
    # Everything 5 but legality 2 (floor 3): total 15*2/5 + 85*5/5 = 6 + 85 = 91.
    score_all(application, office.lead, 5, overrides={"legality": 2})
    score_all(application, office.curator, 5, overrides={"legality": 2})

    result = curation_result(application)

    assert result.total == Decimal("91.00")
    assert result.failed_gates == ("legality",)
    assert result.grade["grade"] == "D"
    assert not result.passes
