"""Stored release pages: each release page rendered once per change and kept in the database, so a reader of the long tail costs a lookup, not a render.

The page cache (releases/caching.py) keeps whole pages for minutes and drops them all at every
edit; most readers of an archive arrive at a page nobody read in those minutes. A stored page
is kept until something on it changes (invalidation.py says what does), a scheduled release
that could appear on it falls due, or a deployment changes how pages render (store.py). What
changes on every request, the view count and the week's most read, is filled into slots
(slots.py). Only anonymous GETs without a query string read or fill it; the rule of what is
public is still the release row's, read fresh on every request by the view.

Others call: `PageAddress` (the view), `register` (the app's ready()), `forget_all`.
"""

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

from .. import caching, thai
from . import slots, store
from .invalidation import forget_all, register

HEADER = "X-Stored-Page"

__all__ = ["HEADER", "PageAddress", "forget_all", "register", "slots"]


class PageAddress:
    """One request's address of a release page: where its stored copy is looked up and kept.

    Make it before reading the release's rows: the generation it notes then is what keep()
    compares with, so a page rendered from rows a concurrent edit has since changed is not kept.
    """

    def __init__(self, request, release_pk):
        self.request, self.release_pk = request, release_pk
        self.usable = settings.NEWSROOM_STORED_PAGES and not request.META.get("QUERY_STRING") and caching.anonymous_read(request)
        self.language = thai.page_language()
        self.now = timezone.now()
        if self.usable:
            self.address = f"{request.scheme}://{caching.canonical_host(request)}{request.path}"
            self.token = caching.guarded_token()

    def lookup(self):
        """(the release, as an unsaved Release with what serving needs, and its stored page's HTML)
        when a stored page may be served: the release public, its page stored and still valid.
        Else None: the view reads the full row and renders (a withdrawn release, a wrong slug…)."""
        if not self.usable:
            return None
        from ..models import Release

        found = store.stored_page(self.release_pk, self.address, self.language, self.now)
        if found is None or found[1] is None:
            return None
        return Release(**found[0]), found[1]

    def response(self, release, html):
        """The stored page with its slots filled (after the view counted the reader's view)."""
        response = HttpResponse(slots.fill(html, release, self.language))
        response[HEADER] = "hit"
        return response

    def keep(self, release, response):
        """A post-render callback: store the rendered page (slots still unfilled) if it may be."""
        if not self.usable or not caching.cacheable_response(self.request, response):
            return
        older, newer = (getattr(release, side, None) for side in ("older", "newer"))
        kept = store.store(release, self.address, self.language, response.content.decode(), older, newer, self.token, self.now)
        response[HEADER] = "stored" if kept else "miss"
