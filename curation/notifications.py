"""Telling people of a change: an in-app notice each, and an e-mail.

`notify` writes the in-app notices inside the change's transaction (so a rolled-back
change leaves none) and sends the e-mails only after the commit, each in its recipient's
language. What each notice says is `curation.notices`. `tell` is the one path both take,
and the reminders too (`curation.reminders`).
"""

from collections.abc import Iterable

from django.db import transaction

from curation.models import Notification
from curation.notices import notice_for
from curation.tasks import send_notification_emails


def notify(application, event: str, *, source: str, actor, comment: str = "", extra=(), email=True):
    """Record notices for everyone concerned but the actor; e-mail them after commit
    (unless `email` is off: the caller sends its own, as a revocation does)."""
    users = {u.pk: u for u in notice_for(event).recipients(application, source)}
    users.update({u.pk: u for u in extra})
    users.pop(actor.pk, None)
    return tell(users.values(), event, application=application, comment=comment, email=email)


def tell(
    users: Iterable,
    event: str,
    *,
    application=None,
    path: str = "",
    params: dict | None = None,
    comment: str = "",
    email: bool = True,
) -> list[Notification]:
    """Write a notice of `event` for each of `users` in the caller's transaction, and
    e-mail them after it commits (unless `email` is off)."""
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
        transaction.on_commit(lambda: send_notification_emails.enqueue(ids))
    return notices
