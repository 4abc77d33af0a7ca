"""Daily views: one upsert beside view_count in direct mode, per-day keys flushed in buffered mode; the sums agree."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from releases import counters
from releases.readership import recording
from releases.readership.models import ReleaseViewDay
from tests.factories import ReleaseFactory
from tests.test_counters import BROWSER_UA, THREADS, run_threads, shared_cache, statements, stored, threads_db, view  # noqa: F401

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")
LINE_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/14.9.0"


def days(release):
    """{(date, channel): views} of the release."""
    return {(row.date, row.channel): row.views for row in ReleaseViewDay.objects.filter(release=release)}


def day_total(release):
    return ReleaseViewDay.objects.filter(release=release).aggregate(total=Sum("views"))["total"] or 0


@pytest.fixture
def clock(monkeypatch):
    """Set the time the counter sees (both the salt's day and the daily row's date follow it)."""

    def set_to(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


@pytest.fixture(params=["direct", "buffered"])
def mode(request, settings):
    settings.VIEW_COUNT_MODE = request.param
    return request.param


def settle(mode):
    if mode == "buffered":
        counters.flush_pending()


@pytest.mark.django_db
class TestInvariant:
    def test_sum_of_days_equals_growth_of_view_count(self, rf, mode, shared_cache):
        release = ReleaseFactory()
        Release = type(release)
        Release.objects.filter(pk=release.pk).update(view_count=500)  # imported, before daily tracking
        for i in range(7):
            counters.record_view(view(rf, release, ip=f"198.51.100.{i}"), release)
        counters.record_view(view(rf, release, ip="198.51.100.1"), release)  # a repeat: not counted
        settle(mode)
        assert stored(release) == 507
        assert days(release) == {(timezone.localdate(), "direct"): 7}

    def test_across_bangkok_midnight(self, rf, mode, clock):
        release = ReleaseFactory()
        clock(datetime.datetime(2026, 12, 6, 23, 59, 58, tzinfo=BANGKOK))
        counters.record_view(view(rf, release, ip="198.51.100.1"), release)
        counters.record_view(view(rf, release, ip="198.51.100.2", ua=LINE_UA), release)
        # 17:00 UTC is midnight in Bangkok: a new day although UTC's date is unchanged.
        clock(datetime.datetime(2026, 12, 6, 17, 0, 1, tzinfo=datetime.UTC))
        counters.record_view(view(rf, release, ip="198.51.100.3"), release)
        settle(mode)
        assert days(release) == {
            (datetime.date(2026, 12, 6), "direct"): 1,
            (datetime.date(2026, 12, 6), "line"): 1,
            (datetime.date(2026, 12, 7), "direct"): 1,
        }
        assert stored(release) == day_total(release) == 3

    def test_channel_is_stored_per_day(self, rf, mode):
        release = ReleaseFactory()
        counters.record_view(view(rf, release, ip="198.51.100.1", ua=LINE_UA), release)
        counters.record_view(view(rf, release, ip="198.51.100.2", Referer="https://www.google.co.th/"), release)
        counters.record_view(view(rf, release, ip="198.51.100.3", Referer="https://t.co/abc123"), release)
        settle(mode)
        today = timezone.localdate()
        assert days(release) == {(today, "line"): 1, (today, "search"): 1, (today, "x"): 1}

    def test_not_counted_adds_no_row(self, rf, mode):
        release = ReleaseFactory(draft=True)
        counters.record_view(view(rf, release), release)
        bot = ReleaseFactory()
        counters.record_view(view(rf, bot, ua="Googlebot/2.1 (+http://www.google.com/bot.html)"), bot)
        settle(mode)
        assert ReleaseViewDay.objects.count() == 0


@pytest.mark.django_db
class TestDirect:
    def test_the_daily_row_is_one_upsert_in_the_same_transaction(self, rf):
        release = ReleaseFactory()
        counters.record_view(view(rf, release, ip="198.51.100.1"), release)
        with CaptureQueriesContext(connection) as queries:
            counters.record_view(view(rf, release, ip="198.51.100.2"), release)
        # On PostgreSQL the UPDATE and the upsert are one statement (WITH ... INSERT); on SQLite two.
        upsert = statements(queries)[0 if connection.vendor == "postgresql" else 1].lower()
        assert "insert" in upsert and "on conflict" in upsert and "do update" in upsert
        assert days(release) == {(timezone.localdate(), "direct"): 2}

    def test_a_failed_upsert_takes_the_view_count_back(self, rf, monkeypatch):
        """One transaction: without its daily row the view is not counted at all."""
        from django.db import DatabaseError

        release = ReleaseFactory()

        def fail(rows):
            raise DatabaseError("disk full")

        if connection.vendor == "postgresql":  # one statement: make its INSERT fail (a channel too long for the column)
            monkeypatch.setattr(recording, "channel_of", lambda request: "x" * 20)
        else:
            monkeypatch.setattr(recording, "upsert_days", fail)
        assert counters.record_view(view(rf, release), release) is False
        assert stored(release) == 0 and day_total(release) == 0

    def test_upsert_adds_to_what_is_stored(self, db):
        release = ReleaseFactory()
        day = datetime.date(2026, 10, 1)
        recording.upsert_days([(release.pk, day, "line", 3), (release.pk, day, "x", 1)])
        recording.upsert_days([(release.pk, day, "line", 2)])
        assert days(release) == {(day, "line"): 5, (day, "x"): 1}


@pytest.mark.django_db
class TestBuffered:
    def test_flush_writes_days_once_and_views_after_stay_pending(self, rf, settings, shared_cache):
        settings.VIEW_COUNT_MODE = "buffered"
        release = ReleaseFactory()
        counters.record_view(view(rf, release, ip="198.51.100.1"), release)
        assert day_total(release) == 0
        counters.flush_pending()
        counters.record_view(view(rf, release, ip="198.51.100.2"), release)
        counters.flush_pending()
        counters.flush_pending()
        assert stored(release) == day_total(release) == 2

    def test_flush_is_one_upsert_in_its_transaction(self, rf, settings):
        settings.VIEW_COUNT_MODE = "buffered"
        releases = [ReleaseFactory() for _ in range(3)]
        for release in releases:
            counters.record_view(view(rf, release), release)
        with CaptureQueriesContext(connection) as queries:
            counters.flush_pending()
        inserts = [q["sql"].lower() for q in queries if q["sql"].lower().startswith("insert")]
        assert len(inserts) == 1 and "on conflict" in inserts[0]
        assert [day_total(release) for release in releases] == [1, 1, 1]

    def test_failed_flush_gives_the_days_back(self, rf, settings, monkeypatch):
        settings.VIEW_COUNT_MODE = "buffered"
        release = ReleaseFactory()
        counters.record_view(view(rf, release), release)

        def fail(*args, **kwargs):
            raise RuntimeError("database went away")

        monkeypatch.setattr(recording, "write_claimed", fail)
        with pytest.raises(RuntimeError):
            counters.flush_pending()
        monkeypatch.undo()
        counters.flush_pending()
        assert stored(release) == day_total(release) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode_name", ["direct", "buffered"])
def test_concurrent_readers_keep_the_invariant(rf, threads_db, shared_cache, settings, mode_name):
    settings.VIEW_COUNT_MODE = mode_name
    release = ReleaseFactory()

    def reader(i):
        ua = LINE_UA if i % 2 else BROWSER_UA
        return lambda: counters.record_view(view(rf, release, ip=f"198.51.100.{i}", ua=ua), release)

    jobs = [reader(i) for i in range(THREADS)]
    if mode_name == "buffered":
        jobs[THREADS // 2 : THREADS // 2] = [counters.flush_pending]
    run_threads(threads_db, *jobs)
    if mode_name == "buffered":
        counters.flush_pending()
    today = timezone.localdate()
    assert stored(release) == day_total(release) == THREADS
    assert days(release) == {(today, "direct"): THREADS // 2, (today, "line"): THREADS // 2}
