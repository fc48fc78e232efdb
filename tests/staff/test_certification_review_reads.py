"""The certification review reads the curation result and the packaging reviews in fewer
queries than the other pages (`curation_result_in_one_read`, `with_packaging_results`):
through every turn of an application they give exactly what the standard reads give."""

from assessments.models import Score
from assessments.rules import curation_result, packaging_approval_problems
from assessments.selectors import closing_packaging_review, curation_result_in_one_read
from curation import assignments, services
from curation.models import Application
from curation.views.workspaces import (
    CRITERIA,
    PACKAGING,
    SCORING,
    with_assessments,
    with_packaging_results,
)
from tests import factories as f


def _fresh(application):
    return Application.objects.with_related().get(pk=application.pk)


def _packaging(application):
    def rows(review):
        if review is None:
            return None
        results = sorted(
            (r.pk, r.item_id, str(r.item.label), r.result, r.note) for r in review.results.all()
        )
        return (review.pk, review.number, review.closed_at, review.reviewer_id, results)

    return (
        [review.pk for review in application.packaging_reviews.all()],
        rows(application.current_packaging_review),
        rows(closing_packaging_review(application)),
        packaging_approval_problems(application),
    )


def _same_reads(application):
    standard = curation_result(with_assessments(_fresh(application), *SCORING, *CRITERIA))
    assert curation_result_in_one_read(_fresh(application)) == standard
    expected = _packaging(with_assessments(_fresh(application), *PACKAGING))
    assert _packaging(with_packaging_results(_fresh(application))) == expected
    return standard


def test_the_curation_result_in_one_read_through_rounds_and_reassignments(office):
    application = office.new_application()
    assert _same_reads(application) is None
    f.take_step(office, application, "submit")
    f.take_step(office, application, "assign_curators")
    f.score_all(application, office.lead, 3, submit=False)
    assert _same_reads(application) is None  # a draft does not count
    f.score_all(application, office.lead, 5)
    f.score_all(application, office.curator, 2)
    assert _same_reads(application).curators == 2

    services.application_request_revision(application=application, by=office.lead, message="x")
    application.refresh_from_db()
    services.application_resubmit(application=application, by=office.msme, answer="y")
    application.refresh_from_db()
    assert _same_reads(application) is None  # the new round has no scores yet
    f.score_all(application, office.lead, 4)
    f.score_all(application, office.curator, 5)
    assert _same_reads(application).curators == 2

    # A removed curator's scores stop counting; the new one's count once submitted.
    spare = office.personas["spare_curator"]
    assignments.application_reassign_curators(
        application=application,
        by=office.coordinator,
        curators=[office.lead, spare],
        lead=office.lead,
        comment="swap",
    )
    application.refresh_from_db()
    assert _same_reads(application).curators == 1
    f.score_all(application, spare, 1)
    assert _same_reads(application).curators == 2

    # Were a criterion left without any score, it still shows (with a mean of 0).
    unscored = Score.objects.filter(scoresheet__round__application=application).first().criterion
    Score.objects.filter(criterion=unscored, scoresheet__round__application=application).delete()
    result = _same_reads(application)
    assert unscored.key in [c.key for c in result.criteria]


def test_the_packaging_reviews_in_one_read_through_a_resubmission(office, bring_to):
    application = bring_to("packaging_review")
    _same_reads(application)  # a review without results yet
    f.review_all(application, office.reviewer, failed=["origin_marking"])
    _same_reads(application)
    services.application_request_packaging_changes(application=application, by=office.reviewer)
    application.refresh_from_db()
    _same_reads(application)
    f.add_document(office.business, "packaging_photo", product=office.product)
    services.application_resubmit_packaging(application=application, by=office.msme)
    application.refresh_from_db()
    _same_reads(application)  # the second review, just opened, has no results
    f.review_all(application, office.reviewer)
    services.application_approve_packaging(application=application, by=office.reviewer)
    application.refresh_from_db()
    packaging = _packaging(with_packaging_results(_fresh(application)))
    _same_reads(application)
    assert packaging[1] == packaging[2]  # the current review is the closing one
    assert packaging[3] == []
