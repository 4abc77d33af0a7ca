"""Exactly once: record each newly public release's announcement and deliveries, then claim each before sending.

The Announcement row (unique per release) and its Delivery rows are written in one
transaction; whoever inserts the Announcement first owns the release, a second worker's insert
fails on the unique constraint. Each send first claims its Delivery with a conditional UPDATE,
so two workers never send the same one; a claim left by a crashed worker lapses after
CLAIM_LEASE and the sweep sends it then. Whether a release is still public is asked again
just before each send.
"""

import datetime
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from releases.models import Release

from .models import Announcement, Delivery, Subscriber

# A claim older than this belongs to a worker that died: the delivery may be sent again.
CLAIM_LEASE = datetime.timedelta(minutes=15)
# Deliveries recorded but still unclaimed after this were never enqueued (a crash): the sweep enqueues them.
ENQUEUE_GRACE = datetime.timedelta(minutes=2)


def due_releases(now):
    """Public, inside the announcement window, not yet announced (scheduled ones whose time came included)."""
    since = now - datetime.timedelta(hours=settings.NEWSROOM_ANNOUNCE_WINDOW_HOURS)
    return Release.objects.published(now).filter(publish_at__gte=since, announcement__isnull=True)


def announce(release_id, now):
    """Record the announcement and one delivery per matching subscriber; None if another worker did."""
    try:
        with transaction.atomic():
            announcement = Announcement.objects.create(release_id=release_id)
            release = (
                Release.objects.published(now).filter(pk=release_id)
                .select_related("category").prefetch_related("officials").first()
            )
            if release is None:  # withdrawn since the due query: record nothing, it may come back
                transaction.set_rollback(True)
                return None
            subscribers = Subscriber.objects.for_release(release).values_list("pk", "frequency")
            Delivery.objects.bulk_create(
                Delivery(announcement=announcement, subscriber_id=pk, digest=frequency == Subscriber.Frequency.DAILY)
                for pk, frequency in subscribers
            )
    except IntegrityError:
        return None
    return announcement


def announce_due(now=None):
    """Announce every due release; the new announcements."""
    now = now or timezone.now()
    announced = []
    for release_id in due_releases(now).order_by("publish_at").values_list("pk", flat=True):
        announcement = announce(release_id, now)
        if announcement is not None:
            announced.append(announcement)
    return announced


def claim(deliveries, now):
    """Claim the claimable ones among `deliveries` in one UPDATE; the claimed rows."""
    token = secrets.token_hex(16)
    ids = list(deliveries.claimable(now - CLAIM_LEASE).values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=ids).claimable(now - CLAIM_LEASE).update(
        claim=token, claimed_at=now, attempts=F("attempts") + 1
    )
    return Delivery.objects.filter(claim=token).select_related("announcement__release", "subscriber")


def release_claim(deliveries):
    """Give a failed send's claim back so the retry can take it."""
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries], status=Delivery.Status.PENDING).update(claim="", claimed_at=None)


def split_public(deliveries, now):
    """(still public, no longer public); the latter are marked skipped."""
    public_ids = set(
        Release.objects.published(now).filter(pk__in={d.announcement.release_id for d in deliveries}).values_list("pk", flat=True)
    )
    keep = [d for d in deliveries if d.announcement.release_id in public_ids]
    gone = [d for d in deliveries if d.announcement.release_id not in public_ids]
    Delivery.objects.filter(pk__in=[d.pk for d in gone]).update(status=Delivery.Status.SKIPPED)
    return keep, gone


def mark_sent(deliveries, now):
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(status=Delivery.Status.SENT, sent_at=now)


def stale_immediate(now):
    """Immediate deliveries to (re-)enqueue: never claimed after the grace, or whose claim lapsed."""
    return Delivery.objects.filter(digest=False).pending().filter(
        Q(claimed_at__isnull=True, created_at__lt=now - ENQUEUE_GRACE) | Q(claimed_at__lt=now - CLAIM_LEASE)
    )


def last_digest_time(now):
    """The most recent daily digest time (Bangkok) at or before `now`."""
    hour, minute = (int(part) for part in settings.NEWSROOM_DIGEST_TIME.split(":"))
    local = timezone.localtime(now)
    today = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return today if local >= today else today - datetime.timedelta(days=1)


def digests_due(now):
    """Subscribers with digest deliveries waiting whose digest for the latest digest time is not yet
    claimed (also those who switched to immediate since: what waits still goes out), plus those
    whose digest claim lapsed. Each is claimed by moving its last_digest_at (a conditional UPDATE,
    so one worker wins)."""
    boundary = last_digest_time(now)
    waiting = (
        Subscriber.objects.filter(Q(last_digest_at__isnull=True) | Q(last_digest_at__lt=boundary))
        .filter(deliveries__status=Delivery.Status.PENDING, deliveries__digest=True)
        .values_list("pk", flat=True).distinct()
    )
    claimed = []
    for pk in list(waiting):
        updated = Subscriber.objects.filter(pk=pk).filter(Q(last_digest_at__isnull=True) | Q(last_digest_at__lt=boundary))
        if updated.update(last_digest_at=now):
            claimed.append(pk)
    lapsed = (
        Delivery.objects.filter(digest=True, status=Delivery.Status.PENDING, claimed_at__lt=now - CLAIM_LEASE)
        .values_list("subscriber_id", flat=True).distinct()
    )
    return sorted(set(claimed) | set(lapsed))
