"""Making, using and revoking API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api_tokens.models import ApiToken, Scope
from kernel.errors import WorkflowError

if TYPE_CHECKING:
    # Stub-only alias that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _User

# A secret reads "se_" and 40 URL-safe characters (240 bits): unguessable, so a wrong
# token needs no lockout, and recognisable if it leaks into a log or a repository.
PREFIX = "se_"
ACTIVE_LIMIT = 10
# last_used_at is written at most this often per token: not one write per API call.
USE_RECORDED_EVERY = timedelta(minutes=5)


def key_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_token(user: _User, *, name: str, scope: str) -> tuple[ApiToken, str]:
    """A new token and its secret, which is not kept and cannot be shown again."""
    if scope not in Scope.values:
        raise WorkflowError(_("Choose read only or read and write."))
    # Locks the user's row: two tabs making tokens at once cannot pass the limit together.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.active().filter(user=user).count() >= ACTIVE_LIMIT:
        raise WorkflowError(
            _("You have %(limit)s active tokens: revoke one you no longer use first.")
            % {"limit": ACTIVE_LIMIT}
        )
    secret = PREFIX + secrets.token_urlsafe(30)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        scope=scope,
        prefix=secret[: len(PREFIX) + 6],
        key_hash=key_hash(secret),
    )
    return token, secret


def revoke_token(user: _User, token_pk: int) -> ApiToken:
    """Revokes one of the user's own active tokens; another's is not found."""
    token = ApiToken.objects.active().filter(user=user, pk=token_pk).first()
    if token is None:
        raise ApiToken.DoesNotExist
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db()
    return token


def token_for(secret: str) -> ApiToken | None:
    """The active token of an active user with this secret, its use recorded; or None."""
    if not secret.startswith(PREFIX):
        return None
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(key_hash=key_hash(secret), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - USE_RECORDED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
