"""The queue's tasks: the outbox runs every minute; a run sends what became public."""

import datetime

import pytest
from django.utils import timezone

from releases.subscriptions import tasks
from tests.factories import ReleaseFactory, SubscriberFactory


def test_the_outbox_runs_every_minute():
    start = datetime.datetime(2026, 3, 10, 23, 58)
    assert all(tasks.every_minute.task_class().validate_datetime(start + datetime.timedelta(minutes=m)) for m in range(4))


@pytest.mark.django_db
def test_a_periodic_run_sends_what_became_public(smtp):
    subscriber = SubscriberFactory()
    release = ReleaseFactory(publish_at=timezone.now() - datetime.timedelta(seconds=5))
    tasks.every_minute.call_local()
    [message] = smtp.to(subscriber.email)
    assert message["Subject"].strip() == release.title
