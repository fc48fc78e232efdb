"""The database task queue (django-tasks-db) as operations see it, and the recovery of
tasks whose worker died.

django-tasks-db marks a task RUNNING when a worker claims it, and SUCCESSFUL or FAILED
when the task returns or raises. A worker that dies without unwinding (SIGKILL, the
out-of-memory killer, a machine lost) leaves its task RUNNING for ever: nothing in
django-tasks-db looks at it again, so a certificate would stay without its PDF and a
notice without its e-mail. `requeue_stuck` puts such a task back in the queue once it has
been running longer than TASK_RUNNING_TIMEOUT (far longer than any of our tasks takes), and
marks it FAILED instead once TASK_MAX_ATTEMPTS workers have claimed it, so a task that
kills its worker every time cannot do it for ever. `manage.py requeue_stuck_tasks` runs it
(every minute: deploy/systemd/siap-ekspor-requeue.timer, or the Procfile's `clock`).

Running a task again is safe because every task of ours is idempotent: rendering stores a
file only for a certificate (or shipment) that has none and keeps the first one stored
(`certificates.storing._store_pdf`), and the e-mail tasks skip the notices already
e-mailed. The one thing a second run can leave is an object in the bucket that no row
points to, when the worker died between uploading it and recording it: harmless.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max


class WorkerLost(Exception):
    """Recorded on a task given up on: its workers kept dying while running it."""


def database_backends() -> list[str]:
    """The aliases in TASKS that are django-tasks-db queues (none with the immediate
    backend of development)."""
    return [
        alias
        for alias, options in settings.TASKS.items()
        if issubclass(import_string(options["BACKEND"]), DatabaseBackend)
    ]


def _results():
    return DBTaskResult.objects.filter(backend_name__in=database_backends())


def oldest_wait(*, now: datetime | None = None) -> timedelta | None:
    """How long the task that has waited longest to run has waited (None: none waits).

    A task deferred to a later time (a render retry's back-off) waits from that time on,
    not from when it was enqueued.
    """
    now = now or timezone.now()
    ready = _results().ready()
    never_deferred = ready.filter(run_after=get_date_max()).aggregate(since=Min("enqueued_at"))
    deferred = ready.exclude(run_after=get_date_max()).aggregate(since=Min("run_after"))
    starts = [since for since in (never_deferred["since"], deferred["since"]) if since]
    return now - min(starts) if starts else None


@dataclass
class QueueState:
    counts: dict[str, dict[str, int]]  # queue name -> status -> tasks
    oldest_wait: timedelta | None
    longest_running: timedelta | None
    stuck: int  # running for longer than TASK_RUNNING_TIMEOUT
    recent_failures: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        def seconds(value):
            return None if value is None else round(value.total_seconds())

        return {
            "counts": self.counts,
            "oldest_wait_seconds": seconds(self.oldest_wait),
            "longest_running_seconds": seconds(self.longest_running),
            "stuck": self.stuck,
            "running_timeout_seconds": settings.TASK_RUNNING_TIMEOUT,
            "recent_failures": self.recent_failures,
        }


def queue_state(*, failed_within: timedelta = timedelta(hours=24), limit: int = 20) -> QueueState:
    now = timezone.now()
    results = _results()
    counts: dict[str, dict[str, int]] = {}
    for row in results.values("queue_name", "status").annotate(n=Count("pk")):
        counts.setdefault(row["queue_name"], {})[row["status"]] = row["n"]
    running = results.running()
    started = running.aggregate(first=Min("started_at"))["first"]
    failures = results.failed().filter(finished_at__gte=now - failed_within)
    return QueueState(
        counts=counts,
        oldest_wait=oldest_wait(now=now),
        longest_running=now - started if started else None,
        stuck=running.filter(started_at__lt=now - _running_timeout()).count(),
        recent_failures=[
            {
                "id": str(row["pk"]),
                "task": row["task_path"],
                "queue": row["queue_name"],
                "finished_at": row["finished_at"].isoformat(),
                "error": row["exception_class_path"],
            }
            for row in failures.order_by("-finished_at").values(
                "pk", "task_path", "queue_name", "finished_at", "exception_class_path"
            )[:limit]
        ],
    )


def _running_timeout() -> timedelta:
    return timedelta(seconds=settings.TASK_RUNNING_TIMEOUT)


@dataclass
class Requeued:
    requeued: list[str] = field(default_factory=list)
    given_up: list[str] = field(default_factory=list)


def requeue_stuck(*, now: datetime | None = None) -> Requeued:
    """Put back in the queue every task RUNNING for longer than TASK_RUNNING_TIMEOUT (its
    worker is gone), or mark it FAILED when TASK_MAX_ATTEMPTS workers have claimed it.

    The task keeps its row (and id): the next worker claims it like any other and adds its
    id to the row's `worker_ids`, which so tells the whole story. Rows are locked and
    skipped when locked, so two of these running at once never handle a task twice.
    """
    now = now or timezone.now()
    done = Requeued()
    with transaction.atomic():
        stuck = (
            _results()
            .running()
            .filter(started_at__lt=now - _running_timeout())
            .select_for_update(skip_locked=True)
        )
        for result in stuck:
            if len(result.worker_ids) >= settings.TASK_MAX_ATTEMPTS:
                result.set_failed(
                    WorkerLost(
                        f"{len(result.worker_ids)} workers stopped while running this task "
                        f"({', '.join(result.worker_ids)}); not tried again."
                    )
                )
                done.given_up.append(str(result.pk))
            else:
                result.status = TaskResultStatus.READY
                result.started_at = None
                result.save(update_fields=["status", "started_at"])
                done.requeued.append(str(result.pk))
    return done
