"""alerts_status: the task queue, pending deliveries and the last sends."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from releases.subscriptions import outbox, sending
from tests.factories import ReleaseFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def test_alerts_status_shows_the_queue_and_the_last_sends(smtp):
    subscriber = SubscriberFactory()
    SubscriberFactory(frequency="daily")
    release = ReleaseFactory(title="ข่าวที่ส่งแล้ว", publish_at=timezone.now() - datetime.timedelta(minutes=1))
    outbox.announce_due()
    sending.deliver(subscriber.deliveries.get().pk)
    out = StringIO()
    call_command("alerts_status", stdout=out)
    text = out.getvalue()
    assert "Task queue" in text and "waiting" in text
    assert "Deliveries pending: 0 immediate, 1 for digests" in text
    assert f"release {release.pk}: ข่าวที่ส่งแล้ว" in text and "sent" in text
