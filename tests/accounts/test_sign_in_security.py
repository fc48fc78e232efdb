"""One sign-in path with one set of limits.

- django-axes counts failures per account and address, whichever way the account was
  named (user name or e-mail), at the address resolved as for every other limit;
- the API takes the browser's session only (no HTTP Basic, which skipped the lockout, the
  second factor and CSRF);
- staff must use two-factor sign-in: an unenrolled member of staff is sent to enrol
  before any page, and cannot switch it off; MSMEs may choose;
- `check --deploy` refuses each setting only fit for development.
"""

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.core import checks
from django.test import Client
from django.urls import reverse

from certificates import system_checks as certificate_checks
from curation import deploy_checks
from kernel.net import client_ip
from kernel.roles import Role
from tests import factories as f
from tests.certificate_helpers import make_signing_key

PASSWORD = "secret-pass-123"  # the factories' password


def msme(username):
    user = f.UserFactory(username=username, roles=[Role.MSME])
    f.verified_email(user)
    return user


def sign_in(login, password=PASSWORD, address="203.0.113.7", **headers):
    client = Client(REMOTE_ADDR=address, **headers)
    response = client.post(reverse("account_login"), {"login": login, "password": password})
    return client, response


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# Sign-in lockout -------------------------------------------------------------------------


def test_failures_by_user_name_and_by_e_mail_count_for_one_account(db, settings):
    rini = msme("rini")
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(limit):
        login = "rini" if attempt % 2 else "RINI@example.test"
        sign_in(login, password="not-the-password")

    client, response = sign_in("rini")  # the right password, too late
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert not signed_in(client)
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address) == ("rini", "203.0.113.7")
    assert attempt.failures_since_start >= limit
    assert rini.is_active


def test_a_colleague_behind_the_same_address_still_signs_in(db, settings):
    msme("rini")
    msme("darto")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("rini", password="not-the-password")

    client, response = sign_in("darto")

    assert response.status_code == 302
    assert signed_in(client)


def test_a_forged_forwarded_address_does_not_reset_the_count(db, settings):
    """With no proxy in front, X-Forwarded-For is the client's own invention."""
    msme("rini")
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in("rini", password="wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")

    client, response = sign_in("rini", HTTP_X_FORWARDED_FOR="198.51.100.99")

    assert not signed_in(client)
    attempt = AccessAttempt.objects.get()  # one address counted, not five
    assert attempt.ip_address == "203.0.113.7"
    assert attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT


def test_behind_a_proxy_the_address_it_saw_is_counted(db, settings):
    settings.NUM_PROXIES = 1
    msme("rini")
    sign_in(
        "rini", password="wrong", address="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9"
    )
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"


def test_one_client_address_for_every_limit(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    settings.NUM_PROXIES = 0
    assert client_ip(request) == "10.0.0.2"
    settings.NUM_PROXIES = 1
    assert client_ip(request) == "203.0.113.9"
    settings.NUM_PROXIES = 2
    assert client_ip(request) == "1.2.3.4"
    from allauth.account.adapter import get_adapter

    assert get_adapter().get_client_ip(request) == "1.2.3.4"


# The API ------------------------------------------------------------------------------------


def test_the_api_refuses_http_basic(office, bring_to):
    bring_to("submitted")
    token = base64.b64encode(f"{office.msme.username}:{PASSWORD}".encode()).decode()
    client = Client(HTTP_AUTHORIZATION=f"Basic {token}")

    response = client.get(reverse("api_applications"))

    assert response.status_code in (401, 403)
    assert "results" not in response.json()


def test_the_api_takes_the_session(office, bring_to):
    bring_to("submitted")
    client = Client()
    client.force_login(office.msme)
    assert client.get(reverse("api_applications")).json()["count"] == 1


# Two-factor for staff -----------------------------------------------------------------------


@pytest.fixture
def new_curator(db):
    kediri = f.region("35.71")
    user = f.UserFactory(
        username="kurator-baru", roles=[Role.CURATOR], regions=[kediri], two_factor=False
    )
    f.verified_email(user)
    return user


def test_staff_are_sent_to_enrol_before_any_page(new_curator):
    client, _ = sign_in("kurator-baru")

    for url in (
        reverse("curation:home"),
        reverse("curation:applications"),
        reverse("curation:notifications"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("mfa_activate_totp")
    api = client.get(reverse("api_applications"))
    assert api.status_code == 403
    assert "two-factor" in api.json()["detail"]
    # Enrolment, sign-out and the public pages stay open.
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    assert client.get(reverse("account_logout")).status_code == 200


def test_after_enrolment_the_pages_open_and_recovery_codes_exist(new_curator):
    client, _ = sign_in("kurator-baru")
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    now = int(f.timezone.now().timestamp()) // 30
    code = f.format_hotp_value(f.hotp_value(secret, now))

    response = client.post(reverse("mfa_activate_totp"), {"code": code})

    assert response.status_code == 302
    types = set(Authenticator.objects.filter(user=new_curator).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    assert client.get(reverse("curation:home")).status_code == 200


def test_the_first_sign_in_of_new_staff_leads_to_enrolment(new_curator):
    client, response = sign_in("kurator-baru")
    assert signed_in(client)
    assert client.get(response["Location"])["Location"] == reverse("mfa_activate_totp")


def test_staff_cannot_switch_two_factor_off(office):
    client = Client()
    client.force_login(office.coordinator)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code in (200, 302)
    assert Authenticator.objects.filter(
        user=office.coordinator, type=Authenticator.Type.TOTP
    ).exists()


def test_for_an_msme_two_factor_is_a_choice(office):
    client = Client()
    client.force_login(office.msme)
    assert not Authenticator.objects.filter(user=office.msme).exists()
    assert client.get(reverse("curation:home")).status_code == 200


def test_an_enrolled_staff_member_needs_the_code_to_sign_in(office):
    f.verified_email(office.officer)
    client, response = sign_in("officer")
    assert response["Location"] == reverse("mfa_authenticate")
    assert not signed_in(client)
    response = client.post(reverse("mfa_authenticate"), {"code": f.totp_code()})
    assert response.status_code == 302
    assert signed_in(client)


# Deployment checks --------------------------------------------------------------------------

GOOD_PRODUCTION = {
    "SECRET_KEY": "k" * 20 + "-a-long-and-random-production-secret-key-0123456789",
    "SECURE_SSL_REDIRECT": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "WEB_CONCURRENCY": 4,
    "CACHES": {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
        }
    },
}


def errors_of(check) -> list[str]:
    return [message.id for message in check(None) if message.level >= checks.ERROR]


@pytest.fixture
def production(settings, tmp_path):
    for name, value in GOOD_PRODUCTION.items():
        setattr(settings, name, value)
    settings.SIGNING_PKCS12_PATH = make_signing_key(tmp_path)
    return settings


def test_the_documented_production_settings_pass_every_check(production):
    for check in (
        deploy_checks.secret_key_is_strong,
        deploy_checks.cache_is_shared,
        deploy_checks.https_is_on,
        certificate_checks.signing_key_configured,
    ):
        assert errors_of(check) == [], check.__name__


@pytest.mark.parametrize(
    "setting, value",
    [
        ("SECRET_KEY", "x"),
        ("SECRET_KEY", django_settings.DEVELOPMENT_SECRET_KEY),
    ],
)
def test_a_weak_secret_key_fails(production, setting, value):
    setattr(production, setting, value)
    assert errors_of(deploy_checks.secret_key_is_strong) == ["curation.E001"]


def test_an_in_process_cache_with_several_processes_fails(production):
    production.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert errors_of(deploy_checks.cache_is_shared) == ["curation.E002"]
    production.WEB_CONCURRENCY = 1  # one process: its own cache is the shared one
    assert errors_of(deploy_checks.cache_is_shared) == []


@pytest.mark.parametrize(
    "setting, value",
    [
        ("SECURE_SSL_REDIRECT", False),
        ("SESSION_COOKIE_SECURE", False),
        ("CSRF_COOKIE_SECURE", False),
        ("SECURE_HSTS_SECONDS", 0),
    ],
)
def test_https_off_fails(production, setting, value):
    setattr(production, setting, value)
    assert errors_of(deploy_checks.https_is_on) == ["curation.E003"]


def test_the_development_signing_key_fails(production, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "development.p12"
    call_command("create_signing_key", path=str(path), verbosity=0)
    production.SIGNING_PKCS12_PATH = path
    assert errors_of(certificate_checks.signing_key_configured) == ["certificates.E003"]


def test_a_missing_or_unreadable_signing_key_fails(production, tmp_path):
    production.SIGNING_PKCS12_PATH = tmp_path / "missing.p12"
    assert errors_of(certificate_checks.signing_key_configured) == ["certificates.E001"]
    (tmp_path / "garbage.p12").write_bytes(b"not a key")
    production.SIGNING_PKCS12_PATH = tmp_path / "garbage.p12"
    assert errors_of(certificate_checks.signing_key_configured) == ["certificates.E002"]


def deploy_check(env: dict) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=django_settings.BASE_DIR,
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def documented_production_env(tmp_path) -> dict:
    example = Path(django_settings.BASE_DIR) / "deploy" / "production.env.example"
    env = {}
    for line in example.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    env["SIGNING_PKCS12_PATH"] = str(make_signing_key(tmp_path))
    env["SIGNING_PKCS12_PASSPHRASE"] = ""
    return env


def test_check_deploy_passes_silently_with_the_documented_production_environment(tmp_path):
    result = deploy_check(documented_production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_production_refuses_to_start_with_a_short_secret_key(tmp_path):
    env = {**documented_production_env(tmp_path), "SECRET_KEY": "x"}
    result = deploy_check(env)
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50 characters" in result.stderr
