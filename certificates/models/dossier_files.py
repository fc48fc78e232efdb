"""The files of a certificate's export dossier (`DossierFile`): the product specification
sheet, the export document checklist and the ZIP of all of them with the certificate,
each rendered once from what the certificate's dossier snapshot says and never replaced."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates.models.certificates import Certificate


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
