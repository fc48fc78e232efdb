"""The pages that show the curation result and none of the scoresheets (the application
page, the certification review) read it in one query (`current_round_in_one_read`):
through every turn of an application they give exactly what the standard reads give, and
show it to exactly the same people (blind review: `visible_curation_result`)."""

from assessments.models import Score
from assessments.rules import curation_result
from assessments.selectors import curation_result_in_one_read
from curation import assignments, services
from curation.models import Application
from curation.prefetches import CRITERIA, SCORING, with_assessments
from curation.selectors import visible_curation_result, visible_curation_result_in_one_read
from tests import factories as f

# Those who may see an application's result, each under its own rule.
VIEWERS = ("msme", "lead", "curator", "spare_curator", "coordinator", "officer")


def _fresh(application):
    return Application.objects.with_related().get(pk=application.pk)


def _same_reads(application, office):
    standard = curation_result(with_assessments(_fresh(application), *SCORING, *CRITERIA))
    assert curation_result_in_one_read(_fresh(application)) == standard
    for persona in VIEWERS:
        user = office.personas[persona]
        loaded = with_assessments(_fresh(application), *SCORING, *CRITERIA)
        expected = visible_curation_result(user, loaded)
        assert visible_curation_result_in_one_read(user, _fresh(application)) == expected, persona
    return standard


def test_the_curation_result_in_one_read_through_rounds_and_reassignments(office):
    application = office.new_application()
    assert _same_reads(application, office) is None
    f.take_step(office, application, "submit")
    f.take_step(office, application, "assign_curators")
    f.score_all(application, office.lead, 3, submit=False)
    assert _same_reads(application, office) is None  # a draft does not count
    f.score_all(application, office.lead, 5)
    f.score_all(application, office.curator, 2)
    assert _same_reads(application, office).curators == 2

    services.application_request_revision(application=application, by=office.lead, message="x")
    application.refresh_from_db()
    assert _same_reads(application, office).curators == 2  # the business sees it now
    services.application_resubmit(application=application, by=office.msme, answer="y")
    application.refresh_from_db()
    assert _same_reads(application, office) is None  # the new round has no scores yet
    f.score_all(application, office.lead, 4)
    f.score_all(application, office.curator, 5)
    assert _same_reads(application, office).curators == 2

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
    assert _same_reads(application, office).curators == 1
    f.score_all(application, spare, 1)
    assert _same_reads(application, office).curators == 2

    # Were a criterion left without any score, it still shows (with a mean of 0).
    unscored = Score.objects.filter(scoresheet__round__application=application).first().criterion
    Score.objects.filter(criterion=unscored, scoresheet__round__application=application).delete()
    result = _same_reads(application, office)
    assert unscored.key in [c.key for c in result.criteria]
