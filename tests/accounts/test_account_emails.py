"""allauth's e-mails (the address check on sign-up, the password reset) name the site as
the settings do (SITE_NAME) and link to SITE_URL, in the visitor's language, never by the
host name the visitor's browser used: without django.contrib.sites allauth would write
"[127.0.0.1:8000] ..." and "Hello from 127.0.0.1:8000!", or an attacker's Host header."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

SITE = "https://siap.kedirikota.example"
NAME = "Siap Ekspor Kota Kediri"
FOREIGN = "siap-ekspor.attacker.example"

# The visitor's language: allauth's own texts, as its catalogues translate them.
TEXTS = {
    "en": ("Please Confirm Your Email Address", f"Hello from {NAME}!", "Password Reset Email"),
    "id": ("Mohon Konfirmasi Alamat E-mail Anda", f"Halo dari {NAME}!", "E-mail Reset Kata Sandi"),
}


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.SITE_NAME = NAME
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, FOREIGN]


PASSWORD = "kripik-Tempe-2026!"
EMAIL = "rini@example.test"


@pytest.fixture
def rini():
    """An account whose address is not verified yet (as after signing up)."""
    user = get_user_model().objects.create_user("rini", EMAIL, PASSWORD)
    EmailAddress.objects.create(user=user, email=EMAIL, primary=True, verified=False)
    return user


@pytest.fixture
def browser(client):
    """A visitor whose browser reached the site under another host name."""
    client.defaults["HTTP_HOST"] = FOREIGN
    return client


def assert_names_the_site_only(message):
    for host in (FOREIGN, "testserver", "127.0.0.1"):
        assert host not in message.subject + message.body, message.body
    assert "siap.kedirikota.example" in message.body


def links_in(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_address_check_names_the_site_and_links_to_site_url(browser, rini, language):
    browser.cookies["django_language"] = language
    subject, hello, _reset = TEXTS[language]

    # Signing in before the address is verified sends the check (as signing up does).
    browser.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})

    (message,) = mail.outbox
    assert message.subject == f"[{NAME}] {subject}"
    assert message.body.startswith(hello)
    assert_names_the_site_only(message)
    (link,) = links_in(message)
    assert link.startswith(f"{SITE}/accounts/confirm-email/")
    # The link works (on the site's own address, here the test client's).
    assert browser.post(link.removeprefix(SITE)).status_code == 302
    assert EmailAddress.objects.get(email=EMAIL).verified


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_password_reset_links_to_site_url(browser, rini, language):
    browser.cookies["django_language"] = language

    browser.post(reverse("account_reset_password"), {"email": EMAIL})

    (message,) = mail.outbox
    assert message.subject == f"[{NAME}] {TEXTS[language][2]}"
    assert_names_the_site_only(message)
    (link,) = links_in(message)
    assert link.startswith(f"{SITE}/accounts/password/reset/key/")
    assert browser.get(link.removeprefix(SITE), follow=True).status_code == 200
