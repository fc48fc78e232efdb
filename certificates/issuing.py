"""Issuing a certificate, inside the `certify` transaction: its number, what it certifies
and what its export dossier will say, the product's previous certificate superseded, and
its files scheduled for after the commit: the signed PDF first
(`tasks.certificate_render_task`), whose task then queues the export dossier in a task of
its own (`tasks.dossier_render_task`)."""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates import dossier, tasks, verification
from certificates.models import Certificate, CertificateEvent, EventKind, Status
from certificates.numbering import (
    certificate_number_allocate,
    format_number,
    new_verification_code,
)
from kernel.errors import WorkflowError
from offices.models import Office
from offices.routing import office_serving

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _User

    from curation.models import Application

logger = logging.getLogger(__name__)


def certificate_issue(*, application: Application, by: _User) -> Certificate:
    """Issue the certificate for `application`, which the `certify` transition has just
    moved to certified (called as that transition's effect, inside its transaction and
    with the application row locked).

    Allocates the number, records what is certified (and what its export dossier will
    say), supersedes the product's previous valid certificate, and schedules the
    certificate's rendering for after the commit (its dossier follows, in its own task).
    """
    product = application.product
    business = product.business
    region = business.region
    office = _issuing_office(application)
    issued_at = application.state_changed_at or timezone.now()
    year = timezone.localtime(issued_at).year
    serial = certificate_number_allocate(office=office, year=year)
    # The grade's meaning in both languages, from the rubric version that graded it.
    grade: dict[str, str] = next(
        (g for g in application.rubric.grades if g["grade"] == application.grade), {}
    )
    category = product.category
    certificate = Certificate.objects.create(
        application=application,
        product=product,
        region=region,
        office=office,
        year=year,
        serial=serial,
        number=format_number(office.code, year, serial),
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
        # The office as it prints today; a later edit of the office changes none of it.
        office_name=office.name,
        office_letterhead=office.letterhead,
        signatory_name=office.signatory_name,
        signatory_title=office.signatory_title,
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
    transaction.on_commit(lambda: tasks.certificate_render_enqueue(certificate.pk), robust=True)
    return certificate


def _issuing_office(application: Application) -> Office:
    """The office the application went to at its submission (`Application.office`), in
    whose name and series it is certified; for one that has none (made before offices,
    or straight into a later state), the office serving its region now, which it is
    then given. `checks.certify_problems` refuses certifying when there is neither."""
    if application.office is not None:
        return application.office
    office = office_serving(application.region_id)
    if office is None:
        raise WorkflowError(
            _("No office serves %(region)s: the certificate cannot be issued.")
            % {"region": application.product.business.region.name}
        )
    application.office = office
    application.save(update_fields=["office"])
    return office


def _dossier_snapshot(application: Application, *, today: date) -> dict[str, Any]:
    """What the export dossier will say, as of the certification. A failure here must not
    undo the certification: it is logged, and the dossier's task takes the snapshot later
    (and records any error where `issue_pending` reports it)."""
    try:
        with transaction.atomic():  # a savepoint: a failed query leaves the rest intact
            return dossier.dossier_snapshot(application, today=today)
    except Exception:
        logger.exception("Could not take the dossier snapshot of application %s", application.pk)
        return {}


def _supersede_previous(certificate: Certificate, *, by: _User) -> None:
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
        verification.forget(old.verification_code)  # its page names its successor now
        CertificateEvent.objects.create(
            certificate=old,
            kind=EventKind.SUPERSEDED,
            actor=by,
            at=certificate.issued_at,
            detail=certificate.number,
        )
