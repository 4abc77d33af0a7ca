"""Cursor pagination for the API: newest first like the site (by keyset), or by relevance for a search."""

import datetime

from django.conf import settings
from django.db.models import Q
from rest_framework.exceptions import NotFound
from rest_framework.pagination import Cursor, CursorPagination

from releases import search
from releases.models import NEWEST_FIRST

OLDEST_FIRST = tuple(column.lstrip("-") for column in NEWEST_FIRST)


class ReleaseCursorPagination(CursorPagination):
    """Opaque `cursor` links; no count query; stable while releases are published meanwhile.

    The list is walked by its whole sort key (release date, publish time, id): a cursor names
    the release it continues after (or before, for `previous`), so many releases sharing a date
    page correctly and each page is one index range. DRF's own cursor keys on the first column
    only and miscounts going back across a date with more releases than a page.

    A search's order is by relevance (tier and rank, releases/search.py), which no key can
    resume after; its results are a bounded set of candidates, so its cursor is an offset.
    """

    ordering = NEWEST_FIRST
    page_size = settings.NEWSROOM_API_PAGE_SIZE
    max_offset = 2 * search.RANK_CANDIDATES + 2

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.base_url = request.build_absolute_uri()
        self.cursor = self.decode_cursor(request)
        ranked = "search_tier" in queryset.query.annotations
        if self.cursor and (self.cursor.position is None) != ranked:
            # A search's cursor on the plain list, or the other way round (or a forged one).
            raise NotFound(self.invalid_cursor_message)
        return self._offset_page(queryset) if ranked else self._keyset_page(queryset)

    def _offset_page(self, queryset):
        offset = self.cursor.offset if self.cursor else 0
        rows = list(queryset[offset : offset + self.page_size + 1])
        self.page = rows[: self.page_size]
        self.next_cursor = Cursor(offset + self.page_size, False, None) if len(rows) > self.page_size else None
        self.previous_cursor = Cursor(max(offset - self.page_size, 0), False, None) if offset else None
        return self.page

    def _keyset_page(self, queryset):
        backwards = bool(self.cursor and self.cursor.reverse)
        if self.cursor:
            queryset = queryset.filter(_beyond(self.cursor.position, newer=backwards))
        rows = list(queryset.order_by(*(OLDEST_FIRST if backwards else NEWEST_FIRST))[: self.page_size + 1])
        more = len(rows) > self.page_size
        self.page = rows[: self.page_size]
        if backwards:
            self.page.reverse()
        first, last = (_key(self.page[0]), _key(self.page[-1])) if self.page else (None, None)
        # Forwards: there is a previous page if we came from one. Backwards: a next one, likewise.
        self.next_cursor = Cursor(0, False, last) if last and (more or backwards) else None
        self.previous_cursor = Cursor(0, True, first) if first and (self.cursor and (more or not backwards)) else None
        return self.page

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        if cursor is None:
            return None
        if cursor.offset > self.max_offset or (cursor.position is not None and cursor.offset):
            raise NotFound(self.invalid_cursor_message)
        if cursor.position is not None:
            _parse_key(cursor.position, self.invalid_cursor_message)
        return cursor

    def get_next_link(self):
        return self.encode_cursor(self.next_cursor) if self.next_cursor else None

    def get_previous_link(self):
        return self.encode_cursor(self.previous_cursor) if self.previous_cursor else None


def _key(release):
    return f"{release.release_date.isoformat()}|{release.publish_at.isoformat()}|{release.pk}"


def _parse_key(position, message):
    try:
        day, moment, pk = position.split("|")
        when = datetime.datetime.fromisoformat(moment)
        if when.tzinfo is None:
            raise ValueError(moment)
        return datetime.date.fromisoformat(day), when, int(pk)
    except (TypeError, ValueError, OverflowError):
        raise NotFound(message) from None


def _beyond(position, newer):
    """Releases after the keyed one in list order (older), or before it (newer)."""
    day, when, pk = _parse_key(position, "")
    lt = "gt" if newer else "lt"
    return Q(**{f"release_date__{lt}e": day}) & (
        Q(**{f"release_date__{lt}": day})
        | Q(release_date=day, **{f"publish_at__{lt}": when})
        | Q(release_date=day, publish_at=when, **{f"pk__{lt}": pk})
    )


class SlugCursorPagination(CursorPagination):
    """Officials by slug: unique, so DRF's own cursor is exact."""

    ordering = ("slug",)
    page_size = 50
