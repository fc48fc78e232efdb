"""Two-factor sign-in: required for every staff role and for superusers, optional for
MSMEs and exporters.

allauth asks an enrolled user for the TOTP code at every sign-in (the web form and, since
the admin's login page is allauth's, the admin too). What allauth does not do is insist:
`StaffTwoFactorMiddleware` sends staff who have not enrolled yet to the enrolment page
before any other page, and `MFAAdapter` keeps them from switching it off again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from allauth.account.app_settings import REAUTHENTICATION_TIMEOUT
from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from kernel.roles import STAFF_ROLES, user_roles

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _AnyUser, _User

# Whether the signed-in user still has to enrol, decided when they sign in (and kept in
# the session), so a page costs no query for it. Only those who must enrol are looked up
# again on each request, until they have. Staff cannot remove their authenticator (below).
SESSION_KEY = "two_factor_missing"

# Pages an unenrolled staff member may still open: allauth's own (enrolment, sign-out,
# password, e-mail), the language switch, and what anyone may open without signing in.
OPEN_PREFIXES = ("/accounts/", "/language/", "/static/", "/verify/", "/healthz", "/readyz")


def requires_two_factor(user: _AnyUser) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or bool(user_roles(user) & set(STAFF_ROLES))


def has_two_factor(user: _User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def signed_in_recently(request: HttpRequest) -> bool:
    """Whether this session's sign-in happened within allauth's re-authentication window."""
    records = get_authentication_records(request, request.user)
    return bool(records) and time.time() - records[-1]["at"] < REAUTHENTICATION_TIMEOUT


@receiver(user_logged_in, dispatch_uid="two_factor_decided_at_sign_in")
def decide_at_sign_in(
    sender: type[_User], request: HttpRequest | None, user: _User, **kwargs: Any
) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = requires_two_factor(user) and not has_two_factor(user)


class StaffTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.session.get(SESSION_KEY, True)
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            missing = requires_two_factor(user) and not has_two_factor(user)
            request.session[SESSION_KEY] = missing
            if missing:
                return self._enrol(request)
        return self.get_response(request)

    def _enrol(self, request: HttpRequest) -> HttpResponse:
        text = _(
            "Staff accounts must use two-factor sign-in. Set up an authenticator app to continue."
        )
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": text}, status=403)
        messages.info(request, text)
        return redirect(reverse("mfa_activate_totp"))


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # Staff keep a second factor; they may replace it (new recovery codes), not drop
        # TOTP itself.
        if authenticator.type == Authenticator.Type.TOTP and requires_two_factor(
            authenticator.user
        ):
            return False
        return super().can_delete_authenticator(authenticator)
