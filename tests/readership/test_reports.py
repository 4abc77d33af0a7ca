"""Readership reports: fiscal years, Buddhist-era periods, one query per table, views before daily tracking."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from releases.readership import reports
from releases.readership.reports import Period, PeriodForm
from tests.factories import OfficialFactory, ReleaseFactory, ReleaseViewDayFactory

D = datetime.date


@pytest.mark.parametrize(
    "day, year",
    [(D(2025, 9, 30), 2568), (D(2025, 10, 1), 2569), (D(2026, 9, 30), 2569), (D(2026, 10, 1), 2570), (D(2026, 1, 1), 2569)],
)
def test_fiscal_year_runs_october_to_september_in_buddhist_era(day, year):
    assert reports.fiscal_year(day) == year


def test_fiscal_year_range():
    assert reports.fiscal_year_range(2569) == (D(2025, 10, 1), D(2026, 9, 30))


class TestPeriodForm:
    today = D(2026, 12, 6)

    def test_buddhist_era_dates(self):
        form = PeriodForm({"start": "01/10/2568", "end": "31/10/2568"})
        assert form.period(self.today) == Period(D(2025, 10, 1), D(2025, 10, 31))

    def test_thai_month_names(self):
        assert PeriodForm({"start": "1 ต.ค. 2568", "end": "3 ต.ค. 2568"}).period(self.today).days == 3

    def test_fiscal_year(self):
        assert PeriodForm({"fiscal_year": "2569"}).period(self.today) == Period(D(2025, 10, 1), D(2026, 9, 30))

    def test_presets_and_default(self):
        assert PeriodForm({"days": "90"}).period(self.today) == Period(D(2026, 9, 8), self.today)
        assert PeriodForm({}).period(self.today).days == 30

    @pytest.mark.parametrize(
        "data",
        [{"start": "01/10/2568"}, {"start": "31/10/2568", "end": "01/10/2568"}, {"start": "tomorrow", "end": "01/10/2568"}, {"days": "7"}, {"fiscal_year": "x"}],
    )
    def test_bad_input_is_a_form_error_and_the_default_period(self, data):
        form = PeriodForm(data)
        assert not form.is_valid()
        assert form.period(self.today) == Period.last(30, self.today)


@pytest.mark.django_db
class TestTables:
    @pytest.mark.parametrize("table, count", [(reports.daily, 2), (reports.most_read, 2), (reports.by_category, 3), (reports.by_official, 3), (reports.by_channel, 2)])
    def test_each_table_is_a_fixed_few_queries(self, table, count):
        official = OfficialFactory()
        release = ReleaseFactory()
        release.officials.add(official)
        ReleaseViewDayFactory(release=release, views=4)
        ReleaseViewDayFactory(release=release, views=5, date=datetime.date.today() - datetime.timedelta(days=10))
        reports.daily(Period.last(30, datetime.date.today()))  # sums the closed days
        period = Period.last(30, datetime.date.today())
        period.parts  # the period's one check that its closed days are summed
        with CaptureQueriesContext(connection) as queries:
            assert table(period)
        assert len(queries) == count

    def test_fiscal_years_is_a_fixed_few_queries_then_cached(self):
        ReleaseViewDayFactory(views=4)
        ReleaseViewDayFactory(views=5, date=datetime.date.today() - datetime.timedelta(days=400))
        assert sum(views for _year, views in reports.fiscal_years()) == 9  # sums the closed days
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert sum(views for _year, views in reports.fiscal_years()) == 9
        # First and last day, whether the closed days are summed, their sums, the open days.
        assert len(queries) == 4
        with CaptureQueriesContext(connection) as queries:
            reports.fiscal_years()
        assert len(queries) == 0

    def test_daily_fills_days_without_views(self):
        release = ReleaseFactory()
        ReleaseViewDayFactory(release=release, date=D(2026, 1, 2), views=3)
        ReleaseViewDayFactory(release=release, date=D(2026, 1, 2), channel="line", views=2)
        assert reports.daily(Period(D(2026, 1, 1), D(2026, 1, 3))) == [(D(2026, 1, 1), 0), (D(2026, 1, 2), 5), (D(2026, 1, 3), 0)]

    def test_most_read_order_and_period(self):
        a, b = ReleaseFactory(), ReleaseFactory()
        ReleaseViewDayFactory(release=a, date=D(2026, 1, 5), views=3)
        ReleaseViewDayFactory(release=b, date=D(2026, 1, 5), views=5)
        ReleaseViewDayFactory(release=a, date=D(2026, 1, 1), views=100)  # before the period
        rows = reports.most_read(Period(D(2026, 1, 2), D(2026, 1, 8)))
        assert [(row["release"], row["views"]) for row in rows] == [(b.pk, 5), (a.pk, 3)]

    def test_by_official_counts_releases_mentioning_them(self):
        one, two = OfficialFactory(name_th="หนึ่ง"), OfficialFactory(name_th="สอง")
        both, only_one = ReleaseFactory(), ReleaseFactory()
        both.officials.add(one, two)
        only_one.officials.add(one)
        ReleaseViewDayFactory(release=both, date=D(2026, 1, 1), views=2)
        ReleaseViewDayFactory(release=only_one, date=D(2026, 1, 1), views=3)
        ReleaseViewDayFactory(release=ReleaseFactory(), date=D(2026, 1, 1), views=7)  # nobody named
        assert reports.by_official(Period(D(2026, 1, 1), D(2026, 1, 1))) == [("หนึ่ง", 5), ("สอง", 2)]

    def test_by_channel_lists_every_channel(self):
        ReleaseViewDayFactory(date=D(2026, 1, 1), channel="line", views=4)
        rows = dict(reports.by_channel(Period(D(2026, 1, 1), D(2026, 1, 1))))
        assert rows["LINE"] == 4 and len(rows) == 6 and sum(rows.values()) == 4

    def test_fiscal_year_totals(self):
        ReleaseViewDayFactory(date=D(2025, 9, 30), views=1)
        ReleaseViewDayFactory(date=D(2025, 10, 1), views=2)
        ReleaseViewDayFactory(date=D(2026, 9, 30), channel="x", views=3)
        assert reports.fiscal_years() == [(2568, 1), (2569, 5)]

    def test_release_summary_first_days_and_before_tracking(self):
        release = ReleaseFactory(publish_at=datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC), view_count=0)
        type(release).objects.filter(pk=release.pk).update(view_count=1000)
        release.refresh_from_db()
        for day, views in ((D(2026, 3, 1), 10), (D(2026, 3, 3), 5), (D(2026, 3, 4), 100)):
            ReleaseViewDayFactory(release=release, date=day, views=views)
        summary = reports.release_summary(release)
        assert (summary["first_days"], summary["tracked"], summary["before_tracking"]) == (15, 115, 885)
        assert summary["first_tracked"] == D(2026, 3, 1)
