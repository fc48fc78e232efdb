"""The MSME portal: registering the business and editing its profile, through the pages
as a member of the business uses them."""

import pytest
from django.urls import reverse

from kernel.roles import Role
from products.models import (
    Business,
    Membership,
)
from tests import factories as f
from tests.products.portal_helpers import login, text

pytestmark = pytest.mark.django_db

# The business.


BUSINESS = {
    "name": "Kripik Tempe Bu Sri",
    "nib": "9120-0011-2233-4",
    "npwp": "0012 3456 7490 1000",
    "address": "Jl. Brawijaya 12, Kediri",
    "size": "micro",
    "email": "sri@example.test",
    "phone": "+62 812 3456 7890",
}


def test_a_new_msme_is_sent_from_the_dashboard_to_register_the_business(client):
    user = f.UserFactory(username="sri", roles=[Role.MSME])
    login(client, user)

    response = client.get("/")

    assert response.status_code == 302
    assert response.url == reverse("products:business_new")
    assert client.get(reverse("curation:product_list")).url == reverse("products:business_new")


def test_registering_the_business_makes_the_user_its_owner(client):
    user = f.UserFactory(username="sri", roles=[Role.MSME])
    login(client, user)

    response = client.post(
        reverse("products:business_new"), {**BUSINESS, "region": f.region("35.71").pk}
    )

    business = Business.objects.get(name="Kripik Tempe Bu Sri")
    # The guided path goes on to the product.
    assert response.url == reverse("products:new")
    assert business.nib == "9120001122334"
    assert business.npwp == "0012345674901000"
    assert Membership.objects.get(business=business, user=user).role == Membership.Role.OWNER
    # The dashboard is the dashboard again.
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nib", "12345", "An NIB has exactly 13 digits"),
        ("nib", "91200011223AB", "An NIB has exactly 13 digits"),
        ("npwp", "1234", "An NPWP has 15 digits"),
    ],
)
def test_a_wrong_nib_or_npwp_is_refused_with_its_message_and_creates_nothing(
    client, field, value, message
):
    user = f.UserFactory(username="sri", roles=[Role.MSME])
    login(client, user)

    response = client.post(
        reverse("products:business_new"),
        {**BUSINESS, field: value, "region": f.region("35.71").pk},
    )

    assert response.status_code == 200
    assert message in text(response)
    assert 'aria-invalid="true"' in text(response)
    assert not Business.objects.filter(name="Kripik Tempe Bu Sri").exists()
    assert not Membership.objects.filter(user=user).exists()


def test_an_nib_already_registered_says_to_ask_for_an_invitation(client, office):
    user = f.UserFactory(username="sri", roles=[Role.MSME])
    login(client, user)

    response = client.post(
        reverse("products:business_new"),
        {**BUSINESS, "nib": office.business.nib, "region": f.region("35.71").pk},
    )

    assert "already registered" in text(response)
    assert "invite you" in text(response)
    assert not Membership.objects.filter(user=user).exists()


def test_only_the_owner_edits_the_profile(client, office):
    staff = f.make_member(office.business, "staff", role=Membership.Role.STAFF)
    login(client, staff)
    assert (
        client.get(reverse("products:business_edit", args=[office.business.pk])).status_code == 403
    )

    login(client, office.msme)
    response = client.post(
        reverse("products:business_edit", args=[office.business.pk]),
        {
            **BUSINESS,
            "name": "Sambal Bu Rini Jaya",
            "nib": office.business.nib,
            "region": office.business.region_id,
        },
    )
    assert response.status_code == 302
    office.business.refresh_from_db()
    assert office.business.name == "Sambal Bu Rini Jaya"


def test_outsiders_and_other_businesses_do_not_see_the_business(client, office):
    for user in (office.other_msme, office.outsider, office.coordinator):
        login(client, user)
        assert (
            client.get(reverse("products:business", args=[office.business.pk])).status_code == 404
        )
        assert client.get(reverse("products:members", args=[office.business.pk])).status_code == 404
