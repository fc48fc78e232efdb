"""Settings for Siap Ekspor.

Read from the environment once, here, and loudly: a bad value stops the start with a
message naming the variable. With nothing set the project runs for development on
SQLite and local files; with DEBUG off it refuses to start without a real SECRET_KEY.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-never-in-production"


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    try:
        value = env.int(name, default=default)
    except ValueError as e:
        raise ImproperlyConfigured(f"{name} must be a whole number") from e
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
# Django signs sessions, password-reset links and CSRF tokens with it: a short or public
# key lets anyone forge them.
SECRET_KEY_MIN_LENGTH = 50
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
if not DEBUG and len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH:
    raise ImproperlyConfigured(
        f"SECRET_KEY must be at least {SECRET_KEY_MIN_LENGTH} characters when DEBUG is off"
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The site's name as e-mails and pages name it (with SITE_URL: kernel/site.py); never a
# request's host name.
SITE_NAME = env.str("SITE_NAME", default="Siap Ekspor")

INSTALLED_APPS = [
    # The admin, for superusers only (curation/admin_site.py).
    "curation.admin_site.SiteAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # sitemap.xml of the public catalogue (catalogue/sitemaps.py).
    "django.contrib.sitemaps",
    "django_fsm",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "offices",
    "products",
    "assessments",
    "coaching",
    "curation",
    "certificates",
    "catalogue",
    "api_tokens",
]

MIDDLEWARE = [
    # First: every line logged for a request carries its id (curation/logs.py).
    "curation.logs.RequestIdMiddleware",
    # Who the user is and who curates an application, read once per request and shared
    # by every permission check of the page (kernel/request_cache.py).
    "kernel.request_cache.RequestCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "curation.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "curation.two_factor.StaffTwoFactorMiddleware",
    "curation.middleware.UserLanguageMiddleware",
    # Last, as its documentation asks: it answers locked-out logins itself.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Accounts (django-allauth): e-mail and password, verified e-mail before first use.
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "curation.accounts.AccountAdapter"
# The sign-up form's own fields (who is signing up: a business or an exporter).
ACCOUNT_SIGNUP_FORM_CLASS = "curation.signup.SignupForm"
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "/accounts/login/"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Siap Ekspor"
# Staff must enrol (curation/two_factor.py); MSMEs and exporters may.
MFA_ADAPTER = "curation.two_factor.MFAAdapter"

# Repeated failed sign-ins lock that account from that address for a while
# (django-axes): the account is the one the attempt named, by user name or e-mail alike,
# and the address is resolved as for every other limit (curation/net.py, NUM_PROXIES).
# Keyed on both, so neither one guesser behind an office's shared address locks out all
# its colleagues, nor a guesser elsewhere locks out the account's owner; allauth's own
# rate limits (per address and per account, over all addresses) sit in front.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "curation.accounts.attempted_account"
AXES_CLIENT_IP_CALLABLE = "kernel.net.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_VERBOSE = False

REST_FRAMEWORK = {
    # The browser's session, opened through allauth's sign-in with its lockout and second
    # factor; or a token its owner made on the account page while so signed in
    # (api_tokens/). No HTTP Basic: it skipped the lockout, the second factor and CSRF.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "api_tokens.authentication.TokenAuthentication",
    ],
    # JSON only: the browsable API's page needs inline styles that the site's policy
    # refuses, and the OpenAPI schema at /api/schema/ documents every endpoint.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "api_tokens.authentication.TokenScope",
    ],
    "DEFAULT_PAGINATION_CLASS": "kernel.pagination.PagePagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Siap Ekspor API",
    "DESCRIPTION": "Export-readiness curation and certification for Indonesian MSMEs.",
    "VERSION": "1",
}

# Security headers: a strict Content-Security-Policy (django-csp) on every response,
# static files included: scripts, styles and everything else from our own origin only; no
# inline script, style or event handler, no eval (htmx is configured for it in base.html);
# no plugins, no <base>, forms post only to us, and no page may be framed. Images may also
# be data: URLs (the favicon placeholder, allauth's TOTP QR code). Files on S3 are never
# embedded in a page: downloads are navigations to a signed URL, which the policy does not
# govern, so the bucket's origin is not listed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "curation.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers wait for the lock instead of failing at once; the workflow's transactions
    # are short, so a few seconds is plenty for one office.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
# A web process keeps its database connection between requests: opening one costs
# PostgreSQL a few milliseconds, as much as a whole list page's queries. Checked before
# reuse, so a restarted database server costs one failed check, not a failed request.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="id")
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured("LANGUAGE_CODE must be 'id' or 'en'")
LOCALE_PATHS = [BASE_DIR / "locale"]
# One long and one short date, and each language's separators (config/formats/).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "media/"

# Files: local disk by default; S3 (or any S3-compatible endpoint) when a bucket is set.
# Objects are private, names are made by the server and never overwritten.


def s3_storage(*, bucket_name: str, querystring_expire: int = 300, **options) -> dict:
    """The S3 storage as production runs it (the tests use it against a real endpoint):
    private objects, downloads through short-lived signed URLs, no overwriting."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket_name,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": querystring_expire,
            "file_overwrite": False,
            **options,
        },
    }


AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    default_storage = s3_storage(
        bucket_name=AWS_STORAGE_BUCKET_NAME,
        querystring_expire=env_int("AWS_QUERYSTRING_EXPIRE", 300, minimum=1),
        endpoint_url=env.str("AWS_S3_ENDPOINT_URL", default="") or None,
        region_name=env.str("AWS_S3_REGION_NAME", default="") or None,
        access_key=env.str("AWS_ACCESS_KEY_ID", default="") or None,
        secret_key=env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
    )
else:
    default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Siap Ekspor <noreply@siap-ekspor.local>"
)

TASKS = {
    "default": {
        "BACKEND": env.str(
            "TASKS_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend"
        ),
    }
}

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# The workflow's own settings.
CERTIFICATE_VALIDITY = timedelta(days=env_int("CERTIFICATE_VALIDITY_DAYS", 730, minimum=1))
# The key that signs certificate PDFs: the office's certificate as PKCS#12 in production.
# In development `manage.py create_signing_key` makes a self-signed one at the default
# path (and the render task makes it on first use when DEBUG is on).
SIGNING_PKCS12_PATH = Path(
    env.str("SIGNING_PKCS12_PATH", default=str(BASE_DIR / "var" / "signing" / "development.p12"))
)
SIGNING_PKCS12_PASSPHRASE = env.str("SIGNING_PKCS12_PASSPHRASE", default="")
# A failed render is retried by the task this many times in all (then `issue_pending`).
CERTIFICATE_RENDER_ATTEMPTS = env_int("CERTIFICATE_RENDER_ATTEMPTS", 5, minimum=1)
# The public verification page: requests per client address per minute, the largest PDF a
# visitor may upload to compare, and how many proxies in front of us add X-Forwarded-For.
VERIFY_RATE_LIMIT = env_int("VERIFY_RATE_LIMIT", 30, minimum=1)
VERIFY_UPLOAD_MAX_BYTES = env_int("VERIFY_UPLOAD_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
# The catalogue's enquiry form: enquiries a client address may send per hour (a buyer
# at an expo asks about several products; a script is stopped after these).
ENQUIRY_RATE_LIMIT = env_int("ENQUIRY_RATE_LIMIT", 10, minimum=1)
NUM_PROXIES = env_int("NUM_PROXIES", 0)
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)

# HTTPS. In production plain HTTP is redirected and cookies travel only over HTTPS. HSTS
# stays off until the operator sets its lifetime (browsers remember it: start with a day,
# then a year); `check --deploy` fails while it is 0 in production. Preloading is a
# separate decision of the domain's owner, so off by default and its warning silenced.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The load balancer probes over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
if NUM_PROXIES:
    # Only a proxy we were told about may say that the request came over HTTPS; without
    # one, a client could send the header itself.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many web processes serve (gunicorn reads the same variable): with more than one,
# an in-process cache would give each its own rate limits (`check --deploy` refuses it).
WEB_CONCURRENCY = env_int("WEB_CONCURRENCY", 1, minimum=1)

# Operations: logs, error reporting, health checks, the task queue's recovery, the shared
# cache and collected static files (docs/deployment.md).

# One JSON object per line with the request's id in production, readable lines in
# development (curation/logs.py).
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured("LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'json' or 'plain'")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "curation.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "curation.logs.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

# Errors to Sentry when a DSN is set, without personal data (no cookies, user, address).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(dsn=SENTRY_DSN, integrations=[DjangoIntegration()], send_default_pii=False)

# Django's own Redis backend for redis:// and rediss:// whatever else is installed
# (django-environ would switch to django-redis, which reads other options, if it ever
# were), with timeouts: a stalled Redis costs a request seconds, not a worker for ever.
if env.str("CACHE_URL", default="").startswith(("redis://", "rediss://")):
    CACHES = {
        "default": env.cache("CACHE_URL", backend="django.core.cache.backends.redis.RedisCache")
    }
    CACHES["default"]["OPTIONS"] = {
        "socket_connect_timeout": 2,
        "socket_timeout": 2,
        **CACHES["default"].get("OPTIONS", {}),
    }

# `collectstatic` writes here; with DEBUG off every page needs it (WhiteNoise's manifest).
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(STATIC_ROOT)))

# /readyz fails when the oldest task waiting to run has waited longer than this many
# seconds (0: the queue is left out of readiness).
READYZ_MAX_TASK_WAIT = env_int("READYZ_MAX_TASK_WAIT", 600)
# A task running longer than this (seconds) lost its worker: `requeue_stuck_tasks` puts
# it back, until this many workers have claimed it (curation/task_queue.py).
TASK_RUNNING_TIMEOUT = env_int("TASK_RUNNING_TIMEOUT", 900, minimum=1)
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", 3, minimum=1)
