"""Inviting an exporter: a share to an address that no account uses sends that address a
link (`invitation_send`); opening it, the exporter sets a password and their exporter
account is made, its address verified (the link reached it), signed in, with the share
theirs (`certificates.sharing.exporter_invitation_accept`).

The link is signed (`django.core.signing`, salted for this use): it names the share and
the address, so it cannot be made up or turned to another address. It expires
`INVITATION_VALIDITY` after the share was made, works once (afterwards an account uses
the address), and only while the share is active and waiting. Nothing is stored for it:
the share is the invitation.

An address that an account already uses gets no invitation: one address is one account.
An exporter account is told of the share (`certificates.sharing.product_share`); an MSME's
or staff member's account is not given the exporter role by a business's share (the share
waits, and the office can make the account an exporter's: its next sign-in claims it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from certificates.models import ProductShare
from curation.accounts import email_in_use
from kernel import site

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _User

# Long enough for a buyer abroad who reads e-mail weekly; after it, the exporter can still
# sign up as one with the address, and the share waits for them.
INVITATION_VALIDITY = timedelta(days=14)
_SALT = "certificates.exporter-invitation"


def invitation_token(share: ProductShare) -> str:
    return signing.dumps({"share": share.pk, "email": share.email}, salt=_SALT)


def invitation_url(share: ProductShare) -> str:
    """The absolute address of the share's invitation (SITE_URL: it is e-mailed)."""
    return site.absolute_url(reverse("certificates:invitation", args=[invitation_token(share)]))


def invitation_expires(share: ProductShare) -> datetime:
    return share.shared_at + INVITATION_VALIDITY


@dataclass(frozen=True)
class Invitation:
    """An opened link: its share (None when the link is not a valid one) and why it cannot
    be accepted now (None when it can)."""

    share: ProductShare | None
    problem: str | None

    @property
    def email(self) -> str:
        return self.share.email if self.share else ""


def invitation_read(
    token: str, *, user: _User | None = None, now: datetime | None = None
) -> Invitation:
    """The invitation behind `token`, and why `user` (the visitor, None when signed out)
    cannot accept it."""
    try:
        payload = signing.loads(token, salt=_SALT)
        share_id, email = int(payload["share"]), str(payload["email"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return Invitation(
            None, _("This invitation link is not valid. Check that you copied all of it.")
        )
    share = (
        ProductShare.objects.select_related("product__business", "shared_by")
        .filter(pk=share_id, email=email)
        .first()
    )
    if share is None:
        return Invitation(
            None, _("This invitation link is not valid. Check that you copied all of it.")
        )
    return Invitation(share, _problem(share, user=user, now=now or timezone.now()))


def _problem(share: ProductShare, *, user: _User | None, now: datetime) -> str | None:
    names = {
        "business": share.product.business.name,
        "product": share.product.name,
        "email": share.email,
    }
    if not share.is_active:
        return (
            _("%(business)s no longer shares %(product)s: this invitation was withdrawn.") % names
        )
    if share.exporter_id is not None or _address_taken(share.email):
        return (
            _(
                "This invitation has already been used: an account with %(email)s exists. "
                "Sign in with it to see what is shared with you."
            )
            % names
        )
    if invitation_expires(share) <= now:
        return _(
            "This invitation expired on %(date)s. You can still sign up as an exporter or "
            "buyer with %(email)s: what %(business)s shared with it shows once you confirm "
            "the address."
        ) % {**names, "date": formats.date_format(timezone.localtime(invitation_expires(share)))}
    if user is not None:
        return (
            _(
                "This invitation is for %(email)s, and you are signed in with another account. "
                "Sign out, then open the link again."
            )
            % names
        )
    return None


def _address_taken(email: str) -> bool:
    # Any account counts (an unsaved user is "other than" every saved one).
    return email_in_use(email, other_than=get_user_model()())


@task()
def invitation_send(share_id: int) -> bool:
    """E-mail the invitation, in the sharer's language (nobody knows the invitee's yet).
    Not sent when it could no longer be accepted: the share stopped or claimed, or an
    account made for the address in the meantime."""
    share = (
        ProductShare.objects.select_related("product__business", "shared_by__profile")
        .filter(pk=share_id)
        .first()
    )
    if share is None or _problem(share, user=None, now=timezone.now()):
        return False
    profile = getattr(share.shared_by, "profile", None)
    with translation.override(getattr(profile, "language", None) or settings.LANGUAGE_CODE):
        context = {
            "share": share,
            "business": share.product.business.name,
            "product": share.product.name,
            "link": invitation_url(share),
            "expires": timezone.localtime(invitation_expires(share)),
        }
        subject = render_to_string("certificates/email/invitation_subject.txt", context).strip()
        body = render_to_string("certificates/email/invitation_body.txt", context)
    send_mail(site.email_subject(subject), body, None, [share.email])
    return True
