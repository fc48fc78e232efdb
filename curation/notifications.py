"""Telling people of a change: an in-app notice each, and an e-mail.

`notify` writes the in-app notices inside the change's transaction (so a rolled-back
change leaves none) and sends the e-mails only after the commit, each in its recipient's
language. What each notice says is `curation.notices`. `tell` is the one path both take,
and the reminders too (`curation.reminders`).
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from curation import deadlines, links, recipients
from curation.models import Notification
from curation.notices import BUSINESS, in_each_language, notice_for
from curation.tasks import send_notification_emails


def notify(application, event: str, *, source: str, actor, comment: str = "", extra=(), email=True):
    """Record notices for everyone concerned; e-mail them after commit (unless `email` is
    off: the caller sends its own, as a revocation does).

    The business's members, when the event has a text for them, each read it (the one
    who acted too: it confirms their step) and it opens the application; the others
    concerned but the actor read the staff's text and it opens their page
    (`Notice.link`)."""
    notice = notice_for(event)
    users = {u.pk: u for u in notice.recipients(application, source)}
    users.update({u.pk: u for u in extra})
    users.pop(actor.pk, None)
    notices = []
    if notice.to_business is not None:
        members = {u.pk: u for u in recipients.business_members(application, source)}
        for pk in members:
            users.pop(pk, None)
        notices += tell(
            members.values(),
            event,
            application=application,
            path=links.application_page(application),
            params={"audience": BUSINESS, **_next_target(application)},
            comment=comment,
            email=email,
        )
    notices += tell(
        users.values(),
        event,
        application=application,
        path=notice.link(application) if notice.link and users else "",
        comment=comment,
        email=email,
    )
    return notices


def _next_target(application) -> dict:
    """The day the office aims to take the application's next step by, in each language
    (`due`), when its new state has a target."""
    target = deadlines.target_for(application.region_id, application.state)
    if target is None:
        return {}
    since = timezone.localdate(application.state_changed_at)
    return {"due": in_each_language(date_format, target.due(since))}


def tell(
    users: Iterable,
    event: str,
    *,
    application=None,
    path: str = "",
    params: dict | None = None,
    comment: str = "",
    email: bool = True,
    reply_to: str = "",
) -> list[Notification]:
    """Write a notice of `event` for each of `users` in the caller's transaction, and
    e-mail them after it commits (unless `email` is off). `reply_to`: the address their
    answer to the e-mail goes to (a buyer's enquiry: the buyer), kept in no notice."""
    notices = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            application=application,
            event=event,
            comment=comment,
            path=path,
            params=params or {},
        )
        for user in users
    )
    ids = [n.pk for n in notices]
    if ids and email:
        transaction.on_commit(lambda: send_notification_emails.enqueue(ids, reply_to=reply_to))
    return notices
