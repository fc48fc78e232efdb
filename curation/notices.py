"""What a notice says: the subject and text of each event's notice, in the active
language. A transition's notice is part of its spec (`curation.transitions`); the notices
of other changes and the reminders are below. Sending them is `curation.notifications`."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from curation import links, recipients
from curation.transition_specs import Message, Notice
from curation.transitions import SPECS

# `Notification.params["audience"]` of a notice told to a member of the business: it reads
# the notice's `to_business` text.
BUSINESS = "business"

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
        link=links.scoresheet,
    ),
    "curator_removed": Notice(
        subject=_("You no longer curate %(product)s"),
        body=_("The coordinator removed you from the curators of %(product)s of %(business)s."),
        link=links.dashboard,
    ),
    # A curator declared a conflict of interest with a business whose application they
    # curate (`curation.conflicts`): the coordinators choose another curator.
    "conflict_declared": Notice(
        subject=_("Conflict of interest: %(product)s needs another curator"),
        body=_(
            "%(curator)s, a curator of %(product)s of %(business)s, declared a conflict of "
            "interest with the business and can no longer score it. Choose another curator "
            "on the application's page. Their reason:"
        ),
        recipients=recipients.region_coordinators,
        link=links.application_page,
    ),
    # Certificates (certificates.revocation, certificates.sharing).
    "certificate_revoked": Notice(
        subject=_("Certificate revoked: %(product)s"),
        body=_("The export readiness certificate of %(product)s of %(business)s has been revoked."),
        recipients=recipients.linked_exporters,
        link=links.certificate_page,
        to_business=Message(
            subject=_("Certificate revoked: %(product)s"),
            body=_(
                "The export readiness certificate of %(product)s of %(business)s has been "
                "revoked; the reason is below. What comes next: the product may no longer be "
                "offered as certified. Once you have dealt with the reason, you may apply "
                "again from the product's page."
            ),
        ),
    ),
    "product_shared": Notice(
        subject=_("%(business)s shared %(product)s with you"),
        body=_(
            "%(business)s shared its certified product %(product)s with you: its certificate "
            "and export dossier are under “Shared with me” in Siap Ekspor."
        ),
        link=links.certificate_page,
    ),
    # A buyer's enquiry from the public catalogue (`catalogue.enquiries`), told to the
    # business's members; the buyer's message is the notice's comment.
    "enquiry_received": Notice(
        subject=_("Enquiry about %(product)s from %(company)s"),
        body=_(
            "%(name)s of %(company)s (%(buyer)s, %(country)s) sent an enquiry about "
            "%(product)s of %(business)s from the public catalogue. Quantity: %(quantity)s. "
            "Answer them by e-mail at %(email)s (replying to this e-mail reaches them), "
            "then mark the enquiry answered in Siap Ekspor."
        ),
        recipients=recipients.nobody,
    ),
    # A business referred to a coaching programme (`coaching.services`), told to its
    # members; the referrer's note is the notice's comment.
    "coaching_referral": Notice(
        to_business=Message(
            subject=_("Coaching for %(product)s: %(programme)s"),
            body=_(
                "After the curation of %(product)s, the office refers %(business)s to the "
                "coaching programme “%(programme)s” by %(organiser)s, %(dates)s, at "
                "%(place)s, to improve: %(criteria)s. The office's note is below. Once you "
                "have attended, say so on the application's page; your next application "
                "will show what changed on these points."
            ),
        ),
    ),
    # Reminders (`curation.reminders`): each names its recipients and carries its own
    # details (`Notification.params`); "days" also chooses the plural.
    "document_expiring": Notice(
        subject=_("Document expiring: %(document)s of %(holder)s"),
        body=ngettext_lazy(
            "The %(document)s of %(holder)s expires on %(date)s, in %(days)s day. Upload the "
            "renewed document so that applications and certificates can rely on it.",
            "The %(document)s of %(holder)s expires on %(date)s, in %(days)s days. Upload the "
            "renewed document so that applications and certificates can rely on it.",
            "days",
        ),
        recipients=recipients.nobody,
    ),
    "certificate_expiring": Notice(
        subject=_("Certificate expiring: %(product)s"),
        body=ngettext_lazy(
            "The export readiness certificate %(number)s of %(product)s of %(business)s is "
            "valid until %(date)s, %(days)s day from now. It is renewed by a new application "
            "for the product, whose certificate replaces it.",
            "The export readiness certificate %(number)s of %(product)s of %(business)s is "
            "valid until %(date)s, %(days)s days from now. It is renewed by a new application "
            "for the product, whose certificate replaces it.",
            "days",
        ),
        recipients=recipients.nobody,
    ),
    "permit_expired": Notice(
        subject=_("Permit expired: %(product)s"),
        body=_(
            "The %(document)s of %(product)s of %(business)s, on which certificate %(number)s "
            "rests, expired on %(date)s. The certificate stays valid, but its public "
            "verification page says that the permit expired until the business uploads a "
            "renewed one."
        ),
        recipients=recipients.nobody,
    ),
    "stage_overdue": Notice(
        subject=_("Overdue: %(product)s (%(state)s)"),
        body=_(
            "The application for %(product)s of %(business)s has been in the state "
            "“%(state)s” since %(since)s; its target was to move on by %(due)s. Please see "
            "to its next step."
        ),
        recipients=recipients.nobody,
    ),
    # To the superusers (`curation.unserved`), once per region until an office serves it.
    "region_unserved": Notice(
        subject=_("No office serves %(region)s"),
        body=_(
            "%(business)s is registered in %(region)s (%(province)s), a region no curation "
            "office serves: its applications cannot be submitted until one does. Make an "
            "office serve %(region)s in the administration (Offices: its served regions), "
            "or create one there. You are told once for this region until an office "
            "serves it."
        ),
        recipients=recipients.nobody,
    ),
    "scoresheet_overdue": Notice(
        subject=_("Scoresheet overdue: %(product)s"),
        body=_(
            "Your scoresheet for %(product)s of %(business)s (scoring round %(round)s) was "
            "due by %(due)s and has not been submitted. Please score the product and submit "
            "it."
        ),
        recipients=recipients.nobody,
    ),
}


def in_each_language(make: Callable[..., Any], *args: Any) -> dict[str, str]:
    """A notice's detail that reads differently per language (a label, a date), made now in
    each language: the notice is read later, by each reader in their own."""
    made = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            made[language] = str(make(*args))
    return made


def _in_active_language(value):
    if not isinstance(value, dict):
        return value
    return value.get(translation.get_language()) or value.get(settings.LANGUAGE_CODE, "")


def notice_for(event: str) -> Notice:
    """The notice of an event: a transition's name, or one of OTHER_NOTICES."""
    spec = SPECS.get(event)
    if spec is not None:
        return spec.notice
    try:
        return OTHER_NOTICES[event]
    except KeyError:
        raise ValueError(f"unknown event {event}") from None


def message_of(notification) -> Message:
    """What this notice's recipient reads: the business's text when told as a member."""
    notice = notice_for(notification.event)
    to_business = notification.params.get("audience") == BUSINESS or notice.subject is None
    if to_business and notice.to_business is not None:
        return notice.to_business
    assert notice.subject is not None and notice.body is not None
    return Message(notice.subject, notice.body)


def render(notification) -> tuple[str, str]:
    """Subject and body in the active language."""
    message = message_of(notification)
    params = {}
    if notification.application_id is not None:
        product = notification.application.product
        params = {"product": product.name, "business": product.business.name}
    params.update({k: _in_active_language(v) for k, v in notification.params.items()})
    # `%` on the lazy text itself: a plural's count is read from the params.
    text = str(message.body % params)
    if notification.comment:
        text = f"{text}\n\n{notification.comment}"
    return str(message.subject % params), text
