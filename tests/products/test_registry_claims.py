"""Claiming a business of the office's registry: by the office's e-mailed invitation, or
by registering its NIB and having the office confirm; refused cleanly when it is claimed
already or asked of the wrong office."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from kernel.roles import Role
from products.models import Business, BusinessClaim, Membership
from products.registry_services import registry_import_rows
from tests import factories as f
from tests.products.portal_helpers import login, text, verified_user

pytestmark = pytest.mark.django_db

NIB = "9120011000002"


@pytest.fixture
def unclaimed(office):
    done = registry_import_rows(
        [
            {
                "nib": NIB,
                "name": "Koperasi Tenun Bandar",
                "address": "Jl. Kelud 3, Kota Kediri",
                "region": "35.71",
                "legal_form": "koperasi",
            }
        ],
        by=office.coordinator,
    )
    return Business.objects.get(pk=done.rows[0]["business"])


def invite_owner(client, office, business, email, capture):
    login(client, office.coordinator)
    with capture(execute=True):
        return client.post(
            reverse("products:registry_invite", args=[business.pk]), {"email": email}
        )


def test_the_office_invites_the_owner_who_becomes_owner_on_accepting(
    client, office, unclaimed, django_capture_on_commit_callbacks
):
    response = invite_owner(
        client, office, unclaimed, "ketua@example.test", django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert "Koperasi Tenun Bandar" in text(client.get(reverse("products:registry_businesses")))

    assert mail.outbox[0].to == ["ketua@example.test"]
    assert "as its owner" in mail.outbox[0].body
    link = re.search(r"https?://\S+(/products/invitations/\S+/)", mail.outbox[0].body).group(1)
    ketua = verified_user("ketua", "ketua@example.test")
    login(client, ketua)
    assert "claim Koperasi Tenun Bandar" in text(client.get(link))
    client.post(link)

    membership = Membership.objects.get(business=unclaimed, user=ketua)
    assert membership.role == Membership.Role.OWNER
    assert ketua.groups.filter(name=Role.MSME).exists()
    # Claimed: no longer waiting, and a second invitation is refused in words.
    login(client, office.coordinator)
    waiting = client.get(reverse("products:registry_businesses")).context["page"].object_list
    assert unclaimed not in list(waiting)
    response = client.post(
        reverse("products:registry_invite", args=[unclaimed.pk]), {"email": "x@example.test"}
    )
    assert response.status_code == 404


def test_a_second_owner_invitation_stops_working_once_the_business_is_claimed(
    client, office, unclaimed, django_capture_on_commit_callbacks
):
    for email in ("a@example.test", "b@example.test"):
        invite_owner(client, office, unclaimed, email, django_capture_on_commit_callbacks)
    links = [
        re.search(r"(/products/invitations/\S+/)", message.body).group(1) for message in mail.outbox
    ]
    first, second = verified_user("a", "a@example.test"), verified_user("b", "b@example.test")
    login(client, first)
    client.post(links[0])
    login(client, second)
    response = client.post(links[1], follow=True)

    assert "has been claimed by its owner already" in text(response)
    assert list(unclaimed.memberships.values_list("user", flat=True)) == [first.pk]


def test_registering_a_registry_nib_offers_a_claim_that_the_office_confirms(
    client, office, unclaimed
):
    budi = verified_user("budi", "budi@example.test")
    login(client, budi)
    response = client.post(
        reverse("products:business_new"),
        {
            "name": "Tenun Bandar",
            "nib": NIB,
            "npwp": f.valid_npwp(30_000_001),
            "address": "Jl. Kelud 3",
            "region": unclaimed.region_id,
            "size": "micro",
        },
    )
    page = text(response)
    assert "is in the registry of the office" in page
    assert "already registered" not in page
    assert "Ask to claim it" in page

    response = client.post(reverse("products:business_claim"), {"nib": NIB})
    assert response.status_code == 302
    claim = BusinessClaim.objects.get(business=unclaimed, requested_by=budi)
    assert claim.status == BusinessClaim.Status.PENDING
    # Asking twice queues once.
    client.post(reverse("products:business_claim"), {"nib": NIB})
    assert BusinessClaim.objects.filter(business=unclaimed).count() == 1
    assert "waiting for the office" in text(client.get(reverse("products:business_new")))

    # Not the owner's to decide, nor another region's coordinator's.
    decide = reverse("products:registry_claim_decide", args=[claim.pk])
    for user, status in ((budi, 403), (office.msme, 403), (office.foreign_coordinator, 404)):
        login(client, user)
        assert client.post(decide, {"decision": "confirm"}).status_code == status
    assert not unclaimed.memberships.exists()

    login(client, office.coordinator)
    assert "budi@example.test claims Koperasi Tenun Bandar" in text(
        client.get(reverse("products:registry_businesses"))
    )
    client.post(decide, {"decision": "confirm"})

    claim.refresh_from_db()
    assert claim.status == BusinessClaim.Status.CONFIRMED
    assert Membership.objects.get(business=unclaimed).user == budi
    assert Membership.objects.get(business=unclaimed).role == Membership.Role.OWNER
    # Decided: a second decision and a new claim are refused in words.
    response = client.post(decide, {"decision": "refuse"}, follow=True)
    assert "already decided" in text(response)
    login(client, office.outsider)
    response = client.post(reverse("products:business_claim"), {"nib": NIB}, follow=True)
    assert "already has an owner" in text(response)
    assert BusinessClaim.objects.filter(business=unclaimed).count() == 1


def test_confirming_one_claim_refuses_the_others(client, office, unclaimed):
    budi = verified_user("budi", "budi@example.test")
    login(client, budi)
    client.post(reverse("products:business_claim"), {"nib": NIB})
    login(client, office.outsider)
    client.post(reverse("products:business_claim"), {"nib": NIB})
    claims = {c.requested_by_id: c for c in BusinessClaim.objects.all()}

    login(client, office.coordinator)
    client.post(
        reverse("products:registry_claim_decide", args=[claims[budi.pk].pk]),
        {"decision": "confirm"},
    )

    claims[office.outsider.pk].refresh_from_db()
    assert claims[office.outsider.pk].status == BusinessClaim.Status.REFUSED
    assert list(unclaimed.memberships.values_list("user", flat=True)) == [budi.pk]


def test_an_office_refuses_a_claim(client, office, unclaimed):
    login(client, office.outsider)
    client.post(reverse("products:business_claim"), {"nib": NIB})
    claim = BusinessClaim.objects.get()
    login(client, office.coordinator)
    client.post(reverse("products:registry_claim_decide", args=[claim.pk]), {"decision": "refuse"})
    claim.refresh_from_db()
    assert claim.status == BusinessClaim.Status.REFUSED
    assert not unclaimed.memberships.exists()


def test_a_registered_business_s_nib_is_still_simply_taken(client, office):
    login(client, office.outsider)
    response = client.post(
        reverse("products:business_new"),
        {
            "name": "Sambal Lain",
            "nib": office.business.nib,
            "npwp": f.valid_npwp(30_000_002),
            "address": "Jl. B",
            "region": office.business.region_id,
            "size": "micro",
        },
    )
    assert "is already registered" in text(response)
    assert "Ask to claim it" not in text(response)
    response = client.post(
        reverse("products:business_claim"), {"nib": office.business.nib}, follow=True
    )
    assert "already has an owner" in text(response)
