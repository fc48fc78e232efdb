"""Export-readiness certificates, their per-region numbering, and their audit trail.

A certificate is issued inside the `certify` transaction (`certificates.issuing`); its
PDF is rendered and signed afterwards by a task, so a certificate exists before its
file does (`is_ready`). What the certificate states (business, product, grade, markets,
officer) is copied at issue: a later edit of the product never changes an issued
certificate. The same holds for its export dossier (`Certificate.dossier`, rendered into
`DossierFile`s).

Also here: the products a business shares with exporters (`ProductShare`) and the
shipments recorded under a certificate, with their lines and cartons (`Shipment`).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kernel.append_only import AppendOnlyModel
from products.models import Product


class Status(models.TextChoices):
    """The stored status. `expired` is never stored: it follows from the date."""

    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Superseded")


class Verdict(models.TextChoices):
    """What the verification page says about a certificate today."""

    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Superseded")
    EXPIRED = "expired", _("Expired")
    UNKNOWN = "unknown", _("Unknown")


class CertificateCounter(models.Model):
    """The last serial issued per region and year: the row the certify transaction locks,
    so two certifications at once take consecutive numbers and a rollback returns its own."""

    region = models.ForeignKey(
        "products.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last_serial = models.PositiveIntegerField(_("last serial issued"), default=0)

    class Meta:
        verbose_name = _("certificate counter")
        verbose_name_plural = _("certificate counters")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="certificatecounter_unique")
        ]

    def __str__(self):
        return f"{self.region_id}/{self.year}: {self.last_serial}"


class CertificateQuerySet(models.QuerySet):
    def pending(self):
        """Issued certificates whose signed PDF or export dossier is not stored yet."""
        return self.filter(models.Q(pdf="") | models.Q(dossier_rendered_at__isnull=True))

    def with_related(self):
        return self.select_related("region", "officer", "superseded_by", "application__product")


class Certificate(models.Model):
    application = models.OneToOneField(
        "curation.Application",
        on_delete=models.PROTECT,
        related_name="certificate",
        verbose_name=_("application"),
    )
    # The product and business are kept as keys for lookups (a renewal supersedes the
    # product's previous certificate) and as text for what the certificate says.
    product = models.ForeignKey(
        "products.Product",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("product"),
    )
    region = models.ForeignKey(
        "products.Region",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("issuing region"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    number = models.CharField(_("number"), max_length=40, unique=True)
    verification_code = models.CharField(
        _("verification code"), max_length=40, unique=True, editable=False
    )

    business_name = models.CharField(_("business"), max_length=200)
    product_name = models.CharField(_("product"), max_length=200)
    hs_code = models.CharField(_("HS code"), max_length=10, blank=True)
    category_id_label = models.CharField(_("category (Indonesian)"), max_length=200, blank=True)
    category_en_label = models.CharField(_("category (English)"), max_length=200, blank=True)
    grade = models.CharField(_("grade"), max_length=2)
    grade_id_label = models.CharField(_("grade meaning (Indonesian)"), max_length=100, blank=True)
    grade_en_label = models.CharField(_("grade meaning (English)"), max_length=100, blank=True)
    final_score = models.DecimalField(
        _("final score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    markets = models.JSONField(
        _("target markets"),
        default=list,
        help_text=_('As certified: [{"key": "jp", "id": "Jepang", "en": "Japan"}, ...]'),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="certificates_issued",
        verbose_name=_("certifying officer"),
    )
    officer_name = models.CharField(_("certifying officer (as printed)"), max_length=200)

    issued_at = models.DateTimeField(_("issued"))
    valid_until = models.DateField(_("valid until"), help_text=_("The last day it is valid."))

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.VALID, db_index=True
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("superseded by"),
    )
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)

    # The signed PDF, once the render task has stored it under a server-made name; never
    # replaced afterwards.
    pdf = models.FileField(_("signed PDF"), max_length=255, blank=True, editable=False)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    pdf_size = models.PositiveIntegerField(_("PDF size in bytes"), null=True, blank=True)
    rendered_at = models.DateTimeField(_("rendered"), null=True, blank=True)
    # Shared by the certificate and its dossier: a failure of either counts as an attempt.
    render_attempts = models.PositiveSmallIntegerField(_("render attempts"), default=0)
    last_render_error = models.TextField(_("last render error"), blank=True)

    # What the export dossier says (product specification, export document checklist per
    # market), copied at issue like the rest: rendering it again later, should a file be
    # missing, prints the same thing. See certificates.dossier.
    dossier = models.JSONField(_("export dossier data"), default=dict, blank=True, editable=False)
    dossier_rendered_at = models.DateTimeField(
        _("export dossier stored"),
        null=True,
        blank=True,
        help_text=_("When every file of the export dossier, the ZIP included, was stored."),
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "serial"], name="certificate_unique_serial"
            ),
            models.CheckConstraint(condition=models.Q(serial__gte=1), name="certificate_serial_1"),
            models.CheckConstraint(
                condition=~models.Q(status="revoked")
                | (models.Q(revoked_at__isnull=False) & ~models.Q(revocation_reason="")),
                name="certificate_revoked_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="superseded") | models.Q(superseded_by__isnull=False),
                name="certificate_superseded_has_successor",
            ),
        ]
        indexes = [
            # A renewal looks up the product's certificate that is still valid.
            models.Index(fields=["product", "status"], name="certificate_product_status"),
        ]

    def __str__(self):
        return self.number

    def delete(self, *args, **kwargs):
        # An issued number is never freed: a certificate is revoked, not deleted.
        raise PermissionError("An issued certificate cannot be deleted; revoke it instead.")

    @property
    def is_ready(self) -> bool:
        """Whether the signed PDF is stored (pages say "being prepared" until then)."""
        return bool(self.pdf)

    def is_expired(self, today=None) -> bool:
        return (today or timezone.localdate()) > self.valid_until

    def verdict(self, today=None) -> Verdict:
        """Valid, revoked, superseded or expired today. A revocation outranks everything;
        a superseded certificate says so even after its date has passed."""
        if self.status == Status.REVOKED:
            return Verdict.REVOKED
        if self.status == Status.SUPERSEDED:
            return Verdict.SUPERSEDED
        if self.is_expired(today):
            return Verdict.EXPIRED
        return Verdict.VALID

    @property
    def verification_url(self) -> str:
        return f"{settings.SITE_URL}/verify/{self.verification_code}/"

    @property
    def file_stem(self) -> str:
        return self.number.replace("/", "-")

    @property
    def download_name(self) -> str:
        return self.file_stem + ".pdf"

    @property
    def is_dossier_ready(self) -> bool:
        return self.dossier_rendered_at is not None

    @property
    def grade_label(self) -> str:
        return self.grade_en_label if _is_english() else self.grade_id_label

    @property
    def category_label(self) -> str:
        return self.category_en_label if _is_english() else self.category_id_label

    @property
    def market_names(self) -> list[str]:
        key = "en" if _is_english() else "id"
        return [market[key] for market in self.markets]


def _is_english() -> bool:
    return (get_language() or "id").startswith("en")


class EventKind(models.TextChoices):
    ISSUED = "issued", _("Issued")
    RENDERED = "rendered", _("PDF rendered and signed")
    RENDER_FAILED = "render_failed", _("Rendering failed")
    DOSSIER_RENDERED = "dossier_rendered", _("Export dossier rendered")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Superseded")


class CertificateEvent(AppendOnlyModel):
    """What happened to a certificate, when and by whom; never edited or deleted."""

    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, related_name="events", verbose_name=_("certificate")
    )
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
        help_text=_("Empty for what the system did by itself, such as rendering."),
    )
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("certificate event")
        verbose_name_plural = _("certificate events")

    def __str__(self):
        return f"{self.certificate_id}: {self.kind}"


class DossierFile(models.Model):
    """One stored file of a certificate's export dossier: rendered once, never replaced."""

    class Kind(models.TextChoices):
        SPECIFICATION = "specification", _("Product specification sheet")
        CHECKLIST = "checklist", _("Export document checklist")
        ARCHIVE = "archive", _("Whole dossier (ZIP)")

    certificate = models.ForeignKey(
        Certificate,
        on_delete=models.PROTECT,
        related_name="dossier_files",
        verbose_name=_("certificate"),
    )
    kind = models.CharField(_("part"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), max_length=255, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    rendered_at = models.DateTimeField(_("rendered"), default=timezone.now)

    class Meta:
        ordering = ["certificate", "kind"]
        verbose_name = _("export dossier file")
        verbose_name_plural = _("export dossier files")
        constraints = [
            # Two workers rendering the same part at once: the second insert fails and
            # its file is discarded, so a stored part is never replaced.
            models.UniqueConstraint(fields=["certificate", "kind"], name="dossierfile_one_per_kind")
        ]

    def __str__(self):
        return f"{self.certificate_id}: {self.kind}"

    def delete(self, *args, **kwargs):
        raise PermissionError("An issued dossier file cannot be deleted.")

    @property
    def content_type(self) -> str:
        return "application/zip" if self.kind == self.Kind.ARCHIVE else "application/pdf"

    def download_name(self, certificate: Certificate | None = None) -> str:
        stem = (certificate or self.certificate).file_stem
        return {
            self.Kind.SPECIFICATION: f"{stem}-specification.pdf",
            self.Kind.CHECKLIST: f"{stem}-export-checklist.pdf",
            self.Kind.ARCHIVE: f"{stem}-export-dossier.zip",
        }[self.kind]


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


# The currencies of the product's FOB price, and the minor units an amount is rounded to
# (the yen has none).
Currency = Product.Currency
CURRENCY_EXPONENT = {"USD": 2, "EUR": 2, "JPY": 0, "IDR": 2}


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
