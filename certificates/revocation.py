"""Revoking a certificate: by a certifying officer of its region, with a reason, recorded
in its audit trail; the verification page says so from the next request on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates import tasks, verification
from certificates.models import Certificate, CertificateEvent, EventKind, Status
from certificates.permissions import can_revoke_certificate
from curation.notifications import notify
from kernel.errors import WorkflowError

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _User


def certificate_revoke(*, certificate: Certificate, by: _User, reason: str) -> Certificate:
    """Revoke a certificate, with a reason, as a certifying officer of its region. The
    verification page says so from the next request on; the MSME's members and the
    exporters the product is shared with get an in-app notice, and an e-mail after the
    commit."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("application__product__business")
            .get(pk=certificate.pk)
        )
        problems = []
        if not can_revoke_certificate.test(by, locked):
            problems.append(_("You are not allowed to revoke this certificate."))
        elif locked.status == Status.REVOKED:
            problems.append(_("This certificate has already been revoked."))
        if not reason:
            problems.append(_("Write the reason for the revocation."))
        if problems:
            raise WorkflowError(problems)
        locked.status = Status.REVOKED
        locked.revoked_at = timezone.now()
        locked.revoked_by = by
        locked.revocation_reason = reason
        locked.save(update_fields=["status", "revoked_at", "revoked_by", "revocation_reason"])
        # The verification page's cached record, in every process: revoked from the next
        # request on.
        verification.forget(locked.verification_code)
        CertificateEvent.objects.create(
            certificate=locked,
            kind=EventKind.REVOKED,
            actor=by,
            at=locked.revoked_at,
            detail=reason,
        )
        # In-app notices now (with the revocation, or not at all); the revocation's own
        # e-mail, with its number, reason and verification address, after the commit.
        notices = notify(
            locked.application,
            "certificate_revoked",
            source=locked.application.state,
            actor=by,
            comment=reason,
            email=False,
        )
        notice_ids = [n.pk for n in notices]
        transaction.on_commit(
            lambda: tasks.send_revocation_emails.enqueue(locked.pk, notice_ids), robust=True
        )
    certificate.refresh_from_db()
    return locked
