"""`manage.py check --deploy` fails when production would run with a setting that is
only fit for development. (The signing key is checked by the certificates app.)"""

from django.conf import settings
from django.core import checks

IN_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@checks.register(checks.Tags.security, deploy=True)
def secret_key_is_strong(app_configs, **kwargs):
    key = settings.SECRET_KEY
    if key == settings.DEVELOPMENT_SECRET_KEY or len(key) < settings.SECRET_KEY_MIN_LENGTH:
        return [
            checks.Error(
                "SECRET_KEY is the development key or shorter than "
                f"{settings.SECRET_KEY_MIN_LENGTH} characters: sessions and reset links "
                "could be forged.",
                hint="Set SECRET_KEY to a long random value, e.g. the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(64))'`.",
                id="curation.E001",
            )
        ]
    return []


@checks.register(checks.Tags.caches, deploy=True)
def cache_is_shared(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if backend in IN_PROCESS_CACHES and settings.WEB_CONCURRENCY > 1:
        return [
            checks.Error(
                f"The cache is in-process ({backend}) while {settings.WEB_CONCURRENCY} web "
                "processes serve: each would keep its own rate limits and cached pages.",
                hint="Set CACHE_URL to the shared Redis, e.g. redis://127.0.0.1:6379/0.",
                id="curation.E002",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def https_is_on(app_configs, **kwargs):
    off = [
        name
        for name, on in (
            ("SECURE_SSL_REDIRECT", settings.SECURE_SSL_REDIRECT),
            ("SESSION_COOKIE_SECURE", settings.SESSION_COOKIE_SECURE),
            ("CSRF_COOKIE_SECURE", settings.CSRF_COOKIE_SECURE),
            ("SECURE_HSTS_SECONDS", settings.SECURE_HSTS_SECONDS > 0),
        )
        if not on
    ]
    if off:
        return [
            checks.Error(
                f"HTTPS is not enforced: {', '.join(off)} off.",
                hint="In production set SECURE_SSL_REDIRECT=true, SECURE_COOKIES=true and "
                "SECURE_HSTS_SECONDS (e.g. 31536000); see docs/deployment.md.",
                id="curation.E003",
            )
        ]
    return []
