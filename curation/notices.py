"""What a notice says: the subject and text of each event's notice, in the active
language. A transition's notice is part of its spec (`curation.transitions`); the notices
of other changes are below. Sending them is `curation.notifications`."""

from django.utils.translation import gettext_lazy as _

from curation import recipients
from curation.transitions import SPECS, Notice

# What is told of changes that are not transitions (each transition's notice is in its
# spec, `curation.transitions`). The service names the people concerned where the notice
# has no recipients of its own.
OTHER_NOTICES = {
    # The coordinator changed the curators during curation.
    "curator_added": Notice(
        subject=_("You are a curator for %(product)s"),
        body=_(
            "You have been added to the curators of %(product)s of %(business)s. "
            "Score it in Siap Ekspor."
        ),
        recipients=recipients.nobody,
    ),
    "curator_removed": Notice(
        subject=_("You no longer curate %(product)s"),
        body=_("The coordinator removed you from the curators of %(product)s of %(business)s."),
        recipients=recipients.nobody,
    ),
    # Certificates (certificates.revocation, certificates.sharing).
    "certificate_revoked": Notice(
        subject=_("Certificate revoked: %(product)s"),
        body=_("The export readiness certificate of %(product)s of %(business)s has been revoked."),
        recipients=recipients.business_members_and_linked_exporters,
    ),
    "product_shared": Notice(
        subject=_("%(business)s shared %(product)s with you"),
        body=_(
            "%(business)s shared its certified product %(product)s with you: its certificate "
            "and export dossier are under “Shared with me” in Siap Ekspor."
        ),
        recipients=recipients.nobody,
    ),
}


def notice_for(event: str) -> Notice:
    """The notice of an event: a transition's name, or one of OTHER_NOTICES."""
    spec = SPECS.get(event)
    if spec is not None:
        return spec.notice
    try:
        return OTHER_NOTICES[event]
    except KeyError:
        raise ValueError(f"unknown event {event}") from None


def render(notification) -> tuple[str, str]:
    """Subject and body in the active language."""
    notice = notice_for(notification.event)
    application = notification.application
    params = {"product": application.product.name, "business": application.product.business.name}
    text = str(notice.body) % params
    if notification.comment:
        text = f"{text}\n\n{notification.comment}"
    return str(notice.subject) % params, text
