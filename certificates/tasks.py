"""Background work for certificates (django-tasks: at once by default, by `db_worker` in
production): rendering and signing the certificate's PDF, then, in a task of its own,
its export dossier; rendering a shipment's papers (all three in `storing`); and telling
the MSME and its exporters of a revocation. The services that promise this work
(`issuing`, `shipments`, `revocation`) queue it through here after their commit.

The certificate comes first and alone: its task renders, signs and stores the PDF (the
certificate can be downloaded and verified from then on) and only then queues the export
dossier, which is two thirds of the rendering work, so that the dossier never delays
the certificate. Each task retries itself on failure where the backend can defer."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_tasks import task

from certificates.models import Certificate, Shipment, Status
from certificates.storing import certificate_render, dossier_render, shipment_render
from curation.models import Notification
from curation.notices import BUSINESS
from kernel import site

logger = logging.getLogger(__name__)


def render_retry_delay(attempts: int) -> timedelta:
    """Back off: 1, 2, 4, 8... minutes after the 1st, 2nd, 3rd... failure."""
    return timedelta(minutes=2 ** max(attempts - 1, 0))


def certificate_render_enqueue(certificate_id: int, *, run_after=None) -> None:
    queued = certificate_render_task
    if run_after is not None:
        queued = queued.using(run_after=run_after)
    queued.enqueue(certificate_id)


def dossier_render_enqueue(
    certificate_id: int, *, attempt: int = 1, run_after: datetime | None = None
) -> None:
    queued = dossier_render_task
    if run_after is not None:
        queued = queued.using(run_after=run_after)
    queued.enqueue(certificate_id, attempt)


def shipment_render_enqueue(shipment_id: int, *, run_after=None) -> None:
    queued = shipment_render_task
    if run_after is not None:
        queued = queued.using(run_after=run_after)
    queued.enqueue(shipment_id)


@task()
def certificate_render_task(certificate_id: int) -> str:
    """Render, sign and store one certificate's PDF; then queue its export dossier (its own
    task, `dossier_render_task`).

    A failure is recorded on the certificate and does not raise: the certificate stays
    pending. When the backend can run a task later (the database backend can, the
    immediate one cannot), the task puts itself back in the queue with a growing delay,
    up to CERTIFICATE_RENDER_ATTEMPTS attempts in all; after that, or on a backend that
    cannot defer, `manage.py issue_pending` renders what is still missing.
    """
    try:
        certificate = certificate_render(certificate_id=certificate_id)
    except Exception:
        logger.exception("Rendering certificate %s failed", certificate_id)
        certificate = Certificate.objects.get(pk=certificate_id)
        attempts = certificate.render_attempts
        backend = certificate_render_task.get_backend()
        if attempts < settings.CERTIFICATE_RENDER_ATTEMPTS and backend.supports_defer:
            certificate_render_enqueue(
                certificate_id, run_after=timezone.now() + render_retry_delay(attempts)
            )
            return "retrying"
        return "failed"
    if not certificate.is_dossier_ready:
        try:
            dossier_render_enqueue(certificate_id)
        except Exception:
            # The certificate is stored whatever happens to its dossier; `issue_pending`
            # renders a dossier nobody queued.
            logger.exception("Could not queue the export dossier of certificate %s", certificate_id)
    return certificate.pdf_sha256


@task()
def dossier_render_task(certificate_id: int, attempt: int = 1) -> str:
    """Render and store the export dossier of a certificate whose signed PDF is stored:
    the specification sheet, the export checklist, then the ZIP of all three. Whatever is
    stored already is kept, so a retry renders only what is missing.

    A failure is recorded on the certificate (`last_render_error`, a `render_failed`
    event) and does not raise. Where the backend can defer, the task queues itself again
    with a growing delay, `attempt` counting its own tries (a certificate that needed
    several tries leaves its dossier all of its own), up to CERTIFICATE_RENDER_ATTEMPTS;
    after that, `manage.py issue_pending`.
    """
    try:
        certificate = dossier_render(certificate_id=certificate_id)
    except Exception:
        logger.exception(
            "Rendering the export dossier of certificate %s failed (attempt %s)",
            certificate_id,
            attempt,
        )
        backend = dossier_render_task.get_backend()
        if attempt < settings.CERTIFICATE_RENDER_ATTEMPTS and backend.supports_defer:
            dossier_render_enqueue(
                certificate_id,
                attempt=attempt + 1,
                run_after=timezone.now() + render_retry_delay(attempt),
            )
            return "retrying"
        return "failed"
    if not certificate.is_dossier_ready:
        return "waiting"  # for the signed certificate: its task queues the dossier again
    return "stored"


@task()
def shipment_render_task(shipment_id: int) -> str:
    """Render and store a shipment's pro-forma invoice and packing list; on failure, as
    for certificates: retried later where the backend can defer, else `issue_pending`."""
    try:
        shipment = shipment_render(shipment_id=shipment_id)
    except Exception:
        logger.exception("Rendering shipment %s failed", shipment_id)
        attempts = Shipment.objects.get(pk=shipment_id).render_attempts
        backend = shipment_render_task.get_backend()
        if attempts < settings.CERTIFICATE_RENDER_ATTEMPTS and backend.supports_defer:
            shipment_render_enqueue(
                shipment_id, run_after=timezone.now() + render_retry_delay(attempts)
            )
            return "retrying"
        return "failed"
    return shipment.invoice_sha256


@task()
def send_revocation_emails(certificate_id: int, notification_ids: list[int]) -> int:
    """E-mail whoever got the in-app revocation notice (the business's members, the
    exporters the product is shared with) the number, reason and verification address,
    each in their language. A notice already e-mailed is skipped, so a retried task never
    sends twice."""
    certificate = Certificate.objects.get(pk=certificate_id)
    if certificate.status != Status.REVOKED:
        return 0
    notices = (
        Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
        .exclude(recipient__email="")
        .select_related("recipient__profile")
        .order_by("pk")
    )
    sent = 0
    for notice in notices:
        user = notice.recipient
        language = getattr(getattr(user, "profile", None), "language", None)
        with translation.override(language or settings.LANGUAGE_CODE):
            subject = _("Certificate %(number)s has been revoked") % {"number": certificate.number}
            body = _(
                "The export readiness certificate %(number)s for %(product)s was revoked on "
                "%(date)s.\n\nReason: %(reason)s\n\nIts verification page now shows it as "
                "revoked: %(url)s"
            ) % {
                "number": certificate.number,
                "product": certificate.product_name,
                "date": date_format(timezone.localdate(certificate.revoked_at)),
                "reason": certificate.revocation_reason,
                "url": certificate.verification_url,
            }
            if notice.params.get("audience") == BUSINESS:
                body += "\n\n" + _(
                    "What comes next: the product may no longer be offered as certified. "
                    "Once you have dealt with the reason, you may apply again from the "
                    "product's page."
                )
            # The members open the application, the exporters the certificate.
            send_mail(
                site.email_subject(subject), site.email_body(body, notice.path), None, [user.email]
            )
        Notification.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent
