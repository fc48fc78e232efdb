"""The API's token scheme: `Authorization: Token se_...` (or `Bearer se_...`).

A token acts as its owner, under the same access rules as their pages; a read-only token
may only read (`TokenScope`). It needs no CSRF token: it is not a cookie a browser sends
on its own."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import authentication, exceptions, permissions

from api_tokens.models import ApiToken
from api_tokens.services import token_for

KEYWORDS = ("token", "bearer")


class TokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Any) -> tuple[Any, ApiToken] | None:
        words = authentication.get_authorization_header(request).split()
        if not words or words[0].decode(errors="replace").lower() not in KEYWORDS:
            return None  # not ours: another scheme, or none
        if len(words) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token after the word Token."))
        token = token_for(words[1].decode(errors="replace"))
        if token is None:
            raise exceptions.AuthenticationFailed(_("This token is not valid or was revoked."))
        return token.user, token

    def authenticate_header(self, request: Any) -> str:
        return 'Token realm="api"'


class TokenScope(permissions.BasePermission):
    """A read-only token reads; it cannot change anything."""

    message = gettext_lazy("This token is read-only: make a read-and-write token to change data.")

    def has_permission(self, request: Any, view: Any) -> bool:
        token = request.auth
        if isinstance(token, ApiToken) and token.read_only:
            return request.method in permissions.SAFE_METHODS
        return True
