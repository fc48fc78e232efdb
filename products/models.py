"""Regions, businesses (MSMEs) and their members, products, and their documents.

Reference data (categories, markets, document types) comes from the shipped copy of
shared/domain and is loaded by `manage.py load_reference_data`; an office may edit it in
the admin.
"""

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from products.uploads import server_file_name
from products.validators import (
    DOCUMENT_NUMBER_VALIDATORS,
    normalize_number,
    strip_punctuation,
    validate_hs_code,
    validate_nib,
    validate_npwp,
)


class BilingualLabelMixin(models.Model):
    """A label in Indonesian and English; `label` answers in the active language."""

    label_id = models.CharField(_("label (Indonesian)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "id").startswith("en") else self.label_id


class Region(models.Model):
    code = models.CharField(
        _("official code"),
        max_length=5,
        unique=True,
        help_text=_("Province and regency code from the Ministry of Home Affairs, e.g. 35.71."),
    )
    name = models.CharField(_("name"), max_length=100)
    province = models.CharField(_("province"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^\d{2}\.\d{2}$"), name="region_code_format"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Category(BilingualLabelMixin):
    class Kind(models.TextChoices):
        FOOD = "food", _("Food and beverage")
        NON_FOOD = "non_food", _("Non-food")

    key = models.SlugField(_("key"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    plant_or_wood = models.BooleanField(
        _("plant or wood rules"),
        default=False,
        help_text=_("Phytosanitary certificate, ISPM 15 and fumigation may apply."),
    )
    hs_headings = models.JSONField(_("usual HS headings"), default=list, blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")

    @property
    def is_food(self) -> bool:
        return self.kind == self.Kind.FOOD


class Market(models.Model):
    key = models.SlugField(_("key"), max_length=10, unique=True)
    name_id = models.CharField(_("name (Indonesian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    origin_proof = models.TextField(_("proof of origin"), blank=True)
    extra_requirements = models.JSONField(_("extra requirements"), default=list, blank=True)
    confirmed = models.BooleanField(
        _("facts confirmed"), default=True, help_text=_("Off where a source is still missing.")
    )

    class Meta:
        ordering = ["key"]
        verbose_name = _("target market")
        verbose_name_plural = _("target markets")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "id").startswith("en") else self.name_id


class DocumentType(BilingualLabelMixin):
    class Scope(models.TextChoices):
        BUSINESS = "business", _("Business")
        PRODUCT = "product", _("Product")

    class RequiredFor(models.TextChoices):
        ALL = "all", _("Every product")
        FOOD = "food", _("Food products")
        FOOD_REGISTRATION = "food_registration", _("Food products: P-IRT or BPOM MD")
        NONE = "none", _("Optional")

    key = models.SlugField(_("key"), max_length=50, unique=True)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    issuer = models.CharField(_("issuer"), max_length=100, blank=True)
    number_pattern = models.CharField(
        _("number pattern"),
        max_length=100,
        blank=True,
        help_text=_("Regular expression for the number once spaces, dots and dashes are removed."),
    )
    number_confirmed = models.BooleanField(
        _("number format confirmed"),
        default=False,
        help_text=_(
            "A confirmed format refuses a number that does not match it; "
            "an unconfirmed one only warns."
        ),
    )
    required_for = models.CharField(
        _("required for"), max_length=20, choices=RequiredFor.choices, default=RequiredFor.NONE
    )
    expires = models.BooleanField(_("expires"), default=False)
    validity_years = models.PositiveSmallIntegerField(_("validity in years"), null=True, blank=True)
    has_number = models.BooleanField(_("has a number"), default=True)
    rule = models.TextField(_("rule"), blank=True)

    class Meta:
        ordering = ["scope", "key"]
        verbose_name = _("document type")
        verbose_name_plural = _("document types")

    def number_problem(self, number: str) -> str | None:
        """Why `number` is not acceptable for this type, or None."""
        validator = DOCUMENT_NUMBER_VALIDATORS.get(self.key)
        if validator is not None:
            try:
                validator(number)
            except ValidationError as e:
                return " ".join(e.messages)
            return None
        pattern_applies = self.number_pattern and self.number_confirmed
        if pattern_applies and not re.fullmatch(
            self.number_pattern, normalize_number(self.key, number)
        ):
            return str(_("The number does not have the expected format."))
        return None


class Business(models.Model):
    class Size(models.TextChoices):
        MICRO = "micro", _("Micro")
        SMALL = "small", _("Small")
        MEDIUM = "medium", _("Medium")

    name = models.CharField(_("name"), max_length=200)
    nib = models.CharField(
        _("NIB"),
        max_length=13,
        unique=True,
        validators=[validate_nib],
        help_text=_("Business Identification Number from OSS: 13 digits."),
    )
    npwp = models.CharField(
        _("NPWP"),
        max_length=16,
        validators=[validate_npwp],
        help_text=_("Tax ID: 15 or 16 digits."),
    )
    address = models.TextField(_("address"))
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="businesses", verbose_name=_("region")
    )
    size = models.CharField(_("size"), max_length=10, choices=Size.choices, default=Size.MICRO)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="businesses"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("business")
        verbose_name_plural = _("businesses")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Stored without punctuation so the unique NIB cannot be doubled by formatting.
        self.nib = strip_punctuation(self.nib)
        self.npwp = strip_punctuation(self.npwp)
        super().save(*args, **kwargs)


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        STAFF = "staff", _("Staff")

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("business member")
        verbose_name_plural = _("business members")
        constraints = [
            models.UniqueConstraint(fields=["business", "user"], name="membership_unique_user")
        ]

    def __str__(self):
        return f"{self.user} @ {self.business} ({self.get_role_display()})"


class BusinessInvitationQuerySet(models.QuerySet):
    def pending(self, now=None):
        """Not yet accepted, not cancelled and not expired: the ones whose link still works."""
        now = now or timezone.now()
        return self.filter(accepted_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=now)


def new_invitation_token():
    return secrets.token_urlsafe(32)


def invitation_expiry():
    return timezone.now() + INVITATION_VALIDITY


# Long enough to reach someone who reads e-mail weekly, short enough that a forwarded or
# forgotten link stops working.
INVITATION_VALIDITY = timedelta(days=7)


class BusinessInvitation(models.Model):
    """An owner's invitation to join the business as staff, answered through the link
    e-mailed to `email`. The token is the link's secret: 256 random bits, so it cannot be
    guessed, and it works once, until `expires_at`."""

    business = models.ForeignKey(
        Business,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("business"),
    )
    email = models.EmailField(_("e-mail"))
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_invitation_token, editable=False
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), default=invitation_expiry)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    objects = BusinessInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("business invitation")
        verbose_name_plural = _("business invitations")
        indexes = [models.Index(fields=["business", "email"], name="invitation_business_email")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_creation",
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(cancelled_at__isnull=True),
                name="invitation_not_accepted_and_cancelled",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.business}"

    def is_pending(self, now=None) -> bool:
        now = now or timezone.now()
        return self.accepted_at is None and self.cancelled_at is None and self.expires_at > now


class Product(models.Model):
    class Currency(models.TextChoices):
        USD = "USD", "USD"
        EUR = "EUR", "EUR"
        JPY = "JPY", "JPY"
        IDR = "IDR", "IDR"

    business = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="products", verbose_name=_("business")
    )
    name = models.CharField(_("name"), max_length=200)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    hs_code = models.CharField(
        _("HS code"),
        max_length=10,
        blank=True,
        validators=[validate_hs_code],
        help_text=_("6 to 10 digits; Indonesian tariff lines have 8."),
    )
    description = models.TextField(_("description"), blank=True)
    materials = models.TextField(
        _("materials or ingredients"),
        blank=True,
        help_text=_("For food: ingredients in descending order of weight."),
    )
    monthly_capacity = models.DecimalField(
        _("monthly capacity"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    capacity_unit = models.CharField(_("capacity unit"), max_length=30, blank=True)
    shelf_life_days = models.PositiveIntegerField(_("shelf life in days"), null=True, blank=True)
    fob_price = models.DecimalField(
        _("FOB price"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    fob_currency = models.CharField(
        _("FOB currency"), max_length=3, choices=Currency.choices, default=Currency.USD
    )
    target_markets = models.ManyToManyField(
        Market, blank=True, related_name="products", verbose_name=_("target markets")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["business__name", "name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(monthly_capacity__isnull=True)
                | models.Q(monthly_capacity__gt=0),
                name="product_capacity_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(fob_price__isnull=True) | models.Q(fob_price__gt=0),
                name="product_fob_price_positive",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.hs_code = strip_punctuation(self.hs_code)
        super().save(*args, **kwargs)


# How long before its expiry date a document is flagged to its business: long enough to
# renew a P-IRT or a BPOM registration, which takes weeks.
EXPIRY_WARNING_DAYS = 90


def document_upload_to(instance, filename):
    # Server-made names: nothing of the uploader's file name reaches the storage.
    return server_file_name(f"documents/{instance.business_id}", filename)


class DocumentQuerySet(models.QuerySet):
    def current(self, today=None):
        """Documents that have not expired (a document without an expiry date never does)."""
        today = today or timezone.localdate()
        return self.filter(models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=today))

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
    # Set on the document `products.services.document_upload` returns: what was accepted
    # but deserves a second look. Not a field.
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

    def is_current(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.expires_on is None or self.expires_on >= today

    def days_to_expiry(self, today=None) -> int | None:
        """Days left until the expiry date (negative once expired), or None."""
        if self.expires_on is None:
            return None
        return (self.expires_on - (today or timezone.localdate())).days

    @property
    def expiry_state(self) -> str:
        """ "expired", "soon" (within EXPIRY_WARNING_DAYS), "current" or "" (never expires)."""
        days = self.days_to_expiry()
        if days is None:
            return ""
        if days < 0:
            return "expired"
        return "soon" if days <= EXPIRY_WARNING_DAYS else "current"


class ConflictOfInterest(models.Model):
    """A curator's declaration that they must not curate a business's products."""

    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="conflicts_of_interest",
        verbose_name=_("curator"),
    )
    business = models.ForeignKey(
        Business,
        on_delete=models.CASCADE,
        related_name="conflicts_of_interest",
        verbose_name=_("business"),
    )
    reason = models.TextField(_("reason"), blank=True)
    declared_at = models.DateTimeField(_("declared"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["curator", "business"], name="conflict_unique_pair")
        ]

    def __str__(self):
        return f"{self.curator} ↔ {self.business}"
