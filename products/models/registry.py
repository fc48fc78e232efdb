"""An office's registry imports and the owners' claims on the businesses they brought
in (`products.registry` reads the files, `products.registry_services` writes)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from products.models.businesses import Business


class RegistryImport(models.Model):
    """One uploaded registry file: its rows as read and checked, kept between the preview
    and the import so that what is imported is what the server read, never what a browser
    sends back. The file itself is not kept."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Preview")
        IMPORTED = "imported", _("Imported")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="registry_imports",
        verbose_name=_("uploaded by"),
    )
    file_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREVIEW
    )
    # [{"row": 2, "values": {...}, "errors": [...]}, ...] before the import;
    # each row gains "outcome" (created, updated, skipped) and "business" (its id) after it.
    rows = models.JSONField(_("rows"), default=list)
    # Headers of the file that are none of ours (`products.registry.COLUMNS`): shown on the
    # preview, so a misspelt one is not silently ignored.
    unknown_headers = models.JSONField(_("unrecognised headers"), default=list, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("registry import")
        verbose_name_plural = _("registry imports")

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def valid_count(self) -> int:
        return sum(1 for row in self.rows if not row["errors"])

    @property
    def invalid_count(self) -> int:
        return len(self.rows) - self.valid_count

    def outcome_count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.get("outcome") == outcome)


class BusinessClaim(models.Model):
    """Someone's request to become the owner of a business of the registry (found by its
    NIB when they tried to register it), which the office of its region confirms."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the office")
        CONFIRMED = "confirmed", _("Confirmed")
        REFUSED = "refused", _("Refused")

    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="claims", verbose_name=_("business")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="business_claims",
        verbose_name=_("requested by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("business claim")
        verbose_name_plural = _("business claims")
        constraints = [
            # One open request per person and business: a second click does not queue twice.
            models.UniqueConstraint(
                fields=["business", "requested_by"],
                condition=models.Q(status="pending"),
                name="claim_one_pending_per_user",
            )
        ]

    def __str__(self):
        return f"{self.requested_by} → {self.business} ({self.get_status_display()})"
