"""The certified products a business shares with exporters (`ProductShare`)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProductShareQuerySet(models.QuerySet):
    def active(self):
        return self.filter(stopped_at__isnull=True)


class ProductShare(models.Model):
    """A business lets an exporter see a certified product: its certificates and export
    dossiers, and record shipments of it. Stopping keeps the row (who shared what with
    whom, and when, stays on record); access follows `stopped_at` on every request.

    A share is addressed to an e-mail address. When an exporter account uses it, the share
    names that account at once; otherwise it waits, pending (`exporter` empty, no access
    for anyone), until an exporter signs in with that address verified. The business is
    answered the same either way, so sharing cannot be used to find out who has an
    account."""

    product = models.ForeignKey(
        "products.Product",
        on_delete=models.CASCADE,
        related_name="shares",
        verbose_name=_("product"),
    )
    # Stored in lower case: one address, however it was typed.
    email = models.EmailField(_("e-mail address"))
    exporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="product_shares",
        verbose_name=_("exporter"),
        help_text=_("Empty while no exporter account with this address has signed in."),
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("shared by"),
    )
    shared_at = models.DateTimeField(_("shared"), default=timezone.now)
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    stopped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("stopped by"),
    )

    objects = ProductShareQuerySet.as_manager()

    class Meta:
        ordering = ["-shared_at", "-pk"]
        verbose_name = _("product shared with an exporter")
        verbose_name_plural = _("products shared with exporters")
        constraints = [
            # Sharing twice at once gives one share, not two: per address, and per account
            # (an exporter with two addresses claims one share of a product, not two).
            models.UniqueConstraint(
                fields=["product", "email"],
                condition=models.Q(stopped_at__isnull=True),
                name="productshare_one_active_email",
            ),
            models.UniqueConstraint(
                fields=["product", "exporter"],
                condition=models.Q(stopped_at__isnull=True),
                name="productshare_one_active",
            ),
            models.CheckConstraint(
                condition=models.Q(stopped_at__isnull=True) | models.Q(stopped_by__isnull=False),
                name="productshare_stopped_by_someone",
            ),
        ]
        indexes = [
            # "Shared with me", and every access check of an exporter.
            models.Index(fields=["exporter", "stopped_at"], name="productshare_exporter"),
            # The pending shares an exporter's sign-in looks for, by address.
            models.Index(
                fields=["email"],
                condition=models.Q(exporter__isnull=True, stopped_at__isnull=True),
                name="productshare_pending_email",
            ),
        ]

    def __str__(self):
        return f"{self.product} → {self.email}"

    @property
    def is_active(self) -> bool:
        return self.stopped_at is None

    @property
    def is_pending(self) -> bool:
        return self.exporter_id is None
