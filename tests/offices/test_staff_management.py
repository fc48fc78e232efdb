"""The office's staff page: roles, deactivating (the person can no longer act) and
reactivating; the office keeps an administrator; nobody acts on another office's staff."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from curation import office_staff, services
from kernel.errors import WorkflowError
from kernel.roles import Role
from kernel.states import State
from tests import factories as f
from tests.offices.staff_helpers import make_admin, office_of_kediri, sign_in
from tests.staff.page_helpers import page


@pytest.fixture
def admin(office):
    return make_admin(office)


def test_the_staff_page_lists_roles_and_last_sign_in(office, admin, client):
    # A name no one else has (the factories' names are random and may repeat).
    office.foreign_coordinator.first_name = "Wahyu Dari Blitar"
    office.foreign_coordinator.save(update_fields=["first_name"])
    client.force_login(office.lead)  # a sign-in to show
    sign_in(client, admin)
    html = page(client, reverse("curation:office_staff"))
    # The lead's row, found by the link to their page (a name may be part of another's).
    manage = reverse("curation:office_member", args=[office.lead.pk])
    row = next(r for r in html.split("<tr>") if f'href="{manage}"' in r).split("</tr>")[0]
    assert "Curator" in row and "Never" not in row
    assert office.coordinator.get_full_name() in html
    assert office.foreign_coordinator.get_full_name() not in html  # another office's


def test_the_staff_page_costs_the_same_queries_for_more_staff(
    office, admin, client, django_assert_max_num_queries
):
    client.force_login(admin)
    page(client, reverse("curation:office_staff"))
    for n in range(15):
        f.UserFactory(username=f"staf-{n}", roles=[Role.CURATOR], office=office_of_kediri(office))
    with django_assert_max_num_queries(15):
        page(client, reverse("curation:office_staff"))


def test_deactivated_staff_cannot_act(office, admin, bring_to, client):
    application = bring_to("in_curation")
    lead = office.lead
    lead_client = Client()
    lead_client.force_login(lead)

    client.force_login(admin)
    response = client.post(reverse("curation:office_member_deactivate", args=[lead.pk]))
    assert response.status_code == 302
    lead.refresh_from_db()
    assert not lead.is_active

    # Their open session ends, and they cannot sign in again.
    response = lead_client.get(reverse("curation:scoresheet", args=[application.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    again = Client()
    again.post(reverse("account_login"), {"login": lead.username, "password": "secret-pass-123"})
    assert "_auth_user_id" not in again.session
    # A transition in their role is refused, whatever path calls it.
    with pytest.raises(WorkflowError):
        services.application_request_revision(
            application=application, by=lead, message="Fix the label."
        )
    application.refresh_from_db()
    assert application.state == State.IN_CURATION
    # The coordinator sees the assignment flagged.
    coordinator = sign_in(Client(), office.coordinator)
    html = page(coordinator, reverse("curation:application", args=[application.pk]))
    assert "account deactivated" in html

    # Reactivated: the same roles again.
    client.post(reverse("curation:office_member_reactivate", args=[lead.pk]))
    lead.refresh_from_db()
    assert lead.is_active
    assert list(lead.groups.values_list("name", flat=True)) == [Role.CURATOR]
    services.application_request_revision(application=application, by=lead, message="Fix it.")
    application.refresh_from_db()
    assert application.state == State.REVISION_REQUESTED


def test_only_an_administrator_deactivates(office, client):
    client.force_login(office.coordinator)
    response = client.post(reverse("curation:office_member_deactivate", args=[office.lead.pk]))
    assert response.status_code == 403
    office.lead.refresh_from_db()
    assert office.lead.is_active


def test_the_last_administrator_cannot_be_removed(office, admin, client):
    with pytest.raises(WorkflowError, match="last administrator"):
        office_staff.staff_roles_set(member=admin, roles=[Role.COORDINATOR], by=admin)
    with pytest.raises(WorkflowError, match="your own account"):
        office_staff.staff_deactivate(member=admin, by=admin)

    second = make_admin(office, username="admin-2", first_name="Budi Admin")
    # With two, one may step down; then the other is the last again.
    office_staff.staff_roles_set(member=admin, roles=[Role.COORDINATOR], by=admin)
    with pytest.raises(WorkflowError, match="last administrator"):
        office_staff.staff_roles_set(member=second, roles=[Role.CURATOR], by=second)
    # A deactivated administrator does not count.
    Group.objects.get(name=Role.OFFICE_ADMIN).user_set.add(admin)
    office_staff.staff_deactivate(member=admin, by=second)
    with pytest.raises(WorkflowError, match="last administrator"):
        office_staff.staff_roles_set(member=second, roles=[Role.CURATOR], by=second)

    client.force_login(second)
    response = client.post(
        reverse("curation:office_member", args=[second.pk]), {"roles": [Role.CURATOR.value]}
    )
    assert response.status_code == 200 and "last administrator" in response.content.decode()
    assert Role.OFFICE_ADMIN in second.groups.values_list("name", flat=True)


def test_another_office_s_admin_cannot_touch_this_office_s_staff(office, admin, client):
    blitar_admin = f.UserFactory(
        username="admin-blitar", roles=[Role.OFFICE_ADMIN], regions=[f.region("35.72")]
    )
    sign_in(client, blitar_admin)
    lead = office.lead
    for name in ("curation:office_member",):
        assert client.get(reverse(name, args=[lead.pk])).status_code == 404
    for name in (
        "curation:office_member",
        "curation:office_member_deactivate",
        "curation:office_member_reactivate",
    ):
        assert (
            client.post(reverse(name, args=[lead.pk]), {"roles": ["coordinator"]}).status_code
            == 404
        )
    assert office.lead.get_full_name() not in page(client, reverse("curation:office_staff"))
    with pytest.raises(WorkflowError, match="does not work for your office"):
        office_staff.staff_deactivate(member=lead, by=blitar_admin)
    with pytest.raises(WorkflowError):
        office_staff.staff_invite(
            office=office_of_kediri(office),
            email="x@example.test",
            roles=["curator"],
            by=blitar_admin,
        )
    lead.refresh_from_db()
    assert lead.is_active and list(lead.groups.values_list("name", flat=True)) == [Role.CURATOR]
