"""An invitation answered through a link e-mailed to someone: to join a business
(`products.BusinessInvitation`) or to work for an office (`offices.StaffInvitation`).

The token is the link's secret: 256 random bits, so it cannot be guessed. It works once
(accepted), can be withdrawn (cancelled), and stops working at `expires_at`: a week,
long enough to reach someone who reads e-mail weekly, short enough that a forwarded or
forgotten link stops working.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

VALIDITY = timedelta(days=7)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def expiry() -> datetime:
    return timezone.now() + VALIDITY


class InvitationQuerySet(models.QuerySet):
    def pending(self, now: datetime | None = None) -> InvitationQuerySet:
        """Not yet accepted, not cancelled and not expired: the ones whose link still works."""
        now = now or timezone.now()
        return self.filter(accepted_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=now)


class Invitation(models.Model):
    email = models.EmailField(_("e-mail"))
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_token, editable=False
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), default=expiry)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def is_pending(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.accepted_at is None and self.cancelled_at is None and self.expires_at > now


def invitation_constraints(prefix: str) -> list[models.BaseConstraint]:
    """What every invitation table holds true, named after its table's `prefix`: it
    expires after it was made, and is not both accepted and cancelled."""
    return [
        models.CheckConstraint(
            condition=models.Q(expires_at__gt=models.F("created_at")),
            name=f"{prefix}_expires_after_creation",
        ),
        models.CheckConstraint(
            condition=models.Q(accepted_at__isnull=True) | models.Q(cancelled_at__isnull=True),
            name=f"{prefix}_not_accepted_and_cancelled",
        ),
    ]
