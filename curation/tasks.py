"""Background work of the workflow core (django-tasks: run at once by default, by a
worker in production)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from curation.models import Notification
from curation.notices import render
from kernel import site


@task()
def send_notification_emails(notification_ids: list[int], reply_to: str = "") -> int:
    """E-mail each notice in its recipient's language, with the absolute address of the page
    it is about (SITE_URL, never a request's host); a notice already e-mailed is skipped,
    so a retried task never sends twice. `reply_to`: where an answer to the e-mail goes
    (the sender's address otherwise)."""
    sent = 0
    notices = Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
    for notice in notices.select_related("recipient__profile", "application__product__business"):
        if not notice.recipient.email:
            continue
        language = getattr(getattr(notice.recipient, "profile", None), "language", None)
        with translation.override(language or settings.LANGUAGE_CODE):
            subject, body = render(notice)
            EmailMessage(
                site.email_subject(subject),
                site.email_body(body, page_of(notice)),
                to=[notice.recipient.email],
                reply_to=[reply_to] if reply_to else None,
            ).send()
        Notification.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def page_of(notice: Notification) -> str:
    """The page the notice opens: its own (every notice made since they carry one), else
    its application's, else the dashboard."""
    if notice.path:
        return notice.path
    if notice.application_id is not None:
        return reverse("curation:application", args=[notice.application_id])
    return reverse("curation:home")
