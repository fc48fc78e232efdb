"""A per-client request limit in the shared cache, for public pages that anyone can hit
(the verification page): a fixed one-minute window per address."""

import time

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or, behind NUM_PROXIES trusted proxies, the
    address the outermost of them saw (X-Forwarded-For entries further left can be
    forged by the client)."""
    proxies = settings.NUM_PROXIES
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def over_limit(request, *, scope: str, limit: int) -> bool:
    """Count this request; whether the client has made more than `limit` in this minute."""
    window = int(time.time() // 60)
    key = f"ratelimit:{scope}:{client_address(request)}:{window}"
    cache.add(key, 0, timeout=90)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=90)
        count = 1
    return count > limit
