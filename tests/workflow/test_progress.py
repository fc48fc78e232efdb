"""A business's progress page (naik kelas): each product's decided curation results over
time, with the grade, the mean per criterion, the change since the result before and the
criteria still under the export-ready bar that the rubric sets."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Criterion, Rubric
from assessments.progress import criterion_bar, export_ready_level
from assessments.scoring import CriterionResult
from curation import services
from curation.models import Profile
from curation.progress import business_progress
from tests import factories as f

# A first try that the lead curator rejects (C, 55.00), then a renewal that passes (B,
# 78.00): every criterion up by a point, the packaging by two, and the market and digital
# readiness still under the bar of 3.50 (the default rubric's pass mark, 70 of 100).
FIRST = {"packaging_labeling": 2, "market_digital": 2}
FIRST_DEFAULT = 3
SECOND = {"market_digital": 3}
SECOND_DEFAULT = 4


def progress_url(business):
    return reverse("curation:business_progress", args=[business.pk])


def decided(office, *, score, overrides, previous=None, passes):
    """An application of the office's product that both curators scored and whose round a
    decision closed: passed by the lead, or rejected by the lead."""
    application = services.application_create(
        product=office.product, by=office.msme, previous=previous
    )
    services.application_submit(application=application, by=office.msme)
    services.application_assign_curators(
        application=application,
        by=office.coordinator,
        curators=[office.lead, office.curator],
        lead=office.lead,
    )
    for curator in (office.lead, office.curator):
        f.score_all(
            application,
            curator,
            score,
            overrides=overrides,
            recommendation="pass" if passes else "reject",
        )
    application.refresh_from_db()
    if passes:
        services.application_pass_curation(application=application, by=office.lead)
    else:
        services.application_reject(
            application=application, by=office.lead, reason="Not yet: see the scores."
        )
    application.refresh_from_db()
    return application


@pytest.fixture
def two_results(office):
    first = decided(office, score=FIRST_DEFAULT, overrides=FIRST, passes=False)
    second = decided(office, score=SECOND_DEFAULT, overrides=SECOND, previous=first, passes=True)
    return first, second


def language(user, code):
    Profile.objects.filter(user=user).update(language=code)


def test_two_applications_show_grades_changes_and_the_next_target(office, two_results, client):
    first, second = two_results
    (product,) = business_progress(office.business)

    assert product.grades == ["C", "B"]
    newest, oldest = product.applications
    assert (newest.application, oldest.application) == (second, first)
    assert (oldest.result.total, newest.result.total) == (Decimal("55.00"), Decimal("78.00"))
    assert newest.total_change == Decimal("23.00") and oldest.total_change is None
    changes = {c.key: c.change for c in newest.criteria}
    assert changes["packaging_labeling"] == Decimal("2.00")
    assert changes["legality"] == Decimal("1.00")
    assert all(c.change is None for c in oldest.criteria)
    assert [c.key for c in product.target] == ["market_digital"]
    assert product.target[0].bar == Decimal("3.50")

    language(office.msme, "en")
    client.force_login(office.msme)
    page = client.get(progress_url(office.business)).content.decode()
    assert "C → B" in page
    assert "78.00 of 100 · grade B" in page and "55.00 of 100 · grade C" in page
    assert "+23.00" in page and "+2.00" in page
    assert "Next target" in page
    assert "Market and digital readiness</strong>: 3.00, needs 3.50" in page


def test_the_page_reads_in_indonesian(office, two_results, client):
    language(office.msme, "id")
    client.force_login(office.msme)
    page = client.get(progress_url(office.business)).content.decode()

    assert "Target berikutnya" in page
    assert "78,00 dari 100 · predikat B" in page
    assert "+23,00" in page
    assert "Kesiapan pasar dan digital</strong>: 3,00, perlu 3,50" in page


def test_the_bar_is_the_rubrics_not_a_fixed_number():
    assert export_ready_level(70) == Decimal("3.50")
    assert export_ready_level(Decimal("80")) == Decimal("4.00")
    gate = CriterionResult(
        key="legality",
        weight=15,
        scores=(4,),
        comments=(),
        mean=Decimal("4.00"),
        floor=5,
        gate_failed=True,
        disagreement=False,
    )
    assert criterion_bar(gate, Decimal("3.50")) == Decimal("5.00")
    assert criterion_bar(gate, Decimal("3.50")) > export_ready_level(70)


def test_a_stricter_rubric_moves_the_target(office, two_results):
    # The applications keep their rubric version: a stricter pass mark on it (as a new
    # version would carry) shows more criteria below the bar.
    Rubric.objects.filter(pk=two_results[1].rubric_id).update(pass_mark=Decimal("85"))

    (product,) = business_progress(office.business)

    assert product.level == Decimal("4.25")
    expected = set(
        Criterion.objects.filter(rubric=two_results[1].rubric_id).values_list("key", flat=True)
    )
    assert {c.key for c in product.target} == expected


def test_a_round_still_being_scored_is_not_shown(office, two_results, client):
    # A third application (the second certified, say, then renewed) in curation, its
    # scores submitted but not decided: nobody sees them on this page yet.
    second = two_results[1]
    services.application_reject(
        application=second, by=office.reviewer, reason="Packaging cannot be fixed in time."
    )
    third = services.application_create(product=office.product, by=office.msme, previous=second)
    services.application_submit(application=third, by=office.msme)
    services.application_assign_curators(
        application=third,
        by=office.coordinator,
        curators=[office.lead, office.curator],
        lead=office.lead,
    )
    f.score_all(third, office.lead, 5)
    f.score_all(third, office.curator, 5)

    (product,) = business_progress(office.business)

    assert product.applications[0].application == third
    assert product.applications[0].result is None
    assert product.grades == ["C", "B"]


@pytest.mark.parametrize("persona", ["msme", "coordinator", "officer", "regional_admin"])
def test_members_and_the_regions_staff_open_it(office, two_results, client, persona):
    client.force_login(getattr(office, persona))
    response = client.get(progress_url(office.business))
    assert response.status_code == 200
    assert office.product.name in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["other_msme", "lead", "foreign_coordinator", "outsider", "exporter"]
)
def test_anyone_else_gets_404(office, two_results, client, persona):
    client.force_login(getattr(office, persona))
    response = client.get(progress_url(office.business))
    assert response.status_code == 404
    assert office.product.name not in response.content.decode()


def test_anonymous_is_sent_to_sign_in(office, two_results, client):
    response = client.get(progress_url(office.business))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_business_page_links_to_it(office, client):
    client.force_login(office.msme)
    page = client.get(reverse("products:business", args=[office.business.pk])).content.decode()
    assert progress_url(office.business) in page


def queries_for(client, business) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(progress_url(business)).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_applications(office, client):
    client.force_login(office.msme)
    previous = None
    counts = {}
    for number in range(1, 7):
        previous = decided(
            office,
            score=2 + number % 3,
            overrides={},
            previous=previous,
            passes=False,
        )
        if number in (2, 6):
            counts[number] = queries_for(client, office.business)
    assert counts[2] == counts[6], counts
    assert counts[6] <= 15
