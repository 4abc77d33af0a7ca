"""Fixed-window counters in Django's cache: at most `limit` attempts per key an hour."""

import hashlib

from django.core.cache import cache

WINDOW_SECONDS = 3600


def allow(scope, identity, limit):
    """Count one attempt for `identity` (hashed: no address is stored in the cache); False once over `limit`."""
    key = "subscribe-limit:%s:%s" % (scope, hashlib.sha256(identity.encode()).hexdigest()[:32])
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count <= limit
