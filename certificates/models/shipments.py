"""The shipments recorded under a certificate (`Shipment`), with their lines
(`ShipmentLine`) and cartons (`ShipmentCarton`), and the terms they use: Incoterms and
the currencies."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates.models.certificates import Certificate
from products.models import Product


class Incoterm(models.TextChoices):
    """Incoterms 2020 (markets.json "incoterms"): seven for any mode, four for sea and
    inland waterway."""

    EXW = "EXW", "EXW · Ex Works"
    FCA = "FCA", "FCA · Free Carrier"
    CPT = "CPT", "CPT · Carriage Paid To"
    CIP = "CIP", "CIP · Carriage and Insurance Paid To"
    DAP = "DAP", "DAP · Delivered at Place"
    DPU = "DPU", "DPU · Delivered at Place Unloaded"
    DDP = "DDP", "DDP · Delivered Duty Paid"
    FAS = "FAS", "FAS · Free Alongside Ship"
    FOB = "FOB", "FOB · Free on Board"
    CFR = "CFR", "CFR · Cost and Freight"
    CIF = "CIF", "CIF · Cost, Insurance and Freight"


# The terms whose named place is where the goods leave the seller (the port of loading);
# for the others it is at the destination (the port of discharge).
INCOTERMS_NAMED_AT_ORIGIN = {Incoterm.EXW, Incoterm.FCA, Incoterm.FAS, Incoterm.FOB}


# The currencies of the product's FOB price (their minor units: products' CURRENCY_EXPONENT).
Currency = Product.Currency


def carton_volume_m3(length_cm, width_cm, height_cm) -> Decimal:
    """The volume of one carton in cubic metres, to the litre."""
    return (Decimal(length_cm) * Decimal(width_cm) * Decimal(height_cm) / 1_000_000).quantize(
        Decimal("0.001")
    )


class ShipmentQuerySet(models.QuerySet):
    def pending(self):
        """Shipments whose pro-forma invoice or packing list is not stored yet."""
        return self.filter(models.Q(invoice_pdf="") | models.Q(packing_list_pdf=""))


class Shipment(models.Model):
    """A shipment of a certified product, as recorded by the business or an exporter it
    shares the product with. Recorded once, whole (lines, cartons and totals), and never
    edited: its pro-forma invoice and packing list print what was recorded."""

    certificate = models.ForeignKey(
        Certificate,
        on_delete=models.PROTECT,
        related_name="shipments",
        verbose_name=_("certificate"),
    )
    sequence = models.PositiveSmallIntegerField(_("sequence"))
    number = models.CharField(_("pro-forma invoice number"), max_length=40, unique=True)
    buyer_name = models.CharField(_("buyer"), max_length=200)
    buyer_address = models.TextField(_("buyer address"))
    buyer_country = models.CharField(_("buyer country"), max_length=100)
    market = models.ForeignKey(
        "products.Market",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("destination market"),
    )
    incoterm = models.CharField(_("Incoterm"), max_length=3, choices=Incoterm.choices)
    port_of_loading = models.CharField(_("port of loading"), max_length=100)
    port_of_discharge = models.CharField(_("port of discharge"), max_length=100)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)

    # Computed by the service from the lines and cartons, stored so lists need no sums.
    total_amount = models.DecimalField(_("total amount"), max_digits=16, decimal_places=2)
    carton_count = models.PositiveIntegerField(_("cartons"))
    total_net_kg = models.DecimalField(_("total net weight (kg)"), max_digits=12, decimal_places=3)
    total_gross_kg = models.DecimalField(
        _("total gross weight (kg)"), max_digits=12, decimal_places=3
    )
    total_volume_m3 = models.DecimalField(
        _("total volume (m³)"),
        max_digits=10,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("Empty unless every carton has its dimensions."),
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    invoice_pdf = models.FileField(
        _("pro-forma invoice"), max_length=255, blank=True, editable=False
    )
    invoice_sha256 = models.CharField(_("SHA-256 of the invoice"), max_length=64, blank=True)
    packing_list_pdf = models.FileField(
        _("packing list"), max_length=255, blank=True, editable=False
    )
    packing_list_sha256 = models.CharField(
        _("SHA-256 of the packing list"), max_length=64, blank=True
    )
    rendered_at = models.DateTimeField(_("rendered"), null=True, blank=True)
    render_attempts = models.PositiveSmallIntegerField(_("render attempts"), default=0)
    last_render_error = models.TextField(_("last render error"), blank=True)

    objects = ShipmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "sequence"], name="shipment_unique_sequence"
            ),
            models.CheckConstraint(
                condition=models.Q(total_amount__gt=0), name="shipment_total_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(carton_count__gte=1), name="shipment_has_cartons"
            ),
            models.CheckConstraint(
                condition=models.Q(total_gross_kg__gte=models.F("total_net_kg")),
                name="shipment_gross_not_below_net",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_ready(self) -> bool:
        return bool(self.invoice_pdf) and bool(self.packing_list_pdf)

    @property
    def packing_list_number(self) -> str:
        return "PL" + self.number.removeprefix("PI")

    @property
    def incoterm_place(self) -> str:
        """The Incoterm with its named place, as printed on the invoice ("FOB Surabaya")."""
        at_origin = self.incoterm in INCOTERMS_NAMED_AT_ORIGIN
        return f"{self.incoterm} {self.port_of_loading if at_origin else self.port_of_discharge}"

    def download_name(self, document: str) -> str:
        if document == "invoice":
            return f"{self.number}.pdf"
        return f"{self.packing_list_number}.pdf"


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="lines", verbose_name=_("shipment")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=20)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)

    class Meta:
        ordering = ["shipment", "position"]
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        constraints = [
            models.UniqueConstraint(fields=["shipment", "position"], name="shipmentline_position"),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="shipmentline_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(unit_price__gt=0), name="shipmentline_price_positive"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} {self.unit} {self.description}"


class ShipmentCarton(models.Model):
    """One row of the packing list: `count` identical cartons, weights per carton."""

    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="cartons", verbose_name=_("shipment")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    count = models.PositiveIntegerField(_("number of cartons"), default=1)
    first_number = models.PositiveIntegerField(_("first carton number"))
    net_kg = models.DecimalField(_("net weight per carton (kg)"), max_digits=9, decimal_places=3)
    gross_kg = models.DecimalField(
        _("gross weight per carton (kg)"), max_digits=9, decimal_places=3
    )
    length_cm = models.DecimalField(
        _("length (cm)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    width_cm = models.DecimalField(
        _("width (cm)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    height_cm = models.DecimalField(
        _("height (cm)"), max_digits=7, decimal_places=1, null=True, blank=True
    )

    class Meta:
        ordering = ["shipment", "position"]
        verbose_name = _("carton")
        verbose_name_plural = _("cartons")
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "position"], name="shipmentcarton_position"
            ),
            models.CheckConstraint(condition=models.Q(count__gte=1), name="shipmentcarton_count"),
            models.CheckConstraint(
                condition=models.Q(net_kg__gt=0), name="shipmentcarton_net_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(gross_kg__gte=models.F("net_kg")),
                name="shipmentcarton_gross_not_below_net",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    length_cm__isnull=True, width_cm__isnull=True, height_cm__isnull=True
                )
                | models.Q(length_cm__gt=0, width_cm__gt=0, height_cm__gt=0),
                name="shipmentcarton_dimensions_all_or_none",
            ),
        ]

    def __str__(self):
        return f"{self.count} × {self.gross_kg} kg"

    @property
    def last_number(self) -> int:
        return self.first_number + self.count - 1

    @property
    def has_dimensions(self) -> bool:
        return self.length_cm is not None

    @property
    def row_net(self) -> Decimal:
        return (self.count * self.net_kg).quantize(Decimal("0.001"))

    @property
    def row_gross(self) -> Decimal:
        return (self.count * self.gross_kg).quantize(Decimal("0.001"))

    @property
    def row_volume(self) -> Decimal | None:
        return None if not self.has_dimensions else self.count * self.volume_m3

    @property
    def volume_m3(self) -> Decimal | None:
        """The volume of one carton."""
        if not self.has_dimensions:
            return None
        return carton_volume_m3(self.length_cm, self.width_cm, self.height_cm)
