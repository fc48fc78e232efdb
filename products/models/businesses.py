"""Businesses (MSMEs), their members and invitations, and curators' conflicts of
interest with them."""

import contextlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.invitations import Invitation, invitation_constraints
from products.models.reference import Region
from products.validators import (
    normalize_phone,
    strip_punctuation,
    validate_founded_year,
    validate_kbli,
    validate_nib,
    validate_npwp,
    validate_phone,
)


class LegalForm(models.TextChoices):
    """The legal forms an Indonesian MSME registry knows (OSS, the cooperative office)."""

    INDIVIDUAL = "individual", _("Individual (perorangan)")
    CV = "cv", _("CV (limited partnership)")
    PT = "pt", _("PT (limited company)")
    FIRMA = "firma", _("Firma (partnership)")
    COOPERATIVE = "cooperative", _("Cooperative (koperasi)")
    KUB = "kub", _("KUB (Kelompok Usaha Bersama, joint business group)")
    OTHER = "other", _("Other")


class TurnoverBand(models.TextChoices):
    """Annual sales bands of PP 7/2021 art. 35 (the criterion used since 2021 for a
    business registered after it; capital is the other criterion, not asked here)."""

    UP_TO_2B = "up_to_2b", _("Up to Rp 2 billion a year")
    FROM_2B_TO_15B = "2b_to_15b", _("Over Rp 2 to 15 billion a year")
    FROM_15B_TO_50B = "15b_to_50b", _("Over Rp 15 to 50 billion a year")
    OVER_50B = "over_50b", _("Over Rp 50 billion a year")


class Business(models.Model):
    class Size(models.TextChoices):
        MICRO = "micro", _("Micro")
        SMALL = "small", _("Small")
        MEDIUM = "medium", _("Medium")
        # Above the medium band of PP 7/2021: no longer an MSME. Kept, not refused, so an
        # office's registry can hold a business that grew (its statistics count it apart).
        LARGE = "large", _("Large (not an MSME)")

    LegalForm = LegalForm
    TurnoverBand = TurnoverBand
    # The size class each turnover band implies (PP 7/2021 art. 35 para. 5).
    SIZE_OF_TURNOVER = {
        TurnoverBand.UP_TO_2B: Size.MICRO,
        TurnoverBand.FROM_2B_TO_15B: Size.SMALL,
        TurnoverBand.FROM_15B_TO_50B: Size.MEDIUM,
        TurnoverBand.OVER_50B: Size.LARGE,
    }

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
    # The person buyers deal with. Shown to buyers (the public catalogue) only as far as
    # the business chose: the name with the e-mail or the phone it shows, nothing else.
    export_contact_name = models.CharField(_("export contact"), max_length=100, blank=True)
    export_contact_email = models.EmailField(_("export contact's e-mail"), blank=True)
    export_contact_phone = models.CharField(
        _("export contact's phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    export_contact_whatsapp = models.BooleanField(
        _("the number takes WhatsApp messages"), default=False
    )
    show_contact_email = models.BooleanField(
        _("show the export contact's e-mail to buyers"), default=False
    )
    show_contact_phone = models.BooleanField(
        _("show the export contact's phone to buyers"), default=False
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="businesses"
    )
    # The registry (`products.registry`): what an office plans programmes with. Blank for
    # the businesses registered before these existed, and optional for the MSME.
    legal_form = models.CharField(
        _("legal form"), max_length=12, choices=LegalForm.choices, blank=True
    )
    kbli = models.CharField(
        _("KBLI code"),
        max_length=5,
        blank=True,
        validators=[validate_kbli],
        help_text=_("The business's sector in KBLI 2020: 5 digits, as on the NIB."),
    )
    founded_year = models.PositiveSmallIntegerField(
        _("year founded"), null=True, blank=True, validators=[validate_founded_year]
    )
    workforce = models.PositiveIntegerField(
        _("workforce"), null=True, blank=True, help_text=_("People employed, the owner included.")
    )
    turnover_band = models.CharField(
        _("annual sales"), max_length=10, choices=TurnoverBand.choices, blank=True
    )
    women_led = models.BooleanField(_("led by a woman"), null=True, blank=True)
    # When the business came in through an office's registry import; it has no members
    # until its owner claims it (`products.registry_services`).
    imported_at = models.DateTimeField(_("imported from the registry"), null=True, blank=True)
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
        self.size = self.implied_size()
        if kwargs.get("update_fields") is not None and "turnover_band" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "size"}
        super().save(*args, **kwargs)

    def implied_size(self) -> str:
        """The size class: the one the turnover band implies when one is given (PP 7/2021),
        else the one entered."""
        return self.SIZE_OF_TURNOVER.get(self.turnover_band, self.size)

    def clean(self):
        super().clean()
        if self.export_contact_phone:
            # Stored as dialled from anywhere; a wrong number is the field validator's to say.
            with contextlib.suppress(ValidationError):
                self.export_contact_phone = normalize_phone(self.export_contact_phone)
        if self.show_contact_email and not self.export_contact_email:
            raise ValidationError(
                {"show_contact_email": _("Enter the e-mail to show, or do not tick this.")}
            )
        if self.show_contact_phone and not self.export_contact_phone:
            raise ValidationError(
                {"show_contact_phone": _("Enter the phone number to show, or do not tick this.")}
            )

    @property
    def public_contact(self) -> "PublicContact | None":
        """The export contact as buyers may see it: only what the business chose to show."""
        email = self.export_contact_email if self.show_contact_email else ""
        phone = self.export_contact_phone if self.show_contact_phone else ""
        if not (email or phone):
            return None
        return PublicContact(
            name=self.export_contact_name,
            email=email,
            phone=phone,
            whatsapp=bool(phone) and self.export_contact_whatsapp,
        )


@dataclass(frozen=True)
class PublicContact:
    name: str
    email: str
    phone: str  # +62812..., as stored
    whatsapp: bool

    @property
    def whatsapp_url(self) -> str:
        return f"https://wa.me/{self.phone.lstrip('+')}" if self.whatsapp else ""


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


class BusinessInvitation(Invitation):
    """An owner's invitation to join the business as staff (the link, its token and its
    week: `kernel.invitations`)."""

    business = models.ForeignKey(
        Business,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("business"),
    )
    # Staff when an owner invites; owner when the office invites the owner of a business
    # from its registry, which has no members yet (`registry_services.registry_invite_owner`).
    role = models.CharField(
        _("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.STAFF
    )

    class Meta(Invitation.Meta):
        verbose_name = _("business invitation")
        verbose_name_plural = _("business invitations")
        indexes = [models.Index(fields=["business", "email"], name="invitation_business_email")]
        constraints = invitation_constraints("invitation")

    def __str__(self):
        return f"{self.email} → {self.business}"


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
