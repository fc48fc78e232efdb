"""The task queue as operations see it (`manage.py task_queue`), and the recovery of tasks
whose worker died: django-tasks-db leaves such a task RUNNING for ever, and
`requeue_stuck_tasks` puts it back once TASK_RUNNING_TIMEOUT has passed, so the next worker
runs it, and running it again renders and e-mails nothing twice. (The same with real
processes and a real SIGKILL: tests/deployment/.)"""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from certificates.models import Certificate, EventKind
from curation import services, task_queue
from kernel.states import State

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
TIMEOUT = 900


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE
    settings.TASK_RUNNING_TIMEOUT = TIMEOUT
    settings.TASK_MAX_ATTEMPTS = 3


def enqueued(path="curation.tasks.send_notification_emails", args=(7,)) -> DBTaskResult:
    return DBTaskResult.objects.create(
        args_kwargs={"args": list(args), "kwargs": {}}, task_path=path, backend_name="default"
    )


def claimed(result: DBTaskResult, worker: str, *, ago: timedelta) -> DBTaskResult:
    """What a worker does before it runs a task; a worker killed then does nothing more."""
    result.claim(worker)
    DBTaskResult.objects.filter(pk=result.pk).update(started_at=timezone.now() - ago)
    result.refresh_from_db()
    return result


def run_worker_until_the_queue_is_empty(monkeypatch):
    # The worker drops stale connections between tasks; here the test's transaction is its
    # connection, which must stay.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_a_task_left_running_past_the_timeout_goes_back_to_the_queue(database_queue):
    stuck = claimed(enqueued(), "killed-worker", ago=timedelta(seconds=TIMEOUT + 60))
    done = task_queue.requeue_stuck()
    assert done.requeued == [str(stuck.pk)] and done.given_up == []
    stuck.refresh_from_db()
    assert stuck.status == TaskResultStatus.READY and stuck.started_at is None
    assert stuck.worker_ids == ["killed-worker"]  # the history stays on the row


def test_a_task_running_within_the_timeout_is_left_alone(database_queue):
    running = claimed(enqueued(), "busy-worker", ago=timedelta(seconds=TIMEOUT - 60))
    assert task_queue.requeue_stuck().requeued == []
    running.refresh_from_db()
    assert running.status == TaskResultStatus.RUNNING


def test_a_task_that_keeps_losing_its_worker_is_given_up(database_queue):
    result = enqueued()
    for worker in ("first", "second"):
        claimed(result, worker, ago=timedelta(hours=1))
        assert task_queue.requeue_stuck().requeued == [str(result.pk)]
    claimed(result, "third", ago=timedelta(hours=1))
    done = task_queue.requeue_stuck()
    assert done.given_up == [str(result.pk)] and done.requeued == []
    result.refresh_from_db()
    assert result.status == TaskResultStatus.FAILED
    assert result.exception_class_path == "curation.task_queue.WorkerLost"
    assert "first, second, third" in result.traceback


def test_without_a_database_queue_there_is_nothing_to_requeue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert task_queue.requeue_stuck().requeued == []
    assert "No database task queue" in _command_output("task_queue")


def test_a_render_whose_worker_was_killed_is_done_once_by_the_next_worker(
    office, bring_to, django_capture_on_commit_callbacks, settings, signing_key, monkeypatch
):
    settings.SIGNING_PKCS12_PATH = signing_key
    application = bring_to(State.AWAITING_CERTIFICATION)
    settings.TASKS = DATABASE_QUEUE
    settings.TASK_RUNNING_TIMEOUT = TIMEOUT
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_certify(application=application, by=office.officer)
    certificate = Certificate.objects.get(application=application)
    render = DBTaskResult.objects.get(task_path__endswith="certificate_render_task")
    claimed(render, "killed-worker", ago=timedelta(minutes=20))

    assert _command_output("requeue_stuck_tasks") == (
        "Stuck tasks put back in the queue: 1; given up: 0."
    )
    run_worker_until_the_queue_is_empty(monkeypatch)

    render.refresh_from_db()
    assert render.status == TaskResultStatus.SUCCESSFUL
    assert render.worker_ids[0] == "killed-worker" and len(render.worker_ids) == 2
    certificate.refresh_from_db()
    assert certificate.is_ready and certificate.is_dossier_ready
    kinds = list(certificate.events.values_list("kind", flat=True))
    assert kinds.count(EventKind.RENDERED) == 1
    assert kinds.count(EventKind.DOSSIER_RENDERED) == 1
    assert [m.to for m in mail.outbox] == [[office.msme.email]]  # the certify notice, once

    # Running the same render again (a second requeue, `issue_pending`) changes nothing.
    pdf = certificate.pdf.name
    render.status = TaskResultStatus.READY
    render.save(update_fields=["status"])
    run_worker_until_the_queue_is_empty(monkeypatch)
    certificate.refresh_from_db()
    assert certificate.pdf.name == pdf
    assert certificate.events.filter(kind=EventKind.RENDERED).count() == 1


def test_the_task_queue_command_shows_counts_waits_and_failures(database_queue):
    waiting = enqueued()
    DBTaskResult.objects.filter(pk=waiting.pk).update(
        enqueued_at=timezone.now() - timedelta(minutes=5)
    )
    claimed(enqueued(), "gone", ago=timedelta(hours=2))
    failed = enqueued(path="certificates.tasks.certificate_render_task", args=(3,))
    failed.set_failed(task_queue.WorkerLost("3 workers stopped"))

    text = _command_output("task_queue")
    assert "default" in text and "Oldest waiting task has waited: 5 min" in text
    assert "Stuck: 1" in text
    assert "certificates.tasks.certificate_render_task  curation.task_queue.WorkerLost" in text

    state = json.loads(_command_output("task_queue", "--json"))
    assert state["counts"] == {"default": {"READY": 1, "RUNNING": 1, "FAILED": 1}}
    assert 295 <= state["oldest_wait_seconds"] <= 310
    assert state["stuck"] == 1 and state["running_timeout_seconds"] == TIMEOUT
    (failure,) = state["recent_failures"]
    assert failure["id"] == str(failed.pk) and failure["error"].endswith("WorkerLost")


def _command_output(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()
