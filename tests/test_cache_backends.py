"""The database cache writing in one statement (releases/cache_backends.py SharedDatabaseCache)."""

import datetime

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from releases.cache_backends import SharedDatabaseCache

TABLE = "test_shared_cache"


@pytest.fixture
def cache(transactional_db):
    call_command("createcachetable", TABLE, verbosity=0)
    backend = SharedDatabaseCache(TABLE, {"OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2}})
    yield backend
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(TABLE)}")


def rows():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(TABLE)}")
        return cursor.fetchone()[0]


def expire(key):
    """Age `key` past its expiry, as if its time had passed."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {connection.ops.quote_name(TABLE)} SET expires = %s WHERE cache_key = %s",
            [connection.ops.adapt_datetimefield_value(datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)), ":1:" + key],
        )


def test_set_and_get_round_trip_thai_and_bytes(cache):
    cache.set("ข่าว", {"title": "ไทยย้ำ", "raw": b"\x00\xff"}, 60)
    assert cache.get("ข่าว") == {"title": "ไทยย้ำ", "raw": b"\x00\xff"}
    cache.set("ข่าว", "ใหม่", None)  # a second set replaces; None never expires
    assert cache.get("ข่าว") == "ใหม่" and rows() == 1


def test_add_only_when_absent_or_expired(cache):
    assert cache.add("seen", 1, 60) is True
    assert cache.add("seen", 2, 60) is False and cache.get("seen") == 1
    expire("seen")
    assert cache.get("seen") is None
    assert cache.add("seen", 3, 60) is True and cache.get("seen") == 3


def test_a_write_is_one_statement(cache):
    cache.set("warm", 0, 60)
    with CaptureQueriesContext(connection) as queries:
        cache.add("reader", 1, 60)
        cache.set("fragment", [1, 2], 60)
    assert len(queries) == 2
    assert not any("COUNT(" in query["sql"].upper() for query in queries)
    with CaptureQueriesContext(connection) as django_s:
        DatabaseCache(TABLE, {}).add("other-reader", 1, 60)
    assert len(django_s) > 2  # what it replaces: count, then read and write in a transaction


def test_rows_are_culled_every_so_many_writes(cache):
    cache.CULL_EVERY = 8
    for n in range(30):
        cache.set(f"key{n}", n, 60)
    # Culled at the 8th, 16th and 24th writes (Django's rule: past MAX_ENTRIES, half goes), never
    # more than CULL_EVERY writes past the limit in between.
    assert rows() <= 10 + cache.CULL_EVERY
    assert cache.get("key29") == 29


def test_inside_a_transaction_a_failed_write_leaves_it_usable(cache, monkeypatch):
    with transaction.atomic():
        cache.set("before", 1, 60)
        monkeypatch.setattr(cache, "_table", "no_such_table")
        assert cache.add("lost", 1, 60) is False  # the error is contained in a savepoint
        monkeypatch.undo()
        cache.set("after", 2, 60)
    assert cache.get("before") == 1 and cache.get("after") == 2


def test_touch_takes_djangos_path(cache):
    cache.set("page", "html", 60)
    assert cache.touch("page", 600) is True
    assert cache.touch("absent", 600) is False
