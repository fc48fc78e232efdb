"""Who hears of each transition, and what they are told.

`notify` writes the in-app notices inside the transition's transaction (so a rolled-back
transition leaves none) and sends the e-mails only after the commit, each in its
recipient's language.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from curation.models import Notification, State
from curation.roles import Role

EVENTS = {
    "submit": (
        _("New application: %(product)s"),
        _("%(business)s submitted %(product)s for curation. Assign its curators."),
    ),
    "assign_curators": (
        _("You are a curator for %(product)s"),
        _("You have been assigned to curate %(product)s of %(business)s. Score it in Siap Ekspor."),
    ),
    "request_revision": (
        _("Revision requested: %(product)s"),
        _("The curators ask you to fix something in %(product)s before they continue."),
    ),
    "resubmit": (
        _("Revised application: %(product)s"),
        _(
            "%(business)s answered the revision request for %(product)s. A new scoring round is open."
        ),
    ),
    "pass_curation": (
        _("%(product)s passed curation"),
        _("%(product)s of %(business)s passed curation and moves to packaging review."),
    ),
    "request_packaging_changes": (
        _("Packaging changes needed: %(product)s"),
        _("The packaging reviewer asks for changes to the packaging or labels of %(product)s."),
    ),
    "resubmit_packaging": (
        _("New packaging evidence: %(product)s"),
        _("%(business)s uploaded new packaging evidence for %(product)s."),
    ),
    "approve_packaging": (
        _("Awaiting certification: %(product)s"),
        _(
            "The packaging of %(product)s of %(business)s was approved. Check the dossier and certify."
        ),
    ),
    "certify": (
        _("%(product)s is certified export ready"),
        _("%(product)s of %(business)s has been certified export ready."),
    ),
    "reject": (
        _("Application rejected: %(product)s"),
        _("The application for %(product)s was rejected. You may start a new application."),
    ),
    "withdraw": (
        _("Application withdrawn: %(product)s"),
        _("%(business)s withdrew the application for %(product)s."),
    ),
    # Not transitions: the coordinator changed the curators during curation.
    "curator_added": (
        _("You are a curator for %(product)s"),
        _(
            "You have been added to the curators of %(product)s of %(business)s. "
            "Score it in Siap Ekspor."
        ),
    ),
    "curator_removed": (
        _("You no longer curate %(product)s"),
        _("The coordinator removed you from the curators of %(product)s of %(business)s."),
    ),
    # Not transitions: certificates (certificates.services).
    "certificate_revoked": (
        _("Certificate revoked: %(product)s"),
        _("The export readiness certificate of %(product)s of %(business)s has been revoked."),
    ),
    "product_shared": (
        _("%(business)s shared %(product)s with you"),
        _(
            "%(business)s shared its certified product %(product)s with you: its certificate "
            "and export dossier are under “Shared with me” in Siap Ekspor."
        ),
    ),
}


def render(notification) -> tuple[str, str]:
    """Subject and body in the active language."""
    subject, body = EVENTS[notification.event]
    application = notification.application
    params = {"product": application.product.name, "business": application.product.business.name}
    text = str(body) % params
    if notification.comment:
        text = f"{text}\n\n{notification.comment}"
    return str(subject) % params, text


def _region_staff(application, role: Role):
    business = application.product.business
    return (
        get_user_model()
        .objects.filter(
            groups__name=role.value, profile__regions=business.region_id, is_active=True
        )
        .exclude(memberships__business=business)
        .distinct()
    )


def _business_members(application):
    return get_user_model().objects.filter(
        memberships__business=application.product.business, is_active=True
    )


def _curators(application):
    return get_user_model().objects.filter(curator_assignments__application=application)


def _linked_exporters(application):
    # The exporters the business shares the product with (certificates.ProductShare).
    return get_user_model().objects.filter(
        product_shares__product=application.product_id,
        product_shares__stopped_at__isnull=True,
        groups__name=Role.EXPORTER.value,
        is_active=True,
    )


def recipients(application, event: str, *, source: str):
    match event:
        case "submit":
            return _region_staff(application, Role.COORDINATOR)
        case "assign_curators" | "resubmit":
            return _curators(application)
        case "pass_curation":
            return [
                *_business_members(application),
                *_region_staff(application, Role.PACKAGING_REVIEWER),
            ]
        case "resubmit_packaging":
            return _region_staff(application, Role.PACKAGING_REVIEWER)
        case "approve_packaging":
            # Not the application's curators: they may not certify it (separation of duties).
            return _region_staff(application, Role.CERTIFYING_OFFICER).exclude(
                curator_assignments__application=application
            )
        case "request_revision" | "request_packaging_changes" | "reject":
            return _business_members(application)
        case "certify" | "certificate_revoked":
            return [*_business_members(application), *_linked_exporters(application)]
        case "withdraw":
            # Whoever was working on it when the MSME stopped.
            return {
                State.SUBMITTED: _region_staff(application, Role.COORDINATOR),
                State.REVISION_REQUESTED: _curators(application),
                State.PACKAGING_REVISION: _region_staff(application, Role.PACKAGING_REVIEWER),
            }.get(source, get_user_model().objects.none())
        case "curator_added" | "curator_removed" | "product_shared":
            # The service names them: the curators added or removed, the exporter.
            return []
    raise ValueError(f"unknown event {event}")


def notify(application, event: str, *, source: str, actor, comment: str = "", extra=(), email=True):
    """Record notices for everyone concerned but the actor; e-mail them after commit
    (unless `email` is off: the caller sends its own, as a revocation does)."""
    users = {u.pk: u for u in recipients(application, event, source=source)}
    users.update({u.pk: u for u in extra})
    users.pop(actor.pk, None)
    notices = Notification.objects.bulk_create(
        Notification(recipient=user, application=application, event=event, comment=comment)
        for user in users.values()
    )
    ids = [n.pk for n in notices]
    if ids and email:
        from curation.tasks import send_notification_emails

        transaction.on_commit(lambda: send_notification_emails.enqueue(ids))
    return notices
