"""The admin's transition page goes through the same service and permission checks."""

import pytest

from kernel.states import State
from tests.factories import UserFactory, enrol_totp
from tests.workflow.transition_steps import footprint, not_allowed

# The admin's transition page goes through the same service and permission checks.


@pytest.fixture
def admin_client_for(client):
    def log_in(user):
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
        enrol_totp(user)  # superusers sign in with a second factor
        # The page renders in the user's own language; the assertions read English.
        user.profile.language = "en"
        user.profile.save(update_fields=["language"])
        client.force_login(user)
        return client

    return log_in


def transition_url(application, name) -> str:
    return f"/admin/curation/application/{application.pk}/transition/{name}/"


@pytest.mark.parametrize(
    ("state", "name", "form", "target"),
    [
        pytest.param(
            "submitted", "reject", {"comment": "Out of region."}, State.REJECTED, id="reject"
        ),
        pytest.param(
            "submitted",
            "assign_curators",
            lambda o: {"curators": [o.lead.pk, o.curator.pk], "lead": o.lead.pk, "comment": ""},
            State.IN_CURATION,
            id="assign_curators",
        ),
    ],
)
def test_the_admin_transition_page_runs_the_service_for_an_allowed_staff_user(
    office, bring_to, admin_client_for, state, name, form, target
):
    application = bring_to(state)
    audit_before = application.audit_trail.count()
    client = admin_client_for(office.coordinator)
    data = form(office) if callable(form) else form

    response = client.post(transition_url(application, name), data)

    assert response.status_code == 302
    assert response.url == f"/admin/curation/application/{application.pk}/change/"
    application.refresh_from_db()
    assert application.state == target
    assert application.audit_trail.count() == audit_before + 1
    row = application.audit_trail.last()
    assert (row.transition, row.actor) == (name, office.coordinator)


def test_the_admin_transition_page_refuses_a_superuser_without_the_role(
    office, bring_to, admin_client_for
):
    application = bring_to("submitted")
    before = footprint(application)
    client = admin_client_for(UserFactory(username="root"))

    page = client.get(transition_url(application, "reject"))
    response = client.post(transition_url(application, "reject"), {"comment": "Out of region."})

    assert page.status_code == 200
    assert not_allowed("reject") in page.content.decode()
    assert 'type="submit" class="default" value="Reject" disabled' in page.content.decode()
    assert response.status_code == 200
    assert not_allowed("reject") in [str(m) for m in response.context["messages"]]
    assert not_allowed("reject") in response.content.decode()
    assert footprint(application) == before


def test_the_admin_transition_page_refuses_an_allowed_role_with_an_unmet_condition(
    office, bring_to, admin_client_for
):
    application = bring_to("submitted")
    before = footprint(application)
    client = admin_client_for(office.coordinator)

    response = client.post(
        transition_url(application, "assign_curators"),
        {"curators": [office.lead.pk], "lead": office.lead.pk},
    )

    assert response.status_code == 200
    assert "Choose at least 2 curators." in response.content.decode()
    assert footprint(application) == before


def test_the_admin_transition_page_is_closed_to_non_staff(office, bring_to, client):
    application = bring_to("draft")
    before = footprint(application)
    client.force_login(office.msme)

    response = client.post(transition_url(application, "submit"), {"comment": ""})

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
    assert footprint(application) == before
