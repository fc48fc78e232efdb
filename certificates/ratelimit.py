"""A per-client request limit in the shared cache, for public pages that anyone can hit
(the verification page): a fixed one-minute window per address."""

import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest

from kernel.net import client_ip

WINDOW_TIMEOUT = 90  # seconds a window's count is kept: its minute, and some


def over_limit(request: HttpRequest, *, scope: str, limit: int) -> bool:
    """Count this request; whether the client has made more than `limit` in this minute."""
    window = int(time.time() // 60)
    key = f"ratelimit:{scope}:{client_ip(request) or 'unknown'}:{window}"
    return _count(key) > limit


def _count(key: str) -> int:
    """Add one to the window's count and return it.

    With Redis (several web processes), in one round trip: INCR and EXPIRE sent together,
    where Django's cache API takes three (`add`, then `incr`, which first asks whether the
    key exists); the verification page is served in about a millisecond, and each round
    trip is a tenth of one. The key and the stored number are the ones Django's cache
    makes and reads (its Redis serializer stores integers as they are), so both ways
    count the same."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        name = backend.make_and_validate_key(key)
        client = backend._cache.get_client(name, write=True)
        pipe = client.pipeline(transaction=True)
        pipe.incr(name)
        pipe.expire(name, WINDOW_TIMEOUT)
        count, _ = pipe.execute()
        return int(count)
    backend.add(key, 0, timeout=WINDOW_TIMEOUT)
    try:
        return backend.incr(key)
    except ValueError:  # expired between add and incr
        backend.set(key, 1, timeout=WINDOW_TIMEOUT)
        return 1
