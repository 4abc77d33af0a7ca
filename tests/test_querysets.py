"""Querysets of releases: the neighbours of a release (releases/querysets.py)."""

import datetime

import pytest
from django.utils import timezone

from releases.models import Release

from .factories import ReleaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive():
    """Releases with equal dates and equal publication times (ties broken by id), a draft and a scheduled one."""
    now = timezone.now()
    day = datetime.date(2021, 9, 29)
    made = [
        ReleaseFactory(release_date=day, publish_at=now - datetime.timedelta(hours=3)),
        ReleaseFactory(release_date=day, publish_at=now - datetime.timedelta(hours=2)),
        ReleaseFactory(release_date=day, publish_at=now - datetime.timedelta(hours=2)),
        ReleaseFactory(release_date=day + datetime.timedelta(days=1), publish_at=now - datetime.timedelta(hours=5)),
        ReleaseFactory(release_date=day - datetime.timedelta(days=3), publish_at=now - datetime.timedelta(days=3)),
    ]
    ReleaseFactory(release_date=day, draft=True)
    ReleaseFactory(release_date=day, publish_at=now + datetime.timedelta(hours=1))  # scheduled
    return made


def test_neighbours_as_with_neighbours_annotates_them(archive):
    for release in Release.objects.all():
        expected = Release.objects.filter(pk=release.pk).with_neighbours().values_list("older", "newer").get()
        assert Release.objects.neighbours(release.pk) == expected


def test_neighbours_walk_the_public_list_in_order(archive):
    listed = list(Release.objects.published().newest_first().values_list("pk", flat=True))
    assert len(listed) == 5
    for position, pk in enumerate(listed):
        older, newer = Release.objects.neighbours(pk)
        assert (older or {}).get("pk") == (listed[position + 1] if position + 1 < len(listed) else None)
        assert (newer or {}).get("pk") == (listed[position - 1] if position else None)


def test_a_scheduled_release_becomes_a_neighbour_when_due(archive):
    scheduled = Release.objects.scheduled().get()
    later = scheduled.publish_at + datetime.timedelta(minutes=1)
    pks = {link["pk"] for pk in Release.objects.published().values_list("pk", flat=True) for link in Release.objects.neighbours(pk) if link}
    assert scheduled.pk not in pks
    pks = {link["pk"] for pk in Release.objects.published(later).values_list("pk", flat=True) for link in Release.objects.neighbours(pk, now=later) if link}
    assert scheduled.pk in pks


def test_no_such_release():
    assert Release.objects.neighbours(10**9) is None
