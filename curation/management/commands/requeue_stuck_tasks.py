import logging
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from curation import task_queue

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Put back in the queue the tasks left running by a worker that died (running for "
        "longer than TASK_RUNNING_TIMEOUT), or mark them failed after TASK_MAX_ATTEMPTS. "
        "Run it every minute: once per run from a timer or cron, or with --every from a "
        "process manager."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=float,
            default=None,
            metavar="SECONDS",
            help="Keep running, once every SECONDS (for a Procfile's clock process).",
        )

    def handle(self, *args, every=None, **options):
        while True:
            done = task_queue.requeue_stuck()
            for task_id in done.requeued:
                logger.warning("Task %s was stuck running; put back in the queue", task_id)
            for task_id in done.given_up:
                logger.error("Task %s lost its worker too often; marked failed", task_id)
            if options["verbosity"] > 0 and (every is None or done.requeued or done.given_up):
                self.stdout.write(
                    f"Stuck tasks put back in the queue: {len(done.requeued)}; "
                    f"given up: {len(done.given_up)}."
                )
            if every is None:
                return
            # Like a worker between polls: do not hold a connection the server may drop.
            close_old_connections()
            time.sleep(every)
