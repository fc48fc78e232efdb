"""Curators declare their own conflicts of interest; one declared after the assignment
flags it to the coordinator, and the curator can no longer act on the application."""

import pytest
from django.core import mail
from django.urls import reverse

from curation import services
from curation.assignments import application_reassign_curators
from curation.models import Notification
from kernel.errors import WorkflowError
from kernel.states import State
from products.models import ConflictOfInterest
from tests.offices.staff_helpers import sign_in
from tests.staff.page_helpers import WORKED_EXAMPLE, page, scoresheet_post


def declare(client, curator, business, reason="My cousin runs it."):
    """Declared by choosing the business, or by its NIB when they do not curate it."""
    sign_in(client, curator)
    html = page(client, reverse("curation:conflicts"))
    offered = f'<option value="{business.pk}">' in html
    return client.post(
        reverse("curation:conflicts"),
        {
            "business": str(business.pk) if offered else "",
            "nib": "" if offered else business.nib,
            "reason": reason,
        },
    )


def test_a_conflict_declared_after_assignment_reaches_the_coordinator(
    office, bring_to, client, django_capture_on_commit_callbacks
):
    application = bring_to("in_curation")
    lead = office.lead
    sign_in(client, lead)
    # The businesses they curate are offered.
    assert office.business.name in page(client, reverse("curation:conflicts"))
    with django_capture_on_commit_callbacks(execute=True):
        response = declare(client, lead, office.business)
    assert response.status_code == 302
    assert ConflictOfInterest.objects.filter(curator=lead, business=office.business).exists()

    # Told: a notice and an e-mail to the coordinator, with the reason.
    notice = Notification.objects.get(event="conflict_declared")
    assert notice.recipient == office.coordinator and notice.application == application
    assert "My cousin runs it." in notice.comment
    assert any(office.coordinator.email in m.to for m in mail.outbox)
    # Flagged on the coordinator's application page and overview.
    sign_in(client, office.coordinator)
    html = page(client, reverse("curation:application", args=[application.pk]))
    assert "declared a conflict of interest: choose another curator" in html
    assert "cannot act: reassign" in page(client, reverse("curation:overview"))

    # The curator no longer acts on it, on the page or through the API.
    client.force_login(lead)
    response = client.post(
        reverse("curation:scoresheet", args=[application.pk]),
        scoresheet_post(application, WORKED_EXAMPLE, submit=True),
    )
    assert response.status_code in (403, 404)
    response = client.post(
        reverse("api_application_transition", args=[application.pk, "request_revision"]),
        {"state": "in_curation", "comment": "Fix the label."},
        content_type="application/json",
    )
    assert response.status_code in (403, 404)
    application.refresh_from_db()
    assert application.state == State.IN_CURATION

    # Reassigning replaces them, and the flag goes.
    application_reassign_curators(
        application=application,
        by=office.coordinator,
        curators=[office.curator, office.spare_curator],
        lead=office.curator,
        comment="Conflict of interest declared.",
    )
    sign_in(client, office.coordinator)
    html = page(client, reverse("curation:application", args=[application.pk]))
    assert "conflict of interest: choose another curator" not in html


def test_a_declared_conflict_keeps_the_curator_from_being_assigned(office, bring_to, client):
    declare(client, office.spare_curator, office.business)
    application = bring_to("submitted")
    with pytest.raises(WorkflowError, match="conflict of interest"):
        services.application_assign_curators(
            application=application,
            by=office.coordinator,
            curators=[office.lead, office.spare_curator],
            lead=office.lead,
        )
    application.refresh_from_db()
    assert application.state == State.SUBMITTED


def test_a_curator_declares_only_their_own_and_by_nib_only_in_their_regions(office, client):
    sign_in(client, office.foreign_coordinator)  # a curator of Blitar's office
    response = client.post(
        reverse("curation:conflicts"),
        {"business": "", "nib": office.business.nib, "reason": "Friends."},
    )
    assert response.status_code == 200 and "No business with this NIB" in response.content.decode()
    client.force_login(office.coordinator)  # not a curator
    assert client.get(reverse("curation:conflicts")).status_code == 403
    assert not ConflictOfInterest.objects.exists()
