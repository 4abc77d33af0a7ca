"""Generated daily views: inside the window, after publication, public releases only, added to view_count."""

import datetime

import pytest
from django.core.management import call_command
from django.db.models import F, Max, Min, Sum
from django.utils import timezone

from releases import generator
from releases.models import Release
from releases.readership import generate
from releases.readership.models import ReleaseViewDay
from tests.factories import ReleaseFactory

END = datetime.date(2026, 6, 30)


@pytest.mark.django_db
def test_daily_views_are_realistic_and_keep_the_invariant():
    generator.generate(300, seed=3, end_date=END, drafts=0.05)
    before = dict(Release.objects.values_list("pk", "view_count"))
    written = generate.daily_views(days=20, end_date=END, seed=3)
    assert written == ReleaseViewDay.objects.count() > 0
    span = ReleaseViewDay.objects.aggregate(first=Min("date"), last=Max("date"))
    assert span["first"] >= END - datetime.timedelta(days=19) and span["last"] <= END
    assert not ReleaseViewDay.objects.exclude(release__in=Release.objects.published()).exists()
    assert not ReleaseViewDay.objects.filter(date__lt=F("release__release_date")).exists()
    tracked = dict(ReleaseViewDay.objects.values_list("release").annotate(t=Sum("views")))
    for pk, count in Release.objects.values_list("pk", "view_count"):
        assert count - before[pk] == tracked.get(pk, 0)
    assert set(ReleaseViewDay.objects.values_list("channel", flat=True)) >= {"line", "facebook", "search"}


@pytest.mark.django_db
def test_command_option(capsys):
    call_command("generate_releases", "40", "--end-date", "2026-06-30", "--daily-views", "10", verbosity=0)
    assert "daily view rows over 10 days" in capsys.readouterr().out
    assert ReleaseViewDay.objects.exists()


@pytest.mark.django_db
def test_old_releases_get_a_sparse_tail_of_search_readers():
    """A release published long before the window is still read now and then, mostly from search."""
    old = ReleaseFactory(release_date=END - datetime.timedelta(days=2000), publish_at=timezone.now() - datetime.timedelta(days=2000))
    draft = ReleaseFactory(release_date=END - datetime.timedelta(days=2000), draft=True)
    generate.daily_views(days=365, end_date=END, seed=1)
    days = ReleaseViewDay.objects.filter(release=old)
    # ~1 % of 365 days: a few read days, never all of them, within the window, 1-3 views each.
    assert 0 < days.count() < 30
    assert days.aggregate(first=Min("date"))["first"] > END - datetime.timedelta(days=365)
    assert set(days.values_list("channel", flat=True)) <= set(generate.TAIL_CHANNELS)
    assert all(1 <= views <= 3 for views in days.values_list("views", flat=True))
    old.refresh_from_db()
    assert old.view_count == days.aggregate(t=Sum("views"))["t"]
    assert not ReleaseViewDay.objects.filter(release=draft).exists()
