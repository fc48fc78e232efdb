"""Accounts through django-allauth, in the site's layout: sign-up with e-mail verification,
sign-in, sign-out, password reset, and the account pages that offer two-factor
authentication. A new MSME account is sent to register its business."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from kernel.roles import Role

pytestmark = pytest.mark.django_db


PASSWORD = "kripik-Tempe-2026!"


def link_in(message) -> str:
    """The path of the first link to this site in an e-mail."""
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def sign_up(client, email="rini@example.test"):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "full_name": "Rini Astuti",
            "phone": "0812 3456 7890",
        },
    )


def verify(client):
    confirm = link_in(mail.outbox[-1])
    assert client.get(confirm).status_code == 200
    return client.post(confirm)


def sign_in(client, login="rini@example.test", password=PASSWORD):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def test_sign_up_makes_an_msme_account_that_must_verify_its_e_mail(client):
    response = sign_up(client)

    assert response.status_code == 302
    user = get_user_model().objects.get(email="rini@example.test")
    assert user.groups.filter(name=Role.MSME).exists()
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert "rini@example.test" in mail.outbox[0].to
    # Mandatory verification: no way in before the link is followed.
    assert client.get(reverse("curation:product_list")).status_code == 302


def test_after_verification_and_first_sign_in_the_msme_is_sent_to_register_its_business(
    client,
):
    sign_up(client)
    verify(client)
    assert EmailAddress.objects.get(email="rini@example.test").verified
    client.logout()

    response = sign_in(client)
    assert response.status_code == 302

    home = client.get("/")
    assert home.status_code == 302
    assert home.url == reverse("products:business_new")
    page = client.get(home.url)
    assert "Register your business" in page.content.decode()


def test_the_account_pages_wear_the_site_layout(client):
    for name in ("account_login", "account_signup", "account_reset_password"):
        page = client.get(reverse(name)).content.decode()
        assert 'class="site-header"' in page
        assert 'class="skip-link"' in page
        assert "Siap Ekspor" in page
        # Every input has its label.
        for input_id in re.findall(
            r'<input[^>]+type="(?:email|password|text)"[^>]*id="([^"]+)"', page
        ):
            assert f'for="{input_id}"' in page, (name, input_id)


def test_a_wrong_password_is_refused_with_a_message(client):
    sign_up(client)
    verify(client)
    client.logout()

    response = sign_in(client, password="not-the-password")

    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_out_asks_then_signs_out(client):
    sign_up(client)
    verify(client)
    sign_in(client)
    assert "_auth_user_id" in client.session

    page = client.get(reverse("account_logout"))
    assert "Are you sure you want to sign out?" in page.content.decode()
    client.post(reverse("account_logout"))

    assert "_auth_user_id" not in client.session


def test_password_reset_by_e_mail_link(client):
    sign_up(client)
    verify(client)
    client.logout()
    mail.outbox.clear()

    client.post(reverse("account_reset_password"), {"email": "rini@example.test"})
    assert len(mail.outbox) == 1
    reset = client.get(link_in(mail.outbox[0]), follow=True)
    form_url = reset.redirect_chain[-1][0] if reset.redirect_chain else link_in(mail.outbox[0])
    response = client.post(
        form_url, {"password1": "Sambal-pecel-99!", "password2": "Sambal-pecel-99!"}
    )
    assert response.status_code == 302

    assert sign_in(client, password="Sambal-pecel-99!").status_code == 302
    assert "_auth_user_id" in client.session


def test_the_account_page_offers_optional_two_factor_authentication(client):
    sign_up(client)
    verify(client)
    sign_in(client)

    page = client.get(reverse("account_email")).content.decode()

    assert f'href="{reverse("mfa_index")}"' in page
    assert "Two-factor authentication (optional)" in page
    assert client.get(reverse("mfa_index")).status_code == 200


def test_the_menu_leads_to_the_account_and_the_business(client, office):
    client.force_login(office.msme)
    page = client.get(reverse("curation:product_list")).content.decode()
    assert f'href="{reverse("curation:account")}"' in page
    assert f'href="{reverse("products:business_home")}"' in page


def test_repeated_wrong_passwords_lock_the_account_for_a_while(client, settings):
    from axes.models import AccessAttempt

    sign_up(client)
    verify(client)
    client.logout()
    responses = [
        sign_in(client, password="not-the-password") for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    locked = responses[-1]
    assert [r.status_code for r in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()

    sign_in(client)  # the right password, too late

    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get().failures_since_start == settings.AXES_FAILURE_LIMIT


def test_each_user_picks_their_language_and_keeps_it(client, office):
    from curation.models import Profile

    client.force_login(office.msme)
    client.post(reverse("curation:set_language"), {"language": "en", "next": "/"})
    assert Profile.objects.get(user=office.msme).language == "en"
    assert 'lang="en"' in client.get("/").content.decode()

    client.post(reverse("curation:set_language"), {"language": "id", "next": "/"})
    assert Profile.objects.get(user=office.msme).language == "id"
    assert 'lang="id"' in client.get("/").content.decode()
