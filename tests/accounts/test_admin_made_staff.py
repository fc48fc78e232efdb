"""Staff made in the Django admin (issue #10, item 3).

The add-user form takes the sign-in, the e-mail, the roles and the profile's office in
one go, and saves one profile with that office (the profile a new user gets from the
post_save signal and the inline's "new" profile once both inserted a row: an
IntegrityError, a server error, nothing saved). The e-mail a superuser types there is
recorded as verified, so the new staff member's first sign-in leads to work (through the
second factor every staff role sets up), not to a confirmation e-mail nobody told them
to expect. Every request goes through the real admin forms, filled in as a browser would.
"""

from html.parser import HTMLParser

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse

from curation.models import Profile
from kernel.roles import Role
from tests import factories as f

User = get_user_model()
PASSWORD = "Kurasi-Kediri-2026!"
ADDRESS = "Sari.Koordinator@Disperindag.example"


class FormFields(HTMLParser):
    """What a browser sends for the page's forms as they stand: every named input with
    its value (checkboxes and radios only when checked), each select's chosen options,
    each textarea's text. Not the formset's empty template (`__prefix__`)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.setdefault(name, []).append(a.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data


def form_data(html: str, **changes) -> dict:
    parser = FormFields()
    parser.feed(html)
    data = {k: v for k, v in parser.data.items() if "__prefix__" not in k and k != "_popup"}
    data.update(changes)
    return data


@pytest.fixture
def root(db):
    superuser = f.UserFactory(username="root", is_staff=True, is_superuser=True)
    superuser.profile.language = "en"  # the messages asserted are the English ones
    superuser.profile.save(update_fields=["language"])
    client = Client()
    client.force_login(superuser)
    return client


def add_in_the_admin(root, **changes):
    """The admin's add-user form, filled in as `changes` say, posted."""
    url = reverse("admin:auth_user_add")
    html = root.get(url).content.decode()
    assert 'name="profile-TOTAL_FORMS"' in html  # the profile inline is on the form
    fields = {
        "username": "sari",
        "email": ADDRESS,
        "usable_password": "true",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "groups": [Group.objects.get_or_create(name=Role.COORDINATOR)[0].pk],
        "profile-0-office": f.office_for(f.region("35.71")).pk,
        "_save": "Save",
    }
    return root.post(url, form_data(html, **(fields | changes)))


def test_a_coordinator_is_made_with_an_office_roles_and_a_verified_address(root):
    response = add_in_the_admin(root)

    assert response.status_code == 302, response.content.decode()[:2000]
    sari = User.objects.get(username="sari")
    assert Profile.objects.filter(user=sari).count() == 1
    assert sari.profile.office == f.office_for(f.region("35.71"))
    assert list(sari.groups.values_list("name", flat=True)) == [Role.COORDINATOR]
    address = EmailAddress.objects.get(user=sari)
    assert (address.email, address.verified, address.primary) == (ADDRESS.lower(), True, True)
    assert mail.outbox == []  # no confirmation e-mail to wonder about


@pytest.mark.parametrize("login", ["sari", ADDRESS])
def test_the_new_staff_member_signs_in_straight_to_their_queue(root, office, bring_to, login):
    application = bring_to("submitted")  # waiting for a Kediri coordinator
    assert add_in_the_admin(root).status_code == 302
    sari = User.objects.get(username="sari")
    sari.profile.language = "en"
    sari.profile.save(update_fields=["language"])

    client = Client(REMOTE_ADDR="203.0.113.7")
    response = client.post(reverse("account_login"), {"login": login, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"  # not allauth's "confirm your e-mail" page
    assert "_auth_user_id" in client.session
    assert mail.outbox == []
    # Every staff role sets up its second factor first (curation/two_factor.py), then works.
    assert client.get("/")["Location"] == reverse("mfa_activate_totp")
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    code = f.format_hotp_value(f.hotp_value(secret, int(f.timezone.now().timestamp()) // 30))
    assert client.post(reverse("mfa_activate_totp"), {"code": code}).status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    html = home.content.decode()
    assert "Waiting for you as Curation coordinator" in html
    assert application.product.name in html


def test_an_address_another_account_has_is_refused_and_nothing_is_saved(root, office):
    taken = office.msme.email.upper()  # compared without case, as allauth does
    response = add_in_the_admin(root, email=taken)

    assert response.status_code == 200
    assert "Another account already uses this e-mail address." in response.content.decode()
    assert not User.objects.filter(username="sari").exists()
    assert not EmailAddress.objects.filter(email__iexact=taken).exclude(user=office.msme).exists()


def test_an_address_changed_in_the_admin_is_recorded_as_verified_too(root, office):
    curator = office.curator
    EmailAddress.objects.create(user=curator, email=curator.email, verified=True, primary=True)
    url = reverse("admin:auth_user_change", args=[curator.pk])
    html = root.get(url).content.decode()

    response = root.post(url, form_data(html, email="kurator@dinas.example", _save="Save"))

    assert response.status_code == 302, response.content.decode()[:2000]
    addresses = {
        a.email: (a.verified, a.primary) for a in EmailAddress.objects.filter(user=curator)
    }
    assert addresses == {
        "kurator@dinas.example": (True, True),
        curator.email: (True, False),  # still theirs, no longer the primary one
    }
    # The rest of the user and their profile are as they were.
    curator.refresh_from_db()
    assert curator.groups.filter(name=Role.CURATOR).exists()
    assert curator.profile.office == f.office_for(f.region("35.71"))
