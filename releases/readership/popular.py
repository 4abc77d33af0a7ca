"""The public "most read this week" block: five public releases, cached with the page-cache generation."""

import datetime

from django.db.models import Sum
from django.conf import settings
from django.utils import timezone

from .. import caching
from ..models import Release
from .models import ReleaseViewDay

COUNT = 5
DAYS = 7


def _query(language, today):
    rows = (
        ReleaseViewDay.objects.filter(
            date__gte=today - datetime.timedelta(days=DAYS - 1),
            release__in=Release.objects.published().filter(language=language).values("pk"),
        )
        .values("release", "release__title", "release__slug", "release__language")
        .annotate(views=Sum("views"))
        .order_by("-views", "-release")[:COUNT]
    )
    return [{"pk": r["release"], "title": r["release__title"], "slug": r["release__slug"], "language": r["release__language"]} for r in rows]


def most_read_this_week(language):
    """The most-read public releases of the last seven days in `language`, as unsaved Releases (enough for a link).

    One query when not cached. Cached beside the pages, under the generation token, so an edit or
    unpublishing drops it like every cached page; and for the page cache's lifetime, so new views
    show within minutes. Only counted views are in the daily rows, so one reader's burst of
    reloads adds one view at most, the same as to view_count.
    """
    today = timezone.localdate()
    token = caching.guarded_token() if settings.NEWSROOM_PAGE_CACHE else None
    if token is None:  # the page cache off, or its cache unreachable
        rows = _query(language, today)
    else:
        key = f"readership:most-read:{token}:{language}:{today.isoformat()}"
        rows = caching.lookup(key)
        if rows is None:
            rows = _query(language, today)
            caching.store(key, rows)
    return [Release(**row) for row in rows]
