"""Exactly once: announcements recorded before sending, claims, scheduled and withdrawn releases, crashes, digests."""

import datetime
import importlib
import zoneinfo

import pytest
from django.apps import apps
from django.utils import timezone

from releases.models import Announcement, Delivery, Release
from releases.subscriptions import outbox, sending, tasks
# The counter's tests own the helpers for threads with their own connections (a file database on SQLite).
from tests.test_counters import run_threads, threads_db  # noqa: F401 (threads_db is a fixture)
from tests.factories import CategoryFactory, OfficialFactory, ReleaseFactory, SubscriberFactory

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")
pytestmark = pytest.mark.django_db


def fresh(**kwargs):
    """A release that became public a minute ago (inside the announcement window)."""
    return ReleaseFactory(publish_at=timezone.now() - datetime.timedelta(minutes=1), **kwargs)


def test_announce_records_one_delivery_per_matching_subscriber():
    category = CategoryFactory(slug="statements")
    official = OfficialFactory()
    release = fresh(category=category)
    release.officials.add(official)
    everything = SubscriberFactory()
    by_category = SubscriberFactory(lists=[("category", "statements"), ("all", "")])
    by_official = SubscriberFactory(lists=[("official", official.slug)])
    english_only = SubscriberFactory(lists=[("language", "en")])
    other_category = SubscriberFactory(lists=[("category", "other")])
    [announcement] = outbox.announce_due()
    assert announcement.release == release
    assert {d.subscriber for d in announcement.deliveries.all()} == {everything, by_category, by_official}
    assert english_only.deliveries.count() == other_category.deliveries.count() == 0
    assert outbox.announce_due() == []


def test_old_releases_and_drafts_are_not_announced():
    SubscriberFactory()
    ReleaseFactory(publish_at=timezone.now() - datetime.timedelta(days=30))  # e.g. an archive import
    ReleaseFactory(draft=True)
    assert outbox.announce_due() == []


def test_scheduled_release_is_announced_once_its_time_comes():
    SubscriberFactory()
    release = ReleaseFactory(scheduled=True)
    assert outbox.announce_due() == []
    later = release.publish_at + datetime.timedelta(seconds=30)
    [announcement] = outbox.announce_due(later)
    assert announcement.release == release
    assert outbox.announce_due(later + datetime.timedelta(minutes=1)) == []


def test_migration_marks_releases_public_before_the_feature_as_announced():
    public, scheduled, draft = ReleaseFactory(), ReleaseFactory(scheduled=True), ReleaseFactory(draft=True)
    migration = importlib.import_module("releases.migrations.0011_subscriptions")
    migration.seed_announcements(apps, None)
    assert set(Announcement.objects.values_list("release_id", flat=True)) == {public.pk}
    assert scheduled.pk not in Announcement.objects.values_list("release_id", flat=True)
    assert draft.pk not in Announcement.objects.values_list("release_id", flat=True)


def test_release_withdrawn_before_its_delivery_sends_nothing(smtp):
    subscriber = SubscriberFactory()
    release = fresh()
    outbox.announce_due()
    Release.objects.filter(pk=release.pk).update(status=Release.Status.DRAFT)
    delivery = subscriber.deliveries.get()
    assert sending.deliver(delivery.pk) == "skipped"
    assert smtp.messages == []
    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.SKIPPED


def test_release_withdrawn_before_its_announcement_is_never_announced(smtp):
    SubscriberFactory()
    release = fresh()
    Release.objects.filter(pk=release.pk).update(status=Release.Status.DRAFT)
    tasks.run_outbox()
    assert smtp.messages == [] and not Announcement.objects.exists()


def test_run_outbox_sends_once(smtp):
    subscriber = SubscriberFactory()
    fresh()
    tasks.run_outbox()
    tasks.run_outbox()
    assert len(smtp.to(subscriber.email)) == 1
    assert subscriber.deliveries.get().status == Delivery.Status.SENT


def test_crash_between_recording_and_sending_is_sent_once_by_the_sweep(smtp):
    subscriber = SubscriberFactory()
    fresh()
    outbox.announce_due()  # recorded; the process dies before anything is enqueued
    now = timezone.now()
    tasks.run_outbox(now)  # too soon to call it lost: it may still be in the queue
    assert smtp.messages == []
    tasks.run_outbox(now + outbox.ENQUEUE_GRACE + datetime.timedelta(seconds=1))
    tasks.run_outbox(now + outbox.ENQUEUE_GRACE + datetime.timedelta(minutes=5))
    assert len(smtp.to(subscriber.email)) == 1


def test_crash_after_claiming_is_retried_once_after_the_lease(smtp):
    subscriber = SubscriberFactory()
    fresh()
    outbox.announce_due()
    deliveries = subscriber.deliveries.all()
    outbox.claim(deliveries, timezone.now() - datetime.timedelta(minutes=5))  # a worker died five minutes ago
    tasks.run_outbox()
    assert smtp.messages == []  # its claim still holds: it might be sending
    Delivery.objects.update(claimed_at=timezone.now() - outbox.CLAIM_LEASE - datetime.timedelta(seconds=1))
    tasks.run_outbox()
    tasks.run_outbox()
    assert len(smtp.to(subscriber.email)) == 1
    assert subscriber.deliveries.get().attempts == 2


def test_failed_send_gives_the_claim_back_for_the_retry(smtp, monkeypatch):
    subscriber = SubscriberFactory()
    fresh()
    outbox.announce_due()
    delivery = subscriber.deliveries.get()
    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", lambda self: (_ for _ in ()).throw(OSError("down")))
    with pytest.raises(OSError):
        sending.deliver(delivery.pk)
    monkeypatch.undo()
    assert sending.deliver(delivery.pk) == "sent"
    assert sending.deliver(delivery.pk) == ""
    assert len(smtp.messages) == 1


def test_deliveries_are_retried_with_back_off():
    assert tasks.deliver.retries > 0 and tasks.deliver.retry_delay > 0 and tasks.RETRY["retry_backoff"] > 1


def in_two_threads(setup, function):
    """Run `function` in two threads at once, each with its own connection; their results."""
    results = []
    run_threads(setup, *[lambda: results.append(function())] * 2)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_workers_announce_and_send_once(threads_db, smtp):
    subscriber = SubscriberFactory()
    release = fresh()
    announced = in_two_threads(threads_db, outbox.announce_due)
    assert sorted(len(a) for a in announced) == [0, 1]
    assert Announcement.objects.filter(release=release).count() == 1
    delivery = subscriber.deliveries.get()
    outcomes = in_two_threads(threads_db, lambda: sending.deliver(delivery.pk))
    assert sorted(outcomes) == ["", "sent"]
    assert len(smtp.to(subscriber.email)) == 1


def bangkok(day, hour, minute):
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=BANGKOK)


def test_daily_digest_gathers_releases_across_midnight_bangkok(settings, smtp):
    settings.NEWSROOM_DIGEST_TIME = "07:00"
    settings.NEWSROOM_ANNOUNCE_WINDOW_HOURS = 24 * 365 * 10
    subscriber = SubscriberFactory(frequency="daily", last_digest_at=bangkok(9, 7, 0))
    late = ReleaseFactory(title="ก่อนเที่ยงคืน", publish_at=bangkok(9, 23, 50))
    early = ReleaseFactory(title="หลังเที่ยงคืน", publish_at=bangkok(10, 0, 10))
    outbox.announce_due(bangkok(9, 23, 51))
    outbox.announce_due(bangkok(10, 0, 11))
    assert subscriber.deliveries.filter(digest=True).count() == 2
    tasks.run_outbox(bangkok(10, 6, 59))
    assert smtp.messages == []
    tasks.run_outbox(bangkok(10, 7, 0))
    tasks.run_outbox(bangkok(10, 7, 1))
    tasks.run_outbox(bangkok(10, 23, 59))
    [message] = smtp.to(subscriber.email)
    text = message.get_body(("plain",)).get_content()
    assert late.title in text and early.title in text
    assert "10 มีนาคม 2569" in message["Subject"]


def test_digest_time_is_the_latest_bangkok_digest_time():
    assert outbox.last_digest_time(bangkok(10, 6, 59)) == bangkok(9, 7, 0)
    assert outbox.last_digest_time(bangkok(10, 7, 0)) == bangkok(10, 7, 0)
    assert outbox.last_digest_time(bangkok(10, 23, 59)) == bangkok(10, 7, 0)


def test_digest_leaves_out_a_release_withdrawn_since(settings, smtp):
    subscriber = SubscriberFactory(frequency="daily")
    kept, withdrawn = fresh(title="ยังเผยแพร่"), fresh(title="ถอนแล้ว")
    outbox.announce_due()
    Release.objects.filter(pk=withdrawn.pk).update(status=Release.Status.DRAFT)
    assert sending.send_digest(subscriber.pk, timezone.localdate()) == 1
    text = smtp.to(subscriber.email)[0].get_body(("plain",)).get_content()
    assert kept.title in text and withdrawn.title not in text


def test_release_withdrawn_between_the_query_and_the_announcement_is_left_for_later():
    SubscriberFactory()
    release = fresh()
    Release.objects.filter(pk=release.pk).update(status=Release.Status.DRAFT)
    assert outbox.announce(release.pk, timezone.now()) is None
    assert not Announcement.objects.exists()
    Release.objects.filter(pk=release.pk).update(status=Release.Status.PUBLISHED)
    assert [a.release for a in outbox.announce_due()] == [release]


def test_what_waits_for_a_digest_still_goes_out_after_a_switch_to_immediate(smtp):
    subscriber = SubscriberFactory(frequency="daily")
    fresh()
    outbox.announce_due()
    subscriber.frequency = "immediate"
    subscriber.save()
    assert outbox.digests_due(timezone.now()) == [subscriber.pk]
