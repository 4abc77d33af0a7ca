"""Writing daily views: the upsert of direct mode and the per-day, per-channel keys of buffered mode."""

import datetime

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.db.models.sql import UpdateQuery
from django.utils import timezone

from ..agents import arrival_channel
from . import rollups
from .models import Channel, ReleaseViewDay

_PENDING_PREFIX = "views:pending-day"
# Buffered views waiting longer than this for `flush_view_counts` keep their view_count but lose
# their day: the flush looks back this many days (it is meant to run every minute).
PENDING_LOOKBACK_DAYS = 7


def today():
    """The day a view counts on: Asia/Bangkok (TIME_ZONE), like the counter's daily salt."""
    return timezone.localdate()


def channel_of(request):
    """The channel of a counted view, from its User-Agent and Referer (agents.arrival_channel)."""
    try:
        own_host = request.get_host()
    except Exception:  # noqa: BLE001 - DisallowedHost cannot reach a view; never break counting
        own_host = ""
    return arrival_channel(request.headers.get("User-Agent", ""), request.headers.get("Referer", ""), own_host)


def upsert_days(rows):
    """Add views to daily rows: rows are (release id, date, channel, views), unique by their first three.

    One `INSERT ... ON CONFLICT ... DO UPDATE SET views = views + excluded.views` (the same SQL
    on SQLite and PostgreSQL): adds to the stored value, so two writers both land, which
    `bulk_create(update_conflicts=True)` would not (it overwrites).
    """
    if not rows:
        return
    table = connection.ops.quote_name(ReleaseViewDay._meta.db_table)
    adapt = connection.ops.adapt_datefield_value
    values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
    params = [param for pk, day, channel, views in rows for param in (pk, adapt(day), channel, views)]
    sql = (
        f"INSERT INTO {table} (release_id, date, channel, views) VALUES {values} "
        f"ON CONFLICT (release_id, date, channel) DO UPDATE SET views = {table}.views + excluded.views"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def count_direct(update, pk, channel):
    """Direct mode: `update` (the counter's published() queryset of one release) gains one view and,
    in the same transaction, so does its row for today and `channel`. True if it counted.

    On PostgreSQL one statement (`WITH counted AS (UPDATE ... RETURNING id) INSERT ... SELECT ...
    FROM counted ON CONFLICT ...`): atomic by itself, one round trip instead of four (begin, update,
    upsert, commit) on the detail page's hot path. SQLite cannot put an UPDATE in a WITH; its
    statements are calls in the same process, so a transaction of two costs little there.
    """
    if connection.vendor == "postgresql":
        if connection.in_atomic_block:  # a savepoint, so a failure cannot abort the caller's transaction
            with transaction.atomic():
                return _count_in_one_statement(update, pk, channel)
        return _count_in_one_statement(update, pk, channel)
    with transaction.atomic():
        if update.update(view_count=F("view_count") + 1) != 1:
            return False
        upsert_days([(pk, today(), channel, 1)])
    return True


def _count_in_one_statement(update, pk, channel):
    query = update.query.chain(UpdateQuery)
    query.add_update_values({"view_count": F("view_count") + 1})
    update_sql, update_params = query.get_compiler(update.db).as_sql()
    table = connection.ops.quote_name(ReleaseViewDay._meta.db_table)
    sql = (
        f"WITH counted AS ({update_sql} RETURNING id) "
        f"INSERT INTO {table} (release_id, date, channel, views) SELECT id, %s, %s, 1 FROM counted "
        f"ON CONFLICT (release_id, date, channel) DO UPDATE SET views = {table}.views + 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*update_params, connection.ops.adapt_datefield_value(today()), channel])
        return cursor.rowcount == 1


# --- buffered mode --------------------------------------------------------------------------


def pending_day_key(pk, day, channel):
    return f"{_PENDING_PREFIX}:{pk}:{day.isoformat()}:{channel}"


def add_pending(pk, channel, delta=1):
    """Buffered mode: one more view of `pk` today from `channel`, waiting in the cache.

    The counter calls this BEFORE adding to the release's pending total, so a flush that finds
    the total finds these keys too (a flush may see a day's view before its total: the total
    follows at the next flush, and nothing is left behind).
    """
    _incr(pending_day_key(pk, today(), channel), delta)


def _incr(key, delta):
    try:
        cache.incr(key, delta)
    except ValueError:
        cache.add(key, 0, timeout=None)  # add(): two workers meeting a missing key do not reset it
        cache.incr(key, delta)


def claim_pending(pks):
    """Take the buffered daily views of releases `pks`: [(pk, date, channel, views)], removed from the cache.

    Each key is decremented by what was read, so views arriving meanwhile stay pending.
    """
    if not pks:
        return []
    last = today()
    days = [last - datetime.timedelta(days=back) for back in range(PENDING_LOOKBACK_DAYS)]
    found = []
    pks = sorted(pks)
    for start in range(0, len(pks), 100):  # 4,200 keys a call
        chunk = pks[start : start + 100]
        keys = {pending_day_key(pk, day, ch): (pk, day, ch) for pk in chunk for day in days for ch in Channel.values}
        found += [(*keys[key], value) for key, value in cache.get_many(list(keys)).items() if value]
    for pk, day, channel, value in found:
        try:
            cache.decr(pending_day_key(pk, day, channel), value)
        except ValueError:
            pass  # evicted since we read it: the views we read are ours alone to write
    return sorted(found)


def give_back(rows):
    """Return claimed daily views to the cache after a failed write."""
    for pk, day, channel, value in rows:
        _incr(pending_day_key(pk, day, channel), value)


def write_claimed(rows, chunk_size=500):
    """Write claimed daily views: one upsert per chunk (call inside the flush's transaction).

    Views of a day already closed (a flush after a long pause) drop that day's sums, in the
    same transaction: the next report sums it again with them."""
    for start in range(0, len(rows), chunk_size):
        upsert_days(rows[start : start + chunk_size])
    late = {day for _pk, day, _channel, _views in rows if day <= rollups.last_closed(today())}
    if late:
        rollups.forget(days=sorted(late))
