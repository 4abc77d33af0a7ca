"""The public "most read this week" block: five public releases, a fragment per content generation (fragments.py)."""

import datetime

from django.db.models import Sum
from django.utils import timezone

from .. import fragments
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

    One query when not cached. Cached as a fragment (releases/fragments.py), with the page cache
    on or off: it was the costliest query of an uncached page. An edit or unpublishing drops it
    with the generation; new views show within the page lifetime (minutes). Only counted views are in the daily rows, so one reader's burst of
    reloads adds one view at most, the same as to view_count.
    """
    today = timezone.localdate()
    rows = fragments.cached("most-read", (language, today.isoformat()), lambda: _query(language, today))
    return [Release(**row) for row in rows]
