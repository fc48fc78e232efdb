"""Who is asking: the client's address, resolved one way for every limit that counts
per address (sign-in lockout, allauth's rate limits, the verification page's limit)."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or, behind NUM_PROXIES trusted proxies, the address the outermost of
    them saw. X-Forwarded-For entries further left are written by the client and can be
    forged, so they are never read; with no proxy configured the header is ignored."""
    proxies = settings.NUM_PROXIES
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None
