"""Background work for certificates (django-tasks: at once by default, by `db_worker` in
production): rendering and signing the PDF, and telling the MSME of a revocation."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from certificates import services
from certificates.models import Certificate, Status

logger = logging.getLogger(__name__)


@task()
def certificate_render_task(certificate_id: int) -> str:
    """Render, sign and store one certificate's PDF.

    A failure is recorded on the certificate and does not raise: the certificate stays
    pending. When the backend can run a task later (the database backend can, the
    immediate one cannot), the task puts itself back in the queue with a growing delay,
    up to CERTIFICATE_RENDER_ATTEMPTS attempts in all; after that, or on a backend that
    cannot defer, `manage.py issue_pending` renders what is still missing.
    """
    try:
        certificate = services.certificate_render(certificate_id=certificate_id)
    except Exception:
        logger.exception("Rendering certificate %s failed", certificate_id)
        certificate = Certificate.objects.get(pk=certificate_id)
        attempts = certificate.render_attempts
        backend = certificate_render_task.get_backend()
        if attempts < settings.CERTIFICATE_RENDER_ATTEMPTS and backend.supports_defer:
            services.certificate_render_enqueue(
                certificate_id,
                run_after=timezone.now() + services.render_retry_delay(attempts),
            )
            return "retrying"
        return "failed"
    return certificate.pdf_sha256


@task()
def send_revocation_emails(certificate_id: int) -> int:
    """E-mail the business's members that its certificate was revoked, each in their
    language."""
    from django.contrib.auth import get_user_model

    certificate = Certificate.objects.select_related("application__product__business").get(
        pk=certificate_id
    )
    if certificate.status != Status.REVOKED:
        return 0
    members = (
        get_user_model()
        .objects.filter(
            memberships__business=certificate.application.product.business, is_active=True
        )
        .exclude(email="")
        .select_related("profile")
    )
    sent = 0
    for user in members:
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
                "date": timezone.localdate(certificate.revoked_at).isoformat(),
                "reason": certificate.revocation_reason,
                "url": certificate.verification_url,
            }
            send_mail(f"[Siap Ekspor] {subject}", body, None, [user.email])
        sent += 1
    return sent
