"""Retention of daily views: kept by default, pruned past VIEW_DAYS_KEEP_DAYS, view_count untouched."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from releases.readership.models import ReleaseViewDay
from tests.factories import ReleaseFactory, ReleaseViewDayFactory

pytestmark = pytest.mark.django_db


def rows_on(release, *ages):
    for age in ages:
        ReleaseViewDayFactory(release=release, date=timezone.localdate() - datetime.timedelta(days=age))


def test_default_keeps_everything():
    rows_on(ReleaseFactory(), 0, 400, 4000)
    out = io.StringIO()
    call_command("prune_view_days", stdout=out)
    assert ReleaseViewDay.objects.count() == 3 and "nothing deleted" in out.getvalue()


def test_keeps_the_last_days_and_the_total(settings):
    settings.VIEW_DAYS_KEEP_DAYS = 30
    release = ReleaseFactory()
    type(release).objects.filter(pk=release.pk).update(view_count=3)
    rows_on(release, 0, 29, 30)
    call_command("prune_view_days", stdout=io.StringIO())
    assert sorted((timezone.localdate() - d).days for d in ReleaseViewDay.objects.values_list("date", flat=True)) == [0, 29]
    release.refresh_from_db()
    assert release.view_count == 3
