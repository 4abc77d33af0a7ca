"""Django's Redis cache, degraded to misses while Redis is unreachable: a lookup or a store never fails a request."""

import functools

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

from . import outages


def _degraded(name, fallback):
    method = getattr(RedisCache, name)

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        if args and not args[0]:
            return method(self, *args, **kwargs)  # no keys: Redis is not asked, nothing learnt
        if outages.cache.available():
            try:
                result = method(self, *args, **kwargs)
            except RedisError as error:
                outages.cache.failed(error)  # logged once per outage; skipped for a few seconds
            else:
                outages.cache.succeeded()
                return result
        return fallback(*args, **kwargs)

    return call


def _default(key, default=None, *args, **kwargs):
    return default


class ResilientRedisCache(RedisCache):
    """RedisCache whose reads miss and whose writes are dropped while Redis is unreachable, so
    pages render from the database, edits save, and search keeps its own dictionary; all of it
    comes back when Redis does (releases/outages.py). add(), incr() and decr() still raise: their
    callers (the view counter) must know that a count was not kept."""

    get = _degraded("get", _default)
    get_many = _degraded("get_many", lambda *args, **kwargs: {})
    has_key = _degraded("has_key", lambda *args, **kwargs: False)
    set = _degraded("set", lambda *args, **kwargs: None)
    set_many = _degraded("set_many", lambda data, *args, **kwargs: list(data))
    touch = _degraded("touch", lambda *args, **kwargs: False)
    delete = _degraded("delete", lambda *args, **kwargs: False)
    delete_many = _degraded("delete_many", lambda *args, **kwargs: None)
