"""Site-wide sums of closed days, so a year's reports read a few thousand small rows instead of every daily row."""

import datetime

from django.db.models import Sum

from .models import ReadershipRollup, ReleaseViewDay

Kind = ReadershipRollup.Kind
# What each kind groups the daily rows by ("" for the day's total: grouped by date alone).
GROUPS = {Kind.TOTAL: None, Kind.CHANNEL: "channel", Kind.CATEGORY: "release__category", Kind.OFFICIAL: "release__officials"}
# Yesterday stays live, not summed: buffered views of its last minutes reach the table after midnight.
OPEN_DAYS = 2


def last_closed(today):
    """The last day whose rows no longer change in normal running (before yesterday)."""
    return today - datetime.timedelta(days=OPEN_DAYS)


def split(start, end, today):
    """(closed part, live part) of [start, end] as (start, end) pairs or None: sums for the first, rows for the second."""
    boundary = last_closed(today)
    closed = (start, min(end, boundary)) if start <= boundary else None
    live = (max(start, boundary + datetime.timedelta(days=1)), end) if end > boundary else None
    return closed, live


def ensure(start, end):
    """Sum every day of [start, end] not summed yet: one query when all are, five more to build the rest
    (four grouped reads, one insert: bulk_create writes its batches in one transaction).

    Days are independent, so a day dropped by `forget` is built again alone. Two reports building
    the same day at once cannot double it: rows are unique per (kind, date, key), the later ignored.
    """
    done = set(ReadershipRollup.objects.filter(kind=Kind.TOTAL, date__range=(start, end)).values_list("date", flat=True))
    missing = {start + datetime.timedelta(days=n) for n in range((end - start).days + 1)} - done
    if missing:
        _build(min(missing), max(missing), missing)


def _build(first, last, days):
    rows = ReleaseViewDay.objects.filter(date__range=(first, last)).order_by()
    found = []
    for kind, field in GROUPS.items():
        if kind == Kind.TOTAL:
            totals = dict(rows.values_list("date").annotate(views=Sum("views")))
            found += [ReadershipRollup(date=day, kind=kind, views=totals.get(day, 0)) for day in days]  # zero days too: "summed"
            continue
        grouped = rows.filter(**{f"{field}__isnull": False}).values_list("date", field).annotate(views=Sum("views"))
        found += [ReadershipRollup(date=day, kind=kind, key=str(key), views=views) for day, key, views in grouped if day in days]
    ReadershipRollup.objects.bulk_create(found, batch_size=2000, ignore_conflicts=True)


def totals(kind, start, end):
    """{key: views} of one kind over closed days [start, end] (call `ensure` first): one query."""
    found = ReadershipRollup.objects.filter(kind=kind, date__range=(start, end)).order_by().values_list("key")
    return dict(found.annotate(views=Sum("views")))


def by_day(start, end):
    """{date: views} of closed days [start, end] (call `ensure` first): one query."""
    return dict(ReadershipRollup.objects.filter(kind=Kind.TOTAL, date__range=(start, end)).values_list("date", "views"))


def forget(days=None, before=None):
    """Drop every sum of `days` (dates, or a queryset of them), or of every day before `before`,
    or all: their rows changed after the days closed. A day is summed whole or not at all (its
    total marks it done), and built again by the next report that needs it."""
    found = ReadershipRollup.objects.all()
    if days is not None:
        found = found.filter(date__in=days)
    if before is not None:
        found = found.filter(date__lt=before)
    found.delete()


def forget_release(release_ids):
    """A release's category or officials changed, or it is being deleted: drop the closed days it was read on."""
    forget(days=ReleaseViewDay.objects.filter(release__in=release_ids).order_by().values("date").distinct())
