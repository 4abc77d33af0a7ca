"""Cache backends: Redis degraded to misses while unreachable; the database cache writing in one statement."""

import base64
import contextlib
import datetime
import functools
import pickle

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import DatabaseError, connections, router, transaction
from django.utils import timezone
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


class SharedDatabaseCache(DatabaseCache):
    """Django's database cache, each write one upsert, rows counted (and culled) every CULL_EVERY writes.

    Django's own counts every row of the table before each write, to decide whether to cull, then
    reads the key and inserts or updates it in a transaction: five statements, the count a full
    scan (~1 ms on PostgreSQL at 20,000 keys), for every new reader's "seen" key and every stored
    fragment. Here a write is one INSERT ... ON CONFLICT (both databases; "add" updates only an
    expired row), and every CULL_EVERY-th write of a process takes Django's path, which counts and
    culls: the table can pass MAX_ENTRIES by at most that many rows per process in between.
    """

    CULL_EVERY = 64

    def _base_set(self, mode, key, value, timeout=DEFAULT_TIMEOUT):
        self._writes = getattr(self, "_writes", 0) + 1
        if mode == "touch" or self._writes % self.CULL_EVERY == 0:
            return super()._base_set(mode, key, value, timeout)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table, column_key, column_value, column_expires = (quote(name) for name in (self._table, "cache_key", "value", "expires"))
        timeout = self.get_backend_timeout(timeout)
        if timeout is None:
            expires = datetime.datetime.max
        else:
            expires = datetime.datetime.fromtimestamp(timeout, tz=datetime.timezone.utc if settings.USE_TZ else None)
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        sql = (
            f"INSERT INTO {table} ({column_key}, {column_value}, {column_expires}) VALUES (%s, %s, %s) "
            f"ON CONFLICT ({column_key}) DO UPDATE SET {column_value} = EXCLUDED.{column_value}, {column_expires} = EXCLUDED.{column_expires}"
        )
        params = [key, encoded, connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))]
        if mode == "add":
            sql += f" WHERE {table}.{column_expires} < %s"
            params.append(connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0)))
        try:
            # In autocommit the one statement needs no transaction; inside one, a savepoint keeps a
            # failed write from breaking the caller's (as Django's own does).
            with transaction.atomic(using=db) if connection.in_atomic_block else contextlib.nullcontext(), connection.cursor() as cursor:
                cursor.execute(sql, params)
                written = cursor.rowcount
        except DatabaseError:
            return False  # as Django's: a write that races another may fail silently
        return written > 0 if mode == "add" else True

