"""The public verification page reads a lean record of the certificate, cached per code in
the shared cache, and says what is true from the very next request after a revocation,
a supersession, the signed PDF being stored, or the last valid day passing: whichever
process (cache client) served the page before."""

import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certificates import storing, verification
from certificates.models import Certificate
from certificates.revocation import certificate_revoke
from curation import services
from kernel.states import State
from tests import certificate_helpers as h
from tests import factories as f

pytestmark = [
    pytest.mark.django_db,
    # Django's RedisCache.clear() empties the whole Redis database, not just its key
    # prefix: this module's tests clear the cache around each test, so they keep to one
    # worker, or one worker's clear wipes a count the other is in the middle of.
    pytest.mark.xdist_group("redis-db-9"),
]

REDIS_URL = "redis://127.0.0.1:6379/9"


@pytest.fixture(autouse=True)
def _clean_cache(settings):
    settings.SITE_URL = "https://siap-ekspor.example"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def certificate(certificate):
    """The certified application's certificate, its PDF stored a while ago: the few
    seconds in which the page caches nothing after a change are over."""
    cache.clear()
    return certificate


def page(client, certificate) -> str:
    response = client.get(f"/verify/{certificate.verification_code}/", {"lang": "en"})
    assert response.status_code == 200
    return response.content.decode()


def as_json(client, certificate) -> dict:
    return client.get(f"/verify/{certificate.verification_code}/", {"format": "json"}).json()


def key(certificate) -> str:
    return verification.cache_key(certificate.verification_code)


def certificate_queries(run) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        run()
    return [q["sql"] for q in queries.captured_queries if "certificates_certificate" in q["sql"]]


@pytest.fixture
def other_process():
    """A second client of the same cache, as another web process has: its own connection
    (for Redis, another socket) to the store the settings name."""
    other = caches.create_connection("default")
    yield other
    other.close()


def test_the_record_is_read_once_then_served_from_the_cache(client, certificate, other_process):
    (lookup,) = certificate_queries(lambda: page(client, certificate))
    # The lean lookup: only the columns the page shows, the region and the successor.
    assert "pdf_sha256" in lookup and "verification_code" in lookup
    assert '"dossier"' not in lookup and "application" not in lookup
    assert lookup.count("JOIN") == 2
    assert certificate_queries(lambda: page(client, certificate)) == []
    assert certificate_queries(lambda: as_json(client, certificate)) == []
    # Another process finds it too: the cache is the shared one.
    assert other_process.get(key(certificate))["number"] == certificate.number


def test_revoked_reads_revoked_on_the_very_next_request(client, certificate, office, other_process):
    assert "This certificate is valid." in page(client, certificate)
    assert other_process.get(key(certificate))["status"] == "valid"

    certificate_revoke(certificate=certificate, by=office.officer, reason="Label claims untrue.")

    # Whoever asks next, through whichever cache client, is not given the valid record.
    assert other_process.get(key(certificate)) == verification._CHANGED
    body = page(client, certificate)
    assert "This certificate was revoked on" in body and "Label claims untrue." in body
    assert as_json(client, certificate)["status"] == "revoked"


def test_a_stale_reader_cannot_put_the_valid_record_back(client, certificate, office):
    """A request that read the certificate just before the revocation committed, and
    caches what it read just after: its `add` finds the marker and stores nothing."""
    stale = verification._lookup(certificate.verification_code)
    certificate_revoke(certificate=certificate, by=office.officer, reason="Label claims untrue.")
    assert cache.add(key(certificate), stale, timeout=verification.CACHE_SECONDS) is False
    assert as_json(client, certificate)["status"] == "revoked"


def test_once_settled_the_revoked_record_is_cached(client, certificate, office):
    certificate_revoke(certificate=certificate, by=office.officer, reason="Label claims untrue.")
    cache.delete(key(certificate))  # the marker's few seconds are over
    assert as_json(client, certificate)["status"] == "revoked"
    assert cache.get(key(certificate))["status"] == "revoked"
    assert certificate_queries(lambda: as_json(client, certificate)) == []


def test_revocation_clears_it_again_after_the_commit(
    client, certificate, office, other_process, django_capture_on_commit_callbacks
):
    page(client, certificate)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        certificate_revoke(certificate=certificate, by=office.officer, reason="Untrue.")
    # A reader between the revocation's first clearing and its commit still reads the
    # certificate valid (it is not committed yet), and might cache that...
    stale = {**verification._lookup(certificate.verification_code), "status": "valid"}
    other_process.set(key(certificate), stale)
    assert as_json(client, certificate)["status"] == "valid"
    for callback in callbacks:
        callback()
    # ...and the commit's clearing takes it out again.
    assert other_process.get(key(certificate)) == verification._CHANGED
    assert as_json(client, certificate)["status"] == "revoked"


def test_superseded_reads_superseded_on_the_very_next_request(
    client, certificate, office, other_process
):
    assert "This certificate is valid." in page(client, certificate)
    renewal = services.application_create(
        product=office.product, by=office.msme, previous=certificate.application
    )
    f.bring_to(office, State.CERTIFIED, renewal)
    successor = Certificate.objects.get(application=renewal)

    assert other_process.get(key(certificate)) == verification._CHANGED
    body = page(client, certificate)
    assert "replaced by a newer one" in body
    assert f"/verify/{successor.verification_code}/" in body
    assert as_json(client, certificate)["superseded_by"]["number"] == successor.number


def test_expired_reads_expired_the_day_after_the_last_valid_day(client, certificate, monkeypatch):
    Certificate.objects.filter(pk=certificate.pk).update(valid_until=timezone.localdate())
    assert as_json(client, certificate)["status"] == "valid"
    assert cache.get(key(certificate))["valid_until"] == timezone.localdate()

    # The next day, the same cached record: the verdict is worked out on every request.
    real = timezone.localdate
    tomorrow = real() + timedelta(days=1)
    monkeypatch.setattr(
        timezone, "localdate", lambda value=None, tz=None: real(value, tz) if value else tomorrow
    )
    assert certificate_queries(lambda: as_json(client, certificate)) == []
    assert as_json(client, certificate)["status"] == "expired"
    assert "has expired" in page(client, certificate)


def test_the_pdf_stored_shows_its_sha256_on_the_very_next_request(
    client, office, bring_to, django_capture_on_commit_callbacks
):
    application = bring_to(State.AWAITING_CERTIFICATION)
    pending = h.certify(office, application, django_capture_on_commit_callbacks, render=False)
    assert "The signed PDF is being prepared." in page(client, pending)

    storing.certificate_render(certificate_id=pending.pk)

    pending.refresh_from_db()
    body = page(client, pending)
    assert pending.pdf_sha256 in body
    assert as_json(client, pending)["pdf_ready"] is True


def test_unknown_codes_are_not_cached(client, certificate):
    assert client.get("/verify/abcdefghjkmnpqrstuvw/").status_code == 404
    assert client.get("/verify/not a code!/").status_code == 404
    assert cache.get(verification.cache_key("abcdefghjkmnpqrstuvw")) is None


def test_a_failing_cache_is_read_around(client, certificate, office, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(verification.cache, "get", broken)
    assert as_json(client, certificate)["status"] == "valid"
    certificate_revoke(certificate=certificate, by=office.officer, reason="Untrue.")
    assert as_json(client, certificate)["status"] == "revoked"


# The same with Redis, the cache production shares between processes.


def _redis():
    import redis

    return redis.Redis.from_url(REDIS_URL, decode_responses=True)


def _redis_keys() -> list[str]:
    prefix = cache.key_prefix
    return list(_redis().scan_iter(f"{prefix}:*"))


def _redis_ttl(name: str) -> int:
    return _redis().ttl(name)


@pytest.fixture
def redis_cache(settings):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    prefix = f"test-verify-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield
    client = redis.Redis.from_url(REDIS_URL)
    for stored in client.scan_iter(f"{prefix}:*"):
        client.delete(stored)


@pytest.mark.usefixtures("redis_cache")
def test_with_redis_two_processes_see_the_revocation_at_once(
    client, certificate, office, other_process
):
    assert type(other_process).__name__ == "RedisCache"
    assert "This certificate is valid." in page(client, certificate)
    assert other_process.get(key(certificate))["status"] == "valid"

    certificate_revoke(certificate=certificate, by=office.officer, reason="Label claims untrue.")

    assert other_process.get(key(certificate)) == verification._CHANGED
    assert as_json(client, certificate)["status"] == "revoked"
    other_process.delete(key(certificate))  # settled
    assert as_json(client, certificate)["status"] == "revoked"
    assert other_process.get(key(certificate))["status"] == "revoked"


@pytest.mark.usefixtures("redis_cache")
def test_with_redis_the_rate_limit_counts_in_one_round_trip(client, certificate, settings):
    """The verification page's rate limit with Redis (INCR and EXPIRE together): the same
    count Django's cache API reads, shared by every process, the limit where it was."""
    from certificates import ratelimit

    settings.VERIFY_RATE_LIMIT = 3
    statuses = [
        client.get(f"/verify/{certificate.verification_code}/").status_code for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    (counted,) = [k for k in _redis_keys() if ":ratelimit:verify:" in k]
    assert cache.get(counted.split(":", 2)[2]) == 5
    assert 0 < _redis_ttl(counted) <= ratelimit.WINDOW_TIMEOUT


@pytest.mark.usefixtures("redis_cache")
def test_with_redis_a_cached_certificate_costs_one_round_trip(
    client, certificate, office, monkeypatch
):
    """The page counts the request and reads the certificate's record in one exchange with
    Redis; the record read so is the same one that reads revoked after a revocation."""
    from redis.connection import Connection

    sent = []
    real_send = Connection.send_packed_command

    def counting_send(self, command, check_health=True):
        sent.append(command)
        return real_send(self, command, check_health)

    page(client, certificate)  # the first request caches the record
    monkeypatch.setattr(Connection, "send_packed_command", counting_send)
    for _ in range(3):
        sent.clear()
        with CaptureQueriesContext(connection) as queries:
            assert "This certificate is valid." in page(client, certificate)
        assert len(sent) == 1
        assert queries.captured_queries == []

    certificate_revoke(certificate=certificate, by=office.officer, reason="Label claims untrue.")
    assert "This certificate was revoked on" in page(client, certificate)
