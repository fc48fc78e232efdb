"""The functions that change certificates: issue (inside `certify`), render and store the
signed PDF and the export dossier (a task, after the commit), revoke, and share a
certified product with exporters. Shipments are in `certificates.shipments`."""

import hashlib
import logging
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import (
    Certificate,
    CertificateCounter,
    CertificateEvent,
    DossierFile,
    EventKind,
    ProductShare,
    Status,
    Verdict,
)
from certificates.permissions import (
    can_manage_product_shares,
    can_revoke_certificate,
    can_share_certificate,
)
from curation.errors import WorkflowError
from curation.notifications import notify
from curation.roles import Role

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

    Allocates the number, records what is certified (and what its export dossier will
    say), supersedes the product's previous valid certificate, and schedules rendering of
    the certificate and its dossier for after the commit.
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
        dossier=_dossier_snapshot(application, today=timezone.localdate(issued_at)),
    )
    CertificateEvent.objects.create(
        certificate=certificate, kind=EventKind.ISSUED, actor=by, at=issued_at
    )
    _supersede_previous(certificate, by=by)
    # Robust: if queueing fails after the commit, the certification still stands and
    # `issue_pending` renders the certificate later.
    transaction.on_commit(lambda: certificate_render_enqueue(certificate.pk), robust=True)
    return certificate


def _dossier_snapshot(application, *, today) -> dict:
    """What the export dossier will say, as of the certification. A failure here must not
    undo the certification: it is logged, and the render task takes the snapshot later
    (and records any error where `issue_pending` reports it)."""
    from certificates.dossier import dossier_snapshot

    try:
        with transaction.atomic():  # a savepoint: a failed query leaves the rest intact
            return dossier_snapshot(application, today=today)
    except Exception:
        logger.exception("Could not take the dossier snapshot of application %s", application.pk)
        return {}


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


# The export dossier: rendered after the certificate, by the same task.


def dossier_render(*, certificate_id: int) -> Certificate:
    """Render and store the dossier files a certificate does not have yet: the product
    specification sheet and the export checklist, then (once the signed certificate is
    stored) the ZIP of all three, built from the stored files' bytes.

    Like `certificate_render`: outside any transaction, a failure recorded on the
    certificate and raised, a stored file never replaced. Returns at once when the dossier
    is complete, so running it again renders nothing.
    """
    from certificates import dossier

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


def dossier_parts(certificate: Certificate) -> dict[str, DossierFile]:
    return {f.kind: f for f in certificate.dossier_files.all()}


def _save_legacy_snapshot(certificate: Certificate) -> None:
    from certificates.dossier import dossier_snapshot

    snapshot = dossier_snapshot(certificate.application)
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if not locked.dossier:
            locked.dossier = snapshot
            locked.save(update_fields=["dossier"])
    certificate.dossier = locked.dossier


def _read_stored(field_file, sha256: str) -> bytes:
    """A stored file's bytes, checked against the SHA-256 recorded when it was stored."""
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


def certificate_issue_files(*, certificate_id: int) -> Certificate:
    """Everything the certify transition promises after its commit: the signed
    certificate, then its export dossier. Stops at the first failure (recorded)."""
    certificate_render(certificate_id=certificate_id)
    return dossier_render(certificate_id=certificate_id)


def render_retry_delay(attempts: int) -> timedelta:
    """Back off: 1, 2, 4, 8... minutes after the 1st, 2nd, 3rd... failure."""
    return timedelta(minutes=2 ** max(attempts - 1, 0))


# Revocation.


def certificate_revoke(*, certificate: Certificate, by, reason: str) -> Certificate:
    """Revoke a certificate, with a reason, as a certifying officer of its region. The
    verification page says so from the next request on; the MSME's members and the
    exporters the product is shared with get an in-app notice, and an e-mail after the
    commit."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = (
            Certificate.objects.select_for_update(of=("self",))
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
        # In-app notices now (with the revocation, or not at all); the revocation's own
        # e-mail, with its number, reason and verification address, after the commit.
        notices = notify(
            locked.application,
            "certificate_revoked",
            source=locked.application.state,
            actor=by,
            comment=reason,
            email=False,
        )
        notice_ids = [n.pk for n in notices]

        def send():
            from certificates.tasks import send_revocation_emails

            send_revocation_emails.enqueue(locked.pk, notice_ids)

        transaction.on_commit(send, robust=True)
    certificate.refresh_from_db()
    return locked


# Sharing a certified product with exporters.


def share_problems(*, certificate: Certificate, by) -> list[str]:
    """Why `by` cannot share (or record shipments of) this certificate's product now."""
    if not can_share_certificate.test(by, certificate):
        return [
            _("Only a member of %(business)s can share its products.")
            % {"business": certificate.business_name}
        ]
    return certificate_usable_problems(certificate)


def certificate_usable_problems(certificate: Certificate) -> list[str]:
    verdict = certificate.verdict()
    if verdict == Verdict.VALID:
        return []
    return [
        _(
            "Certificate %(number)s is %(status)s: only a valid certificate can be shared "
            "or used for shipments."
        )
        % {"number": certificate.number, "status": str(verdict.label).lower()}
    ]


def product_share(*, certificate: Certificate, by, email: str) -> ProductShare:
    """Share the certified product with whoever signs in as an exporter with this e-mail
    address: they see its certificates and export dossiers and record shipments of it.

    The business gets the same answer, and the same row in its list, whether or not an
    exporter account uses the address, so sharing tells nobody who has an account. When one
    does, the share names it now and the exporter is notified; otherwise the share waits,
    pending, and the exporter account that signs in with the address verified claims it
    (`product_shares_claim`)."""
    email = (email or "").strip().lower()
    problems = share_problems(certificate=certificate, by=by)
    if not email:
        problems.append(_("Write the e-mail address of the exporter's account."))
    if problems:
        raise WorkflowError(problems)
    product = certificate.product
    # Members are listed on the business's own pages: naming one tells the business
    # nothing it does not know.
    if product.business.memberships.filter(user__email__iexact=email).exists():
        raise WorkflowError(
            _("%(email)s is a member of %(business)s: it already sees the product.")
            % {"email": email, "business": product.business.name}
        )
    already_shared = WorkflowError(
        _("%(product)s is already shared with %(email)s.")
        % {"product": product.name, "email": email}
    )
    if product.shares.active().filter(email__iexact=email).exists():
        raise already_shared
    exporter = (
        get_user_model()
        .objects.filter(email__iexact=email, is_active=True, groups__name=Role.EXPORTER.value)
        .order_by("pk")
        .first()
    )
    if exporter is not None and product.shares.active().filter(exporter=exporter).exists():
        # The account already has the product under another of its addresses: this share
        # waits like any other (saying so would tell the business whose address it is).
        exporter = None
    try:
        with transaction.atomic():
            share = ProductShare.objects.create(
                product=product, email=email, exporter=exporter, shared_by=by
            )
            if exporter is not None:
                notify(
                    certificate.application,
                    "product_shared",
                    source=certificate.application.state,
                    actor=by,
                    extra=[exporter],
                )
            # Else no account uses the address yet, and nothing is sent: inviting the
            # exporter to open one is the exporter-invitation work to come (it belongs
            # here). The pending share waits for `product_shares_claim`.
    except IntegrityError:
        # Shared twice at once: the constraints let only the first through.
        raise already_shared from None
    return share


def product_shares_claim(*, user) -> list[ProductShare]:
    """Give `user` the shares that wait, pending, for one of their verified e-mail
    addresses, if they hold the exporter role (run when they sign in or verify an
    address). Each gets an in-app notice, as a share made to an existing account does."""
    if not user.is_active or not user.groups.filter(name=Role.EXPORTER.value).exists():
        return []
    addresses = {
        address.lower()
        for address in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }
    if not addresses:
        return []
    claimed = []
    with transaction.atomic():
        pending = (
            ProductShare.objects.active()
            .filter(exporter__isnull=True, email__in=addresses)
            # A product already shared with the account (under another of its addresses)
            # keeps that one share; the other stays pending for the business to stop.
            .exclude(
                product__in=ProductShare.objects.active().filter(exporter=user).values("product")
            )
            .select_related("shared_by")
            .select_for_update(of=("self",))
            .order_by("shared_at", "pk")
        )
        for share in pending:
            if any(c.product_id == share.product_id for c in claimed):
                continue
            share.exporter = user
            try:
                with transaction.atomic():
                    share.save(update_fields=["exporter"])
            except IntegrityError:
                # The same product reached the account by another address at this very
                # moment (a second sign-in): that share stands, this one stays pending.
                continue
            claimed.append(share)
        for share in claimed:
            certificate = (
                Certificate.objects.select_related("application")
                .filter(product=share.product_id)
                .order_by("-issued_at", "-pk")
                .first()
            )
            if certificate is not None:
                # In the app only: they are signing in right now.
                notify(
                    certificate.application,
                    "product_shared",
                    source=certificate.application.state,
                    actor=share.shared_by,
                    extra=[user],
                    email=False,
                )
    return claimed


def product_share_stop(*, share: ProductShare, by) -> ProductShare:
    """Stop sharing: the exporter loses access from its next request on."""
    with transaction.atomic():
        locked = (
            ProductShare.objects.select_for_update(of=("self",))
            .select_related("product")
            .get(pk=share.pk)
        )
        if not can_manage_product_shares.test(by, locked.product):
            raise WorkflowError(_("Only a member of the business can stop sharing its products."))
        if locked.stopped_at is None:
            locked.stopped_at = timezone.now()
            locked.stopped_by = by
            locked.save(update_fields=["stopped_at", "stopped_by"])
    share.refresh_from_db()
    return locked
