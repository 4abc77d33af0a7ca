"""Sending what the outbox recorded: one release to one subscriber, a digest, the LINE broadcast."""

import json
import logging
import urllib.request

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from releases.models import Release

from . import messages, outbox
from .models import Announcement, Delivery

logger = logging.getLogger(__name__)


def deliver(delivery_id, now=None):
    """Send one immediate delivery unless another worker has it or it went out; "sent", "skipped" or "".

    A failed send gives its claim back and raises, for the queue to retry with back-off."""
    now = now or timezone.now()
    claimed = list(outbox.claim(Delivery.objects.filter(pk=delivery_id), now))
    if not claimed:
        return ""
    keep, _gone = outbox.split_public(claimed, now)
    if not keep:
        return "skipped"
    delivery = keep[0]
    release = Release.objects.prefetch_related("images").get(pk=delivery.announcement.release_id)
    try:
        messages.release_message(delivery.subscriber, release).send()
    except Exception:
        outbox.release_claim(keep)
        raise
    outbox.mark_sent(keep, now)
    return "sent"


def send_digest(subscriber_id, day, now=None):
    """The digest of `day` (its date in the subject): every pending digest delivery of a subscriber
    still public, in one message; how many releases."""
    now = now or timezone.now()
    claimed = list(outbox.claim(Delivery.objects.filter(subscriber_id=subscriber_id, digest=True), now))
    keep, _gone = outbox.split_public(claimed, now)
    if not keep:
        return 0
    ids = [d.announcement.release_id for d in keep]
    releases = Release.objects.filter(pk__in=ids).prefetch_related("images").newest_first()
    try:
        messages.digest_message(keep[0].subscriber, list(releases), day).send()
    except Exception:
        outbox.release_claim(keep)
        raise
    outbox.mark_sent(keep, now)
    return len(keep)


def flex_message(release):
    """A LINE Flex bubble: title, Buddhist-era date, a button to the release."""
    context = messages.release_context(release, release.language)
    return {
        "type": "flex",
        "altText": context["title"][:400],
        "contents": {
            "type": "bubble",
            "body": {
                "type": "box", "layout": "vertical",
                "contents": [
                    {"type": "text", "text": context["title"], "weight": "bold", "wrap": True},
                    {"type": "text", "text": context["date"], "size": "sm", "color": "#666666"},
                ],
            },
            "footer": {
                "type": "box", "layout": "vertical",
                "contents": [{"type": "button", "style": "link", "action": {"type": "uri", "label": "อ่าน / Read", "uri": context["url"]}}],
            },
        },
    }


def broadcast_line(announcement_id, now=None):
    """Broadcast a release to the LINE Official Account once (claimed like a delivery); True if sent."""
    now = now or timezone.now()
    lapsed = now - outbox.CLAIM_LEASE
    if not settings.LINE_CHANNEL_ACCESS_TOKEN:
        return False
    claimable = Announcement.objects.filter(pk=announcement_id, line_sent_at__isnull=True).filter(
        Q(line_claimed_at__isnull=True) | Q(line_claimed_at__lt=lapsed)
    )
    if not claimable.update(line_claimed_at=now):
        return False
    announcement = Announcement.objects.get(pk=announcement_id)
    release = Release.objects.published(now).filter(pk=announcement.release_id).first()
    if release is None:
        return False
    request = urllib.request.Request(
        settings.LINE_BROADCAST_URL,
        data=json.dumps({"messages": [flex_message(release)]}, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {settings.LINE_CHANNEL_ACCESS_TOKEN}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
    except Exception:
        Announcement.objects.filter(pk=announcement_id).update(line_claimed_at=None)
        raise
    Announcement.objects.filter(pk=announcement_id).update(line_sent_at=now)
    return True
