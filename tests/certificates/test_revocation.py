"""Revocation: only a certifying officer of the certificate's region, with a reason;
audited in an append-only trail; the business told by e-mail after the commit; the admin
goes through the same service."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail

from certificates.models import Certificate, CertificateEvent, EventKind, Status
from certificates.revocation import certificate_revoke
from kernel.errors import WorkflowError
from kernel.roles import Role
from kernel.states import State
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rendering(settings):
    # Revocation does not need the PDF; e-mails run at once (immediate backend).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def certificate(office, bring_to):
    return Certificate.objects.get(application=bring_to(State.CERTIFIED))


def revoke(certificate, user, reason="The halal certificate was forged."):
    return certificate_revoke(certificate=certificate, by=user, reason=reason)


def test_the_region_officer_revokes_with_a_reason(
    certificate, office, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        revoke(certificate, office.officer, "  The halal certificate was forged.  ")

    certificate.refresh_from_db()
    assert certificate.status == Status.REVOKED
    assert certificate.revoked_by == office.officer
    assert certificate.revocation_reason == "The halal certificate was forged."
    assert certificate.revoked_at is not None
    assert certificate.verdict() == "revoked"
    event = certificate.events.get(kind=EventKind.REVOKED)
    assert (event.actor, event.detail, event.at) == (
        office.officer,
        "The halal certificate was forged.",
        certificate.revoked_at,
    )


def test_the_business_members_are_emailed_after_the_commit(
    certificate, office, django_capture_on_commit_callbacks
):
    staff = f.make_member(office.business, "rini-staff")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        revoke(certificate, office.officer)
    assert mail.outbox == []  # nothing sent before the commit
    for callback in callbacks:
        callback()
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([office.msme.email, staff.email])
    message = mail.outbox[0]
    assert certificate.number in message.subject
    assert "The halal certificate was forged." in message.body
    assert certificate.verification_url in message.body


def test_the_email_is_in_the_members_language(
    certificate, office, django_capture_on_commit_callbacks
):
    office.msme.profile.language = "id"
    office.msme.profile.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        revoke(certificate, office.officer)
    (message,) = mail.outbox
    assert certificate.number in message.subject
    assert "has been revoked" not in message.subject  # Indonesian, not English
    assert "Reason:" not in message.body


def test_a_reason_is_required(certificate, office):
    with pytest.raises(WorkflowError, match="reason"):
        revoke(certificate, office.officer, "   ")
    certificate.refresh_from_db()
    assert certificate.status == Status.VALID
    assert not certificate.events.filter(kind=EventKind.REVOKED).exists()


@pytest.mark.parametrize(
    "persona",
    [
        "msme",
        "other_msme",
        "coordinator",
        "lead",
        "reviewer",
        "regional_admin",
        "exporter",
        "outsider",
        "foreign_coordinator",  # a certifying officer, of another region
    ],
)
def test_nobody_else_may_revoke(certificate, office, persona):
    with pytest.raises(WorkflowError, match="not allowed"):
        revoke(certificate, office.personas[persona])
    certificate.refresh_from_db()
    assert certificate.status == Status.VALID


def test_an_officer_who_belongs_to_the_business_may_not_revoke(certificate, office):
    insider = f.UserFactory(
        username="officer-insider",
        roles=[Role.CERTIFYING_OFFICER],
        regions=[office.business.region],
    )
    f.make_member(office.business, "officer-insider")
    with pytest.raises(WorkflowError, match="not allowed"):
        revoke(certificate, insider)


def test_a_certificate_is_revoked_once(certificate, office):
    revoke(certificate, office.officer)
    with pytest.raises(WorkflowError, match="already been revoked"):
        revoke(certificate, office.officer, "Again.")
    assert certificate.events.filter(kind=EventKind.REVOKED).count() == 1


def test_a_superseded_certificate_can_still_be_revoked(certificate, office):
    from curation import services

    renewal = services.application_create(
        product=office.product, by=office.msme, previous=certificate.application
    )
    f.bring_to(office, State.CERTIFIED, renewal)
    certificate.refresh_from_db()
    assert certificate.status == Status.SUPERSEDED
    revoke(certificate, office.officer)
    certificate.refresh_from_db()
    assert certificate.verdict() == "revoked"


def test_the_audit_trail_is_append_only(certificate, office):
    revoke(certificate, office.officer)
    kinds = list(certificate.events.values_list("kind", flat=True))
    assert kinds == [EventKind.ISSUED, EventKind.REVOKED]
    event = certificate.events.first()
    event.detail = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        CertificateEvent.objects.filter(certificate=certificate).update(detail="x")
    with pytest.raises(PermissionError):
        CertificateEvent.objects.filter(certificate=certificate).delete()
    assert certificate.events.count() == 2


# The admin.


@pytest.fixture
def staff_officer(office):
    """The region's officer, who also runs the installation: the admin is for superusers."""
    office.officer.is_staff = office.officer.is_superuser = True
    office.officer.save()
    office.officer.profile.language = "en"
    office.officer.profile.save()
    return office.officer


def test_the_admin_revokes_through_the_service(
    client, certificate, staff_officer, django_capture_on_commit_callbacks
):
    client.force_login(staff_officer)
    url = "/admin/certificates/certificate/"
    ask = client.post(url, {"action": "revoke", ACTION_CHECKBOX_NAME: [certificate.pk]})
    assert ask.status_code == 200
    assert "Reason for revocation" in ask.content.decode()
    certificate.refresh_from_db()
    assert certificate.status == Status.VALID  # nothing until the reason is given

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            url,
            {
                "action": "revoke",
                "apply": "1",
                "reason": "Factory closed.",
                ACTION_CHECKBOX_NAME: [certificate.pk],
            },
        )
    assert done.status_code == 302
    certificate.refresh_from_db()
    assert (certificate.status, certificate.revocation_reason) == (
        Status.REVOKED,
        "Factory closed.",
    )
    assert certificate.events.get(kind=EventKind.REVOKED).actor == staff_officer


def test_the_admin_refuses_what_the_service_refuses(client, office, certificate):
    admin = f.UserFactory(username="root", roles=[Role.CERTIFYING_OFFICER])
    admin.is_staff = admin.is_superuser = True
    admin.save()
    admin.profile.language = "en"
    admin.profile.save()
    client.force_login(admin)  # an officer of no region
    response = client.post(
        "/admin/certificates/certificate/",
        {
            "action": "revoke",
            "apply": "1",
            "reason": "Because.",
            ACTION_CHECKBOX_NAME: [certificate.pk],
        },
        follow=True,
    )
    assert "not allowed" in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.status == Status.VALID


def test_the_admin_shows_but_never_edits_or_deletes(client, certificate):
    admin = f.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    change = client.get(f"/admin/certificates/certificate/{certificate.pk}/change/")
    assert change.status_code == 200
    body = change.content.decode()
    assert certificate.number in body
    assert 'name="business_name"' not in body  # read-only
    assert client.get("/admin/certificates/certificate/add/").status_code == 403
    delete = client.post(
        f"/admin/certificates/certificate/{certificate.pk}/delete/", {"post": "yes"}
    )
    assert delete.status_code == 403
    event = certificate.events.first()
    assert client.get(f"/admin/certificates/certificateevent/{event.pk}/change/").status_code == 200
    assert (
        client.post(f"/admin/certificates/certificateevent/{event.pk}/delete/", {"post": "yes"})
    ).status_code == 403
    assert Certificate.objects.filter(pk=certificate.pk).exists()
