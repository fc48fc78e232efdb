"""Businesses (MSMEs), their members and invitations, and curators' conflicts of
interest with them."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from products.models.reference import Region
from products.validators import strip_punctuation, validate_nib, validate_npwp


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
