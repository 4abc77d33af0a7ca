"""Release view counter: which requests count, the atomic UPDATE, and the buffered mode's cache."""

import datetime
import ipaddress
import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models import BigIntegerField, Case, F, Value, When
from django.utils import timezone
from django.utils.crypto import salted_hmac

from . import outages
from .clients import client_address
from .agents import BOT_USER_AGENT_PATTERNS, is_bot  # noqa: F401 - the counter's rule, kept importable here
from .models import Release
from .readership import recording

logger = logging.getLogger(__name__)

_KEY_PREFIX = "views"


def is_prefetch(request):
    """A speculative fetch the reader may never look at (Chrome, Firefox, Safari hints)."""
    hints = ",".join(request.headers.get(name, "") for name in ("Sec-Purpose", "Purpose", "X-Purpose", "X-Moz"))
    tokens = {token.strip().lower() for part in hints.split(",") for token in part.split(";")}
    return bool(tokens & {"prefetch", "prerender", "preview"})


def should_count(request, release):
    """Whether this request is a reader's view of a public release (before de-duplication)."""
    if request.method != "GET":
        return False
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_staff", False):
        return False
    if not release.is_published():
        return False
    if is_prefetch(request):
        return False
    return not is_bot(request.headers.get("User-Agent"))


def _normalised_ip(ip):
    # One IPv6 /64 is one household or phone whose privacy addresses rotate; an IPv4-mapped
    # IPv6 address is the IPv4 reader.
    try:
        address = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return ip
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def _today():
    return timezone.localdate()  # Asia/Bangkok: the salt turns over at Thai midnight


def daily_salt(day=None):
    """A random salt for `day`, shared through the cache by every worker, gone after that day.

    Once it expires no one, not even with SECRET_KEY and a copy of the cache, can link a
    visitor's hash back to an address and browser.
    """
    global _remembered_salt
    day = day or _today()
    if _remembered_salt[0] == day:
        return _remembered_salt[1]
    key = f"{_KEY_PREFIX}:salt:{day.isoformat()}"
    salt = cache.get(key)
    if salt is None:
        tomorrow = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
        seconds_left = (timezone.make_aware(tomorrow) - timezone.now()).total_seconds()
        fresh = secrets.token_hex(16)
        # add(): the first worker's salt wins, the others read it back.
        cache.add(key, fresh, timeout=max(60, int(seconds_left) + 60))
        salt = cache.get(key)
        if salt is None:
            return fresh  # the cache lost it at once: not remembered, the next reader asks again
    _remembered_salt = (day, salt)
    return salt


# The day's salt once read, so a counted view does not ask the cache for it every time; only
# today's, so an earlier one is forgotten in the worker too when its day is over.
_remembered_salt = (None, None)


def visitor_key(request, release):
    """Cache key naming (reader, release, day) without anything that identifies the reader."""
    day = _today()
    ip = _normalised_ip(client_address(request))
    user_agent = request.headers.get("User-Agent", "")
    message = "\x1f".join([daily_salt(day), str(release.pk), ip, user_agent])
    digest = salted_hmac("releases.counters.visitor", message, algorithm="sha256").hexdigest()[:32]
    return f"{_KEY_PREFIX}:seen:{release.pk}:{digest}"


def pending_key(pk):
    return f"{_KEY_PREFIX}:pending:{pk}"


def buffered():
    return settings.VIEW_COUNT_MODE == "buffered"


def record_view(request, release):
    """Count one reader's view of `release`'s public detail page; True if it counted.

    Call it for every request the detail page answers, INCLUDING when the response comes
    from a page cache: counting is independent of rendering, so a cached page still counts.
    It never raises for a cache or database outage: the view is then not counted, and the outage
    logged once (releases/outages.py), not once per lost view.

    Not counted: other methods than GET (HEAD too), staff (editors, the admin's preview),
    releases that are not public, crawlers and link-preview fetchers, prefetch/prerender, and
    the same reader again within VIEW_COUNT_WINDOW_SECONDS. The reader is recognised by a
    keyed hash of address, User-Agent and a daily salt, kept in the shared cache with add()
    so two workers cannot both count one view; no cookie is set and nothing personal stored.

    Direct mode writes one `UPDATE ... SET view_count = view_count + 1` (never a save() of the
    row) and, in its transaction, the daily row (readership/recording.py); buffered mode adds one to the release's pending counter in the cache, written later
    by `manage.py flush_view_counts`.
    """
    if not should_count(request, release):
        return False
    if not outages.cache.available():
        return False  # the cache is down: the view is lost (docs/deploy.md, "Failure modes")
    try:
        new_reader = cache.add(visitor_key(request, release), 1, timeout=settings.VIEW_COUNT_WINDOW_SECONDS)
        channel = recording.channel_of(request)
        if new_reader and buffered():
            recording.add_pending(release.pk, channel)  # daily views first: see its docstring
            _add_pending(release.pk)
    except Exception as error:  # the cache client's own errors (redis.ConnectionError, ...)
        outages.cache.failed(error)  # logged once per outage, not per lost view
        return False
    outages.cache.succeeded()
    if not new_reader or buffered():
        return new_reader
    counted = _increment(release.pk, channel)
    if counted:
        # The page being rendered shows the view it is counting; save() never writes view_count.
        release.view_count += 1
    return counted


def _increment(pk, channel):
    # published() again in the UPDATE: a release unpublished since it was loaded gains nothing.
    update = Release.objects.published().filter(pk=pk)
    try:
        # One transaction (a savepoint inside the caller's, so a failure cannot break it) with
        # the release's daily row.
        counted = recording.count_direct(update, pk, channel)
    except DatabaseError as error:
        # E.g. SQLite's busy timeout behind a long import, or the database gone: a lost view,
        # not a failed page, logged once per outage rather than with a traceback per view.
        outages.database.failed(error)
        return False
    outages.database.succeeded()
    return counted


def _add_pending(pk, delta=1):
    key = pending_key(pk)
    try:
        cache.incr(key, delta)
    except ValueError:
        # add() so that two workers meeting a missing key do not both reset it; no timeout,
        # pending views must stay until flushed.
        cache.add(key, 0, timeout=None)
        cache.incr(key, delta)


def displayed_views(release):
    """The count to show: stored, plus in buffered mode the views still waiting in the cache."""
    if not buffered() or not outages.cache.available():
        return release.view_count
    try:
        return release.view_count + (cache.get(pending_key(release.pk)) or 0)
    except Exception as error:
        outages.cache.failed(error)
        return release.view_count


def annotate_displayed_views(releases):
    """Set `views_shown` on each release (stored + pending) with at most one cache call."""
    releases = list(releases)
    pending = {}
    if buffered() and releases and outages.cache.available():
        try:
            pending = cache.get_many([pending_key(release.pk) for release in releases])
        except Exception as error:
            outages.cache.failed(error)
    for release in releases:
        release.views_shown = release.view_count + (pending.get(pending_key(release.pk)) or 0)
    return releases


class FlushInProgress(Exception):
    """Another flush holds the lock; this one wrote nothing."""


def flush_pending(chunk_size=500, dry_run=False):
    """Move buffered views from the cache to the database; returns (views, releases).

    Invariant: stored + pending is the true count at every moment but one: between claiming a
    release's pending views (decr by the amount read, so views arriving meanwhile stay
    pending) and the commit that adds them; the claims are given back if the write fails.
    A lock in the cache keeps two flushes from claiming the same views.
    """
    lock = f"{_KEY_PREFIX}:flush-lock"
    if not dry_run and not cache.add(lock, 1, timeout=600):
        raise FlushInProgress
    try:
        found = _pending_counts(chunk_size)
        if dry_run or not found:
            return sum(found.values()), len(found)
        for pk, value in found.items():
            try:
                cache.decr(pending_key(pk), value)
            except ValueError:
                pass  # evicted since we read it: the views we read are ours alone to write
        days = recording.claim_pending(list(found))  # after the totals: see recording.add_pending
        try:
            _write_views(found, chunk_size, days)
        except Exception:
            for pk, value in found.items():
                _add_pending(pk, value)
            recording.give_back(days)
            raise
        return sum(found.values()), len(found)
    finally:
        if not dry_run:
            cache.delete(lock)


def _pending_counts(chunk_size):
    # Every release id, not a registry of dirty ones: nothing extra to keep consistent on the
    # hot path, and a release unpublished since its views were buffered still gets them.
    ids = list(Release.objects.order_by().values_list("pk", flat=True))
    found = {}
    for start in range(0, len(ids), chunk_size):
        keys = {pending_key(pk): pk for pk in ids[start : start + chunk_size]}
        for key, value in cache.get_many(list(keys)).items():
            if value:
                found[keys[key]] = value
    return found


def _write_views(counts, chunk_size, days=()):
    """Add counts[pk] to each release's view_count, and `days` to the daily rows: one transaction,
    one UPDATE and one upsert per chunk."""
    items = sorted(counts.items())
    with transaction.atomic():
        recording.write_claimed(list(days), chunk_size)
        for start in range(0, len(items), chunk_size):
            chunk = dict(items[start : start + chunk_size])
            delta = Case(
                *[When(pk=pk, then=Value(value)) for pk, value in chunk.items()],
                default=Value(0),
                output_field=BigIntegerField(),
            )
            Release.objects.filter(pk__in=list(chunk)).update(view_count=F("view_count") + delta)
