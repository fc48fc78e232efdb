"""What an operator reads: JSON log lines carrying each request's id, the id on the
response, errors sent to Sentry only when SENTRY_DSN is set, and the log format chosen by
LOG_FORMAT (JSON by default in production, plain lines in development)."""

import io
import json
import logging
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.urls import reverse

from curation import health
from curation.logs import JsonFormatter, RequestIdFilter, request_id_var

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "s" * 64, "ALLOWED_HOSTS": "siap.example.go.id"}


@pytest.fixture
def json_log():
    """Every record of the root logger, as the production handler writes it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous_level = root.level
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)


def python(code: str, env: dict) -> subprocess.CompletedProcess:
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**keep, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_log_line_is_one_json_object_with_the_exception():
    logger = logging.getLogger("siap_ekspor.test")
    try:
        raise ValueError("bad\nvalue")
    except ValueError:
        record = logger.makeRecord(
            logger.name, logging.ERROR, __file__, 1, "failed: %s", ("x",), sys.exc_info()
        )
    record.certificate = 7  # as logger.error(..., extra={"certificate": 7}) does
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["logger"] == "siap_ekspor.test"
    assert entry["message"] == "failed: x"
    assert entry["request_id"] == "-"  # outside a request
    assert entry["time"].endswith("+00:00")
    assert "ValueError: bad\nvalue" in entry["exception"]
    assert entry["certificate"] == 7


@pytest.mark.django_db
def test_every_line_of_a_request_carries_its_id(client, json_log):
    response = client.get(reverse("account_login"), headers={"X-Request-ID": "lb-7f3a9c01"})
    assert response["X-Request-ID"] == "lb-7f3a9c01"
    lines = [line for line in json_log() if line["logger"] == "siap_ekspor.requests"]
    assert lines == [
        {
            **lines[0],
            "message": f"GET /accounts/login/ {response.status_code}",
            "request_id": "lb-7f3a9c01",
            "method": "GET",
            "path": "/accounts/login/",
            "status": response.status_code,
        }
    ]
    assert request_id_var.get() == "-"  # nothing of the request outlives it


@pytest.mark.django_db
def test_an_error_logged_during_a_request_carries_its_id(client, json_log, monkeypatch):
    def broken():
        raise RuntimeError("database down")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get(reverse("readyz"))
    (error,) = [line for line in json_log() if line["logger"] == "curation.health"]
    assert error["request_id"] == response["X-Request-ID"]
    assert "RuntimeError: database down" in error["exception"]


@pytest.mark.parametrize(
    "incoming",
    ["", "has space", "line\nbreak", "x" * 200, "<script>", 'quote"d'],
)
def test_an_odd_incoming_request_id_is_replaced(client, incoming):
    response = client.get(reverse("healthz"), headers={"X-Request-ID": incoming})
    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32  # a new uuid4, in hex


def test_production_logs_json_and_development_plain_lines():
    code = "import django, logging; django.setup(); logging.getLogger('probe').warning('hello')"
    production = python(code, PRODUCTION)
    assert production.returncode == 0, production.stderr
    entry = json.loads(production.stderr.strip().splitlines()[-1])
    assert entry["message"] == "hello" and entry["level"] == "WARNING"

    development = python(code, {"DEBUG": "true"})
    assert development.returncode == 0, development.stderr
    assert development.stderr.strip().splitlines()[-1].endswith("WARNING probe [-] hello")

    chosen = python(code, {**PRODUCTION, "LOG_FORMAT": "plain"})
    assert chosen.stderr.strip().splitlines()[-1].endswith("WARNING probe [-] hello")


def test_a_bad_log_format_names_the_variable():
    result = python("import django; django.setup()", {"LOG_FORMAT": "xml"})
    assert result.returncode != 0
    assert "LOG_FORMAT must be 'json' or 'plain'" in result.stderr


class Collector(BaseHTTPRequestHandler):
    """Stands in for Sentry: records the path of every envelope posted to it."""

    received: list[str] = []

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Collector.received.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_errors_go_to_sentry_only_when_a_dsn_is_set():
    code = (
        "import django, json, sentry_sdk; django.setup(); client = sentry_sdk.get_client(); "
        "print(json.dumps([client.is_active(), client.options.get('send_default_pii'), "
        "sorted(client.integrations)])); "
        "sentry_sdk.capture_message('probe'); sentry_sdk.flush(10)"
    )
    off = python(code, PRODUCTION)
    assert off.returncode == 0, off.stderr
    assert json.loads(off.stdout.splitlines()[0])[0] is False

    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Collector.received.clear()
    try:
        dsn = f"http://publickey@127.0.0.1:{server.server_port}/42"
        on = python(code, {**PRODUCTION, "SENTRY_DSN": dsn})
    finally:
        server.shutdown()
        server.server_close()
    assert on.returncode == 0, on.stderr
    active, pii, integrations = json.loads(on.stdout.splitlines()[0])
    assert active is True and pii is False and "django" in integrations
    assert Collector.received == ["/api/42/envelope/"]


def test_a_redis_cache_url_is_served_by_djangos_own_redis_backend():
    code = "import django, json; django.setup(); from django.conf import settings; print(json.dumps(settings.CACHES['default']))"
    result = python(code, {"CACHE_URL": "redis://127.0.0.1:6379/4?socket_timeout=5"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/4",
        # Timeouts so a stalled Redis cannot hang a request; the URL's own win.
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
    }
