"""The files that issuing a certificate and recording a shipment promise, made after the
commit (by a task, or `issue_pending`): the certificate's signed PDF, its export dossier's
files, a shipment's pro-forma invoice and packing list.

Everything here runs outside any transaction, so the slow part (WeasyPrint, signing,
uploading) holds no lock. Each file is stored once, under a server-made unguessable name,
with its SHA-256, and never replaced: if another worker stored it meanwhile, ours is
discarded and theirs kept. A failure is recorded on the certificate or shipment (attempts,
last error) and raised; nothing else about it is touched.
"""

import hashlib
import logging
import secrets

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from certificates import dossier, rendering, verification
from certificates.models import Certificate, CertificateEvent, DossierFile, EventKind, Shipment
from certificates.signing import load_signer, sign_pdf

logger = logging.getLogger(__name__)


def certificate_issue_files(*, certificate_id: int) -> Certificate:
    """Everything the certify transition promises after its commit: the signed
    certificate, then its export dossier, in one go (`issue_pending`; the tasks do each in
    a task of its own). Stops at the first failure (recorded)."""
    certificate_render(certificate_id=certificate_id)
    return dossier_render(certificate_id=certificate_id)


# The signed certificate.


def certificate_render(*, certificate_id: int) -> Certificate:
    """Render, sign and store the PDF of a certificate that has none yet."""
    certificate = Certificate.objects.with_related().get(pk=certificate_id)
    if certificate.is_ready:
        return certificate
    try:
        # The key first: a missing key fails in milliseconds, not after a render.
        signer = load_signer()
        unsigned = rendering.render_certificate_pdf(certificate)
        signed = sign_pdf(
            unsigned,
            signer=signer,
            reason=f"Sertifikat Kesiapan Ekspor {certificate.number}",
            location=certificate.region.name,
        )
        return _store_pdf(certificate, signed)
    except Exception as error:
        _record_render_failure(certificate, error)
        raise


def _store_pdf(certificate: Certificate, data: bytes) -> Certificate:
    storage = certificate.pdf.storage
    # A server-made, unguessable name; the storage never overwrites (it would rename).
    name = storage.save(
        f"certificates/{certificate.year}/{secrets.token_urlsafe(16)}.pdf", ContentFile(data)
    )
    now = timezone.now()
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.is_ready:
            stored_by_someone_else = True
        else:
            stored_by_someone_else = False
            locked.pdf.name = name
            locked.pdf_sha256 = hashlib.sha256(data).hexdigest()
            locked.pdf_size = len(data)
            locked.rendered_at = now
            locked.render_attempts += 1
            locked.last_render_error = ""
            locked.save(
                update_fields=[
                    "pdf",
                    "pdf_sha256",
                    "pdf_size",
                    "rendered_at",
                    "render_attempts",
                    "last_render_error",
                ]
            )
            CertificateEvent.objects.create(
                certificate=locked, kind=EventKind.RENDERED, at=now, detail=locked.pdf_sha256
            )
            # The verification page shows the PDF's SHA-256 and compares uploads with it.
            verification.forget(locked.verification_code)
    if stored_by_someone_else:
        try:
            storage.delete(name)
        except Exception:  # an orphan file is harmless: nothing points to it
            logger.warning("Could not delete the duplicate render %s", name, exc_info=True)
    return locked


def _record_render_failure(certificate: Certificate, error: Exception) -> None:
    message = f"{type(error).__name__}: {error}"[:2000]
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        locked.render_attempts += 1
        locked.last_render_error = message
        locked.save(update_fields=["render_attempts", "last_render_error"])
        CertificateEvent.objects.create(
            certificate=locked, kind=EventKind.RENDER_FAILED, detail=message
        )
    certificate.render_attempts = locked.render_attempts
    certificate.last_render_error = message


# The export dossier: rendered after the certificate, by a task of its own.


def dossier_render(*, certificate_id: int) -> Certificate:
    """Render and store the dossier files a certificate does not have yet: the product
    specification sheet and the export checklist, then (once the signed certificate is
    stored) the ZIP of all three, built from the stored files' bytes.

    Like `certificate_render`: a failure recorded on the certificate and raised, a stored
    file never replaced. Returns at once when the dossier is complete, so running it again
    renders nothing.
    """
    certificate = Certificate.objects.with_related().get(pk=certificate_id)
    if certificate.is_dossier_ready:
        return certificate
    try:
        if not certificate.dossier:
            # Issued before dossiers existed: take the snapshot now, once.
            _save_legacy_snapshot(certificate)
        stored = {f.kind: f for f in certificate.dossier_files.all()}
        for kind, render in (
            (DossierFile.Kind.SPECIFICATION, dossier.render_specification_pdf),
            (DossierFile.Kind.CHECKLIST, dossier.render_checklist_pdf),
        ):
            if kind not in stored:
                stored[kind] = _store_dossier_file(certificate, kind, render(certificate))
        if not certificate.is_ready:
            return certificate  # the ZIP waits for the signed certificate
        if DossierFile.Kind.ARCHIVE not in stored:
            files = [
                (certificate.download_name, _read_stored(certificate.pdf, certificate.pdf_sha256))
            ]
            files += [
                (
                    stored[kind].download_name(certificate),
                    _read_stored(stored[kind].file, stored[kind].sha256),
                )
                for kind in (DossierFile.Kind.SPECIFICATION, DossierFile.Kind.CHECKLIST)
            ]
            _store_dossier_file(
                certificate, DossierFile.Kind.ARCHIVE, dossier.build_archive(certificate, files)
            )
        return _mark_dossier_ready(certificate)
    except Exception as error:
        _record_render_failure(certificate, error)
        raise


def _save_legacy_snapshot(certificate: Certificate) -> None:
    snapshot = dossier.dossier_snapshot(certificate.application)
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if not locked.dossier:
            locked.dossier = snapshot
            locked.save(update_fields=["dossier"])
    certificate.dossier = locked.dossier


def _read_stored(field_file: FieldFile, sha256: str) -> bytes:
    """A stored file's bytes, checked against the SHA-256 recorded when it was stored."""
    assert field_file.name is not None  # only files already stored are read back
    with field_file.storage.open(field_file.name, "rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ValueError(f"{field_file.name} does not match its recorded SHA-256")
    return data


def _store_dossier_file(certificate: Certificate, kind: str, data: bytes) -> DossierFile:
    field = DossierFile._meta.get_field("file")
    storage = field.storage
    extension = "zip" if kind == DossierFile.Kind.ARCHIVE else "pdf"
    name = storage.save(
        f"dossiers/{certificate.year}/{secrets.token_urlsafe(16)}.{extension}", ContentFile(data)
    )
    try:
        with transaction.atomic():
            return DossierFile.objects.create(
                certificate=certificate,
                kind=kind,
                file=name,
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
            )
    except IntegrityError:
        # Another worker stored this part meanwhile: keep theirs, drop ours.
        try:
            storage.delete(name)
        except Exception:  # an orphan file is harmless: nothing points to it
            logger.warning("Could not delete the duplicate dossier file %s", name, exc_info=True)
        return DossierFile.objects.get(certificate=certificate, kind=kind)


def _mark_dossier_ready(certificate: Certificate) -> Certificate:
    now = timezone.now()
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.dossier_rendered_at is None:
            locked.dossier_rendered_at = now
            locked.save(update_fields=["dossier_rendered_at"])
            sha = locked.dossier_files.get(kind=DossierFile.Kind.ARCHIVE).sha256
            CertificateEvent.objects.create(
                certificate=locked, kind=EventKind.DOSSIER_RENDERED, at=now, detail=sha
            )
    certificate.dossier_rendered_at = locked.dossier_rendered_at
    return certificate


# A shipment's papers.


def shipment_render(*, shipment_id: int) -> Shipment:
    """Render and store whichever of the shipment's two PDFs is missing. Outside any
    transaction; a failure recorded on the shipment and raised; a stored file kept."""
    shipment = Shipment.objects.select_related(
        "certificate__product__business", "certificate__region", "market"
    ).get(pk=shipment_id)
    if shipment.is_ready:
        return shipment
    try:
        for field, sha_field, render in (
            ("invoice_pdf", "invoice_sha256", rendering.render_invoice_pdf),
            ("packing_list_pdf", "packing_list_sha256", rendering.render_packing_list_pdf),
        ):
            if not getattr(shipment, field):
                _store_shipment_file(shipment, field, sha_field, render(shipment))
        return shipment
    except Exception as error:
        message = f"{type(error).__name__}: {error}"[:2000]
        with transaction.atomic():
            locked = Shipment.objects.select_for_update().get(pk=shipment.pk)
            locked.render_attempts += 1
            locked.last_render_error = message
            locked.save(update_fields=["render_attempts", "last_render_error"])
        shipment.render_attempts = locked.render_attempts
        shipment.last_render_error = message
        raise


def _store_shipment_file(shipment: Shipment, field: str, sha_field: str, data: bytes) -> None:
    storage = getattr(shipment, field).storage
    name = storage.save(
        f"shipments/{shipment.certificate.year}/{secrets.token_urlsafe(16)}.pdf", ContentFile(data)
    )
    with transaction.atomic():
        locked = Shipment.objects.select_for_update().get(pk=shipment.pk)
        if getattr(locked, field):
            keep = False  # another worker stored it meanwhile: theirs stays
        else:
            keep = True
            getattr(locked, field).name = name
            setattr(locked, sha_field, hashlib.sha256(data).hexdigest())
            locked.last_render_error = ""
            locked.rendered_at = timezone.now()
            locked.save(update_fields=[field, sha_field, "last_render_error", "rendered_at"])
    if not keep:
        try:
            storage.delete(name)
        except Exception:  # an orphan file is harmless: nothing points to it
            logger.warning("Could not delete the duplicate render %s", name, exc_info=True)
    getattr(shipment, field).name = getattr(locked, field).name
    setattr(shipment, sha_field, getattr(locked, sha_field))
