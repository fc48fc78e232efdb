"""/healthz and /readyz as the load balancer and monitoring see them: open to anyone, never
rate limited, /healthz without the database, /readyz naming what failed and nothing more."""

import time
from datetime import timedelta

import boto3
import pytest
from django.core.files.storage import Storage
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from config.settings import s3_storage
from curation import health
from tests.s3_helpers import KEYS, REGION, Endpoint

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class UnreachableStorage(Storage):
    """A bucket that cannot be reached; its error names a host and a key, as boto's do."""

    def exists(self, name):
        raise ConnectionError("cannot reach s3.internal:9000 with key AKIA-SECRET-123")


def waiting_task(*, waited: timedelta, run_after=None) -> DBTaskResult:
    result = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="curation.tasks.send_notification_emails",
        backend_name="default",
        run_after=run_after,
    )
    # enqueued_at is set on insert; age it as if the task had waited that long.
    DBTaskResult.objects.filter(pk=result.pk).update(enqueued_at=timezone.now() - waited)
    return result


def test_liveness_answers_without_touching_the_database(client):
    # No django_db mark: any query here would raise, and the answer would be a 500.
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["X-Request-ID"]


@pytest.mark.django_db
def test_readiness_checks_database_cache_and_storage(client):
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["failed"] == []
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "cache": "ok",
        "storage": "ok",
        "task_queue": "ok",
    }
    # With tasks run at once (no database queue) there is no queue to check.
    assert body["checks"]["task_queue"]["checked"] is False


@pytest.mark.django_db
def test_probes_are_open_and_never_rate_limited(client, settings):
    settings.VERIFY_RATE_LIMIT = 2
    for _ in range(10):
        assert client.get(reverse("healthz")).status_code == 200
        assert client.get(reverse("readyz")).status_code == 200
    assert client.head(reverse("readyz")).status_code == 200
    assert client.post(reverse("readyz")).status_code == 405


@pytest.mark.django_db
def test_a_cache_that_does_not_keep_what_it_stores_is_not_ready(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["cache"]
    assert body["checks"]["cache"] == {
        "status": "failed",
        "error": "the cache did not return what was just stored",
    }


@pytest.mark.django_db
def test_an_unreachable_storage_is_named_without_its_secrets(client, settings, caplog):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.UnreachableStorage"},
    }
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == {"status": "failed", "error": "ConnectionError"}
    assert b"s3.internal" not in response.content and b"AKIA" not in response.content
    # The operator finds the whole error in the log, under the request's id.
    (record,) = [r for r in caplog.records if r.name == "curation.health"]
    assert "s3.internal" in str(record.exc_info[1])


@pytest.mark.django_db
def test_a_database_error_is_named_without_its_message(client, monkeypatch):
    def down():
        raise RuntimeError('connection to server at "10.0.0.3", user "siap" password "hunter2"')

    monkeypatch.setitem(health.CHECKS, "database", down)
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]
    assert b"hunter2" not in response.content and b"10.0.0.3" not in response.content


@pytest.mark.django_db
def test_a_task_queue_that_falls_behind_is_not_ready(client, settings):
    settings.TASKS = DATABASE_QUEUE
    settings.READYZ_MAX_TASK_WAIT = 300
    waiting_task(waited=timedelta(seconds=100))
    check = client.get(reverse("readyz")).json()["checks"]["task_queue"]
    assert check["status"] == "ok"
    assert 95 <= check["oldest_wait_seconds"] <= 110

    waiting_task(waited=timedelta(minutes=20))
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    check = response.json()["checks"]["task_queue"]
    assert check["status"] == "failed" and check["limit_seconds"] == 300
    assert 1195 <= check["oldest_wait_seconds"] <= 1210


@pytest.mark.django_db
def test_a_task_deferred_on_purpose_waits_from_its_time_on(client, settings):
    settings.TASKS = DATABASE_QUEUE
    settings.READYZ_MAX_TASK_WAIT = 300
    # A render retry backing off: enqueued long ago, due in the future, or just now.
    waiting_task(waited=timedelta(hours=2), run_after=timezone.now() + timedelta(minutes=8))
    waiting_task(waited=timedelta(hours=1), run_after=timezone.now() - timedelta(seconds=30))
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert 25 <= response.json()["checks"]["task_queue"]["oldest_wait_seconds"] <= 40


@pytest.mark.django_db
def test_the_queue_check_can_be_turned_off(client, settings):
    settings.TASKS = DATABASE_QUEUE
    settings.READYZ_MAX_TASK_WAIT = 0
    waiting_task(waited=timedelta(days=1))
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json()["checks"]["task_queue"] == {"status": "ok", "checked": False}


@pytest.fixture
def s3_bucket(settings):
    """A real S3 endpoint (moto's server) with our bucket, as the default storage."""
    endpoint = Endpoint()
    endpoint.start()
    client = boto3.client(
        "s3",
        endpoint_url=endpoint.url,
        region_name=REGION,
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )
    client.create_bucket(Bucket="siap-readyz")
    client.close()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(
            bucket_name="siap-readyz", endpoint_url=endpoint.url, region_name=REGION, **KEYS
        ),
    }
    yield endpoint
    endpoint.stop()


@pytest.mark.django_db
def test_an_s3_outage_fails_readiness_within_seconds(client, s3_bucket):
    assert client.get(reverse("readyz")).json()["checks"]["storage"] == {"status": "ok"}
    s3_bucket.stop()
    started = time.monotonic()
    response = client.get(reverse("readyz"))
    # Not botocore's minutes of retries: a probe must not hold a web worker.
    assert time.monotonic() - started < 10
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == {
        "status": "failed",
        "error": "EndpointConnectionError",
    }
