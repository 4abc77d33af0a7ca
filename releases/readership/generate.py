"""Realistic daily views for generated releases: a burst after publication that decays, split by channel."""

import datetime
import math
import random

from django.db import transaction
from django.db.models import F, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import Release
from . import rollups
from .models import Channel, ReleaseViewDay

# Shares of channels for a Thai ministry's readers (LINE first), and how fast interest fades.
CHANNEL_SHARES = {Channel.LINE: 0.38, Channel.FACEBOOK: 0.22, Channel.SEARCH: 0.18, Channel.DIRECT: 0.14, Channel.OTHER: 0.05, Channel.X: 0.03}
HALF_LIFE_DAYS = 1.5
MAX_DAYS_AFTER = 90
# The long tail: an old release is still found by search now and then. Each day past its burst,
# this is the chance it is read (one to three views); on 100,000 releases ~1,000 rows a day,
# which is what makes the site-wide reports' tables large.
TAIL_DAILY_CHANCE = 0.01
TAIL_CHANNELS = {Channel.SEARCH: 0.7, Channel.DIRECT: 0.2, Channel.OTHER: 0.1}


def daily_views(days=365, end_date=None, seed=0, batch_size=20_000, progress=None):
    """Write daily rows for every public release: a burst for those published in the `days` days up
    to `end_date` (or just before), and a sparse tail of search readers for every older one; then
    add them to view_count so the invariant holds. Returns the number of rows written."""
    rng = random.Random(seed)
    end = end_date or timezone.localdate()
    start = end - datetime.timedelta(days=days - 1)
    channels, weights = list(CHANNEL_SHARES), list(CHANNEL_SHARES.values())
    releases = Release.objects.published().filter(release_date__lte=end)
    ids, written, rows = [], 0, []
    with transaction.atomic():
        for pk, published in releases.order_by("pk").values_list("pk", "release_date").iterator(chunk_size=5000):
            ids.append(pk)
            first_day = max(published, start)
            peak = rng.paretovariate(1.4) * 40  # most releases a few dozen readers, a few thousands
            for offset in range((first_day - published).days, min(MAX_DAYS_AFTER, (end - published).days) + 1):
                expected = peak * math.pow(0.5, offset / HALF_LIFE_DAYS)
                views = int(expected + rng.random())
                if views <= 0:
                    if expected < 0.05:
                        break
                    continue
                day = published + datetime.timedelta(days=offset)
                split = {}
                for channel in rng.choices(channels, weights, k=min(views, 12)):
                    split[channel] = split.get(channel, 0) + 1
                scale = views / sum(split.values())
                for channel, share in split.items():
                    rows.append(ReleaseViewDay(release_id=pk, date=day, channel=channel, views=max(1, round(share * scale))))
            rows += _tail(rng, pk, max(start, published + datetime.timedelta(days=MAX_DAYS_AFTER + 1)), end)
            if len(rows) >= batch_size:
                written += _flush(rows, progress)
        written += _flush(rows, progress)
        rollups.forget()  # past days were written: their sums are built again from the rows
        tracked = ReleaseViewDay.objects.filter(release=OuterRef("pk")).order_by().values("release").annotate(t=Sum("views")).values("t")
        for chunk in range(0, len(ids), 10_000):
            Release.objects.filter(pk__in=ids[chunk : chunk + 10_000]).update(
                view_count=F("view_count") + Coalesce(Subquery(tracked, output_field=IntegerField()), 0)
            )
    return written


def _tail(rng, pk, first, last):
    """The sparse search readers of one release from `first` to `last`: gaps between read days are
    geometric, so the cost is the rows written, not the days covered."""
    rows, day = [], first - datetime.timedelta(days=1)
    channels, weights = list(TAIL_CHANNELS), list(TAIL_CHANNELS.values())
    while True:
        gap = 1 + int(math.log(1.0 - rng.random()) / math.log(1.0 - TAIL_DAILY_CHANCE))
        day += datetime.timedelta(days=gap)
        if day > last:
            return rows
        rows.append(ReleaseViewDay(release_id=pk, date=day, channel=rng.choices(channels, weights)[0], views=rng.randint(1, 3)))


def _flush(rows, progress):
    ReleaseViewDay.objects.bulk_create(rows, batch_size=2000)
    count = len(rows)
    rows.clear()
    if progress:
        progress(count)
    return count
