"""Logs a machine can search: one JSON object per line (time, level, logger, message,
request_id, and the traceback when there is one), and every line written while a request
is handled carries that request's id.

The id is the one the reverse proxy sent in X-Request-ID when it looks like an id, else a
new one; it goes back in the response's X-Request-ID header, so a user's report, the
proxy's log, our log and the error in Sentry all meet on it. It travels in a context
variable, not on the request, so a log call deep in a service needs no request to carry
it. Only the standard library and sentry-sdk: gunicorn's master process, which has no
Django, formats its own lines with `JsonFormatter` too (deploy/gunicorn.conf.py).
"""

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

import sentry_sdk

HEADER = "X-Request-ID"
NO_REQUEST = "-"

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar(
    "request_id", default=NO_REQUEST
)

# An id made by another system is kept only when it is short and plain: no spaces, quotes
# or line breaks that could forge a log line or split a header.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

# Load balancers ask these every few seconds; one line each would drown the log.
QUIET_PATHS = frozenset({"/healthz", "/readyz"})

access_logger = logging.getLogger("siap_ekspor.requests")

# What every LogRecord has; anything else on a record came as `extra=` and is kept.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "request_id",
}


def request_id_for(incoming: str | None) -> str:
    if incoming and SANE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE, so even a redirect or a refused host is logged under its id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_for(request.headers.get(HEADER))
        request.request_id = request_id
        token = request_id_var.set(request_id)
        sentry_sdk.set_tag("request_id", request_id)  # a no-op without SENTRY_DSN
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            access_logger.log(
                logging.DEBUG if request.path in QUIET_PATHS else logging.INFO,
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class RequestIdFilter(logging.Filter):
    """Puts the current request's id (or "-" outside a request) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line; a multi-line message or traceback stays on its line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_"):
                entry.setdefault(key, value)
        return json.dumps(entry, default=str, ensure_ascii=False)
