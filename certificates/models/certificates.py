"""Certificates themselves: what a certificate states and its status (`Certificate`), the
per-office, per-year counter its number comes from (`CertificateCounter`), and its
append-only audit trail (`CertificateEvent`).

A certificate is issued inside the `certify` transaction (`certificates.issuing`); its
PDF is rendered and signed afterwards by a task, so a certificate exists before its
file does (`is_ready`), and its export dossier after that (`is_dossier_ready`). What the
certificate states (business, product, grade, markets, officer, the issuing office's name,
letterhead and signatory) is copied at issue: a later edit of the product or the office
never changes an issued certificate.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kernel.append_only import AppendOnlyModel


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
    """The last serial issued per office and year: the row the certify transaction locks,
    so two certifications at once take consecutive numbers and a rollback returns its own."""

    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last_serial = models.PositiveIntegerField(_("last serial issued"), default=0)

    class Meta:
        verbose_name = _("certificate counter")
        verbose_name_plural = _("certificate counters")
        constraints = [
            models.UniqueConstraint(fields=["office", "year"], name="certificatecounter_office")
        ]

    def __str__(self):
        return f"{self.office_id}/{self.year}: {self.last_serial}"


class CertificateStatement:
    """What follows from a certificate's stored columns (status, validity, code, grade and
    market labels): its verdict today, its verification address, its labels in the active
    language. Shared by `Certificate` and the lean record the public verification page
    reads (`certificates.verification`), so both say the same."""

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
    def issuer_name(self) -> str:
        """Who issued it, as printed: its office, or its region for one issued before
        offices existed."""
        return self.office_name or self.region_name

    @property
    def region_name(self) -> str:
        return self.region.name

    @property
    def grade_label(self) -> str:
        return self.grade_en_label if _is_english() else self.grade_id_label

    @property
    def market_names(self) -> list[str]:
        key = "en" if _is_english() else "id"
        return [market[key] for market in self.markets]


class CertificateQuerySet(models.QuerySet):
    def with_verdict(self, verdict: str, today=None):
        """The certificates of which `verdict()` says `verdict` today, as one condition."""
        today = today or timezone.localdate()
        return self.filter(
            {
                Verdict.VALID: models.Q(status=Status.VALID, valid_until__gte=today),
                Verdict.EXPIRED: models.Q(status=Status.VALID, valid_until__lt=today),
                Verdict.REVOKED: models.Q(status=Status.REVOKED),
                Verdict.SUPERSEDED: models.Q(status=Status.SUPERSEDED),
            }[verdict]
        )

    def pending(self):
        """Issued certificates whose signed PDF or export dossier is not stored yet."""
        return self.filter(models.Q(pdf="") | models.Q(dossier_rendered_at__isnull=True))

    def with_related(self):
        # The product twice: the certificate's own (what sharing and shipments check) and
        # the application's (what the application's checks read).
        return self.select_related(
            "region", "office", "officer", "superseded_by", "product", "application__product"
        )


class Certificate(CertificateStatement, models.Model):
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
    # The business's region, as at issue.
    region = models.ForeignKey(
        "products.Region",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("region"),
    )
    # The office that issued it, in whose number series it is (`numbering`); empty only
    # for a certificate issued before offices existed whose region no office served.
    office = models.ForeignKey(
        "offices.Office",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("issuing office"),
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
    # The issuing office as printed on the PDF. Empty for the certificates issued before
    # offices existed, which were issued in their region's name (`issuer_name`).
    office_name = models.CharField(_("issuing office (as printed)"), max_length=200, blank=True)
    office_letterhead = models.TextField(_("letterhead (as printed)"), blank=True)
    signatory_name = models.CharField(_("signatory (as printed)"), max_length=200, blank=True)
    signatory_title = models.CharField(
        _("signatory's title (as printed)"), max_length=200, blank=True
    )

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
            # The number (unique) is what cannot repeat: it holds the office's code, year
            # and serial. (A hub office made from several regions holds the certificates of
            # each region's old series, so its own serials do repeat across them.)
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
    def category_label(self) -> str:
        return self.category_en_label if _is_english() else self.category_id_label


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
