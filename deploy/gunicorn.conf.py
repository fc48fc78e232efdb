"""gunicorn's settings for Siap Ekspor, read from the same environment as the app
(docs/deployment.md):

    gunicorn --config deploy/gunicorn.conf.py

Sync workers, WEB_CONCURRENCY of them (the settings read the same variable to refuse an
in-process cache when there is more than one), behind a reverse proxy that terminates
HTTPS.
"""

import os
from pathlib import Path

TRUE = {"true", "on", "ok", "y", "yes", "1"}  # what django-environ takes for true

wsgi_app = "config.wsgi:application"
chdir = str(Path(__file__).resolve().parent.parent)

# BIND wins; a platform that gives a PORT expects us on every interface; else the proxy
# on this machine reaches us on the loopback.
bind = os.environ.get("BIND") or (
    f"0.0.0.0:{os.environ['PORT']}" if os.environ.get("PORT") else "127.0.0.1:8000"
)
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
# Long enough for the slowest request (a visitor's PDF compared on the verification page,
# an export ZIP); PDFs are rendered by the task workers, never here.
timeout = 60
graceful_timeout = 30
# A worker is replaced after this many requests (give or take the jitter, so they do not
# all restart at once): memory that creeps up comes back.
max_requests = 1000
max_requests_jitter = 100
# systemd or the platform manages the processes; gunicorn's control socket (one path per
# user by default) would only collide when two gunicorns run on one machine.
control_socket_disable = True

# Which proxy may say that a request came over HTTPS is Django's decision (NUM_PROXIES,
# SECURE_PROXY_SSL_HEADER); gunicorn must not believe such a header on its own.
secure_scheme_headers = {}

# No access log of gunicorn's: the app logs every request with its id (curation/logs.py).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

_debug = os.environ.get("DEBUG", "true").lower() in TRUE
if os.environ.get("LOG_FORMAT", "plain" if _debug else "json") == "json":
    # gunicorn's own lines (workers starting, a worker killed on timeout) as JSON too,
    # through the root logger, which Django's LOGGING takes over in each worker.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "curation.logs.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": loglevel.upper(), "handlers": ["console"]},
        "loggers": {
            "gunicorn.error": {"handlers": [], "propagate": True},
            "gunicorn.access": {"handlers": [], "propagate": False, "level": "WARNING"},
        },
    }
