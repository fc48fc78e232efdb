"""Changing coaching: an office's programmes, referring a business, and the business
saying it attended. Each checks permission and conditions itself (the views and any
other caller go through here), and tells the business after the commit
(`curation.notifications.tell`, in each member's language, opening the application)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from coaching.models import CoachingProgramme, Referral
from coaching.permissions import (
    can_declare_attendance,
    can_manage_programme,
    can_manage_programmes,
    can_refer,
    office_of,
)
from coaching.selectors import criterion_labels, decided_result, default_criteria
from curation import recipients
from curation.links import application_page
from curation.models import Application
from curation.notices import BUSINESS
from curation.notifications import tell
from kernel.errors import WorkflowError

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

PROGRAMME_FIELDS = (
    "name",
    "organiser",
    "starts_on",
    "ends_on",
    "place",
    "description",
    "criteria",
    "is_active",
)


def programme_create(*, by: _User, **fields: Any) -> CoachingProgramme:
    office = office_of(by)
    if office is None or not can_manage_programmes.test(by):
        raise WorkflowError(
            _("Only a coordinator or administrator of an office keeps its programmes.")
        )
    return CoachingProgramme.objects.create(office=office, **fields)


def programme_update(
    *, programme: CoachingProgramme, by: _User, **fields: Any
) -> CoachingProgramme:
    if not can_manage_programme.test(by, programme):
        raise WorkflowError(_("Only the programme's office changes it."))
    for name, value in fields.items():
        setattr(programme, name, value)
    programme.save(update_fields=[name for name in fields if name in PROGRAMME_FIELDS])
    return programme


def referral_create(
    *,
    application: Application,
    programme: CoachingProgramme,
    by: _User,
    note: str,
    criteria: list[str] | None = None,
) -> Referral:
    """Refer the application's business to `programme`, asking it to improve `criteria`
    (when none are named: the programme's criteria the application scored low on), and
    tell its members."""
    note = (note or "").strip()
    if not note:
        raise WorkflowError(fields={"note": _("Write what the business should take from it.")})
    with transaction.atomic():
        # The application's row, locked: its state decides whether a referral is possible,
        # and a decision taken at the same moment must not slip between check and write.
        locked = Application.objects.locked(application.pk)
        if not can_refer.test(by, locked):
            raise WorkflowError(
                _(
                    "Only the lead curator or the coordinator of the application's region "
                    "refers a business to coaching, after a revision request, a rejection "
                    "or a grade C or D."
                )
            )
        offered = (
            programme.is_active
            and programme.ends_on >= timezone.localdate()
            and programme.office.served.filter(region_id=locked.region_id).exists()
        )
        if not offered:
            raise WorkflowError(
                fields={"programme": _("Choose an open programme of the office that serves it.")}
            )
        chosen = [key for key in (criteria or []) if key in programme.criteria] or default_criteria(
            programme, decided_result(locked)
        )
        try:
            with transaction.atomic():
                referral = Referral.objects.create(
                    application=locked,
                    business_id=locked.product.business_id,
                    programme=programme,
                    referred_by=by,
                    note=note,
                    criteria=chosen,
                )
        except IntegrityError:
            raise WorkflowError(
                fields={"programme": _("The business is already referred to this programme.")}
            ) from None
        _tell_business(referral, locked)
    return referral


def _tell_business(referral: Referral, application: Application) -> None:
    programme = referral.programme
    details = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            labels = criterion_labels(referral.criteria)
            details[language] = {
                "dates": _("%(start)s to %(end)s")
                % {
                    "start": formats.date_format(programme.starts_on, "DATE_FORMAT"),
                    "end": formats.date_format(programme.ends_on, "DATE_FORMAT"),
                },
                "criteria": ", ".join(labels.get(key, key) for key in referral.criteria),
            }
    tell(
        recipients.business_members(application, application.state),
        "coaching_referral",
        application=application,
        path=referral_link(application),
        params={
            "audience": BUSINESS,
            "programme": programme.name,
            "organiser": programme.organiser,
            "place": programme.place,
            "dates": {language: d["dates"] for language, d in details.items()},
            "criteria": {language: d["criteria"] for language, d in details.items()},
        },
        comment=referral.note,
    )


def referral_link(application: Application) -> str:
    """The application page, at its coaching part."""
    return f"{application_page(application)}#coaching"


def referral_attend(*, referral: Referral, by: _User) -> Referral:
    """A member of the business says it attended (once: a second click changes nothing)."""
    if not can_declare_attendance.test(by, referral):
        raise WorkflowError(_("Only a member of the referred business says it attended."))
    with transaction.atomic():
        updated = Referral.objects.filter(pk=referral.pk, attended_at__isnull=True).update(
            attended_at=timezone.now(), attendance_declared_by=by
        )
    referral.refresh_from_db(fields=["attended_at", "attendance_declared_by"])
    if not updated:
        raise WorkflowError(_("You already said you attended."))
    return referral
