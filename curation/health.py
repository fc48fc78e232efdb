"""Health endpoints for the load balancer, the orchestrator and monitoring.

`/healthz` (liveness): the process answers. It touches nothing else, so an outage of the
database does not make a supervisor restart every healthy web process.

`/readyz` (readiness): the database, the shared cache and the file storage answer, and the
task queue keeps up: the oldest task waiting to run has waited less than
READYZ_MAX_TASK_WAIT seconds (0 leaves the queue out). 503 when anything fails, with a
JSON body naming what. The body gives each failure's error type, never its message (a
connection error can name hosts, users or buckets); the log has the whole error, under the
request's id.

Both are open to anyone and never rate limited: they reveal nothing but "ok" or a
component's name, and a probe must never be refused for probing.
"""

import functools
import logging
import os
import uuid
from datetime import timedelta
from pathlib import Path

from botocore.config import Config
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from curation import task_queue

logger = logging.getLogger(__name__)


class CheckFailed(Exception):
    """A component answered, but not as it should. Its message and details are ours, safe
    to show to anyone."""

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.details = details


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def check_cache() -> dict:
    # A key of our own: probes of several processes at once must not read each other's.
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    try:
        if cache.get(key) != "ok":
            raise CheckFailed("the cache did not return what was just stored")
    finally:
        cache.delete(key)
    return {}


def check_storage() -> dict:
    storage = storages["default"]
    bucket = getattr(storage, "bucket_name", None)
    if bucket:
        # S3: the bucket itself (a missing object answers 404 even when the bucket is gone).
        _s3_probe_client(storage).head_bucket(Bucket=bucket)
    elif isinstance(storage, FileSystemStorage):
        # Local disk: the folder is made at the first upload, so only one that exists and
        # cannot be written to is a failure.
        root = Path(storage.location)
        if root.exists() and not os.access(root, os.W_OK):
            raise CheckFailed("the media folder is not writable")
    else:
        storage.exists("readyz")
    return {}


@functools.cache
def _s3_probe_client(storage):
    """The storage's S3 client, but giving up after two seconds and no retry: with
    botocore's defaults a probe of an unreachable endpoint would hold a web worker for
    minutes, and probes come every few seconds."""
    impatient = Config(connect_timeout=2, read_timeout=2, retries={"max_attempts": 1})
    return storage._create_session().client(
        "s3",
        region_name=storage.region_name,
        use_ssl=storage.use_ssl,
        endpoint_url=storage.endpoint_url,
        config=storage.client_config.merge(impatient),
        verify=storage.verify,
    )


def check_task_queue() -> dict:
    limit = settings.READYZ_MAX_TASK_WAIT
    if not limit or not task_queue.database_backends():
        return {"checked": False}
    waited = task_queue.oldest_wait() or timedelta(0)
    details = {"oldest_wait_seconds": round(waited.total_seconds()), "limit_seconds": limit}
    if waited > timedelta(seconds=limit):
        raise CheckFailed("the oldest waiting task has waited too long", **details)
    return details


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "storage": check_storage,
    "task_queue": check_task_queue,
}


@require_safe
def liveness(request):
    return JsonResponse({"status": "ok"})


@require_safe
def readiness(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = {"status": "ok", **check()}
        except CheckFailed as error:
            logger.warning("Readiness check %s failed: %s", name, error)
            results[name] = {"status": "failed", "error": str(error), **error.details}
        except Exception as error:
            # A warning, with the traceback: an outage probed every few seconds must not
            # become an error report each time (Sentry takes errors only).
            logger.warning("Readiness check %s failed", name, exc_info=True)
            results[name] = {"status": "failed", "error": type(error).__name__}
    failed = [name for name, result in results.items() if result["status"] != "ok"]
    body = {
        "status": "failed" if failed else "ok",
        "failed": failed,
        "checks": results,
        "time": timezone.now().isoformat(),
    }
    return JsonResponse(body, status=503 if failed else 200)
