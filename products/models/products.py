"""Products: what a business makes and applies to have certified."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from products.models.businesses import Business
from products.models.reference import Category, Market
from products.validators import strip_punctuation, validate_hs_code

# The minor units an amount in each currency is rounded to and printed with (ISO 4217: the
# yen has none).
CURRENCY_EXPONENT = {"USD": 2, "EUR": 2, "JPY": 0, "IDR": 2}


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
