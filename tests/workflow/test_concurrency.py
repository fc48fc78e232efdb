"""Two people pressing the same button at the same moment (WORKFLOW.md, "Every transition"):
one succeeds, the other is told the application changed and to reload, and the effects
happen once.

Real concurrency needs real row locks and separate connections committing, so these run
on PostgreSQL only, in transactional tests (each thread has its own connection and sees
only committed data).
"""

import threading
import time
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection

from assessments.models import PackagingReview, Scoresheet, ScoringRound
from curation import services
from curation.models import Application, CuratorAssignment, Notification, TransitionLog
from kernel.errors import WorkflowError
from kernel.roles import Role
from kernel.states import State
from tests import factories as f

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no row locks and serialises all writers, "
        "so a race cannot happen there (set DATABASE_URL to a PostgreSQL database)",
    ),
    pytest.mark.django_db(transaction=True),
]

STALE = "changed while you were looking at it"


@pytest.fixture(scope="module", autouse=True)
def _reference_data_for_the_tests_after_these(django_db_blocker):
    # A transactional test empties every table when it ends, reference data included;
    # put it back for the tests that run after this module.
    yield
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    # An earlier transactional test may have emptied the tables (see above).
    call_command("load_reference_data", verbosity=0)


def at_once(*calls):
    """Run each call in its own thread, all released together; return what each returned
    or raised.

    Each transition holds the row lock a while (its notifications take 0.3 s), so the
    second caller surely arrives while the first is still inside.
    """
    notify = services.notify

    def slow_notify(*args, **kwargs):
        time.sleep(0.3)
        return notify(*args, **kwargs)

    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as e:  # every outcome is asserted on by the test
            outcomes[index] = e
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    with mock.patch.object(services, "notify", slow_notify):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
            assert not thread.is_alive(), "a caller is stuck (deadlock?)"
    return outcomes


def one_success_one_stale(outcomes):
    refusals = [o for o in outcomes if isinstance(o, WorkflowError)]
    successes = [o for o in outcomes if isinstance(o, Application)]
    assert (len(successes), len(refusals)) == (1, 1), outcomes
    refusal = refusals[0]
    assert refusal.stale
    assert STALE in str(refusal) and "Reload the page and try again" in str(refusal)
    return successes[0]


def fresh(application):
    # Each caller brings the copy it loaded when its page was shown.
    return Application.objects.get(pk=application.pk)


def staff(username, role):
    return f.UserFactory(username=username, roles=[role], regions=[f.region("35.71")])


def assert_notified_once(application, event):
    notices = Notification.objects.filter(application=application, event=event)
    assert notices.exists()
    assert notices.count() == notices.values("recipient").distinct().count()


def test_two_officers_certifying_at_once_certify_once(office, bring_to):
    application = bring_to("awaiting_certification")
    colleague = staff("officer-2", Role.CERTIFYING_OFFICER)
    mine, theirs = fresh(application), fresh(application)

    outcomes = at_once(
        lambda: services.application_certify(application=mine, by=office.officer),
        lambda: services.application_certify(application=theirs, by=colleague),
    )

    one_success_one_stale(outcomes)
    application.refresh_from_db()
    assert application.state == State.CERTIFIED
    assert TransitionLog.objects.filter(application=application, transition="certify").count() == 1
    assert_notified_once(application, "certify")


def test_two_coordinators_assigning_at_once_give_one_panel(office, bring_to):
    application = bring_to("submitted")
    colleague = staff("coordinator-2", Role.COORDINATOR)
    mine, theirs = fresh(application), fresh(application)

    outcomes = at_once(
        lambda: services.application_assign_curators(
            application=mine,
            by=office.coordinator,
            curators=[office.lead, office.curator],
            lead=office.lead,
        ),
        lambda: services.application_assign_curators(
            application=theirs,
            by=colleague,
            curators=[office.spare_curator, office.curator],
            lead=office.spare_curator,
        ),
    )

    one_success_one_stale(outcomes)
    log = TransitionLog.objects.get(application=application, transition="assign_curators")
    assignments = CuratorAssignment.objects.filter(application=application)
    assert assignments.count() == 2
    assert assignments.filter(is_lead=True).count() == 1
    assert set(assignments.values_list("assigned_by", flat=True)) == {log.actor_id}
    assert ScoringRound.objects.filter(application=application).count() == 1


def test_the_lead_passing_twice_at_once_passes_once(office, bring_to):
    application = bring_to("in_curation")
    f.score_all(application, office.lead)
    f.score_all(application, office.curator)
    first_tab, second_tab = fresh(application), fresh(application)

    outcomes = at_once(
        lambda: services.application_pass_curation(application=first_tab, by=office.lead),
        lambda: services.application_pass_curation(application=second_tab, by=office.lead),
    )

    one_success_one_stale(outcomes)
    application.refresh_from_db()
    assert application.state == State.PACKAGING_REVIEW
    assert (
        TransitionLog.objects.filter(application=application, transition="pass_curation").count()
        == 1
    )
    assert PackagingReview.objects.filter(application=application).count() == 1
    assert_notified_once(application, "pass_curation")


def test_withdrawing_while_the_coordinator_assigns_lets_exactly_one_happen(office, bring_to):
    application = bring_to("submitted")
    msme_copy, coordinator_copy = fresh(application), fresh(application)

    outcomes = at_once(
        lambda: services.application_withdraw(application=msme_copy, by=office.msme),
        lambda: services.application_assign_curators(
            application=coordinator_copy,
            by=office.coordinator,
            curators=[office.lead, office.curator],
            lead=office.lead,
        ),
    )

    one_success_one_stale(outcomes)
    application.refresh_from_db()
    trail = list(TransitionLog.objects.filter(application=application))
    assert [t.transition for t in trail] in (
        ["submit", "withdraw"],
        ["submit", "assign_curators"],
    )
    assert trail[-1].target == application.state
    if application.state == State.WITHDRAWN:
        assert not CuratorAssignment.objects.filter(application=application).exists()
    else:
        assert application.state == State.IN_CURATION
        assert CuratorAssignment.objects.filter(application=application).count() == 2


def test_a_curator_submitting_twice_at_once_submits_once(office, bring_to):
    application = bring_to("in_curation")
    first_tab, second_tab = fresh(application), fresh(application)

    outcomes = at_once(
        lambda: f.score_all(first_tab, office.lead, 3),
        lambda: f.score_all(second_tab, office.lead, 5),
    )

    refusals = [o for o in outcomes if isinstance(o, WorkflowError)]
    sheets = [o for o in outcomes if isinstance(o, Scoresheet)]
    assert (len(sheets), len(refusals)) == (1, 1), outcomes
    assert "already submitted your scores" in str(refusals[0])
    stored = Scoresheet.objects.get(round__application=application, curator=office.lead)
    assert stored.is_submitted
    # All the winner's scores, none of the other's.
    assert stored.scores.count() == application.rubric.criteria.count()
    assert stored.scores.values("score").distinct().count() == 1


def test_a_transition_locks_its_application_only(office, bring_to):
    """The rubric, checklist, region and business rows are shared by every application: a
    transition holding its application must leave them free, or every transition in the
    country queues behind one (and two processes deadlock)."""
    from django.db import connections, transaction

    from assessments.models import Rubric
    from products.models import Region

    application = bring_to("submitted")
    held = threading.Event()
    release = threading.Event()

    def hold():
        try:
            with transaction.atomic():
                Application.objects.locked(application.pk)
                held.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(10)
        with transaction.atomic():
            # nowait: a row the holder had locked would raise at once.
            Rubric.objects.select_for_update(nowait=True).get(pk=application.rubric_id)
            Region.objects.select_for_update(nowait=True).get(
                pk=application.product.business.region_id
            )
    finally:
        release.set()
        holder.join()


def test_two_presses_of_the_review_page_s_submit_make_one_application(office):
    # A double click on "Submit for curation" (products: the review page), neither press
    # seeing an application yet: the one open application per product lets one through.
    outcomes = at_once(
        lambda: services.product_submit(product=office.product, by=office.msme),
        lambda: services.product_submit(product=office.product, by=office.msme),
    )

    successes = [o for o in outcomes if isinstance(o, Application)]
    refusals = [o for o in outcomes if isinstance(o, WorkflowError)]
    assert (len(successes), len(refusals)) == (1, 1), outcomes
    assert "already has an application in progress" in str(refusals[0])
    assert Application.objects.filter(product=office.product).get().state == State.SUBMITTED
    assert TransitionLog.objects.filter(transition="submit").count() == 1
