"""The functions that change certificates: issue (inside `certify`), render and store the
signed PDF (a task, after the commit), and revoke."""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import (
    Certificate,
    CertificateCounter,
    CertificateEvent,
    EventKind,
    Status,
)
from certificates.permissions import can_revoke_certificate
from curation.errors import WorkflowError

logger = logging.getLogger(__name__)

NUMBER_PREFIX = "SKE"  # Sertifikat Kesiapan Ekspor
# Lower-case letters and digits without the look-alikes (0/o, 1/l/i): easy to read off a
# print and to type. 20 of 31 symbols is about 99 bits: not guessable, not enumerable.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 20


def format_number(region_code: str, year: int, serial: int) -> str:
    return f"{NUMBER_PREFIX}/{region_code}/{year}/{serial:05d}"


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def certificate_number_allocate(*, region, year: int) -> int:
    """The next serial for `region` in `year`. Must run inside the issuing transaction.

    The counter row is locked until that transaction ends, so concurrent certifications
    in one region take turns and get consecutive serials; a rollback undoes the
    increment with everything else, so a number is never burnt nor given twice. (On
    SQLite the IMMEDIATE transaction mode serialises writers the same way.)
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Allocate a certificate number inside the issuing transaction.")
    # Make sure the row exists without racing another transaction creating it: the
    # insert is skipped on conflict, then everyone locks the one row.
    CertificateCounter.objects.bulk_create(
        [CertificateCounter(region=region, year=year)], ignore_conflicts=True
    )
    counter = CertificateCounter.objects.select_for_update().get(region=region, year=year)
    counter.last_serial += 1
    counter.save(update_fields=["last_serial"])
    return counter.last_serial


def certificate_issue(*, application, by) -> Certificate:
    """Issue the certificate for `application`, which the `certify` transition has just
    moved to certified (called as that transition's effect, inside its transaction and
    with the application row locked).

    Allocates the number, records what is certified, supersedes the product's previous
    valid certificate, and schedules rendering for after the commit.
    """
    product = application.product
    business = product.business
    region = business.region
    issued_at = application.state_changed_at or timezone.now()
    year = timezone.localtime(issued_at).year
    serial = certificate_number_allocate(region=region, year=year)
    # The grade's meaning in both languages, from the rubric version that graded it.
    grade = next((g for g in application.rubric.grades if g["grade"] == application.grade), {})
    category = product.category
    certificate = Certificate.objects.create(
        application=application,
        product=product,
        region=region,
        year=year,
        serial=serial,
        number=format_number(region.code, year, serial),
        verification_code=new_verification_code(),
        business_name=business.name,
        product_name=product.name,
        hs_code=product.hs_code,
        category_id_label=category.label_id,
        category_en_label=category.label_en,
        grade=application.grade,
        grade_id_label=grade.get("id", ""),
        grade_en_label=grade.get("en", ""),
        final_score=application.final_score,
        markets=[
            {"key": m.key, "id": m.name_id, "en": m.name_en}
            for m in application.target_markets.order_by("key")
        ],
        officer=by,
        officer_name=by.get_full_name() or by.get_username(),
        issued_at=issued_at,
        valid_until=timezone.localdate(issued_at) + settings.CERTIFICATE_VALIDITY,
    )
    CertificateEvent.objects.create(
        certificate=certificate, kind=EventKind.ISSUED, actor=by, at=issued_at
    )
    _supersede_previous(certificate, by=by)
    # Robust: if queueing fails after the commit, the certification still stands and
    # `issue_pending` renders the certificate later.
    transaction.on_commit(lambda: certificate_render_enqueue(certificate.pk), robust=True)
    return certificate


def _supersede_previous(certificate: Certificate, *, by) -> None:
    """A renewal (a new certified application for the same product) replaces the
    product's certificate that was still valid."""
    previous = (
        Certificate.objects.select_for_update()
        .filter(product_id=certificate.product_id, status=Status.VALID)
        .exclude(pk=certificate.pk)
    )
    for old in previous:
        old.status = Status.SUPERSEDED
        old.superseded_by = certificate
        old.superseded_at = certificate.issued_at
        old.save(update_fields=["status", "superseded_by", "superseded_at"])
        CertificateEvent.objects.create(
            certificate=old,
            kind=EventKind.SUPERSEDED,
            actor=by,
            at=certificate.issued_at,
            detail=certificate.number,
        )


def certificate_render_enqueue(certificate_id: int, *, run_after=None) -> None:
    from certificates.tasks import certificate_render_task

    task = certificate_render_task
    if run_after is not None:
        task = task.using(run_after=run_after)
    task.enqueue(certificate_id)


# Rendering and storing the signed PDF (after the commit, in a task or `issue_pending`).


def certificate_render(*, certificate_id: int) -> Certificate:
    """Render, sign and store the PDF of a certificate that has none yet.

    Runs outside any transaction: the slow part (WeasyPrint, signing, uploading) holds
    no lock. A failure is recorded on the certificate (attempts, last error) and raised;
    the certificate itself is never touched otherwise. If another worker stored a PDF
    meanwhile, ours is discarded and theirs kept, so a stored PDF is never replaced.
    """
    from certificates.rendering import render_certificate_pdf
    from certificates.signing import load_signer, sign_pdf

    certificate = Certificate.objects.with_related().get(pk=certificate_id)
    if certificate.is_ready:
        return certificate
    try:
        # The key first: a missing key fails in milliseconds, not after a render.
        signer = load_signer()
        unsigned = render_certificate_pdf(certificate)
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


def render_retry_delay(attempts: int) -> timedelta:
    """Back off: 1, 2, 4, 8... minutes after the 1st, 2nd, 3rd... failure."""
    return timedelta(minutes=2 ** max(attempts - 1, 0))


# Revocation.


def certificate_revoke(*, certificate: Certificate, by, reason: str) -> Certificate:
    """Revoke a certificate, with a reason, as a certifying officer of its region. The
    verification page says so from the next request on; the MSME's members are
    e-mailed after the commit."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = (
            Certificate.objects.select_for_update()
            .select_related("application__product__business")
            .get(pk=certificate.pk)
        )
        problems = []
        if not can_revoke_certificate.test(by, locked):
            problems.append(_("You are not allowed to revoke this certificate."))
        elif locked.status == Status.REVOKED:
            problems.append(_("This certificate has already been revoked."))
        if not reason:
            problems.append(_("Write the reason for the revocation."))
        if problems:
            raise WorkflowError(problems)
        locked.status = Status.REVOKED
        locked.revoked_at = timezone.now()
        locked.revoked_by = by
        locked.revocation_reason = reason
        locked.save(update_fields=["status", "revoked_at", "revoked_by", "revocation_reason"])
        CertificateEvent.objects.create(
            certificate=locked,
            kind=EventKind.REVOKED,
            actor=by,
            at=locked.revoked_at,
            detail=reason,
        )

        def send():
            from certificates.tasks import send_revocation_emails

            send_revocation_emails.enqueue(locked.pk)

        transaction.on_commit(send, robust=True)
    certificate.refresh_from_db()
    return locked
