"""Documents of a business or of one of its products: permits, registrations,
certificates, with their numbers and expiry dates."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from products.models.businesses import Business
from products.models.products import Product
from products.models.reference import DocumentType
from products.uploads import server_file_name

# How long before its expiry date a document is flagged to its business: long enough to
# renew a P-IRT or a BPOM registration, which takes weeks.
EXPIRY_WARNING_DAYS = 90


def document_upload_to(instance, filename):
    # Server-made names: nothing of the uploader's file name reaches the storage.
    return server_file_name(f"documents/{instance.business_id}", filename)


class DocumentQuerySet(models.QuerySet):
    def current(self, today=None):
        """Documents that have not expired (a document without an expiry date never does,
        nor one of a type that does not expire, whatever date it was given)."""
        today = today or timezone.localdate()
        return self.filter(
            models.Q(expires_on__isnull=True)
            | models.Q(kind__expires=False)
            | models.Q(expires_on__gte=today)
        )

    def expiring_kinds(self):
        """Documents of the types that expire: those whose expiry dates count."""
        return self.filter(kind__expires=True)

    def not_superseded(self):
        """Leave out a document when one of the same kind, for the same product (or the
        same business), expires later: a renewed P-IRT makes the old one history."""
        newer = self.model.objects.filter(
            business=models.OuterRef("business"),
            kind=models.OuterRef("kind"),
            expires_on__gt=models.OuterRef("expires_on"),
        ).filter(
            # A kind is either a business's or a product's, so the second branch only
            # finds business documents, whose product is empty.
            models.Q(product=models.OuterRef("product")) | models.Q(product__isnull=True)
        )
        return self.exclude(models.Exists(newer))


class Document(models.Model):
    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="documents", verbose_name=_("business")
    )
    product = models.ForeignKey(
        Product,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("product"),
        help_text=_("Empty for a document of the whole business, such as the NIB."),
    )
    kind = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="documents", verbose_name=_("type")
    )
    number = models.CharField(_("number"), max_length=50, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=255)
    content_type = models.CharField(_("detected content type"), max_length=50, editable=False)
    size = models.PositiveIntegerField(_("size in bytes"), editable=False, default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    objects = DocumentQuerySet.as_manager()
    # Set on the document `products.document_services.document_upload` returns: what was
    # accepted but deserves a second look. Not a field.
    warnings: list[str]

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [models.Index(fields=["business", "kind"], name="document_business_kind")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(issued_on__isnull=True)
                | models.Q(expires_on__gte=models.F("issued_on")),
                name="document_expires_after_issue",
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.number}".strip()

    @property
    def file_name(self) -> str:
        """The name a download or a browser's tab shows: the type and the id, with the
        stored extension (nothing of the uploader's own name, `products.uploads`)."""
        extension = self.file.name.rsplit(".", 1)[-1] if "." in self.file.name else "bin"
        return f"{self.kind.key}-{self.pk}.{extension}"

    @property
    def effective_expiry(self):
        """The expiry date that counts: none for a type that does not expire (a halal
        certificate stays valid while ingredients and process are unchanged, UU 6/2023
        art. 42), even if one was entered before that was known."""
        return self.expires_on if self.kind.expires else None

    def is_current(self, today=None) -> bool:
        today = today or timezone.localdate()
        expiry = self.effective_expiry
        return expiry is None or expiry >= today

    def days_to_expiry(self, today=None) -> int | None:
        """Days left until the expiry date (negative once expired), or None."""
        expiry = self.effective_expiry
        if expiry is None:
            return None
        return (expiry - (today or timezone.localdate())).days

    @property
    def expiry_state(self) -> str:
        """ "expired", "soon" (within EXPIRY_WARNING_DAYS), "current" or "" (never expires)."""
        days = self.days_to_expiry()
        if days is None:
            return ""
        if days < 0:
            return "expired"
        return "soon" if days <= EXPIRY_WARNING_DAYS else "current"
