"""The MSME portal: the business's members and invitations, through the pages as the
owner and its staff use them."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from kernel.roles import Role
from products.models import (
    BusinessInvitation,
    Membership,
)
from tests import factories as f
from tests.products.portal_helpers import login, text, verified_user

pytestmark = pytest.mark.django_db

# Members and invitations.


def invite(client, office, email="budi@example.test", django_capture_on_commit_callbacks=None):
    login(client, office.msme)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("products:members", args=[office.business.pk]), {"email": email}
        )
    assert response.status_code == 302, text(response)
    return BusinessInvitation.objects.get(business=office.business, email=email)


def test_the_owner_invites_by_e_mail_after_commit_and_the_invited_person_joins_as_staff(
    client, office, django_capture_on_commit_callbacks
):
    invitation = invite(
        client, office, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["budi@example.test"]
    assert "Sambal Bu Rini" in mail.outbox[0].subject
    link = re.search(r"https?://\S+(/products/invitations/\S+/)", mail.outbox[0].body).group(1)
    assert invitation.token in link
    assert len(invitation.token) >= 40

    # Signed out: the page says who invites and how to accept.
    client.logout()
    page = client.get(link)
    assert page.status_code == 200
    assert "Sign in" in text(page) and "Create an account" in text(page)

    budi = verified_user("budi", "budi@example.test")
    login(client, budi)
    response = client.post(link)

    assert response.url == reverse("products:business", args=[office.business.pk])
    membership = Membership.objects.get(business=office.business, user=budi)
    assert membership.role == Membership.Role.STAFF
    assert budi.groups.filter(name=Role.MSME).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == budi and invitation.accepted_at is not None
    # The new member sees the business's products.
    assert office.product.name in text(client.get(reverse("curation:product_list")))


def test_a_used_invitation_link_is_refused(client, office, django_capture_on_commit_callbacks):
    invitation = invite(
        client, office, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    link = reverse("products:invitation", args=[invitation.token])
    budi = verified_user("budi", "budi@example.test")
    login(client, budi)
    client.post(link)
    Membership.objects.filter(user=budi).delete()

    response = client.post(link, follow=True)

    assert "already been used" in text(response)
    assert not Membership.objects.filter(user=budi).exists()


def test_an_expired_invitation_link_is_refused(client, office, django_capture_on_commit_callbacks):
    invitation = invite(
        client, office, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    BusinessInvitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(days=8),
        expires_at=timezone.now() - timedelta(days=1),
    )
    budi = verified_user("budi", "budi@example.test")
    login(client, budi)

    response = client.post(reverse("products:invitation", args=[invitation.token]), follow=True)

    assert "This invitation expired" in text(response)
    assert not Membership.objects.filter(user=budi).exists()


def test_an_unknown_token_is_refused(client, office):
    login(client, verified_user("budi", "budi@example.test"))
    response = client.post(reverse("products:invitation", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert "not valid" in text(response)
    assert not Membership.objects.filter(user__username="budi").exists()


def test_an_invitation_is_accepted_only_with_the_invited_address(
    client, office, django_capture_on_commit_callbacks
):
    invitation = invite(
        client, office, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    someone = verified_user("someone", "someone@example.test")
    login(client, someone)

    response = client.post(reverse("products:invitation", args=[invitation.token]), follow=True)

    assert "This invitation was sent to budi@example.test" in text(response)
    assert not Membership.objects.filter(user=someone).exists()


def test_a_pending_invitation_shows_on_the_registration_page(
    client, office, django_capture_on_commit_callbacks
):
    invitation = invite(
        client, office, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    budi = verified_user("budi", "budi@example.test")
    budi.groups.add(*f.UserFactory(username="x", roles=[Role.MSME]).groups.all())
    login(client, budi)

    page = client.get(client.get("/").url)

    assert "You have been invited" in text(page)
    assert reverse("products:invitation", args=[invitation.token]) in text(page)


def test_a_staff_member_cannot_invite_or_remove_members(client, office):
    staff = f.make_member(office.business, "staff", role=Membership.Role.STAFF)
    login(client, staff)

    page = client.get(reverse("products:members", args=[office.business.pk]))
    assert "Only the owner can invite" in text(page)
    response = client.post(
        reverse("products:members", args=[office.business.pk]), {"email": "x@example.test"}
    )
    assert response.status_code == 403
    assert not BusinessInvitation.objects.exists()
    assert len(mail.outbox) == 0

    owner = office.business.memberships.get(user=office.msme)
    response = client.post(reverse("products:member_remove", args=[office.business.pk, owner.pk]))
    assert response.status_code == 403
    assert Membership.objects.filter(pk=owner.pk).exists()


def test_another_business_owner_cannot_invite_to_this_business(client, office):
    login(client, office.other_msme)
    response = client.post(
        reverse("products:members", args=[office.business.pk]), {"email": "x@example.test"}
    )
    assert response.status_code == 404
    assert not BusinessInvitation.objects.exists()


def test_the_owner_removes_a_staff_member_but_not_an_owner(client, office):
    staff = f.make_member(office.business, "staff", role=Membership.Role.STAFF)
    membership = office.business.memberships.get(user=staff)
    owner = office.business.memberships.get(user=office.msme)
    login(client, office.msme)

    page = client.get(reverse("products:members", args=[office.business.pk]))
    assert reverse("products:member_remove", args=[office.business.pk, membership.pk]) in text(page)
    client.post(reverse("products:member_remove", args=[office.business.pk, membership.pk]))
    response = client.post(
        reverse("products:member_remove", args=[office.business.pk, owner.pk]), follow=True
    )

    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert Membership.objects.filter(pk=owner.pk).exists()
    assert "An owner cannot be removed" in text(response)
    login(client, staff)
    assert client.get(reverse("curation:product", args=[office.product.pk])).status_code == 404


def test_a_new_invitation_replaces_the_pending_one(
    client, office, django_capture_on_commit_callbacks
):
    first = invite(
        client, office, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("products:members", args=[office.business.pk]), {"email": "Budi@Example.test"}
        )
    first.refresh_from_db()
    assert first.cancelled_at is not None
    assert BusinessInvitation.objects.pending().filter(email="budi@example.test").count() == 1
    assert len(mail.outbox) == 2


def test_the_owner_cancels_a_pending_invitation(client, office, django_capture_on_commit_callbacks):
    invitation = invite(
        client, office, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    client.post(reverse("products:invitation_cancel", args=[office.business.pk, invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.cancelled_at is not None
    login(client, verified_user("budi", "budi@example.test"))
    response = client.post(reverse("products:invitation", args=[invitation.token]), follow=True)
    assert "This invitation was cancelled" in text(response)
    assert not Membership.objects.filter(user__username="budi").exists()
