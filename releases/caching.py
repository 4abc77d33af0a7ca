"""Whole-page cache for the public pages, invalidated by content changes, scheduled releases falling due and features ending.

Keys carry a generation token. Saving or deleting a release, official, position, photo or
category starts a new generation (signals below), and so does the moment the next scheduled
release becomes public or a featured one stops being featured: the generation's state remembers that moment (one query when the
generation starts) and each request compares it with the clock, so no job is needed.
Staff (a valid staff session) never get a cached page and never fill the cache. A page's key is
made of what the view reads: the canonical host, the path, the language and the query parameters
the view declares (others are dropped before the view runs). The cache is an accelerator: when it
is unreachable pages render from the database, logged once per outage (releases/outages.py).
"""

import bisect
import contextlib
import contextvars
import functools
import hashlib
import os
import pickle
import secrets
import threading
import zlib

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import DatabaseError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import Http404, QueryDict
from django.http.request import split_domain_port
from django.utils import timezone, translation

from . import outages
from .models import Category, Official, Position, Release, ReleaseImage, ReleaseRevision

STATE_KEY = "pages:state"
# Due times remembered per generation; after that many have passed, one more query.
DUE_AHEAD = 50
HIT_HEADER = "X-Page-Cache"
# Stored in place of a page whose view raised Http404 (an out-of-range page, say).
NOT_FOUND = b"404"


# --- generations ---------------------------------------------------------------------

def page_cache():
    """Pages and the generation state: the "pages" cache when configured (without Redis: a cache
    of their own, so the view counter's many small "seen" keys cannot evict them), else the default."""
    return caches["pages"] if "pages" in settings.CACHES else caches["default"]


def _process_local():
    # A local-memory cache is one per worker process: a change seen by one worker must still
    # reach the others, so the generation also lives in a file they all read.
    return isinstance(page_cache(), LocMemCache)


def _generation_file():
    return settings.NEWSROOM_PAGE_CACHE_FILE


def _file_generation():
    try:
        with open(_generation_file(), encoding="ascii") as handle:
            return handle.read(64)
    except OSError:
        return ""


def _state_key():
    return f"{STATE_KEY}:{_file_generation()}" if _process_local() else STATE_KEY


def _new_state():
    # The next few due times (releases falling due, features ending, scheduled changes going live),
    # so most pass without another query.
    due = Release.objects.due_times(limit=DUE_AHEAD)
    return {"token": secrets.token_hex(8), "due": [when.timestamp() for when in due]}


# The token of the request being served (cache_public_page sets the scope): a page asks for it
# once per fragment (items, panel, count, most read, related), and on the database cache each
# asking was a query.
_request_token = contextvars.ContextVar("newsroom_request_token", default=None)


def current_token(now=None):
    """The generation token for page keys: changes with each edit and each time a release falls due."""
    remembered = _request_token.get() if now is None else None
    if remembered:
        return remembered["token"]
    token = _current_token(now)
    if remembered is not None:
        remembered["token"] = token
    return token


def _current_token(now=None):
    return _current_state(now)[0]


def _current_state(now=None):
    """(the generation token, whether a due time is still to come in this generation)."""
    key = _state_key()
    state = page_cache().get(key)
    if state is None:
        state = _new_state()
        page_cache().set(key, state, None)
    now = (now or timezone.now()).timestamp()
    passed = bisect.bisect_right(state["due"], now)
    if passed == len(state["due"]) == DUE_AHEAD:
        state = _new_state()
        page_cache().set(key, state, None)
        passed = bisect.bisect_right(state["due"], now)
    return f"{state['token']}.{passed}", passed < len(state["due"])


def bump():
    """Start a new generation: every cached page is out of date. Cheap; safe anywhere
    (bulk imports and other signal-less writes should call it when done)."""
    remembered = _request_token.get()
    if remembered:
        remembered.clear()
    page_cache().delete(STATE_KEY)
    if _process_local():
        path = _generation_file()
        tmp = f"{path}.{os.getpid()}.tmp"
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(tmp, "w", encoding="ascii") as handle:
                handle.write(secrets.token_hex(8))
            os.replace(tmp, path)
        except OSError:
            page_cache().clear()  # cannot tell the other workers: at least this one starts afresh
        page_cache().delete(_state_key())


def bump_and_prepare():
    """bump(), then look up the due times now, so the next reader does not pay that query."""
    bump()
    page_cache().set(_state_key(), _new_state(), None)


# Bulk writers (the archive import) bump once at the end instead of twice per saved row.
_deferred = threading.local()
# Called with no arguments when a deferred block that changed content ends: what keeps rendered
# content by other rules than the generation (releases/stored_pages/) drops it then.
after_bulk_change = []


def deferring():
    """Inside deferred(): note a content change for the block's end and return True (the caller
    leaves it to after_bulk_change); outside, False (handle it now)."""
    if getattr(_deferred, "changed", None) is None:
        return False
    _deferred.changed = True
    return True


@contextlib.contextmanager
def deferred():
    """Within the block, content changes made in this thread do not start a new generation;
    one bump at the end (also after an error) does, if anything changed."""
    outer = getattr(_deferred, "changed", None)
    _deferred.changed = False
    try:
        yield
    finally:
        changed, _deferred.changed = _deferred.changed, outer
        if changed:
            _content_changed()
            if outer is None:
                for listener in after_bulk_change:
                    listener()


def _content_changed(**kwargs):
    if getattr(_deferred, "changed", None) is not None:
        _deferred.changed = True
        return
    # Now (cheap), and once more when the transaction commits: a page rendered from the old
    # rows in between would otherwise be cached in the new generation.
    _guarded(bump)
    transaction.on_commit(functools.partial(_guarded, bump_and_prepare))


# Outages of the cache this process has recovered from (see _guarded).
_recovered = 0


def _guarded(operation, *args):
    """operation(*args), or None while the cache is unreachable: an edit or a page must not fail
    because an accelerator did. After an outage a new generation starts first: changes made while
    the cache was unreachable could not invalidate the pages it still holds."""
    global _recovered
    if not outages.cache.available():
        return None
    try:
        if outages.cache.episodes != _recovered:
            bump()
            outages.cache.succeeded()  # ignored if the bump only reached a fallback
            if not outages.cache.down:
                _recovered = outages.cache.episodes
        result = operation(*args)
    except Exception as error:  # any backend's own errors (e.g. a plain RedisCache's)
        outages.cache.failed(error)
        return None
    outages.cache.succeeded()  # ignored if the operation only reached a fallback
    return result


def register():
    """Connect the invalidation signals (called once from ReleasesConfig.ready())."""
    # A revision changes no page, but its go-live time is in the generation state (scheduled changes).
    for model in (Release, Official, Position, ReleaseImage, Category, ReleaseRevision):
        post_save.connect(_content_changed, sender=model, dispatch_uid=f"page_cache_save_{model.__name__}")
        post_delete.connect(_content_changed, sender=model, dispatch_uid=f"page_cache_delete_{model.__name__}")
    m2m_changed.connect(_content_changed, sender=Release.officials.through, dispatch_uid="page_cache_officials")
    # A release's countries and topics are on its page and decide its related releases (releases/fragments.py).
    m2m_changed.connect(_content_changed, sender=Release.countries.through, dispatch_uid="page_cache_countries")
    m2m_changed.connect(_content_changed, sender=Release.topics.through, dispatch_uid="page_cache_topics")


def guarded_token():
    """current_token(), or None while the cache is unreachable (then nothing is cached)."""
    return _guarded(current_token)


def guarded_state():
    """(token, whether anything is still due: a scheduled release, a feature's end, a scheduled
    edit), read afresh; None while the cache is unreachable."""
    return _guarded(_current_state)


def lookup(key):
    """The entry cached under `key`, or None (also while the cache is unreachable)."""
    return _guarded(page_cache().get, key)


def lookup_many(keys):
    """{key: entry} of those of `keys` cached ({} while the cache is unreachable): one round trip."""
    return _guarded(page_cache().get_many, keys) or {}


def store_many(entries, seconds=None):
    """Cache each of {key: entry} for the page lifetime; dropped while the cache is unreachable."""
    _guarded(page_cache().set_many, entries, seconds or settings.NEWSROOM_PAGE_CACHE_SECONDS)


def forget(key):
    """Delete `key` from the page cache; skipped while the cache is unreachable."""
    _guarded(page_cache().delete, key)


def store(key, entry, seconds=None):
    """Cache `entry` under `key` for the page lifetime; dropped while the cache is unreachable."""
    _guarded(page_cache().set, key, entry, seconds or settings.NEWSROOM_PAGE_CACHE_SECONDS)


# --- the view wrapper ------------------------------------------------------------------

def cacheable_request(request):
    """Anonymous reads only: staff signed in, a pending message or credentials mean no cache."""
    return settings.NEWSROOM_PAGE_CACHE and anonymous_read(request)


def anonymous_read(request):
    """A GET or HEAD of the public: no staff signed in, no pending message, no credentials."""
    return (
        request.method in ("GET", "HEAD")
        and "messages" not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and not _staff(request)
    )


def _staff(request):
    # Only a session that really belongs to staff: a made-up session cookie must not bypass the
    # cache (one session lookup, only for requests that carry the cookie).
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    try:
        return request.user.is_staff
    except DatabaseError:
        return False  # the database is down: whatever the cache holds is the best answer


def cacheable_response(request, response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        # A page that used a CSRF token carries one visitor's token in its HTML.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.has_header("Set-Cookie")
    )


def canonical_host(request):
    """The validated host in one spelling: lower case, no trailing dot, and a port only when it
    is the one this server answers on and not the scheme's default; a host matched only by a
    wildcard in ALLOWED_HOSTS becomes the first host named there."""
    domain, port = split_domain_port(request.get_host())  # raises DisallowedHost (a 400) first
    named = [host for host in settings.ALLOWED_HOSTS if host != "*" and not host.startswith(".")]
    if domain not in named and named:
        domain = split_domain_port(named[0])[0] or domain
    default = "443" if request.is_secure() else "80"
    if port and port != default and port == str(request.META.get("SERVER_PORT", "")):
        return f"{domain}:{port}"
    return domain


def query_parameters(view):
    """The query parameters a class-based view reads: its filters' and its page number."""
    view_class = getattr(view, "view_class", None)
    names = list(getattr(getattr(view_class, "filterset_class", None), "base_filters", ()))
    if getattr(view_class, "paginate_by", None):
        names.append(view_class.page_kwarg)
    return tuple(names)


def _keep_only(request, names):
    """Drop every query parameter the view does not read (and repeats of one it does), before
    it runs: the page then depends on nothing the key leaves out, links included."""
    kept = QueryDict(mutable=True)
    for name in names:
        if name in request.GET:
            kept[name] = request.GET[name]  # the last value, the one QueryDict.get() gives a view
    query = kept.urlencode()
    if query != request.META.get("QUERY_STRING", ""):
        request.GET = QueryDict(query, encoding=request.encoding)
        request.META["QUERY_STRING"] = query


def page_key(request, token):
    url = f"{request.scheme}://{canonical_host(request)}{request.get_full_path()}"
    digest = hashlib.sha256(url.encode()).hexdigest()[:32]
    return f"pages:{token}:{translation.get_language()}:{digest}"


def cache_public_page(view, count_views=False, query=None):
    """Serve `view`'s anonymous GETs from the cache. count_views: a release detail page,
    whose cached copy must still count the view (counters.record_view) on every hit.
    query: the query parameters the view reads (by default found from a class-based view's
    filters and pagination; a function view reads none unless told)."""
    names = query_parameters(view) if query is None else tuple(query)

    def cached_view(request, *args, **kwargs):
        scope = _request_token.set({})
        try:
            return serve(request, *args, **kwargs)
        finally:
            _request_token.reset(scope)

    def serve(request, *args, **kwargs):
        if request.method in ("GET", "HEAD"):
            _keep_only(request, names)
        # A release page is kept rendered until it changes (releases/stored_pages/), across
        # generations and workers: copying it here too cost more than it saved (every page of a
        # long-tail rotation written to this cache, to be dropped at the next edit).
        stored = count_views and settings.NEWSROOM_STORED_PAGES
        if stored or not cacheable_request(request):
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()  # here, so its fragments share the request's token
            return response
        request.META["HTTP_HOST"] = canonical_host(request)  # absolute links as the key says
        token = guarded_token()
        key = page_key(request, token) if token else None
        entry = lookup(key) if key else None
        if entry == NOT_FOUND:
            raise Http404
        if entry is not None:
            return _hit(request, entry, count_views)
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            if key:
                store(key, NOT_FOUND, settings.NEWSROOM_PAGE_CACHE_NOT_FOUND_SECONDS)
            raise
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if key and cacheable_response(request, response):
            counted_release = _counted_release(response) if count_views else None
            # Compressed: a page is ~20-40 KB of HTML and ~4-8 KB compressed, so a worker's
            # local-memory cache (or Redis) holds five times the pages in the same memory.
            entry = zlib.compress(pickle.dumps((response, counted_release)), 1)
            store(key, entry)
        response[HIT_HEADER] = "miss"
        return response

    functools.update_wrapper(cached_view, view, updated=())
    if hasattr(view, "view_class"):
        cached_view.view_class = view.view_class  # what reverse() and resolve() report
    return cached_view


def _hit(request, entry, count_views):
    response, counted_release = pickle.loads(zlib.decompress(entry))
    if count_views and counted_release:
        from . import counters

        pk, publish_at = counted_release
        counters.record_view(request, Release(pk=pk, status=Release.Status.PUBLISHED, publish_at=publish_at))
    response[HIT_HEADER] = "hit"
    return response


def _counted_release(response):
    """(pk, publish_at) of the release a detail page showed, kept to count views on hits."""
    release = (getattr(response, "context_data", None) or {}).get("release")
    if release is None or not release.is_published():
        return None
    return release.pk, release.publish_at
