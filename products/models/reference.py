"""Reference data: regions, product categories, target markets and document types.

It comes from the shipped copy of shared/domain and is loaded by
`manage.py load_reference_data`; an office may edit it in the admin.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from products.validators import DOCUMENT_NUMBER_VALIDATORS, normalize_number


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
    expires = models.BooleanField(
        _("expires"),
        default=False,
        help_text=_(
            "Off for a document that has no expiry date (a halal certificate): no expiry "
            "date is asked for it or kept, and one it already has does not count."
        ),
    )
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
