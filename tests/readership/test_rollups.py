"""Sums of closed days: built once, read instead of the rows, and dropped whenever a closed day's rows or groupings change."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from releases import counters
from releases.readership import recording, reports, rollups
from releases.readership.models import Channel, ReadershipRollup, ReleaseViewDay
from tests.factories import CategoryFactory, OfficialFactory, ReleaseFactory, ReleaseViewDayFactory

D = datetime.date


def test_split_keeps_yesterday_and_today_live():
    today = D(2026, 12, 6)
    assert rollups.split(D(2026, 11, 1), today, today) == ((D(2026, 11, 1), D(2026, 12, 4)), (D(2026, 12, 5), today))
    assert rollups.split(D(2026, 12, 5), today, today) == (None, (D(2026, 12, 5), today))
    assert rollups.split(D(2026, 1, 1), D(2026, 1, 31), today) == ((D(2026, 1, 1), D(2026, 1, 31)), None)


def ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def tables(days=30):
    period = reports.Period.last(days, timezone.localdate())
    return {
        "daily": sum(views for _day, views in reports.daily(period)),
        "category": reports.by_category(period),
        "official": reports.by_official(period),
        "channel": {str(label): views for label, views in reports.by_channel(period) if views},
    }


@pytest.fixture
def read(db):
    """A release mentioning an official, read on closed days and today."""
    release = ReleaseFactory(category=CategoryFactory(slug="diplomacy", name_th="การทูต"))
    release.officials.add(OfficialFactory(name_th="สมชาย"))
    for back, channel, views in ((10, "line", 4), (10, "search", 1), (5, "direct", 2), (0, "line", 3)):
        ReleaseViewDayFactory(release=release, date=ago(back), channel=channel, views=views)
    return release


@pytest.mark.django_db
class TestReports:
    def test_sums_agree_with_the_rows(self, read):
        expected = {"daily": 10, "category": [("การทูต", 10)], "official": [("สมชาย", 10)], "channel": {"LINE": 7, str(Channel.SEARCH.label): 1, str(Channel.DIRECT.label): 2}}
        assert tables() == expected  # built from the rows
        assert ReadershipRollup.objects.filter(kind="total", date=ago(10)).get().views == 5
        assert ReadershipRollup.objects.filter(kind="total").count() == 30 - rollups.OPEN_DAYS  # zero days summed too
        assert tables() == expected  # read from the sums

    def test_closed_days_are_read_from_the_sums_not_the_rows(self, read):
        tables()
        ReleaseViewDay.objects.filter(date=ago(10)).update(views=1000)  # behind the sums' back
        assert tables()["daily"] == 10
        ReleaseViewDay.objects.filter(date=ago(0)).update(views=1000)  # today is live
        assert tables()["daily"] == 1007

    def test_a_day_summed_is_not_built_again(self, read, django_assert_num_queries):
        tables()
        with django_assert_num_queries(1):
            rollups.ensure(ago(29), ago(2))

    def test_two_builds_of_one_day_do_not_double_it(self, read):
        rollups.ensure(ago(12), ago(2))
        rollups._build(ago(10), ago(10), {ago(10)})  # a second report that checked before the first wrote
        assert ReadershipRollup.objects.get(kind="total", date=ago(10)).views == 5


@pytest.mark.django_db
class TestForgetting:
    """Each change to a closed day's rows or groupings drops its sums; the next report agrees with the rows."""

    def test_a_late_flush_drops_the_days_it_writes(self, read):
        tables()
        recording.write_claimed([(read.pk, ago(5), "direct", 6), (read.pk, ago(0), "direct", 1)])
        assert not ReadershipRollup.objects.filter(date=ago(5)).exists()
        assert ReadershipRollup.objects.filter(date=ago(10)).exists()
        assert tables()["daily"] == 17

    def test_recategorised_release(self, read):
        tables()
        read.category = CategoryFactory(slug="economy", name_th="เศรษฐกิจ")
        read.save()
        assert tables()["category"] == [("เศรษฐกิจ", 10)]

    def test_an_ordinary_edit_keeps_the_sums(self, read):
        tables()
        count = ReadershipRollup.objects.count()
        read.title = "แก้ไขชื่อ"
        read.save()
        assert ReadershipRollup.objects.count() == count

    def test_officials_changed_either_side(self, read):
        tables()
        other = OfficialFactory(name_th="สมหญิง")
        read.officials.add(other)
        assert dict(tables()["official"]) == {"สมชาย": 10, "สมหญิง": 10}
        other.releases.remove(read)
        assert tables()["official"] == [("สมชาย", 10)]
        read.officials.clear()
        assert tables()["official"] == []

    def test_deleted_release(self, read):
        ReleaseViewDayFactory(date=ago(10), views=1)  # another release, same day
        tables()
        read.delete()
        assert tables()["daily"] == 1

    def test_pruning(self, read, settings):
        tables()
        settings.VIEW_DAYS_KEEP_DAYS = 7
        call_command("prune_view_days", verbosity=0)
        assert not ReadershipRollup.objects.filter(date__lt=ago(6)).exists()
        assert tables()["daily"] == 5

    def test_direct_counting_leaves_closed_days_alone(self, read, rf):
        tables()
        count = ReadershipRollup.objects.count()
        request = rf.get(read.get_absolute_url(), REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Safari/604.1")
        request.user = None
        assert counters.record_view(request, read)
        assert ReadershipRollup.objects.count() == count and tables()["daily"] == 11
