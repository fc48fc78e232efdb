"""An office invites its staff by e-mail: the link sets a name and password and lands the
person signed in, verified, in the office with the roles; who may grant which role."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from curation import office_staff
from kernel.errors import WorkflowError
from kernel.roles import Role
from offices.models import StaffInvitation
from tests import factories as f
from tests.offices.staff_helpers import link_in, make_admin, office_of_kediri, path_of, sign_in
from tests.staff.page_helpers import page

NEW = "sari@example.test"


def join_data(**overrides):
    return {
        "full_name": "Sari Kurniawati",
        "phone": "0812 3456 7890",
        "language": "id",
        "password1": "kurasi-kediri-2026",
        "password2": "kurasi-kediri-2026",
        **overrides,
    }


@pytest.fixture
def admin(office):
    return make_admin(office)


def invite(client, admin, email=NEW, roles=(Role.CURATOR,), capture=None):
    client.force_login(admin)
    with capture(execute=True):
        response = client.post(
            reverse("curation:office_invite"), {"email": email, "roles": [r.value for r in roles]}
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    return StaffInvitation.objects.filter(email=email).latest("pk")


def test_invitation_password_signed_in_verified_with_the_roles(
    office, admin, client, django_capture_on_commit_callbacks
):
    invite(
        client,
        admin,
        roles=(Role.CURATOR, Role.PACKAGING_REVIEWER),
        capture=django_capture_on_commit_callbacks,
    )
    [sent] = mail.outbox
    assert sent.to == [NEW]
    assert "Rumah Kurasi" in sent.subject
    link = link_in(sent)

    newcomer = Client()
    html = page(newcomer, path_of(link))
    assert NEW in html and 'name="password1"' in html
    response = newcomer.post(path_of(link), join_data())

    # Signed in, and sent straight to set up the second factor, told why.
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    person = get_user_model().objects.get(email=NEW)
    assert int(newcomer.session["_auth_user_id"]) == person.pk
    assert person.get_full_name() == "Sari Kurniawati"
    assert person.check_password("kurasi-kediri-2026")
    assert person.is_staff and person.is_active
    assert set(person.groups.values_list("name", flat=True)) == {
        Role.CURATOR,
        Role.PACKAGING_REVIEWER,
    }
    assert person.profile.office == office_of_kediri(office)
    assert person.profile.language == "id"
    address = EmailAddress.objects.get(user=person)
    assert address.email == NEW and address.verified and address.primary
    setup = newcomer.get(response["Location"])
    assert setup.status_code == 200  # no password asked again, no verification wall
    assert "authenticator" in setup.content.decode().lower()

    # The link worked once.
    assert "already been used" in page(Client(), path_of(link))
    assert get_user_model().objects.filter(email=NEW).count() == 1


def test_the_new_curator_appears_on_the_staff_page(
    office, admin, client, django_capture_on_commit_callbacks
):
    invite(client, admin, capture=django_capture_on_commit_callbacks)
    Client().post(path_of(link_in(mail.outbox[0])), join_data())
    html = page(client, reverse("curation:office_staff"))
    assert "Sari Kurniawati" in html and "Curator" in html
    assert "Never" not in html.split("Sari Kurniawati")[1].split("</tr>")[0]


def test_an_existing_account_joins_signed_in_and_keeps_its_password(
    office, admin, client, django_capture_on_commit_callbacks
):
    expert = f.UserFactory(username="pakar", email=NEW)
    f.verified_email(expert)
    invite(client, admin, capture=django_capture_on_commit_callbacks)
    path = path_of(link_in(mail.outbox[0]))

    assert "exists already" in page(Client(), path)  # anonymous: sign in first
    other = sign_in(Client(), office.outsider)
    assert "was sent to" in page(other, path)  # another account: refused, with why
    other.post(path)
    assert not office.outsider.groups.exists()

    joined = Client()
    joined.force_login(expert)
    assert joined.get("/").status_code == 302  # an account without a business yet
    response = joined.post(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # Staff now: no other page until the second factor is set up.
    assert joined.get(reverse("curation:applications"))["Location"] == reverse("mfa_activate_totp")
    expert.refresh_from_db()
    assert expert.check_password("secret-pass-123")
    assert list(expert.groups.values_list("name", flat=True)) == [Role.CURATOR]
    assert expert.profile.office == office_of_kediri(office) and expert.is_staff


def test_a_second_invitation_replaces_the_first_and_expired_links_say_so(
    office, admin, client, django_capture_on_commit_callbacks
):
    first = invite(client, admin, capture=django_capture_on_commit_callbacks)
    second = invite(
        client, admin, roles=(Role.COORDINATOR,), capture=django_capture_on_commit_callbacks
    )
    first.refresh_from_db()
    assert first.cancelled_at is not None and second.is_pending()
    assert "cancelled" in page(Client(), reverse("curation:office_join", args=[first.token]))
    week_ago = timezone.now() - timedelta(days=8)
    StaffInvitation.objects.filter(pk=second.pk).update(
        created_at=week_ago, expires_at=week_ago + timedelta(days=7)
    )
    assert "expired" in page(Client(), reverse("curation:office_join", args=[second.token]))
    assert "not valid" in page(Client(), reverse("curation:office_join", args=["nonsense"]))


def test_a_weak_or_mismatched_password_is_refused(
    office, admin, client, django_capture_on_commit_callbacks
):
    invite(client, admin, capture=django_capture_on_commit_callbacks)
    path = path_of(link_in(mail.outbox[0]))
    newcomer = Client()
    response = newcomer.post(path, join_data(password2="something-else-2026"))
    assert response.status_code == 200 and "differ" in response.content.decode()
    assert not get_user_model().objects.filter(email=NEW).exists()


# Who may grant which role.


def test_a_coordinator_cannot_grant_a_role_they_do_not_have(office, client):
    coordinator = office.coordinator  # a coordinator only
    sign_in(client, coordinator)

    response = client.post(
        reverse("curation:office_invite"),
        {"email": NEW, "roles": [Role.CERTIFYING_OFFICER.value]},
    )
    assert response.status_code == 200
    assert not StaffInvitation.objects.exists()
    with pytest.raises(WorkflowError, match="you do not hold it"):
        office_staff.staff_invite(
            office=office_of_kediri(office),
            email=NEW,
            roles=[Role.OFFICE_ADMIN],
            by=coordinator,
        )
    # The roles they hold they may grant.
    office_staff.staff_invite(
        office=office_of_kediri(office), email=NEW, roles=[Role.COORDINATOR], by=coordinator
    )
    # Nor change a role they do not hold on someone else.
    with pytest.raises(WorkflowError, match="you do not hold it"):
        office_staff.staff_roles_set(
            member=office.spare_curator,
            roles=[Role.CURATOR, Role.CERTIFYING_OFFICER],
            by=coordinator,
        )
    with pytest.raises(WorkflowError, match="you do not hold it"):
        office_staff.staff_roles_set(
            member=office.spare_curator, roles=[Role.COORDINATOR], by=coordinator
        )
    assert list(office.spare_curator.groups.values_list("name", flat=True)) == [Role.CURATOR]


def test_the_coordinator_s_form_offers_only_their_roles_and_keeps_the_others(office, client):
    sign_in(client, office.coordinator)
    url = reverse("curation:office_member", args=[office.spare_curator.pk])
    html = page(client, url)
    assert f'value="{Role.COORDINATOR.value}"' in html
    assert f'value="{Role.CERTIFYING_OFFICER.value}"' not in html
    assert "Also holds" in html and "Curator" in html
    client.post(url, {"roles": [Role.COORDINATOR.value]})
    assert set(office.spare_curator.groups.values_list("name", flat=True)) == {
        Role.CURATOR,
        Role.COORDINATOR,
    }


def test_staff_without_a_managing_role_cannot_invite(office, client):
    for persona in ("lead", "reviewer", "officer", "regional_admin", "msme", "outsider"):
        client.force_login(office.personas[persona])
        assert client.get(reverse("curation:office_staff")).status_code == 403, persona
        assert (
            client.post(
                reverse("curation:office_invite"), {"email": NEW, "roles": ["curator"]}
            ).status_code
            == 403
        )
    assert not StaffInvitation.objects.exists()
