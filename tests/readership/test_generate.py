"""Generated daily views: inside the window, after publication, public releases only, added to view_count."""

import datetime

import pytest
from django.core.management import call_command
from django.db.models import F, Max, Min, Sum

from releases import generator
from releases.models import Release
from releases.readership import generate
from releases.readership.models import ReleaseViewDay

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
