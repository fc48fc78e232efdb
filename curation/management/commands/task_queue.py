import json
from datetime import timedelta

from django.core.management.base import BaseCommand

from curation import task_queue


def _age(value: timedelta | None) -> str:
    if value is None:
        return "-"
    seconds = round(value.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"


class Command(BaseCommand):
    help = (
        "Show the task queue (django-tasks-db): tasks per queue and status, how long the "
        "oldest waiting task has waited, tasks stuck running (their worker is gone), and "
        "the tasks that failed recently."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours", type=int, default=24, help="List failures of the last HOURS (24)."
        )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="One JSON object, for scripts."
        )

    def handle(self, *args, hours=24, as_json=False, **options):
        if not task_queue.database_backends():
            self.stdout.write(
                "No database task queue: TASKS_BACKEND is not django_tasks_db.DatabaseBackend, "
                "so tasks run at once in the process that enqueues them."
            )
            return
        state = task_queue.queue_state(failed_within=timedelta(hours=hours))
        if as_json:
            self.stdout.write(json.dumps(state.as_dict()))
            return
        statuses = ["READY", "RUNNING", "SUCCESSFUL", "FAILED"]
        self.stdout.write(f"{'queue':<16}" + "".join(f"{s.lower():>12}" for s in statuses))
        for queue, counts in sorted(state.counts.items()) or [("(empty)", {})]:
            self.stdout.write(f"{queue:<16}" + "".join(f"{counts.get(s, 0):>12}" for s in statuses))
        self.stdout.write(f"Oldest waiting task has waited: {_age(state.oldest_wait)}")
        self.stdout.write(f"Longest running task: {_age(state.longest_running)}")
        if state.stuck:
            self.stdout.write(
                self.style.WARNING(
                    f"Stuck: {state.stuck} running for longer than TASK_RUNNING_TIMEOUT; "
                    "`manage.py requeue_stuck_tasks` puts them back."
                )
            )
        self.stdout.write(f"Failed in the last {hours} h: {len(state.recent_failures)}")
        for failure in state.recent_failures:
            self.stdout.write(
                f"  {failure['finished_at']}  {failure['task']}  {failure['error']}  "
                f"{failure['id']}"
            )
