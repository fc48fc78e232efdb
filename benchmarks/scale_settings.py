"""The project's settings (config/settings.py, from the same environment), for the servers
and commands of `make bench-scale`, with one change: static files are named as they are,
without the manifest that `collectstatic` writes. With DEBUG off every page asks the
manifest for its static URLs, and collecting them all (compressed) takes half a minute
that measures nothing this benchmark is about."""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
