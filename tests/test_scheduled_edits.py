"""releases/scheduled_edits.py: a scheduled change goes live at its time with no job, before any read, never twice."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from releases import caching, lifecycle, scheduled_edits
from releases.models import Release, ReleaseEvent, ReleaseRevision
from tests.factories import ReleaseFactory
from tests.test_wordbreaks import plain

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache_on(settings):
    settings.NEWSROOM_PAGE_CACHE = True


def get(client, url):
    return client.get(url, REMOTE_ADDR="203.0.113.10")


def schedule(release, publisher, hours=1, **fields):
    go_live_at = timezone.now() + datetime.timedelta(hours=hours)
    lifecycle.schedule_edit(release, publisher, fields, go_live_at)
    return go_live_at


def later_than(monkeypatch, when):
    moment = when + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


class TestGoingLive:
    def test_the_cached_page_does_not_outlive_the_scheduled_time(self, client, publisher, page_cache_on, monkeypatch):
        release = ReleaseFactory(title="ถ้อยแถลงฉบับเดิม")
        when = schedule(release, publisher, title="ถ้อยแถลงฉบับปรับปรุง")
        url = release.get_absolute_url()
        for page in (url, "/", "/feeds/latest/rss/"):
            assert "ถ้อยแถลงฉบับเดิม" in plain(get(client, page).content.decode())
            response = get(client, page)
            assert response["X-Page-Cache"] == "hit" and "ถ้อยแถลงฉบับปรับปรุง" not in plain(response.content.decode())
        later_than(monkeypatch, when)
        response = get(client, url)
        assert response["X-Page-Cache"] == "miss" and "ถ้อยแถลงฉบับปรับปรุง" in plain(response.content.decode())
        for page in ("/", "/feeds/latest/rss/"):
            page_text = plain(get(client, page).content.decode())
            assert "ถ้อยแถลงฉบับปรับปรุง" in page_text and "ถ้อยแถลงฉบับเดิม" not in page_text
        assert not ReleaseRevision.objects.exists()
        event = release.events.get(action=ReleaseEvent.Action.REVISION_LIVE)
        assert event.user == publisher

    def test_the_go_live_time_is_a_due_time_and_the_next_change_is_known(self, publisher, django_assert_num_queries):
        release = ReleaseFactory()
        when = schedule(release, publisher, title="ใหม่")
        assert when in Release.objects.due_times()
        assert scheduled_edits.next_go_live() == when.timestamp()  # looked up once after the change...
        with django_assert_num_queries(0):
            assert scheduled_edits.next_go_live() == when.timestamp()  # ...then read from the cache
        lifecycle.unschedule_revision(release, publisher)
        assert scheduled_edits.next_go_live() is None

    def test_a_warm_cache_costs_no_query_while_a_change_waits(self, client, publisher, page_cache_on, django_assert_num_queries):
        release = ReleaseFactory()
        schedule(release, publisher, title="ใหม่")
        get(client, "/")
        with django_assert_num_queries(0):
            assert get(client, "/")["X-Page-Cache"] == "hit"

    def test_without_the_page_cache_the_reader_still_sees_the_change_at_its_time(self, client, publisher, monkeypatch):
        release = ReleaseFactory(title="ฉบับเดิม")
        when = schedule(release, publisher, title="ฉบับใหม่", body="เนื้อความใหม่")
        assert "ฉบับใหม่" not in plain(client.get(release.get_absolute_url()).content.decode())
        later_than(monkeypatch, when)
        page = plain(client.get(release.get_absolute_url()).content.decode())
        assert "ฉบับใหม่" in page and "เนื้อความใหม่" in page

    def test_while_the_cache_is_unreachable_the_database_is_asked(self, client, publisher, monkeypatch):
        release = ReleaseFactory(title="ฉบับเดิม")
        when = schedule(release, publisher, title="ฉบับใหม่")
        later_than(monkeypatch, when)
        monkeypatch.setattr(caching, "lookup", lambda key: None)  # what it answers while the cache is unreachable
        monkeypatch.setattr(caching, "store", lambda *args: None)
        scheduled_edits.apply_if_due()
        assert Release.objects.get(pk=release.pk).title == "ฉบับใหม่"

    def test_the_api_reads_the_new_version_after_the_time(self, client, publisher, monkeypatch):
        release = ReleaseFactory(title="ฉบับเดิม")
        when = schedule(release, publisher, title="ฉบับใหม่")
        later_than(monkeypatch, when)
        assert "ฉบับใหม่" in client.get(f"/api/v1/releases/{release.pk}/").content.decode()


class TestOnceOnly:
    def test_apply_due_is_idempotent(self, publisher, monkeypatch):
        release = ReleaseFactory(title="ฉบับเดิม")
        when = schedule(release, publisher, title="ฉบับใหม่")
        assert scheduled_edits.apply_due() == 0  # not yet
        now = later_than(monkeypatch, when)
        assert scheduled_edits.apply_due() == 1
        assert scheduled_edits.apply_due() == 0
        assert lifecycle.apply_scheduled(12345, now) is False
        assert release.events.filter(action=ReleaseEvent.Action.REVISION_LIVE).count() == 1

    def test_a_change_that_no_longer_validates_waits_again_on_the_record(self, client, publisher):
        release = ReleaseFactory(title="ฉบับเดิม")
        ReleaseRevision.objects.create(
            release=release, data={"title": ""}, author=publisher, scheduled_by=publisher,
            go_live_at=timezone.now() - datetime.timedelta(minutes=1),
        )
        assert client.get(release.get_absolute_url()).status_code == 200  # the reader is not the one who pays
        revision = ReleaseRevision.objects.get()
        assert revision.go_live_at is None and Release.objects.get(pk=release.pk).title == "ฉบับเดิม"
        assert release.events.filter(action=ReleaseEvent.Action.REVISION_UNSCHEDULED).exclude(comment="").exists()

    def test_the_periodic_task_applies_due_changes_too(self, publisher, monkeypatch):
        from releases.tasks import apply_scheduled_edits

        release = ReleaseFactory(title="ฉบับเดิม")
        when = schedule(release, publisher, title="ฉบับใหม่")
        later_than(monkeypatch, when)
        assert apply_scheduled_edits.call_local() == 1
        assert Release.objects.get(pk=release.pk).title == "ฉบับใหม่"


class TestExport:
    def test_export_writes_the_live_version_only_until_the_time(self, tmp_path, publisher, monkeypatch):
        release = ReleaseFactory(title="ฉบับที่เผยแพร่อยู่")
        when = schedule(release, publisher, title="ฉบับที่ตั้งเวลาไว้")
        call_command("export_releases", str(tmp_path / "before"), stdout=StringIO())
        text = "".join(path.read_text(encoding="utf-8") for path in (tmp_path / "before").rglob("*.txt"))
        assert "ฉบับที่เผยแพร่อยู่" in text and "ฉบับที่ตั้งเวลาไว้" not in text
        later_than(monkeypatch, when)
        call_command("export_releases", str(tmp_path / "after"), stdout=StringIO())
        text = "".join(path.read_text(encoding="utf-8") for path in (tmp_path / "after").rglob("*.txt"))
        assert "ฉบับที่ตั้งเวลาไว้" in text
