"""Reading certificates: who may see which, in one place."""

from django.http import Http404

from certificates.models import Certificate
from curation.selectors import applications_visible_to


def certificates_visible_to(user):
    """The certificates of the applications `user` may see."""
    return Certificate.objects.filter(application__in=applications_visible_to(user).values("pk"))


def get_certificate_for_user(user, pk) -> Certificate:
    try:
        return certificates_visible_to(user).with_related().get(pk=pk)
    except (Certificate.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_certificate_by_code(code: str) -> Certificate | None:
    """The certificate a verification code names, or None. Read fresh on every call (no
    caching), so a revocation shows on the very next request."""
    code = (code or "").strip().lower()
    if not code:
        return None
    return Certificate.objects.with_related().filter(verification_code=code).first()
