"""View decorators about roles."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from kernel.roles import Role, user_roles


def role_required(*roles: Role):
    """Let in only signed-in users holding one of `roles` (the sign-in page for an
    anonymous visitor, 403 for anyone else); a page about one object still checks its own
    predicate."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not user_roles(request.user) & set(roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator
