"""The queue's tasks (huey): thin wrappers around outbox and sending, discovered by djhuey's autodiscovery."""

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import messages, outbox, sending

# Back-off: 1, 2, 4, 8 … minutes between attempts.
RETRY = {"retries": 8, "retry_delay": 60, "retry_backoff": 2}


@db_task(**RETRY)
def deliver(delivery_id):
    return sending.deliver(delivery_id)


@db_task(**RETRY)
def send_digest(subscriber_id, day):
    return sending.send_digest(subscriber_id, day)


@db_task(**RETRY)
def broadcast_line(announcement_id):
    return sending.broadcast_line(announcement_id)


@db_task(retries=3, retry_delay=30, retry_backoff=2)
def send_confirmation(email, token, language):
    messages.confirmation_message(email, token, language).send()


def run_outbox(now=None):
    """Announce what became public and enqueue its sends; re-enqueue lapsed ones; start due digests."""
    now = now or timezone.now()
    for announcement in outbox.announce_due(now):
        for delivery_id in announcement.deliveries.filter(digest=False).values_list("pk", flat=True):
            deliver(delivery_id)
        if settings.LINE_CHANNEL_ACCESS_TOKEN:
            broadcast_line(announcement.pk)
    for delivery_id in outbox.stale_immediate(now).values_list("pk", flat=True):
        deliver(delivery_id)
    day = timezone.localdate(outbox.last_digest_time(now))
    for subscriber_id in outbox.digests_due(now):
        send_digest(subscriber_id, day)


@db_periodic_task(crontab(minute="*"))
def every_minute():
    run_outbox()
