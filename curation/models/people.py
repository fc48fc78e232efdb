"""What the workflow keeps about people: staff profiles (language, phone, office), in-app
notifications, and the reminders already sent (so each is sent once)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from curation.models.applications import Application


class Profile(models.Model):
    """What the workflow needs to know of a user: language, a phone number, and for
    staff, their office (whose served regions they work for). (The person's full name is the user's `first_name`: Indonesian names
    do not split into a first and a last name, and every page names people through
    `get_full_name()`.)"""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    # As the office dials it (+62...), for a call or a WhatsApp message.
    phone = models.CharField(_("phone or WhatsApp number"), max_length=20, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # The office a member of staff works for; empty for MSMEs, exporters and buyers. Their
    # roles act on the applications of the regions it serves (`staff_region_ids`).
    office = models.ForeignKey(
        "offices.Office",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("office"),
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return str(self.user)


class Notification(models.Model):
    """An in-app notice; the e-mail with the same content is sent after commit."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # Empty for a notice about no application: a reminder to renew a business's document.
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    event = models.CharField(_("event"), max_length=40)
    comment = models.TextField(_("comment"), blank=True)
    # The page the notice opens for its recipient, the one of their next step (the MSME's
    # application, a curator's scoresheet, an exporter's certificate, a reminder's upload
    # form: `curation.links`): a path under SITE_URL, linked from the notification list
    # and, absolute, from the e-mail. Empty in notices made before they carried one.
    path = models.CharField(_("page"), max_length=200, blank=True)
    # What the notice's text names besides the product and its business (a date, a
    # document's type), as it stood when the notice was made. A text that reads differently
    # per language is kept in each, {"id": ..., "en": ...} (`curation.notices`). A notice
    # told to a member of the business as such says so ("audience": "business"): it reads
    # the business's text of the event.
    params = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            # The notification list: a user's notices, the newest first.
            models.Index(fields=["recipient", "created_at"], name="notification_list"),
        ]

    def __str__(self):
        return f"{self.event} → {self.recipient}"


class Reminder(models.Model):
    """One reminder told to one person: what it was about, at which threshold. Written by
    `curation.reminders` in the transaction that writes its notice, before the notice: its
    unique constraint is what makes a second run skip it, and a run at the same moment wait
    for the first one's commit and then skip it."""

    class Kind(models.TextChoices):
        DOCUMENT_EXPIRING = "document_expiring", _("Document expiring")
        CERTIFICATE_EXPIRING = "certificate_expiring", _("Certificate expiring")
        STAGE_OVERDUE = "stage_overdue", _("Application overdue in its state")
        SCORESHEET_OVERDUE = "scoresheet_overdue", _("Scoresheet overdue")
        # Told to the superusers, once per region until an office serves it (`curation.unserved`).
        REGION_UNSERVED = "region_unserved", _("Region without an office")
        # Told to the region's office, once per document (`certificates.reminders`).
        PERMIT_EXPIRED = "permit_expired", _("Permit of a certificate expired")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # What it is about, by kind: the document, the certificate, the audit row that took the
    # application into the state it overstays (one stay in it), the scoring round, the
    # region no office serves. A plain id: they live in several apps, one of them above
    # this one.
    subject_id = models.PositiveBigIntegerField(_("about"))
    threshold = models.PositiveSmallIntegerField(
        _("threshold"), help_text=_("Days before the expiry date; 0 for a target passed.")
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    notification = models.ForeignKey(
        Notification,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("notification"),
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            # Its index also answers "already told?" for a run's candidates, by kind and ids.
            models.UniqueConstraint(
                fields=["kind", "subject_id", "threshold", "recipient"], name="reminder_once"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.subject_id}/{self.threshold} → {self.recipient}"
