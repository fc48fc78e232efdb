"""Inviting an exporter by sharing: a share to an address that no account uses e-mails it
a signed link, in the sharer's language; opening it, the exporter chooses a password, and
the exporter account is made, its address verified, signed in, the share theirs. The link
works once, until it expires, only while the share lasts, and only for whoever is not
signed in with another account; each refusal says why and makes nothing."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail

from certificates.invitations import INVITATION_VALIDITY
from certificates.models import ProductShare
from certificates.sharing import product_share, product_share_stop
from curation.models import Profile
from kernel.roles import Role
from kernel.states import State
from tests import certificate_helpers as h
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]

ADDRESS = "ayu@nagoya-trading.test"
PASSWORD = "Sambal-Nagoya-2026!"


@pytest.fixture
def certificate(office, bring_to, django_capture_on_commit_callbacks):
    application = bring_to(State.AWAITING_CERTIFICATION)
    certificate = h.certify(office, application, django_capture_on_commit_callbacks)
    certificate.refresh_from_db()
    return certificate


def share_with(office, certificate, capture, email=ADDRESS):
    mail.outbox.clear()
    with capture(execute=True):
        return product_share(certificate=certificate, by=office.msme, email=email)


def invitation_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/shared/invitation/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def accept(client, path, password=PASSWORD, again=None):
    return client.post(path, {"password1": password, "password2": again or password})


def sign_in(client, password):
    return client.post("/accounts/login/", {"login": ADDRESS, "password": password})


def accounts_for(email=ADDRESS):
    return get_user_model().objects.filter(email__iexact=email)


@pytest.fixture
def invited(office, certificate, django_capture_on_commit_callbacks):
    share = share_with(office, certificate, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    return share, invitation_path(message)


# The e-mail.


def test_an_address_without_an_account_is_e_mailed_an_invitation(office, certificate, invited):
    share, path = invited
    (message,) = mail.outbox
    assert message.to == [ADDRESS]
    assert message.subject == (
        "[Siap Ekspor] Sambal Bu Rini shares Sambal Pecel Bu Rini with you on Siap Ekspor"
    )
    assert "choose a password for your exporter account" in message.body
    assert "The link works once, until" in message.body
    # Nothing is made before the link is used: the share waits for the address.
    assert not accounts_for().exists()
    share.refresh_from_db()
    assert share.is_pending and share.is_active


def test_the_invitation_is_in_the_sharer_s_language(
    office, certificate, django_capture_on_commit_callbacks
):
    Profile.objects.filter(user=office.msme).update(language="id")
    share_with(office, certificate, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert "membagikan Sambal Pecel Bu Rini kepada Anda" in message.subject
    assert "pilih kata sandi akun eksportir Anda" in message.body


def test_an_exporter_with_an_account_is_told_in_their_own_language(
    office, certificate, django_capture_on_commit_callbacks
):
    """As before: an existing exporter account gets the notice, not an invitation."""
    Profile.objects.filter(user=office.exporter).update(language="id")
    share = share_with(
        office, certificate, django_capture_on_commit_callbacks, office.exporter.email
    )
    assert share.exporter == office.exporter
    (message,) = mail.outbox
    assert message.to == [office.exporter.email]
    assert "membagikan Sambal Pecel Bu Rini" in message.subject
    assert "/shared/invitation/" not in message.body


@pytest.mark.parametrize("persona", ["other_msme", "curator", "outsider"])
def test_an_address_of_an_account_that_is_no_exporter_s_gets_no_invitation(
    office, certificate, persona, django_capture_on_commit_callbacks
):
    """One address, one account: no second account is offered for it, and a business's
    share does not make an MSME's or staff member's account an exporter's. The share waits
    (the office may give the account the exporter role; its next sign-in claims it)."""
    user = office.personas[persona]
    share = share_with(office, certificate, django_capture_on_commit_callbacks, user.email)
    assert mail.outbox == []
    assert share.is_pending
    assert not user.groups.filter(name=Role.EXPORTER).exists()


# Accepting.


def test_accepting_makes_the_exporter_account_signs_it_in_and_shows_the_share(
    client, office, certificate, invited
):
    share, path = invited
    page = client.get(path)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Sambal Bu Rini shares its certified product Sambal Pecel Bu Rini" in text
    assert ADDRESS in text

    response = accept(client, path)

    assert (response.status_code, response["Location"]) == (302, "/shared/")
    (user,) = accounts_for()
    assert set(user.groups.values_list("name", flat=True)) == {Role.EXPORTER}
    assert user.check_password(PASSWORD)
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == (ADDRESS, True, True)
    share.refresh_from_db()
    assert share.exporter == user and share.is_active
    # Signed in, on the exporter's home: the share is there; no MSME menu.
    home = client.get("/shared/")
    assert home.wsgi_request.user == user
    text = home.content.decode()
    assert "Welcome to Siap Ekspor" in text
    assert "Sambal Pecel Bu Rini" in text and certificate.number in text
    assert "My products" not in text and "My business" not in text
    assert client.get(f"/certificates/{certificate.pk}/").status_code == 200
    # The new account signs in with its password later on, like any other.
    client.logout()
    assert sign_in(client, PASSWORD)["Location"] == "/"
    assert client.get("/")["Location"] == "/shared/"


def test_the_new_account_keeps_the_language_it_accepted_in(client, invited):
    _share, path = invited
    client.cookies["django_language"] = "id"
    accept(client, path)
    assert accounts_for().get().profile.language == "id"


def test_every_share_waiting_for_the_address_becomes_the_exporter_s(
    client, office, certificate, invited
):
    """A second business's share to the same address, with its own e-mail: one
    acceptance gives both; the second link then says it was used."""
    _share, path = invited
    other = f.ProductFactory(business=office.business, name="Sambal Tumpang")
    second = ProductShare.objects.create(product=other, email=ADDRESS, shared_by=office.msme)

    accept(client, path)

    second.refresh_from_db()
    assert second.exporter == accounts_for().get()


def test_a_used_link_says_so_and_makes_nothing(client, invited):
    _share, path = invited
    accept(client, path)
    client.logout()

    response = accept(client, path, password="Another-Password-99!")

    assert response.status_code == 200
    assert "This invitation has already been used" in response.content.decode()
    assert accounts_for().count() == 1
    assert sign_in(client, "Another-Password-99!").status_code == 200  # the form again


def test_an_expired_link_says_so_and_makes_nothing(client, invited):
    share, path = invited
    ProductShare.objects.filter(pk=share.pk).update(
        shared_at=share.shared_at - INVITATION_VALIDITY - timedelta(minutes=1)
    )

    for response in (client.get(path), accept(client, path)):
        text = response.content.decode()
        assert "This invitation expired on" in text
        assert "sign up as an exporter or buyer" in text
        assert 'name="password1"' not in text
    assert not accounts_for().exists()
    share.refresh_from_db()
    assert share.is_pending


def test_a_withdrawn_share_s_link_makes_nothing(client, office, invited):
    share, path = invited
    product_share_stop(share=share, by=office.msme)

    response = accept(client, path)

    assert "no longer shares Sambal Pecel Bu Rini" in response.content.decode()
    assert not accounts_for().exists()


def test_nobody_signed_in_can_use_another_s_invitation(
    client, world_office, certificate, django_capture_on_commit_callbacks
):
    """Every persona of the access matrix, signed in, posts the passwords that work for
    the invited visitor: each is told why not, and nothing is made or claimed."""
    share = share_with(world_office, certificate, django_capture_on_commit_callbacks)
    path = invitation_path(mail.outbox[0])
    Profile.objects.update(language="en")
    for persona, intruder in world_office.personas.items():
        client.force_login(intruder)

        response = accept(client, path)

        assert response.status_code == 200, persona
        assert f"This invitation is for {ADDRESS}" in response.content.decode(), persona
        assert not accounts_for().exists(), persona
        share.refresh_from_db()
        assert share.is_pending, persona
    # The visitor it was sent to, signed out, still can.
    client.logout()
    assert accept(client, path)["Location"] == "/shared/"


def test_a_link_turned_to_another_address_or_share_is_refused(client, office, invited):
    share, path = invited
    token = path.split("/")[-2]
    payload, _signature = token.rsplit(":", 1)
    for forged in (
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # the signature altered
        "eyJzaGFyZSI6MSwiZW1haWwiOiJldmlsQGV4YW1wbGUudGVzdCJ9:" + _signature,  # another body
        "not-a-token",
    ):
        response = accept(client, f"/shared/invitation/{forged}/")
        assert response.status_code == 404
        assert "This invitation link is not valid" in response.content.decode()
    assert not get_user_model().objects.filter(email__iexact="evil@example.test").exists()
    assert not accounts_for().exists()


def test_an_account_made_for_the_address_meanwhile_ends_the_invitation(client, invited):
    """Someone signed up with the address (as an MSME) before the link was used: the link
    makes no second account, and says to sign in."""
    _share, path = invited
    f.UserFactory(username="ayu", email=ADDRESS, roles=[Role.MSME])

    response = accept(client, path)

    assert "This invitation has already been used" in response.content.decode()
    assert accounts_for().count() == 1


@pytest.mark.parametrize(
    ("first", "second", "error"),
    [
        ("Sambal-Nagoya-2026!", "Sambal-Nagoya-2027!", "The two passwords differ."),
        ("12345678", "12345678", "This password is entirely numeric."),
        ("ayu", "ayu", "This password is too short."),
    ],
)
def test_a_bad_password_is_refused_in_words(client, invited, first, second, error):
    _share, path = invited
    response = accept(client, path, password=first, again=second)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not accounts_for().exists()


# Access of the invited exporter.


def test_the_invited_exporter_sees_only_what_is_shared_and_loses_it_when_stopped(
    client, office, certificate, invited, bring_to, django_capture_on_commit_callbacks
):
    share, path = invited
    # Another certified product of the business, not shared with them.
    other_product = f.ProductFactory(business=office.business, name="Sambal Tumpang")
    f.complete_documents(other_product, by=office.msme)
    other_application = bring_to(
        State.AWAITING_CERTIFICATION, office.new_application(other_product)
    )
    other = h.certify(office, other_application, django_capture_on_commit_callbacks)
    accept(client, path)

    assert client.get(f"/certificates/{other.pk}/").status_code == 404
    assert "Sambal Tumpang" not in client.get("/shared/").content.decode()
    assert client.get(f"/applications/{certificate.application_id}/").status_code == 404

    product_share_stop(share=ProductShare.objects.get(pk=share.pk), by=office.msme)

    assert client.get(f"/certificates/{certificate.pk}/").status_code == 404
    assert client.get(f"/certificates/{certificate.pk}/download/").status_code == 404
    assert "Sambal Pecel Bu Rini" not in client.get("/shared/").content.decode()
