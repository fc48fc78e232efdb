"""Background work of the workflow core (django-tasks: run at once by default, by a
worker in production)."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django_tasks import task

from curation.models import Notification
from curation.notices import render


@task()
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail each notice in its recipient's language, with the absolute address of the page
    it is about (SITE_URL, never a request's host); a notice already e-mailed is skipped,
    so a retried task never sends twice."""
    sent = 0
    notices = Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
    for notice in notices.select_related("recipient__profile", "application__product__business"):
        if not notice.recipient.email:
            continue
        language = getattr(getattr(notice.recipient, "profile", None), "language", None)
        with translation.override(language or settings.LANGUAGE_CODE):
            subject, body = render(notice)
            body += "\n\n" + f"{settings.SITE_URL}{notice.path or '/'}"
            send_mail(f"[Siap Ekspor] {subject}", body, None, [notice.recipient.email])
        Notification.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent
