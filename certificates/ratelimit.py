"""A per-client request limit in the shared cache, for public pages that anyone can hit
(the verification page): a fixed one-minute window per address."""

import time

from django.core.cache import cache

from kernel.net import client_ip


def over_limit(request, *, scope: str, limit: int) -> bool:
    """Count this request; whether the client has made more than `limit` in this minute."""
    window = int(time.time() // 60)
    key = f"ratelimit:{scope}:{client_ip(request) or 'unknown'}:{window}"
    cache.add(key, 0, timeout=90)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=90)
        count = 1
    return count > limit
