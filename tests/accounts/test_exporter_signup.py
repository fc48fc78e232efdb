"""Public sign-up offers two kinds of account: a business (UMKM) or an exporter or buyer.
An exporter's sign-up ends in an exporter account, whose home is what businesses share
with it: never "register your business", no MSME menus."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from kernel.roles import Role

pytestmark = pytest.mark.django_db

PASSWORD = "Nagoya-Trading-2026!"
EMAIL = "ayu@nagoya-trading.test"


def sign_up(client, kind, email=EMAIL):
    return client.post(
        reverse("account_signup"),
        {
            "account_kind": kind,
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "full_name": "Ayu Lestari",
            "phone": "0812 3456 7890",
            "language": "en",
        },
    )


def verify_and_sign_in(client):
    (message,) = [m for m in mail.outbox if EMAIL in m.to]
    confirm = re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)
    client.post(confirm)
    client.logout()
    return client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})


@pytest.mark.parametrize(
    ("language", "choices"),
    [
        ("en", ("I run a business (UMKM)", "I am an exporter or buyer")),
        ("id", ("Saya menjalankan usaha (UMKM)", "Saya eksportir atau pembeli")),
    ],
)
def test_the_sign_up_page_offers_both_kinds_of_account(client, language, choices):
    client.cookies["django_language"] = language
    page = client.get(reverse("account_signup")).content.decode()
    for choice in choices:
        assert choice in page
    assert 'type="radio" name="account_kind" value="msme"' in page
    assert re.search(r'value="msme"[^>]*checked', page)  # a business, unless chosen otherwise


def test_an_exporter_signs_up_and_lands_on_the_exporter_home(client):
    response = sign_up(client, "exporter")
    assert response.status_code == 302

    user = get_user_model().objects.get(email=EMAIL)
    assert set(user.groups.values_list("name", flat=True)) == {Role.EXPORTER}

    assert verify_and_sign_in(client).status_code == 302
    landing = client.get("/", follow=True)
    assert landing.redirect_chain == [("/shared/", 302)]
    page = landing.content.decode()
    assert "Nothing is shared with you yet" in page
    assert EMAIL in page
    assert "Register your business" not in page
    assert "My products" not in page and "My business" not in page
    assert 'href="/shared/" aria-current="page"' in page


def test_a_business_signs_up_as_before(client):
    sign_up(client, "msme")
    user = get_user_model().objects.get(email=EMAIL)
    assert set(user.groups.values_list("name", flat=True)) == {Role.MSME}
    verify_and_sign_in(client)
    assert client.get("/")["Location"] == reverse("products:business_new")


def test_no_other_role_can_be_asked_for(client):
    response = sign_up(client, "coordinator")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not get_user_model().objects.filter(email=EMAIL).exists()
